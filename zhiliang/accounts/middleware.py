"""Bearer-token authentication for the API, before auditing and views see the request.

A valid token sets ``request.user`` (so django-auditlog attributes row changes to it) and
``request.actor`` with the token's scopes. A present but unusable token is refused with 401 at
once: a client that sent credentials must never be served as the public.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from zhiliang.accounts import services


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if not header:
            return self.get_response(request)
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            return _unauthorised(_("Use 'Authorization: Bearer <token>'."))
        authenticated = services.authenticate_token(raw.strip())
        if authenticated is None:
            return _unauthorised(_("The API token is unknown, expired or revoked."))
        request.user, request.actor = authenticated  # type: ignore[attr-defined]
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]  # no cookies
        return self.get_response(request)


def _unauthorised(reason: str) -> JsonResponse:
    body = {
        "errors": [
            {"field": "Authorization", "code": "invalid_token", "reason": reason, "detail": {}}
        ]
    }
    response = JsonResponse(body, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="zhiliang"'
    return response

"""The JSON API: one NinjaAPI that mounts each app's router and renders every refusal alike.

Every error body is ``{"errors": [{"field", "code", "reason", "detail"}]}``: DomainError from a
service, ninja's own validation (422) and parse (400) errors, and authentication (401).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.api import router as accounts_router
from zhiliang.common.audit import record_refusal
from zhiliang.common.errors import DomainError
from zhiliang.grading.api import router as grading_router
from zhiliang.ledger.api import router as ledger_router
from zhiliang.registry.api import router as registry_router
from zhiliang.tracing.api import router as tracing_router

api = NinjaAPI(
    title="zhiliang API",
    version="1",
    description="质量 · product-quality regulation platform. Send `Authorization: Bearer <token>`.",
    urls_namespace="api",
)
api.add_router("/accounts", accounts_router)
api.add_router("/registry", registry_router)
api.add_router("/ledger", ledger_router)
api.add_router("/grading", grading_router)
api.add_router("/tracing", tracing_router)


def _errors(request: HttpRequest, status: int, problems: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"errors": problems}, status=status)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _audit_refusal(request: HttpRequest, exc: DomainError) -> None:
    """A refused write leaves one trace: its audit event (the transaction rolled back)."""
    if request.method not in SAFE_METHODS:
        record_refusal(actor_of(request), f"api {request.method} {request.path}", exc)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    _audit_refusal(request, exc)
    return api.create_response(request, exc.as_body(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ninja prefixes the parameter's source and name: ("body", "payload", "credit_code").
        if location and location[0] in {"body", "query", "path", "form", "header"}:
            location = location[2:] if len(location) > 2 else location[1:]
        problems.append(
            {
                "field": ".".join(location) or "body",
                "code": error.get("type", "invalid"),
                "reason": error.get("msg", _("Invalid value.")),
                "detail": {},
            }
        )
    return _errors(request, 422, problems)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    reason = _("Send 'Authorization: Bearer <token>' with a valid API token, or log in.")
    response = _errors(
        request,
        401,
        [{"field": "Authorization", "code": "unauthenticated", "reason": reason, "detail": {}}],
    )
    response["WWW-Authenticate"] = 'Bearer realm="zhiliang"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "malformed", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    reason = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
    return _errors(
        request, exc.status_code, [{"field": "body", "code": code, "reason": reason, "detail": {}}]
    )

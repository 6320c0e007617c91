"""HTTP plumbing shared by the EPCIS REST binding and the streaming code endpoints: RFC 7807
problem responses with the standard's exception types, caller checks, bounded body reading."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any, Final

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.utils import check_csrf

from zhiliang.accounts.actors import Actor, actor_of
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import DomainError
from zhiliang.tracing import ratelimit

PROBLEM: Final = "application/problem+json"
EPCIS_HEADERS: Final = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}
CAPTURE_MAX_EVENTS: Final = int(getattr(settings, "TRACING_CAPTURE_MAX_EVENTS", 50_000))
CAPTURE_MAX_BYTES: Final = int(getattr(settings, "TRACING_CAPTURE_MAX_BYTES", 64 * 1024 * 1024))
READ_CHUNK: Final = 1 << 16


class HttpProblem(Exception):
    """A response to send instead of the normal one (raised from checks inside a view)."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def problem(status: int, kind: str, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    body = {"type": f"epcisException:{kind}", "title": title, "status": status, **extra}
    if detail:
        body["detail"] = detail
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=PROBLEM
    )
    for name, value in EPCIS_HEADERS.items():
        response[name] = value
    return response


def from_domain_error(error: DomainError) -> HttpResponse:
    kind = {
        403: "SecurityException",
        404: "NoSuchResourceException",
        409: "ResourceAlreadyExistsException",
    }.get(error.status, "ValidationException")
    first = error.problems[0]
    return problem(
        error.status if error.status != 422 else 400,
        kind,
        first.code,
        str(first.reason),
        errors=[p.as_dict() for p in error.problems],
    )


def caller(request: HttpRequest, roles: Iterable[str], scope: str) -> Actor:
    """The Actor, if signed in with one of ``roles`` and ``scope``; else a 401 or 403 problem."""
    actor = actor_of(request)
    if actor.is_public:
        response = problem(
            401,
            "SecurityException",
            _("Unauthorised request"),
            _("Send 'Authorization: Bearer <token>' with a valid API token."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="zhiliang"'
        raise HttpProblem(response)
    session_write = actor.token_id is None and request.method not in ("GET", "HEAD", "OPTIONS")
    if session_write and check_csrf(request) is not None:  # a browser's write needs its token
        raise HttpProblem(problem(403, "SecurityException", _("CSRF check failed")))
    if actor.role not in set(roles) or not actor.has_scope(scope):
        raise HttpProblem(
            problem(
                403,
                "SecurityException",
                _("Access to resource forbidden"),
                _("Your role or token scopes do not allow this (%(scope)s).") % {"scope": scope},
            )
        )
    return actor


def limited(request: HttpRequest, bucket: str, who: str, limit: int) -> None:
    verdict = ratelimit.hit(bucket, who, limit)
    if not verdict.allowed:
        response = problem(
            429,
            "ImplementationException",
            _("Too many requests"),
            _("Wait a moment and try again."),
        )
        response["Retry-After"] = str(verdict.retry_after)
        raise HttpProblem(response)


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` (never read whole first)."""
    parts = []
    size = 0
    while chunk := request.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            response = problem(
                413,
                "CaptureLimitExceededException",
                _("Capture payload too large"),
                _("A capture holds at most %(bytes)d bytes and %(events)d events; split it.")
                % {"bytes": limit, "events": CAPTURE_MAX_EVENTS},
            )
            response["GS1-EPCIS-Capture-File-Size-Limit"] = str(limit)
            response["GS1-EPCIS-Capture-Limit"] = str(CAPTURE_MAX_EVENTS)
            raise HttpProblem(response)
        parts.append(chunk)
    return b"".join(parts)


def json_body(request: HttpRequest, limit: int) -> tuple[Any, str]:
    """The parsed JSON body and the SHA-256 of its bytes; 415 or 400 if it is not JSON."""
    media = request.content_type or ""
    if media not in ("application/json", "application/ld+json"):
        raise HttpProblem(
            problem(
                415,
                "UnsupportedMediaTypeException",
                _("Unsupported Media Type"),
                _("Send EPCIS documents as application/json or application/ld+json."),
            )
        )
    raw = read_body(request, limit)
    try:
        return json.loads(raw), hashlib.sha256(raw).hexdigest()
    except ValueError as exc:
        raise HttpProblem(
            problem(400, "ValidationException", _("The body is not JSON"), str(exc))
        ) from None


def lines(request: HttpRequest) -> Iterator[bytes]:
    """The request body line by line, straight from the socket: flat memory at any size."""
    yield from iter(request.readline, b"")


ENTERPRISE_ROLES: Final = (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR)

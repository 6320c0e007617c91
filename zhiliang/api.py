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
from zhiliang.common.errors import DomainError, Problem
from zhiliang.grading.api import router as grading_router
from zhiliang.grading.lab_api import lab_router
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
api.add_router("/lab", lab_router)
api.add_router("/tracing", tracing_router)


def _errors(request: HttpRequest, status: int, problems: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"errors": problems}, status=status)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _audit_refusal(request: HttpRequest, exc: DomainError, status: int | None = None) -> None:
    """A refused write leaves one trace: its audit event (the transaction rolled back)."""
    if request.method not in SAFE_METHODS:
        record_refusal(
            actor_of(request), f"api {request.method} {request.path}", exc, status=status
        )


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
        field = ".".join(location) or "body"
        problems.append(
            Problem(field, error.get("type", "invalid"), error.get("msg", _("Invalid value.")))
        )
    return _refuse(request, 422, DomainError(*problems))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    reason = _("Send 'Authorization: Bearer <token>' with a valid API token, or log in.")
    response = _refuse(
        request, 401, DomainError(Problem("Authorization", "unauthenticated", reason))
    )
    response["WWW-Authenticate"] = 'Bearer realm="zhiliang"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "malformed", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    reason = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
    return _refuse(request, exc.status_code, DomainError(Problem("body", code, reason)))


def _refuse(request: HttpRequest, status: int, refusal: DomainError) -> HttpResponse:
    """Every refusal the API itself makes is rendered and audited like a service's."""
    _audit_refusal(request, refusal, status)
    return api.create_response(request, refusal.as_body(), status=status)

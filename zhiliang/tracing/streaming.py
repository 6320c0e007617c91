"""The two code endpoints that carry millions of lines: registration reads the request body line
by line from the socket, the codes download writes the response line by line from a database
cursor, so memory stays flat whatever the batch size (T2). They are plain Django views because
the JSON API would read a body whole before the endpoint runs.

``POST /api/tracing/code-batches/registrations?product_model_id=…&scheme=…[&lot=…]`` with a
``text/plain`` or ``text/csv`` body of one code per line → 201 with the batch as JSON.
``GET /api/tracing/code-batches/{id}/codes`` → ``text/csv`` of code, QR content, text.
"""

import json
from datetime import date
from typing import Final

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zhiliang.accounts.roles import Role
from zhiliang.common.errors import DomainError
from zhiliang.tracing import scopes
from zhiliang.tracing.http import HttpProblem, caller, lines
from zhiliang.tracing.schemas import batch_document
from zhiliang.tracing.selectors import codes as selectors
from zhiliang.tracing.services import codes as services
from zhiliang.tracing.views.enterprise import _csv_rows

TEXT_TYPES: Final = ("text/plain", "text/csv", "application/octet-stream")


def _errors(error: DomainError) -> JsonResponse:
    return JsonResponse(
        error.as_body(), status=error.status, json_dumps_params={"ensure_ascii": False}
    )


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> HttpResponse:
    try:
        actor = caller(request, (Role.ENTERPRISE_MEMBER, Role.ADMIN), scopes.CODES)
    except HttpProblem as exc:
        return exc.response
    if (request.content_type or "") not in TEXT_TYPES:
        body = {
            "errors": [
                {
                    "field": "Content-Type",
                    "code": "unsupported_media_type",
                    "reason": _("Send one code per line as text/plain or text/csv."),
                    "detail": {},
                }
            ]
        }
        return JsonResponse(body, status=415, json_dumps_params={"ensure_ascii": False})
    params = request.GET
    try:
        model_id = int(params.get("product_model_id", ""))
        produced = params.get("produced_on")
        batch = services.register_codes(
            actor=actor,
            request=services.BatchRequest(
                product_model_id=model_id,
                scheme=params.get("scheme", ""),
                lot=params.get("lot", ""),
                produced_on=date.fromisoformat(produced) if produced else None,
            ),
            lines=lines(request),
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
    except ValueError:
        body = {
            "errors": [
                {
                    "field": "product_model_id",
                    "code": "invalid",
                    "reason": _("product_model_id and produced_on must be valid."),
                    "detail": {},
                }
            ]
        }
        return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})
    except DomainError as exc:
        return _errors(exc)
    response = HttpResponse(
        json.dumps(batch_document(batch), ensure_ascii=False),
        status=201,
        content_type="application/json",
    )
    response["Location"] = f"/api/tracing/code-batches/{batch.pk}"
    return response


@require_GET
def codes(request: HttpRequest, batch_id: int) -> HttpResponse | StreamingHttpResponse:
    try:
        actor = caller(request, (Role.ENTERPRISE_MEMBER, Role.ADMIN, Role.REGULATOR), scopes.READ)
        batch = selectors.get_batch(actor, batch_id)
    except HttpProblem as exc:
        return exc.response
    except DomainError as exc:
        return _errors(exc)
    response = StreamingHttpResponse(_csv_rows(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codes-{batch.pk}.csv"'
    return response

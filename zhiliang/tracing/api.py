"""Traceability endpoints under /api/tracing/: parse, call one selector or service, respond.

Code registration reads its body line by line and the codes download writes its body line by
line, so a batch of millions keeps memory flat (T2). The EPCIS 2.0 binding lives under /epcis/
(``epcis_views.py``).
"""

from datetime import date

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.api_auth import signed_in
from zhiliang.accounts.roles import Role
from zhiliang.tracing import scopes
from zhiliang.tracing.http import lines
from zhiliang.tracing.models import CodeBatch, CompanyPrefix, ProductionReport, Recall
from zhiliang.tracing.schemas import (
    BatchIn,
    BatchOut,
    CaptureOut,
    FlowsIn,
    NotifyOut,
    PhaseOut,
    PrefixIn,
    PrefixOut,
    ProductionIn,
    ProductionOut,
    RecallIn,
    RecallOut,
    ScopeOut,
    ShortfallOut,
)
from zhiliang.tracing.selectors import codes as code_selectors
from zhiliang.tracing.selectors import compliance
from zhiliang.tracing.selectors import recalls as recall_selectors
from zhiliang.tracing.services import codes as code_services
from zhiliang.tracing.services import recalls as recall_services
from zhiliang.tracing.services import reports
from zhiliang.tracing.views.enterprise import codes_csv

TEXT_TYPES = ("text/plain", "text/csv", "application/octet-stream")

router = Router(tags=["tracing"])
PRODUCER = signed_in(Role.ENTERPRISE_MEMBER, Role.ADMIN, scope=scopes.CODES)
REPORTER = signed_in(Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR, scope=scopes.CAPTURE)
READER = signed_in(scope=scopes.READ)
REGULATOR = signed_in(Role.REGULATOR, Role.ADMIN, scope=scopes.RECALL)
SUPERVISOR = signed_in(Role.REGULATOR, Role.ADMIN, Role.DEPARTMENT_READER, scope=scopes.READ)


@router.post("/code-batches", response={201: BatchOut}, auth=PRODUCER)
def issue_codes(request: HttpRequest, payload: BatchIn) -> tuple[int, CodeBatch]:
    batch = code_services.issue_codes(
        actor=actor_of(request),
        request=code_services.BatchRequest(**payload.dict()),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return 201, batch


@router.post("/code-batches/registrations", response={201: BatchOut}, auth=PRODUCER)
def register_codes(
    request: HttpRequest,
    product_model_id: int,
    scheme: str,
    lot: str = "",
    produced_on: date | None = None,
) -> tuple[int, CodeBatch]:
    """One code per line in a ``text/plain`` or ``text/csv`` body, read as it arrives: no body
    parameter is declared, so the body is never loaded whole."""
    if (request.content_type or "") not in TEXT_TYPES:
        raise HttpError(415, _("Send one code per line as text/plain or text/csv."))
    batch = code_services.register_codes(
        actor=actor_of(request),
        request=code_services.BatchRequest(product_model_id, scheme, 0, lot, produced_on),
        lines=lines(request),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return 201, batch


@router.get("/code-batches/{batch_id}/codes", auth=READER)
def batch_codes(request: HttpRequest, batch_id: int) -> StreamingHttpResponse:
    """The batch's codes as CSV (code, QR content, text), streamed from a database cursor."""
    batch = code_selectors.get_batch(actor_of(request), batch_id)
    response = StreamingHttpResponse(codes_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codes-{batch.pk}.csv"'
    return response


@router.get("/code-batches", response=list[BatchOut], auth=READER)
def list_batches(request: HttpRequest) -> list[CodeBatch]:
    return list(code_selectors.visible_batches(actor_of(request))[:100])


@router.get("/code-batches/{batch_id}", response=BatchOut, auth=READER)
def get_batch(request: HttpRequest, batch_id: int) -> CodeBatch:
    return code_selectors.get_batch(actor_of(request), batch_id)


@router.post("/company-prefixes", response={201: PrefixOut}, auth=PRODUCER)
def register_prefix(request: HttpRequest, payload: PrefixIn) -> tuple[int, CompanyPrefix]:
    return 201, reports.register_company_prefix(actor=actor_of(request), prefix=payload.prefix)


@router.post("/production-reports", response={201: ProductionOut}, auth=PRODUCER)
def report_production(request: HttpRequest, payload: ProductionIn) -> tuple[int, ProductionReport]:
    report = reports.report_production(
        actor=actor_of(request),
        product_model_id=payload.product_model_id,
        month=payload.month,
        units=payload.units_made,
    )
    return 201, report


@router.post("/flows", response={201: CaptureOut}, auth=REPORTER)
def report_flows(request: HttpRequest, payload: FlowsIn) -> tuple[int, dict[str, object]]:
    flows = [
        reports.Flow(f.step, f.codes, f.counterparty_credit_code, f.time) for f in payload.flows
    ]
    job = reports.report_flows(actor=actor_of(request), flows=flows, channel="api")
    return 201, {
        "capture_id": str(job.pk),
        "captured": job.captured,
        "duplicates": job.duplicates,
        "location": f"/epcis/capture/{job.pk}",
    }


@router.post("/recalls", response={201: RecallOut}, auth=REGULATOR)
def open_recall(request: HttpRequest, payload: RecallIn) -> tuple[int, Recall]:
    data = recall_services.RecallInput(**payload.dict())
    return 201, recall_services.open_recall(actor=actor_of(request), data=data)


@router.get("/recalls/{recall_id}", response=RecallOut, auth=SUPERVISOR)
def get_recall(request: HttpRequest, recall_id: int) -> Recall:
    return recall_selectors.get_recall(actor_of(request), recall_id)


@router.get("/recalls/{recall_id}/scope", response=ScopeOut, auth=SUPERVISOR)
def recall_scope(request: HttpRequest, recall_id: int) -> dict[str, object]:
    scope = recall_selectors.recall_scope(recall_selectors.get_recall(actor_of(request), recall_id))
    return {
        "units": scope.units,
        "sold_to_consumers": scope.sold_to_consumers,
        "destroyed": scope.destroyed,
        "by_region": dict(scope.by_region),
        "by_holder": {str(k): v for k, v in scope.by_holder.items()},
        "by_seller": {str(k): v for k, v in scope.by_seller.items()},
    }


@router.post("/recalls/{recall_id}/notify", response=NotifyOut, auth=REGULATOR)
def notify_holders(request: HttpRequest, recall_id: int) -> dict[str, int]:
    return {
        "notified": recall_services.notify_holders(actor=actor_of(request), recall_id=recall_id)
    }


@router.get("/compliance", response=list[ShortfallOut], auth=SUPERVISOR)
def list_shortfalls(request: HttpRequest, region: str | None = None) -> list[compliance.Shortfall]:
    return list(compliance.shortfalls(actor_of(request), timezone.localdate(), region))[:1000]


@router.get("/catalogue", response=list[PhaseOut], auth=None)
def catalogue(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {**phase.__dict__, "products": [p.name for p in phase.products]}
        for phase in compliance.catalogue(timezone.localdate())
    ]

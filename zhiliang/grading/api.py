"""Grading endpoints under /api/grading/: parse, call one selector or service, respond.

Public reads (records, verify, catalogue, standards, policies, exposures, profiles) need no
token; producers declare, regulators supervise.
"""

import base64
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.api_auth import signed_in
from zhiliang.accounts.roles import Role
from zhiliang.core.grading import schema_text
from zhiliang.grading import presenters, selectors, services, signing
from zhiliang.grading.models import CatalogueEntry, Evidence, Exposure, GradingStandard, Policy
from zhiliang.grading.schemas import (
    CaseIn,
    CaseOut,
    CatalogueEntryOut,
    DecisionIn,
    DeclarationIn,
    ErrorOut,
    EvidenceOut,
    ExposureOut,
    FindingOut,
    InspectionIn,
    InspectionOut,
    LabelKeyOut,
    PolicyOut,
    ProfileOut,
    RecordFilter,
    RecordOut,
    RecordPage,
    RenewalIn,
    StandardOut,
    VerifyOut,
    VerifyQuery,
)
from zhiliang.ledger import selectors as ledger_selectors

router = Router(tags=["grading"])
PRODUCER = signed_in(Role.ENTERPRISE_MEMBER)
REGULATOR = signed_in(Role.REGULATOR)
SIGNED_IN = signed_in()
REFUSED: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/records", response=RecordPage, auth=None)
def list_records(request: HttpRequest, filters: Query[RecordFilter]) -> dict[str, Any]:
    """Graded records for 质量分级专区 and anyone else: filter, page with limit and offset."""
    wanted = filters.dict(exclude={"limit", "offset"})
    return presenters.record_page(wanted, filters.limit, filters.offset)


@router.get("/records/{record_id}", response={200: RecordOut, 404: ErrorOut}, auth=None)
def get_record(request: HttpRequest, record_id: int) -> dict[str, Any]:
    record = selectors.get_public_record(record_id)
    return presenters.record_items([record], timezone.localdate())[0]


@router.post("/declarations", response={201: RecordOut, **REFUSED}, auth=PRODUCER)
def create_declaration(request: HttpRequest, payload: DeclarationIn) -> tuple[int, Any]:
    record = services.declare_grade(
        actor=actor_of(request),
        **payload.dict(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return 201, presenters.record_items([record], timezone.localdate())[0]


@router.post("/records/{record_id}/renew", response={201: RecordOut, **REFUSED}, auth=PRODUCER)
def renew_record(request: HttpRequest, record_id: int, payload: RenewalIn) -> tuple[int, Any]:
    record = selectors.get_visible_record(actor_of(request), record_id)
    renewed = services.declare_grade(
        actor=actor_of(request),
        product_model_id=record.product_model_id,
        renews_id=record.pk,
        **payload.dict(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return 201, presenters.record_items([renewed], timezone.localdate())[0]


@router.get("/verify", response=VerifyOut, auth=None)
def verify(request: HttpRequest, query: Query[VerifyQuery]) -> dict[str, Any]:
    """The label check done online: signature, record, status (verdict "genuine" only when
    all hold)."""
    today = timezone.localdate()
    return presenters.verification(selectors.verify_label_url(query.qr, today), today)


@router.get("/label-key", response=LabelKeyOut, auth=None)
def label_key(request: HttpRequest) -> dict[str, str]:
    """The Ed25519 public key that verifies label signatures and signed profiles."""
    key = signing.public_key()
    return {
        "algorithm": "Ed25519",
        "public_key_base64": base64.b64encode(key).decode("ascii"),
        "public_key_hex": key.hex(),
        "ledger_vkey": ledger_selectors.public_key(),
    }


@router.get("/catalogue", response=list[CatalogueEntryOut], auth=None)
def catalogue(request: HttpRequest, on: date | None = None) -> QuerySet[CatalogueEntry]:
    """The grading catalogue on a date (default today)."""
    return selectors.catalogue_on(on or timezone.localdate())


@router.get("/catalogue/history", response=list[CatalogueEntryOut], auth=None)
def catalogue_history(request: HttpRequest) -> QuerySet[CatalogueEntry]:
    return selectors.catalogue_history()


@router.get("/standards", response=list[StandardOut], auth=None)
def list_standards(request: HttpRequest) -> QuerySet[GradingStandard]:
    return selectors.standards()


@router.get("/standards/{standard_id}", response={200: StandardOut, 404: ErrorOut}, auth=None)
def get_standard(request: HttpRequest, standard_id: int) -> GradingStandard:
    return selectors.get_standard(standard_id)


@router.get("/standards/{standard_id}/rules", auth=None, response={404: ErrorOut})
def standard_rules(request: HttpRequest, standard_id: int, version: int | None = None) -> Any:
    """The standard's rule set as JSON (the latest version unless one is named)."""
    standard = selectors.get_standard(standard_id)
    found = (
        selectors.get_rule_version(standard_id, version)
        if version
        else selectors.current_rules(standard)
    )
    return JsonResponse(found.document, json_dumps_params={"ensure_ascii": False, "indent": 2})


@router.get("/rule-set-schema", auth=None)
def rule_set_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema every rule set is validated against."""
    return HttpResponse(schema_text(), content_type="application/schema+json; charset=utf-8")


@router.get("/policies", response=list[PolicyOut], auth=None)
def list_policies(request: HttpRequest) -> QuerySet[Policy]:
    return selectors.policies()


@router.get("/exposures", response=list[ExposureOut], auth=None)
@paginate
def list_exposures(request: HttpRequest) -> QuerySet[Exposure]:
    """Confirmed violations (曝光): false reports, 低级高标, forged or misused labels."""
    return selectors.exposures()


@router.get(
    "/enterprises/{enterprise_id}/profile", response={200: ProfileOut, 404: ErrorOut}, auth=None
)
def quality_profile(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    """An enterprise's signed quality profile for quality-based financing (质量融资增信)."""
    return presenters.quality_profile(enterprise_id, timezone.localdate())


@router.get("/evidence", response=list[EvidenceOut], auth=SIGNED_IN)
@paginate
def list_evidence(request: HttpRequest) -> QuerySet[Evidence]:
    """Reports and certificates the caller may cite or check (its own, its models', its
    jurisdiction's)."""
    return selectors.visible_evidence(actor_of(request))


@router.post("/inspections", response={201: InspectionOut, **REFUSED}, auth=REGULATOR)
def open_inspection(request: HttpRequest, payload: InspectionIn) -> tuple[int, Any]:
    return 201, services.open_inspection(actor=actor_of(request), **payload.dict())


@router.get("/inspections", response=list[InspectionOut], auth=REGULATOR)
@paginate
def list_inspections(request: HttpRequest) -> Any:
    return selectors.visible_inspections(actor_of(request))


@router.post(
    "/inspections/{inspection_id}/findings", response={201: FindingOut, **REFUSED}, auth=REGULATOR
)
def record_finding(
    request: HttpRequest,
    inspection_id: int,
    note: Form[str],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> tuple[int, Any]:
    """A finding with photos (multipart); each photo is stored and ledgered by its SHA-256."""
    uploads = [services.PhotoUpload(p.name or "", p.read()) for p in photos or []]
    finding = services.record_finding(
        actor=actor_of(request), inspection_id=inspection_id, note=note, photos=uploads
    )
    return 201, presenters.finding_item(finding)


@router.post(
    "/inspections/{inspection_id}/cases", response={201: CaseOut, **REFUSED}, auth=REGULATOR
)
def open_case(request: HttpRequest, inspection_id: int, payload: CaseIn) -> tuple[int, Any]:
    return 201, services.open_case(
        actor=actor_of(request), kind=payload.kind, inspection_id=inspection_id
    )


@router.get("/cases", response=list[CaseOut], auth=REGULATOR)
@paginate
def list_cases(request: HttpRequest) -> Any:
    return selectors.visible_cases(actor_of(request))


@router.post("/cases/{case_id}/confirm", response={200: ExposureOut, **REFUSED}, auth=REGULATOR)
def confirm_case(request: HttpRequest, case_id: int, payload: DecisionIn) -> Exposure:
    """Confirm a violation: the grading ends, the violation is exposed, ledgered and queued for
    the national enterprise credit publicity system."""
    return services.confirm_violation(actor=actor_of(request), case_id=case_id, note=payload.note)


@router.post("/cases/{case_id}/dismiss", response={200: CaseOut, **REFUSED}, auth=REGULATOR)
def dismiss_case(request: HttpRequest, case_id: int, payload: DecisionIn) -> Any:
    return services.dismiss_case(actor=actor_of(request), case_id=case_id, note=payload.note)

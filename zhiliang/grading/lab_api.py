"""Endpoints for testing and certification bodies under /api/lab/: signed evidence in, and its
revocation. The platform verifies every signature against the body's registered key."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.api_auth import signed_in
from zhiliang.accounts.roles import Role
from zhiliang.grading import presenters, selectors, services
from zhiliang.grading.models import Evidence
from zhiliang.grading.schemas import (
    ErrorOut,
    EvidenceOut,
    ImportOut,
    RevocationIn,
    SignedCertificateIn,
    SignedReportIn,
)

lab_router = Router(tags=["lab"])
LAB = signed_in(Role.LAB_STAFF)
REFUSED: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@lab_router.post("/reports", response={201: EvidenceOut, **REFUSED}, auth=LAB)
def submit_report(request: HttpRequest, payload: SignedReportIn) -> tuple[int, Evidence]:
    """A signed test report; sending the same signed report again returns the first result."""
    return 201, services.submit_evidence(
        actor=actor_of(request), kind="report", payload=payload.report, signature=payload.signature
    )


@lab_router.post("/certificates", response={201: EvidenceOut, **REFUSED}, auth=LAB)
def submit_certificate(request: HttpRequest, payload: SignedCertificateIn) -> tuple[int, Evidence]:
    return 201, services.submit_evidence(
        actor=actor_of(request),
        kind="certificate",
        payload=payload.certificate,
        signature=payload.signature,
    )


@lab_router.get("/reports", response=list[EvidenceOut], auth=LAB)
@paginate
def list_reports(request: HttpRequest) -> QuerySet[Evidence]:
    return selectors.visible_evidence(actor_of(request))


@lab_router.post("/reports/{evidence_id}/revoke", response={200: EvidenceOut, **REFUSED}, auth=LAB)
def revoke_report(request: HttpRequest, evidence_id: int, payload: RevocationIn) -> Evidence:
    """Withdraw a report or certificate; every grading record built on it is suspended."""
    return services.revoke_evidence(
        actor=actor_of(request), evidence_id=evidence_id, reason=payload.reason
    )


@lab_router.post("/reports/import", response={200: ImportOut, **REFUSED}, auth=LAB)
def import_reports(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """Signed report rows from an Excel sheet (see ``zhiliang lab sign --xlsx``)."""
    rows = services.import_workbook(actor=actor_of(request), data=file.read())
    return presenters.import_result(rows)

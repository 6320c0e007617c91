"""Supervision of grading (G6): label inspections, findings with photos, cases, exposure.

A confirmed violation ends the grading, goes to the public exposure list and the ledger, and is
queued in the outbox for the national enterprise credit publicity system, in one transaction.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common import outbox
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import Conflict, DomainError, Forbidden
from zhiliang.core.grading import Graded, Grader, MissingIndicator, level_of
from zhiliang.grading import facts, selectors, signing
from zhiliang.grading.models import (
    Case,
    CaseSource,
    CaseStatus,
    Declaration,
    Exposure,
    Finding,
    Inspection,
    LabelCheckResult,
    Photo,
    RecordStatus,
    ViolationKind,
)
from zhiliang.grading.problems import problem
from zhiliang.grading.selectors.labels import verify_label_url
from zhiliang.grading.services.common import CREDIT_PUBLICITY, ensure_endpoint
from zhiliang.grading.services.declarations import set_status
from zhiliang.ledger import services as ledger
from zhiliang.registry import selectors as registry_selectors
from zhiliang.registry.models import Region

MAX_PHOTO_BYTES = 5 * 1024 * 1024
_IMAGE_TYPES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


@dataclass(frozen=True)
class PhotoUpload:
    name: str
    data: bytes


def _regulator(actor: Actor) -> Region:
    if actor.role != Role.REGULATOR or not actor.jurisdiction_path:
        raise Forbidden(problem("role", "not_a_regulator"))
    return registry_selectors.regions().get(path=actor.jurisdiction_path)


@transaction.atomic(durable=True)
def open_inspection(
    *,
    actor: Actor,
    place_kind: str,
    place: str,
    scanned_url: str = "",
    shown_grade: str = "",
    record_id: int | None = None,
    seller_id: int | None = None,
) -> Inspection:
    """Record a check of label use in a shop or listing; a scanned QR URL is verified at once."""
    region = _regulator(actor)
    if not scanned_url and record_id is None:
        raise DomainError(problem("scanned_url", "nothing_to_inspect"))
    record = selectors.get_public_record(record_id) if record_id is not None else None
    check = LabelCheckResult.NOT_SCANNED
    if scanned_url:
        found = verify_label_url(scanned_url, timezone.localdate())
        if found.format_error:
            check = LabelCheckResult.MALFORMED
        elif not found.signature_valid:
            check = LabelCheckResult.SIGNATURE_INVALID
        elif found.record is None:
            check = LabelCheckResult.NO_RECORD
        else:
            check = LabelCheckResult.SIGNATURE_VALID
        record = record or found.record
    seller = registry_selectors.get_enterprise(actor, seller_id, "seller_id") if seller_id else None
    inspection = Inspection.objects.create(
        region=region,
        declaration=record,
        seller=seller,
        place_kind=place_kind,
        place=place.strip()[:500],
        shown_grade=shown_grade,
        scanned_url=scanned_url.strip()[:600],
        label_check=check,
        opened_by_id=actor.user_id,
    )
    record_audit(actor, "grading.inspection.open", inspection, {"label_check": check})
    return inspection


def _photo(upload: PhotoUpload, n: int) -> tuple[str, str, str]:
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise DomainError(problem(f"photos.{n}", "photo_too_large"))
    kind = next((v for magic, v in _IMAGE_TYPES.items() if upload.data.startswith(magic)), None)
    if kind is None:
        raise DomainError(problem(f"photos.{n}", "photo_type"))
    return hashlib.sha256(upload.data).hexdigest(), kind[0], kind[1]


@transaction.atomic(durable=True)
def record_finding(
    *, actor: Actor, inspection_id: int, note: str, photos: Sequence[PhotoUpload] = ()
) -> Finding:
    """A finding with its photos, each stored under its SHA-256; the hashes go into the ledger,
    so a photo shown later is provably the one recorded."""
    _regulator(actor)
    inspection = selectors.get_inspection(actor, inspection_id)
    if not note.strip():
        raise DomainError(problem("note", "required"))
    checked = [_photo(p, n) for n, p in enumerate(photos)]
    finding = Finding.objects.create(
        inspection=inspection, note=note.strip(), recorded_by_id=actor.user_id
    )
    for upload, (digest, content_type, extension) in zip(photos, checked, strict=True):
        path = f"grading/photos/{digest}.{extension}"
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(upload.data))
        Photo.objects.create(
            finding=finding,
            sha256=digest,
            content_type=content_type,
            size=len(upload.data),
            file=path,
        )
    body = {
        "inspection": inspection.pk,
        "finding": finding.pk,
        "region": inspection.region.code,
        "record": inspection.declaration_id,
        "note_sha256": hashlib.sha256(finding.note.encode("utf-8")).hexdigest(),
        "photos": [digest for digest, _type, _ext in checked],
    }
    finding.ledger_entry_id = ledger.append(facts.FINDING, body).id
    finding.save(update_fields=["ledger_entry_id"])
    record_audit(actor, "grading.finding.record", finding, {"photos": body["photos"]})
    return finding


def _open(
    actor: Actor,
    kind: str,
    source: str,
    region: Region,
    record: Declaration | None,
    inspection: Inspection | None,
    detail: Mapping[str, str],
) -> Case:
    if kind not in ViolationKind.values:
        raise DomainError(problem("kind", "required"))
    enterprise_id = (
        record.enterprise_id if record else (inspection.seller_id if inspection else None)
    )
    case = Case.objects.create(
        kind=kind,
        source=source,
        region=region,
        declaration=record,
        inspection=inspection,
        enterprise_id=enterprise_id,
        detail=dict(detail),
        opened_by_id=actor.user_id,
    )
    if record is not None and record.status == RecordStatus.VALID:
        locked = Declaration.objects.select_for_update(no_key=True).get(pk=record.pk)
        set_status(
            locked, RecordStatus.UNDER_INVESTIGATION, f"case {case.pk} opened", "investigated"
        )
    record_audit(actor, "grading.case.open", case, {"kind": kind})
    return case


@transaction.atomic(durable=True)
def open_case(
    *, actor: Actor, kind: str, inspection_id: int, detail: Mapping[str, str] | None = None
) -> Case:
    """Open an investigation of a suspected violation found in an inspection."""
    region = _regulator(actor)
    inspection = selectors.get_inspection(actor, inspection_id)
    return _open(
        actor,
        kind,
        CaseSource.INSPECTION,
        region,
        inspection.declaration,
        inspection,
        detail or {"shown_grade": inspection.shown_grade, "label_check": inspection.label_check},
    )


def _decidable(actor: Actor, case_id: int) -> Case:
    _regulator(actor)
    case = selectors.get_case(actor, case_id)
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise Conflict(problem("case_id", "case_closed"))
    return case


@transaction.atomic(durable=True)
def confirm_violation(*, actor: Actor, case_id: int, note: str = "") -> Exposure:
    """End the grading, expose the violation, ledger it and queue it for the national
    enterprise credit publicity system (联合惩戒, G6)."""
    case = _decidable(actor, case_id)
    case.status, case.decided_at, case.decision_note = CaseStatus.CONFIRMED, timezone.now(), note
    case.save(update_fields=["status", "decided_at", "decision_note"])
    record = case.declaration
    if record is not None:
        locked = Declaration.objects.select_for_update(no_key=True).get(pk=record.pk)
        set_status(locked, RecordStatus.REVOKED, f"violation {case.kind} confirmed", "revoked")
    model = f"{record.product_model.brand} {record.product_model.model}" if record else ""
    enterprise = case.enterprise
    exposure = Exposure.objects.create(
        case=case,
        enterprise=enterprise,
        kind=case.kind,
        summary=" ".join(p for p in (enterprise.name if enterprise else "", model) if p)[:300],
    )
    exposure.ledger_entry_id = ledger.append(facts.VIOLATION, facts.violation_fact(exposure)).id
    exposure.save(update_fields=["ledger_entry_id"])
    outbox.enqueue(
        ensure_endpoint(CREDIT_PUBLICITY),
        "grading.violation.confirmed",
        {
            "case": case.pk,
            "kind": case.kind,
            "enterprise": enterprise.credit_code if enterprise else None,
            "enterprise_name": enterprise.name if enterprise else None,
            "record": record.pk if record else None,
            "record_url": signing.record_url(record.pk) if record else None,
            "region": case.region.code,
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    record_audit(actor, "grading.case.confirm", case, {"exposure": exposure.pk})
    return exposure


@transaction.atomic(durable=True)
def dismiss_case(*, actor: Actor, case_id: int, note: str = "") -> Case:
    case = _decidable(actor, case_id)
    case.status, case.decided_at, case.decision_note = CaseStatus.DISMISSED, timezone.now(), note
    case.save(update_fields=["status", "decided_at", "decision_note"])
    record = case.declaration
    if record is not None and record.status == RecordStatus.UNDER_INVESTIGATION:
        still_open = record.cases.filter(status=CaseStatus.OPEN).exists()
        if not still_open:
            locked = Declaration.objects.select_for_update(no_key=True).get(pk=record.pk)
            set_status(locked, RecordStatus.VALID, f"case {case.pk} dismissed")
    record_audit(actor, "grading.case.dismiss", case)
    return case


@dataclass(frozen=True)
class Recheck:
    graded: Graded
    case: Case | None  # the 低级高标 case opened, if the grade fell below the declared one


@transaction.atomic
def recheck_from_spot_check(
    *, actor: Actor, record_id: int, measured: Mapping[str, Decimal], reference: str
) -> Recheck:
    """Recompute a record's grade from a later spot check's measured values, under the rule set
    the record was graded with; below the declared grade, open a 低级高标 case (G6).

    For the spot-check app: it runs inside the caller's transaction when there is one, so the
    spot-check result and the case it opens commit together. ``reference`` names the spot check
    (its sample or result id) in the case.
    """
    record = selectors.get_public_record(record_id)
    try:
        graded = Grader(record.rule_version.rules()).explain(measured)
    except MissingIndicator as exc:
        raise DomainError(
            problem("measured", "indicator_missing", missing=",".join(exc.keys))
        ) from None
    if level_of(graded.grade) >= level_of(record.grade):
        return Recheck(graded, None)
    case = _open(
        actor,
        ViolationKind.GRADE_ABOVE_EARNED,
        CaseSource.SPOT_CHECK,
        record.enterprise.town,
        record,
        None,
        {
            "spot_check": reference[:100],
            "declared": record.grade,
            "measured_grade": graded.grade or "",
            "limited_by": graded.limited_by or "",
        },
    )
    return Recheck(graded, case)

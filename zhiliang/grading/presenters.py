"""What leaves the platform about a record, a profile or a label check: plain dicts for the API
and the pages, built from selectors' results (URLs on ZHILIANG_PUBLIC_URL)."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zhiliang.core.grading.evidence import signing_bytes
from zhiliang.grading import labels, selectors, signing
from zhiliang.grading.models import Declaration, Exposure, Finding
from zhiliang.grading.selectors.labels import LabelVerification

if TYPE_CHECKING:
    from zhiliang.grading.services.evidence import ImportedRow

PROFILE_FORMAT = "zhiliang.quality-profile/1"


def qr_url(record: Declaration) -> str:
    return signing.signed_url(signing.claim_of(record), record.label_signature)


def label_url(record: Declaration, kind: str) -> str:
    return settings.PUBLIC_URL + reverse("grading:label", args=[record.pk, kind])


def record_item(record: Declaration, today: date, ledger_index: int | None) -> dict[str, Any]:
    model = record.product_model
    return {
        "id": record.pk,
        "product": model.product.name,
        "model": f"{model.brand} {model.model}",
        "enterprise": record.enterprise.name,
        "grade": record.grade,
        "standard": record.standard.number,
        "valid_until": record.valid_until,
        "status": record.status_on(today),
        "qr_url": qr_url(record),
        "label_svg_url": label_url(record, "svg"),
        "label_png_url": label_url(record, "png"),
        "label_pdf_url": label_url(record, "pdf"),
        "ledger_index": ledger_index,
    }


def record_items(records: list[Declaration], today: date) -> list[dict[str, Any]]:
    indices = selectors.ledger_indices(records)
    return [record_item(r, today, indices[r.pk]) for r in records]


def record_page(
    filters: Mapping[str, Any], limit: int, offset: int, today: date | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    records = selectors.filter_records(selectors.public_records(), filters, today).order_by(
        "-declared_at", "-pk"
    )
    page = list(records[offset : offset + limit])
    return {"items": record_items(page, today), "count": records.count()}


def label_content(record: Declaration) -> labels.LabelContent:
    model = record.product_model
    return labels.LabelContent(
        grade=record.grade,
        product=model.product.name,
        model=f"{model.brand} {model.model}",
        standard=record.standard.number,
        valid_until=record.valid_until,
        record_id=record.pk,
        qr_url=qr_url(record),
    )


def verification(found: LabelVerification, today: date) -> dict[str, Any]:
    claim = found.claim
    record = found.record
    return {
        "verdict": found.verdict,
        "format_error": found.format_error,
        "signature_valid": found.signature_valid,
        "matches_record": found.matches_record,
        "status": found.record_status,
        "claim": None
        if claim is None
        else {
            "record_url": claim.record_url,
            "grade": claim.grade,
            "standard": claim.standard,
            "expires": claim.expires,
        },
        "record": None if record is None else record_items([record], today)[0],
    }


def _iso(value: date | datetime) -> str:
    return value.isoformat()


def quality_profile(enterprise_id: int, today: date) -> dict[str, Any]:
    """An enterprise's grades, evidence dates and exposures, signed by the platform (G7: for
    quality-based financing, 质量融资增信). The signature covers the RFC 8785 canonical JSON of
    ``profile``; verify it with the key at /api/grading/label-key."""
    from zhiliang.registry import selectors as registry_selectors

    enterprise = registry_selectors.get_public_enterprise(enterprise_id)
    records = list(
        selectors.public_records()
        .filter(enterprise_id=enterprise.pk)
        .prefetch_related("evidence")
        .order_by("pk")
    )
    exposed: list[Exposure] = list(
        selectors.exposures().filter(enterprise_id=enterprise.pk).order_by("pk")
    )
    indices = selectors.ledger_indices(records)
    profile: dict[str, Any] = {
        "format": PROFILE_FORMAT,
        "issued_on": _iso(today),
        "issuer": settings.PUBLIC_URL,
        "enterprise": {"credit_code": enterprise.credit_code, "name": enterprise.name},
        "records": [
            {
                "record": r.pk,
                "product": r.product_model.product.code,
                "model": f"{r.product_model.brand} {r.product_model.model}",
                "grade": r.grade,
                "standard": r.standard.number,
                "status": r.status_on(today),
                "valid_until": _iso(r.valid_until),
                "evidence_dates": sorted(_iso(e.issued_on) for e in r.evidence.all()),
                "ledger_index": indices[r.pk],
            }
            for r in records
        ],
        "exposures": [
            {
                "kind": x.kind,
                "published_on": _iso(timezone.localdate(x.published_at)),
                "case": x.case_id,
            }
            for x in exposed
        ],
    }
    text = signing_bytes(profile).decode("utf-8")
    return {"profile": profile, "signature": signing.sign_text(text), "algorithm": "Ed25519"}


def finding_item(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "inspection_id": finding.inspection_id,
        "note": finding.note,
        "photos": [p.sha256 for p in finding.photos.all()],
    }


def import_result(rows: "list[ImportedRow]") -> dict[str, Any]:
    return {
        "accepted": sum(1 for r in rows if r.evidence_id is not None),
        "refused": sum(1 for r in rows if r.evidence_id is None),
        "rows": [
            {
                "row": r.row,
                "evidence_id": r.evidence_id,
                "errors": [p.as_dict() for p in r.problems],
            }
            for r in rows
        ],
    }

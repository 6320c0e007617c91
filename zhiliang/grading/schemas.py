"""What the grading and lab APIs accept and return. Bounded fields: oversized input is a 422."""

from datetime import date
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

Grade = Literal["AAAAA", "AAAA", "AAA", "AA", "A"]
Status = Literal["valid", "expired", "suspended", "revoked", "under_investigation", "renewed"]
Short = Annotated[str, StringConstraints(max_length=80)]


class ErrorOut(Schema):
    errors: list[dict[str, Any]]


class RecordFilter(Schema):
    product: Annotated[str | None, Field(max_length=20, description="product id or code")] = None
    enterprise: int | None = None
    grade: Grade | None = None
    status: Status | None = None
    region: Annotated[str | None, Field(max_length=12, description="region code")] = None
    standard: Short | None = None
    q: Annotated[str | None, Field(max_length=50)] = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


class RecordOut(Schema):
    id: int
    product: str
    model: str
    enterprise: str
    grade: str
    standard: str
    valid_until: date
    status: str
    qr_url: str
    label_svg_url: str
    label_png_url: str
    label_pdf_url: str
    ledger_index: int | None


class RecordPage(Schema):
    items: list[RecordOut]
    count: int


class DeclarationIn(Schema):
    product_model_id: int
    grade: Grade
    evidence_ids: list[int] = Field(..., max_length=20)
    standard: Short | None = None


class RenewalIn(Schema):
    grade: Grade
    evidence_ids: list[int] = Field(..., max_length=20)
    standard: Short | None = None


class ClaimOut(Schema):
    record_url: str
    grade: str
    standard: str
    expires: date


class VerifyQuery(Schema):
    qr: str = Field(..., max_length=2000, description="the URL a label's QR code holds")


class VerifyOut(Schema):
    verdict: Literal["genuine", "forged", "unknown_record", "mismatch", "not_valid"]
    format_error: str | None
    signature_valid: bool
    matches_record: bool
    status: str | None
    claim: ClaimOut | None
    record: RecordOut | None


class LabelKeyOut(Schema):
    algorithm: str
    public_key_base64: str
    public_key_hex: str
    ledger_vkey: str


class CatalogueEntryOut(Schema):
    product_code: str = Field(alias="product.code")
    product: str = Field(alias="product.name")
    batch: str
    effective_from: date
    until: date | None
    illustrative: bool
    source: str


class StandardOut(Schema):
    id: int
    product_code: str = Field(alias="product.code")
    product: str = Field(alias="product.name")
    number: str
    title: str
    level: str
    issuer: str
    published_on: date
    effective_from: date
    until: date | None
    text_url: str
    illustrative: bool
    note: str


class PolicyOut(Schema):
    title: str
    issuer: str
    published_on: date
    url: str
    summary: str


class ExposureOut(Schema):
    id: int
    kind: str
    enterprise: str | None = Field(None, alias="enterprise.name")
    credit_code: str | None = Field(None, alias="enterprise.credit_code")
    record_id: int | None = Field(None, alias="case.declaration_id")
    summary: str
    published_at: Any


class ProfileOut(Schema):
    profile: dict[str, Any]
    signature: str
    algorithm: str


class EvidenceOut(Schema):
    id: int
    kind: str
    body: str = Field(alias="body.name")
    number: str
    product_model_id: int
    standard_number: str
    sample_date: date | None
    issued_on: date
    valid_until: date | None
    measurements: dict[str, str]
    conforms_product_standard: bool | None
    conforms_mandatory: bool | None
    certified_grade: str
    revoked: bool
    revocation_reason: str


class SignedReportIn(Schema):
    """``report`` is the exact object the lab signed (``zhiliang.lab-report/1``); ``signature``
    the base64 Ed25519 signature over its RFC 8785 canonical JSON."""

    report: dict[str, Any]
    signature: Annotated[str, StringConstraints(max_length=100)]


class SignedCertificateIn(Schema):
    certificate: dict[str, Any]
    signature: Annotated[str, StringConstraints(max_length=100)]


class RevocationIn(Schema):
    reason: Annotated[str, StringConstraints(max_length=300)]


class ImportRowOut(Schema):
    row: int
    evidence_id: int | None
    errors: list[dict[str, Any]]


class ImportOut(Schema):
    accepted: int
    refused: int
    rows: list[ImportRowOut]


class InspectionIn(Schema):
    place_kind: Literal["shop", "online"]
    place: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    scanned_url: Annotated[str, StringConstraints(max_length=600)] = ""
    shown_grade: Grade | Literal[""] = ""
    record_id: int | None = None
    seller_id: int | None = None


class InspectionOut(Schema):
    id: int
    region: str = Field(alias="region.code")
    record_id: int | None = Field(None, alias="declaration_id")
    place_kind: str
    place: str
    shown_grade: str
    label_check: str
    suspicions: list[str]

    @staticmethod
    def resolve_suspicions(obj: Any) -> list[str]:
        """The violations the inspection points at; the regulator decides on a case."""
        from zhiliang.grading.selectors import suspicions

        return suspicions(obj)


class CaseIn(Schema):
    kind: Literal["false_report", "grade_above_earned", "forged_label", "misused_label"]


class DecisionIn(Schema):
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class CaseOut(Schema):
    id: int
    kind: str
    status: str
    source: str
    region: str = Field(alias="region.code")
    record_id: int | None = Field(None, alias="declaration_id")
    enterprise_id: int | None
    detail: dict[str, Any]


class FindingOut(Schema):
    id: int
    inspection_id: int
    note: str
    photos: list[str]

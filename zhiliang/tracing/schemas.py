"""What the traceability JSON API takes and gives."""

from datetime import date, datetime

from ninja import Field, Schema

from zhiliang.tracing.models import CodeBatch


class BatchIn(Schema):
    product_model_id: int
    scheme: str = Field(..., max_length=8, description="gs1, dic or ccc")
    count: int = Field(..., ge=1, le=5_000_000)
    lot: str = Field("", max_length=20)
    produced_on: date | None = None
    ccc_certificate: str = Field("", max_length=16)


class BatchOut(Schema):
    id: int
    product_model_id: int | None
    scheme: str
    origin: str
    lot: str
    produced_on: date | None
    count: int
    created_at: datetime
    codes_url: str
    labels_url: str

    @staticmethod
    def resolve_codes_url(obj: CodeBatch) -> str:
        return f"/api/tracing/code-batches/{obj.pk}/codes"

    @staticmethod
    def resolve_labels_url(obj: CodeBatch) -> str:
        return f"/tracing/batches/{obj.pk}/labels.pdf"


class PrefixIn(Schema):
    prefix: str = Field(..., min_length=6, max_length=12)


class PrefixOut(Schema):
    prefix: str
    enterprise_id: int


class ProductionIn(Schema):
    product_model_id: int
    month: date
    units_made: int = Field(..., ge=0, le=10**9)


class ProductionOut(Schema):
    id: int
    product_model_id: int
    month: date
    units_made: int


class FlowIn(Schema):
    step: str = Field(..., description="shipping, receiving or retail_selling")
    codes: list[str] = Field(..., min_length=1, max_length=10_000)
    counterparty_credit_code: str = Field("", max_length=18)
    time: datetime | None = None


class FlowsIn(Schema):
    flows: list[FlowIn] = Field(..., min_length=1, max_length=1000)


class CaptureOut(Schema):
    capture_id: str
    captured: int
    duplicates: int
    location: str


class RecallIn(Schema):
    product_model_id: int
    reason: str = Field(..., min_length=1, max_length=2000)
    lot_from: str = Field("", max_length=20)
    lot_to: str = Field("", max_length=20)
    codes: list[str] = Field(default_factory=list, max_length=100_000)


class RecallOut(Schema):
    id: int
    product_model_id: int
    lot_from: str
    lot_to: str
    reason: str
    status: str
    units: int
    sold_to_consumers: int
    opened_at: datetime
    notified_at: datetime | None


class ScopeOut(Schema):
    units: int
    sold_to_consumers: int
    destroyed: int
    by_region: dict[str, int]
    by_holder: dict[str, int]
    by_seller: dict[str, int]


class NotifyOut(Schema):
    notified: int


class ShortfallOut(Schema):
    credit_code: str
    name: str
    region: str | None
    models: int
    units_made: int | None
    units_coded: int
    flows: int
    reason: str


class PhaseOut(Schema):
    code: str
    label: str
    deadline: date
    scope: str
    due: bool
    products: list[str]

"""What the registry API accepts and returns. Bounded fields: oversized input is a 422."""

from datetime import date
from typing import Annotated, Literal

from ninja import Field, FilterLookup, FilterSchema, Schema
from pydantic import StringConstraints

Short = Annotated[str, StringConstraints(max_length=100)]
Text = Annotated[str, StringConstraints(max_length=300)]
Code = Annotated[str, StringConstraints(max_length=40)]
RoleName = Literal["producer", "seller", "online_shop", "platform"]
SizeName = Literal["large", "medium", "small", "micro"]
StatusName = Literal["有效", "暂停", "撤销", "注销", "过期"]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent.code")
    nbs_code: str
    status: str


class RegionFilter(FilterSchema):
    level: Literal["nation", "province", "city", "county", "town"] | None = None
    parent: Annotated[str | None, FilterLookup("parent__code"), Field(max_length=12)] = None


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    parent_id: int | None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    category: str = Field(alias="category.name")
    requires_production_licence: bool
    requires_ccc: bool
    has_mandatory_standard: bool
    key_supervision: bool
    tracing_phase: str
    in_grading_catalogue: bool
    illustrative: bool


class ProductFilter(FilterSchema):
    category_id: int | None = None
    requires_ccc: bool | None = None
    requires_production_licence: bool | None = None
    in_grading_catalogue: bool | None = None
    tracing_phase: Literal["2024", "2025", "2027"] | None = None
    q: Annotated[str | None, FilterLookup("name__icontains"), Field(max_length=50)] = None


class TestingBodyOut(Schema):
    id: int
    name: str
    credit_code: str
    region_code: str = Field(alias="region.code")
    is_lab: bool
    is_certification_body: bool
    cma_number: str
    cnas_number: str
    accredited_until: date
    public_key: str
    illustrative: bool


class EnterpriseIn(Schema):
    credit_code: Annotated[str, StringConstraints(max_length=40)]
    name: Annotated[str, StringConstraints(max_length=200)]
    address: Text
    town_code: Code
    size: SizeName
    roles: list[RoleName] = Field(..., max_length=4)
    legal_representative: Annotated[str, StringConstraints(max_length=50)] = ""
    established_on: date | None = None


class EnterprisePatch(Schema):
    name: Annotated[str, StringConstraints(max_length=200)] | None = None
    address: Text | None = None
    town_code: Code | None = None
    size: SizeName | None = None
    roles: list[RoleName] | None = Field(None, max_length=4)
    legal_representative: Annotated[str, StringConstraints(max_length=50)] | None = None
    established_on: date | None = None


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    address: str
    town_code: str = Field(alias="town.code")
    town: str = Field(alias="town.name")
    size: str
    roles: list[str]
    legal_representative: str
    established_on: date | None
    published: bool
    illustrative: bool


class EnterpriseFilter(FilterSchema):
    q: Annotated[str | None, Field(max_length=50)] = None
    region: str | None = Field(None, max_length=12)
    role: RoleName | None = None
    size: SizeName | None = None


class PublicEnterpriseOut(Schema):
    """The published registration profile: nothing beyond what the credit publicity shows."""

    id: int
    credit_code: str
    name: str
    address: str
    town_code: str = Field(alias="town.code")
    town: str = Field(alias="town.name")
    roles: list[str]
    illustrative: bool


class CertificateIn(Schema):
    number: Code
    product_id: int | None = None
    issued_on: date
    valid_until: date
    status: StatusName = "有效"


class CertificateOut(Schema):
    id: int
    enterprise_id: int
    number: str
    product_id: int | None
    issued_on: date
    valid_until: date
    status: str


class QualityCertificationIn(Schema):
    standard: Annotated[str, StringConstraints(max_length=60)]
    number: Annotated[str, StringConstraints(max_length=60)]
    body_name: Annotated[str, StringConstraints(max_length=200)]
    valid_until: date


class QualityCertificationOut(Schema):
    id: int
    enterprise_id: int
    standard: str
    number: str
    body_name: str
    valid_until: date
    status: str


class EnterpriseDetailOut(EnterpriseOut):
    licences: list[CertificateOut]
    ccc_certificates: list[CertificateOut]
    quality_certifications: list[QualityCertificationOut]


class ProductModelIn(Schema):
    enterprise_id: int
    product_id: int
    brand: Short
    model: Short
    specification: Annotated[str, StringConstraints(max_length=200)] = ""
    gtin: Annotated[str, StringConstraints(max_length=20)] | None = None
    published: bool = False


class ProductModelOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    product_id: int
    product: str = Field(alias="product.name")
    brand: str
    model: str
    specification: str
    gtin: str | None
    published: bool

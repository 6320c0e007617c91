"""Every write to the registry: checks first (all problems at once), then one transaction.

Registration facts are public (they are on the national enterprise credit publicity system), so
each accepted write is audited with its actor and, once the ledger exists, appended to it.
"""

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common import idempotency
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import Conflict, DomainError, Forbidden, Problem
from zhiliang.core import identifiers
from zhiliang.ledger import services as ledger
from zhiliang.registry import facts, selectors
from zhiliang.registry.models import (
    CccCertificate,
    CertificateStatus,
    Enterprise,
    EnterpriseSize,
    Product,
    ProductionLicence,
    ProductModel,
    QualityCertification,
    Region,
    RegionLevel,
)
from zhiliang.registry.problems import identifier_problem

ENTERPRISE_ROLES = ("producer", "seller", "online_shop", "platform")


@dataclasses.dataclass(frozen=True)
class EnterpriseInput:
    credit_code: str
    name: str
    address: str
    town_code: str
    size: str
    roles: Sequence[str]
    legal_representative: str = ""
    established_on: date | None = None


def _town_for(actor: Actor, town_code: str, problems: list[Problem]) -> Region | None:
    """The town an enterprise is registered in; a regulator registers only inside its subtree."""
    try:
        identifiers.level_of(town_code)
    except identifiers.InvalidIdentifier as exc:
        problems.append(identifier_problem("town_code", exc))
        return None
    town = selectors.regions().filter(code=town_code).first()
    if town is None:
        problems.append(
            Problem(
                "town_code",
                "unknown_region",
                _("No region has the code %(code)s.") % {"code": town_code},
            )
        )
        return None
    if town.level != RegionLevel.TOWN:
        problems.append(
            Problem(
                "town_code",
                "not_a_town",
                _("An enterprise is registered in a town or street, not in a %(level)s.")
                % {"level": town.get_level_display()},
            )
        )
        return None
    if actor.role == Role.REGULATOR and not town.path.startswith(actor.jurisdiction_path or "-"):
        problems.append(
            Problem(
                "town_code", "outside_jurisdiction", _("This town is outside your jurisdiction.")
            )
        )
        return None
    return town


def _check_enterprise_fields(data: EnterpriseInput, problems: list[Problem]) -> None:
    if not data.name.strip():
        problems.append(Problem("name", "required", _("The name is required.")))
    if not data.address.strip():
        problems.append(Problem("address", "required", _("The address is required.")))
    if data.size not in EnterpriseSize.values:
        problems.append(
            Problem("size", "invalid_choice", _("Size is one of large, medium, small, micro."))
        )
    unknown = [r for r in data.roles if r not in ENTERPRISE_ROLES]
    if unknown or not data.roles:
        problems.append(
            Problem(
                "roles",
                "invalid_choice",
                _("Roles are one or more of producer, seller, online_shop, platform."),
                {"unknown": unknown},
            )
        )
    if data.established_on and data.established_on > timezone.localdate():
        problems.append(
            Problem("established_on", "in_future", _("The establishment date is in the future."))
        )


@transaction.atomic(durable=True)
def register_enterprise(
    *, actor: Actor, data: EnterpriseInput, idempotency_key: str | None = None
) -> Enterprise:
    """Register an enterprise under its credit code (regulators, in their subtree; admins)."""
    request = dataclasses.asdict(data)
    if earlier := idempotency.replay(
        actor, idempotency_key, "registry.enterprise.register", request, Enterprise
    ):
        return earlier
    if actor.role not in (Role.REGULATOR, Role.ADMIN):
        raise Forbidden(
            Problem(
                "role", "not_allowed", _("Only regulators and administrators register enterprises.")
            )
        )
    problems: list[Problem] = []
    try:
        identifiers.parse_uscc(data.credit_code)
    except identifiers.InvalidIdentifier as exc:
        problems.append(identifier_problem("credit_code", exc))
    town = _town_for(actor, data.town_code, problems)
    _check_enterprise_fields(data, problems)
    if problems:
        raise DomainError(*problems)
    if Enterprise.objects.filter(credit_code=data.credit_code).exists():
        raise Conflict(
            Problem(
                "credit_code",
                "already_registered",
                _("An enterprise with this credit code is already registered."),
            )
        )
    assert town is not None
    enterprise = Enterprise.objects.create(
        credit_code=data.credit_code,
        name=data.name.strip(),
        address=data.address.strip(),
        town=town,
        size=data.size,
        legal_representative=data.legal_representative,
        established_on=data.established_on,
        **{f"is_{role}": role in data.roles for role in ENTERPRISE_ROLES},
    )
    ledger.append(facts.ENTERPRISE, facts.enterprise_fact(enterprise))
    idempotency.remember(
        actor, idempotency_key, "registry.enterprise.register", request, enterprise
    )
    record_audit(actor, "registry.enterprise.register", enterprise)
    return enterprise


# Fields an enterprise may correct itself; the rest are the registration authority's.
SELF_SERVICE_FIELDS = frozenset({"address", "legal_representative"})
NULLABLE_FIELDS = frozenset({"established_on"})
UPDATABLE_FIELDS = frozenset(
    {"name", "address", "town_code", "size", "roles", "legal_representative", "established_on"}
)


@transaction.atomic(durable=True)
def update_enterprise(
    *, actor: Actor, enterprise_id: int, changes: dict[str, object]
) -> Enterprise:
    enterprise = selectors.get_editable_enterprise(actor, enterprise_id)
    enterprise = Enterprise.objects.select_for_update(no_key=True).get(pk=enterprise.pk)
    problems = [
        Problem(name, "not_updatable", _("This field cannot be changed here."))
        for name in changes
        if name not in UPDATABLE_FIELDS
    ]
    problems += [
        Problem(name, "required", _("This field cannot be empty."))
        for name, value in changes.items()
        if value is None and name in UPDATABLE_FIELDS - NULLABLE_FIELDS
    ]
    if actor.role == Role.ENTERPRISE_MEMBER:
        problems += [
            Problem(
                name,
                "registration_authority_only",
                _("Only the registration authority changes this field."),
            )
            for name in changes
            if name in UPDATABLE_FIELDS - SELF_SERVICE_FIELDS
        ]
    if problems:
        raise DomainError(*problems)
    current = EnterpriseInput(
        credit_code=enterprise.credit_code,
        name=enterprise.name,
        address=enterprise.address,
        town_code=enterprise.town.code,
        size=enterprise.size,
        roles=enterprise.roles,
        legal_representative=enterprise.legal_representative,
        established_on=enterprise.established_on,
    )
    data = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
    town = _town_for(actor, data.town_code, problems) if "town_code" in changes else None
    _check_enterprise_fields(data, problems)
    if problems:
        raise DomainError(*problems)
    before = dataclasses.asdict(current)
    enterprise.name, enterprise.address = data.name.strip(), data.address.strip()
    enterprise.size, enterprise.legal_representative = data.size, data.legal_representative
    enterprise.established_on = data.established_on
    if town is not None:
        enterprise.town = town
    for role in ENTERPRISE_ROLES:
        setattr(enterprise, f"is_{role}", role in data.roles)
    enterprise.save()
    record_audit(
        actor,
        "registry.enterprise.update",
        enterprise,
        {
            "before": {k: str(v) for k, v in before.items() if k in changes},
            "after": {k: str(v) for k, v in changes.items()},
        },
    )
    return enterprise


def _check_period(issued_on: date, valid_until: date, problems: list[Problem]) -> None:
    if valid_until < issued_on:
        problems.append(
            Problem(
                "valid_until", "before_issue", _("The certificate expires before it was issued.")
            )
        )
    if issued_on > timezone.localdate():
        problems.append(Problem("issued_on", "in_future", _("The issue date is in the future.")))


def _check_status(status: str, problems: list[Problem]) -> None:
    if status not in CertificateStatus.values:
        problems.append(
            Problem("status", "invalid_choice", _("Status is one of 有效, 暂停, 撤销, 注销, 过期."))
        )


@dataclasses.dataclass(frozen=True)
class _CertificateKind:
    """How one kind of certificate is checked, stored and ledgered."""

    action: str
    model: type[CccCertificate] | type[ProductionLicence]
    parse: Callable[[str], object]
    fact_kind: str
    fact: Callable[[Any, str], dict[str, Any]]
    duplicate: Promise


CCC = _CertificateKind(
    "registry.ccc.add",
    CccCertificate,
    lambda number: identifiers.parse_ccc(number, today=timezone.localdate()),
    facts.CCC_CERTIFICATE,
    facts.ccc_fact,
    gettext_lazy("This CCC certificate is already registered."),
)
LICENCE = _CertificateKind(
    "registry.licence.add",
    ProductionLicence,
    identifiers.parse_licence,
    facts.LICENCE,
    facts.licence_fact,
    gettext_lazy("This production licence is already registered."),
)


def add_ccc_certificate(
    *,
    actor: Actor,
    enterprise_id: int,
    number: str,
    issued_on: date,
    valid_until: date,
    product_id: int | None = None,
    status: str = CertificateStatus.VALID,
    idempotency_key: str | None = None,
) -> CccCertificate:
    certificate = _add_certificate(
        CCC,
        actor,
        enterprise_id,
        number,
        issued_on,
        valid_until,
        product_id,
        status,
        idempotency_key,
    )
    assert isinstance(certificate, CccCertificate)
    return certificate


def add_licence(
    *,
    actor: Actor,
    enterprise_id: int,
    number: str,
    issued_on: date,
    valid_until: date,
    product_id: int | None = None,
    status: str = CertificateStatus.VALID,
    idempotency_key: str | None = None,
) -> ProductionLicence:
    licence = _add_certificate(
        LICENCE,
        actor,
        enterprise_id,
        number,
        issued_on,
        valid_until,
        product_id,
        status,
        idempotency_key,
    )
    assert isinstance(licence, ProductionLicence)
    return licence


@transaction.atomic(durable=True)
def _add_certificate(
    kind: _CertificateKind,
    actor: Actor,
    enterprise_id: int,
    number: str,
    issued_on: date,
    valid_until: date,
    product_id: int | None,
    status: str,
    idempotency_key: str | None,
) -> CccCertificate | ProductionLicence:
    """Register a certificate the enterprise holds (the enterprise itself, its regulator or an
    administrator); checked by layout here, by the issuing authority's register elsewhere."""
    request = {
        "enterprise_id": enterprise_id,
        "number": number,
        "issued_on": issued_on,
        "valid_until": valid_until,
        "product_id": product_id,
        "status": status,
    }
    if earlier := idempotency.replay(actor, idempotency_key, kind.action, request, kind.model):
        return earlier
    enterprise = selectors.get_editable_enterprise(actor, enterprise_id)
    problems: list[Problem] = []
    try:
        kind.parse(number)
    except identifiers.InvalidIdentifier as exc:
        problems.append(identifier_problem("number", exc))
    _check_period(issued_on, valid_until, problems)
    _check_status(status, problems)
    product = _product_or_problem(product_id, problems)
    if problems:
        raise DomainError(*problems)
    if kind.model.objects.filter(number=number).exists():
        raise Conflict(Problem("number", "already_registered", str(kind.duplicate)))
    certificate = kind.model.objects.create(
        enterprise=enterprise,
        number=number,
        product=product,
        issued_on=issued_on,
        valid_until=valid_until,
        status=status,
    )
    ledger.append(kind.fact_kind, kind.fact(certificate, enterprise.credit_code))
    idempotency.remember(actor, idempotency_key, kind.action, request, certificate)
    record_audit(actor, kind.action, certificate)
    return certificate


@transaction.atomic(durable=True)
def add_quality_certification(
    *,
    actor: Actor,
    enterprise_id: int,
    standard: str,
    number: str,
    body_name: str,
    valid_until: date,
) -> QualityCertification:
    enterprise = selectors.get_editable_enterprise(actor, enterprise_id)
    problems = [
        Problem(name, "required", _("This field is required."))
        for name, value in (("standard", standard), ("number", number), ("body_name", body_name))
        if not value.strip()
    ]
    if problems:
        raise DomainError(*problems)
    if QualityCertification.objects.filter(body_name=body_name, number=number).exists():
        raise Conflict(
            Problem("number", "already_registered", _("This certificate is already registered."))
        )
    certification = QualityCertification.objects.create(
        enterprise=enterprise,
        standard=standard.strip(),
        number=number.strip(),
        body_name=body_name.strip(),
        valid_until=valid_until,
    )
    record_audit(actor, "registry.quality_certification.add", certification)
    return certification


def _product_or_problem(product_id: int | None, problems: list[Problem]) -> Product | None:
    if product_id is None:
        return None
    product = selectors.products().filter(pk=product_id).first()
    if product is None:
        problems.append(Problem("product_id", "not_found", _("No such product.")))
    return product


@transaction.atomic(durable=True)
def create_product_model(
    *,
    actor: Actor,
    enterprise_id: int,
    product_id: int,
    brand: str,
    model: str,
    specification: str = "",
    gtin: str | None = None,
    published: bool = False,
    idempotency_key: str | None = None,
) -> ProductModel:
    request = {
        "enterprise_id": enterprise_id,
        "product_id": product_id,
        "brand": brand,
        "model": model,
        "specification": specification,
        "gtin": gtin,
        "published": published,
    }
    if earlier := idempotency.replay(
        actor, idempotency_key, "registry.product_model.create", request, ProductModel
    ):
        return earlier
    enterprise = selectors.get_editable_enterprise(actor, enterprise_id)
    if actor.role not in (Role.ENTERPRISE_MEMBER, Role.ADMIN):
        raise Forbidden(
            Problem("role", "not_allowed", _("Product models are registered by their enterprise."))
        )
    problems: list[Problem] = []
    if not enterprise.is_producer:
        problems.append(
            Problem("enterprise_id", "not_a_producer", _("Only producers register product models."))
        )
    product = _product_or_problem(product_id, problems)
    problems += [
        Problem(name, "required", _("This field is required."))
        for name, value in (("brand", brand), ("model", model))
        if not value.strip()
    ]
    canonical_gtin = None
    if gtin:
        try:
            canonical_gtin = identifiers.gtin14(gtin)
        except identifiers.InvalidIdentifier as exc:
            problems.append(identifier_problem("gtin", exc))
    if problems:
        raise DomainError(*problems)
    if canonical_gtin and ProductModel.objects.filter(gtin=canonical_gtin).exists():
        raise Conflict(
            Problem(
                "gtin", "already_registered", _("Another product model already uses this GTIN.")
            )
        )
    if ProductModel.objects.filter(
        enterprise=enterprise, brand=brand.strip(), model=model.strip(), specification=specification
    ).exists():
        raise Conflict(
            Problem("model", "already_registered", _("This product model is already registered."))
        )
    assert product is not None
    product_model = ProductModel.objects.create(
        enterprise=enterprise,
        product=product,
        brand=brand.strip(),
        model=model.strip(),
        specification=specification.strip(),
        gtin=canonical_gtin,
        published=published,
    )
    idempotency.remember(
        actor, idempotency_key, "registry.product_model.create", request, product_model
    )
    record_audit(actor, "registry.product_model.create", product_model)
    return product_model

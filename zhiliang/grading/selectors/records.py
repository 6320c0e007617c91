"""Reads of grading records. Records are public facts (G3): anyone reads every record and its
status; the console lists narrow them to what an actor works on (its enterprise, its
jurisdiction's subtree)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem
from zhiliang.grading.models import Declaration, Exposure, Notice, RecordStatus
from zhiliang.grading.models.records import EXPIRED
from zhiliang.ledger import selectors as ledger_selectors
from zhiliang.registry.models import Region

REMINDER_DAYS = 30


def public_records() -> QuerySet[Declaration]:
    return Declaration.objects.select_related(
        "product_model", "product_model__product", "enterprise", "enterprise__town", "standard"
    )


def visible_records(actor: Actor) -> QuerySet[Declaration]:
    """Records an actor works on in its console; the public pages use ``public_records``."""
    records = public_records()
    match actor.role:
        case Role.ADMIN:
            return records
        case Role.REGULATOR | Role.DEPARTMENT_READER if actor.jurisdiction_path:
            return records.filter(enterprise__town__path__startswith=actor.jurisdiction_path)
        case Role.ENTERPRISE_MEMBER if actor.enterprise_id:
            return records.filter(enterprise_id=actor.enterprise_id)
        case Role.LAB_STAFF if actor.lab_id:
            return records.filter(evidence__body_id=actor.lab_id).distinct()
        case _:
            return records.none()


def get_public_record(record_id: int) -> Declaration:
    try:
        return public_records().get(pk=record_id)
    except Declaration.DoesNotExist:
        raise NotFound(Problem("record_id", "not_found", _("No such grading record."))) from None


def get_visible_record(actor: Actor, record_id: int) -> Declaration:
    try:
        return visible_records(actor).get(pk=record_id)
    except Declaration.DoesNotExist:
        raise NotFound(Problem("record_id", "not_found", _("No such grading record."))) from None


def with_status(records: QuerySet[Declaration], status: str, today: date) -> QuerySet[Declaration]:
    if status == EXPIRED:
        return records.filter(status=RecordStatus.VALID, valid_until__lt=today)
    if status == RecordStatus.VALID:
        return records.filter(status=RecordStatus.VALID, valid_until__gte=today)
    return records.filter(status=status)


def filter_records(
    records: QuerySet[Declaration], filters: Mapping[str, str | int | None], today: date
) -> QuerySet[Declaration]:
    """The list filters of pages and API alike: product, enterprise, grade, status, region,
    standard and free text."""
    if product := filters.get("product"):
        records = records.filter(
            Q(product_model__product__code=product)
            | Q(product_model__product_id=int(product) if str(product).isdigit() else 0)
        )
    if enterprise := filters.get("enterprise"):
        records = records.filter(enterprise_id=enterprise)
    if grade := filters.get("grade"):
        records = records.filter(grade=grade)
    if status := filters.get("status"):
        records = with_status(records, str(status), today)
    if region := filters.get("region"):
        found = Region.objects.filter(code=region).values_list("path", flat=True).first()
        records = (
            records.filter(enterprise__town__path__startswith=found) if found else records.none()
        )
    if standard := filters.get("standard"):
        records = records.filter(standard__number=standard)
    if q := filters.get("q"):
        records = records.filter(
            Q(enterprise__name__icontains=q)
            | Q(product_model__model__icontains=q)
            | Q(product_model__brand__icontains=q)
            | Q(product_model__product__name__icontains=q)
        )
    return records


def ledger_indices(records: list[Declaration]) -> dict[int, int | None]:
    """Record id → its leaf index in the ledger (None while pending), in one query."""
    entries = {r.pk: r.ledger_entry_id for r in records}
    found = ledger_selectors.leaf_index_of([e for e in entries.values() if e is not None])
    return {pk: (found.get(entry) if entry is not None else None) for pk, entry in entries.items()}


def expiring(today: date) -> QuerySet[Declaration]:
    """Valid records that expire within the reminder window and were not reminded yet."""
    return Declaration.objects.filter(
        status=RecordStatus.VALID,
        reminded_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=REMINDER_DAYS),
    )


@dataclass(frozen=True)
class Counts:
    valid: int
    expiring: int


def counts_for(actor: Actor) -> Counts:
    today = timezone.localdate()
    records = visible_records(actor)
    valid = with_status(records, RecordStatus.VALID, today)
    return Counts(
        valid=valid.count(),
        expiring=valid.filter(valid_until__lte=today + timedelta(days=REMINDER_DAYS)).count(),
    )


def exposures() -> QuerySet[Exposure]:
    return Exposure.objects.select_related(
        "enterprise", "case", "case__declaration", "case__declaration__product_model"
    )


def notices_for(actor: Actor) -> QuerySet[Notice]:
    """An enterprise's notices (expiry reminders, suspensions); nobody else has any."""
    if actor.role != Role.ENTERPRISE_MEMBER or actor.enterprise_id is None:
        return Notice.objects.none()
    return Notice.objects.filter(enterprise_id=actor.enterprise_id).select_related(
        "declaration", "declaration__product_model"
    )

"""Recalls and their scope: every unit with its last known holder, counts by region, holder and
seller (core/tracing/custody.scope), and the rows of the Excel/CSV export."""

from collections.abc import Iterator, Sequence
from typing import Any, Final

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem
from zhiliang.core.tracing import custody as rules
from zhiliang.registry.models import Enterprise
from zhiliang.tracing.models import CustodyState, Recall, RecallNotice, RecallStatus, TraceCode
from zhiliang.tracing.selectors.scan import city_name

_STATES: Final[dict[str, str]] = {
    CustodyState.SOLD: rules.SOLD,
    CustodyState.DESTROYED: rules.DESTROYED,
    CustodyState.IN_TRANSIT: rules.IN_TRANSIT,
}


def visible_recalls(actor: Actor) -> QuerySet[Recall]:
    recalls = Recall.objects.select_related("product_model__product", "product_model__enterprise")
    match actor.role:
        case Role.ADMIN:
            return recalls
        case Role.REGULATOR | Role.DEPARTMENT_READER if actor.jurisdiction_path:
            path = actor.jurisdiction_path
            return recalls.filter(
                Q(jurisdiction__path__startswith=path)
                | Q(product_model__enterprise__town__path__startswith=path)
            )
        case Role.ENTERPRISE_MEMBER | Role.PLATFORM_OPERATOR if actor.enterprise_id:
            own = actor.enterprise_id
            return recalls.filter(
                Q(product_model__enterprise_id=own) | Q(notices__enterprise_id=own)
            ).distinct()
    return recalls.none()


def get_recall(actor: Actor, recall_id: int) -> Recall:
    try:
        return visible_recalls(actor).get(pk=recall_id)
    except Recall.DoesNotExist:
        raise NotFound(Problem("recall_id", "not_found", _("No such recall."))) from None


def public_recall(recall_id: int) -> Recall:
    """Open recalls are public notices: anyone who scans a recalled unit reads why."""
    try:
        return Recall.objects.select_related(
            "product_model__product", "product_model__enterprise"
        ).get(pk=recall_id, status=RecallStatus.OPEN)
    except Recall.DoesNotExist:
        raise NotFound(Problem("recall_id", "not_found", _("No such recall."))) from None


def scope_units(recall: Recall) -> QuerySet[TraceCode]:
    return TraceCode.objects.filter(recall=recall)


def _units(recall: Recall) -> Iterator[rules.UnitInScope]:
    """The units in scope grouped by the database by custody and place: a lot of a hundred
    thousand units comes back as a few hundred rows."""
    rows = (
        scope_units(recall)
        .values_list("holder_id", "state", "seller_id", "holder__town__path", "seller__town__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for holder, state, seller, holder_path, seller_path, n in rows:
        custody = rules.Custody(holder=holder, state=_STATES.get(state, rules.HELD), seller=seller)
        path = seller_path if state == CustodyState.SOLD else holder_path
        county = path.strip("/").split("/")[3] if path and path.count("/") >= 4 else None
        yield rules.UnitInScope(custody, county, n)


def recall_scope(recall: Recall) -> rules.RecallScope:
    return rules.scope(_units(recall))


def holders(ids: Sequence[int]) -> dict[int, Enterprise]:
    """The enterprises to notify, wherever they are registered: a recall reaches holders outside
    the regulator's jurisdiction too."""
    return {e.pk: e for e in Enterprise.objects.select_related("town").filter(pk__in=ids)}


EXPORT_COLUMNS: Final = [
    "code",
    "lot",
    "state",
    "holder_credit_code",
    "holder",
    "holder_city",
    "seller_credit_code",
    "seller",
    "sold_at",
    "last_event_at",
]


def scope_rows(recall: Recall) -> Iterator[list[Any]]:
    """Every unit in scope with its last known holder, for the Excel and CSV exports."""
    rows = scope_units(recall).values_list(
        "value",
        "lot",
        "state",
        "holder__credit_code",
        "holder__name",
        "holder__town__path",
        "seller__credit_code",
        "seller__name",
        "sold_at",
        "last_event_at",
    )
    for value, lot, state, h_code, h_name, h_path, s_code, s_name, sold_at, last in rows.iterator(
        chunk_size=10_000
    ):
        yield [
            value,
            lot,
            state,
            h_code or "",
            h_name or "",
            city_name(h_path) if h_path else "",
            s_code or "",
            s_name or "",
            sold_at.isoformat() if sold_at else "",
            last.isoformat() if last else "",
        ]


def notices_for(actor: Actor) -> QuerySet[RecallNotice]:
    if actor.enterprise_id is None:
        return RecallNotice.objects.none()
    return RecallNotice.objects.select_related("recall__product_model__product").filter(
        enterprise_id=actor.enterprise_id
    )


def notices_of(recall: Recall) -> QuerySet[RecallNotice]:
    return RecallNotice.objects.select_related("enterprise").filter(recall=recall)

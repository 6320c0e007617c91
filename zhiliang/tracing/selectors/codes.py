"""Code batches and codes as their issuer (and regulators) see them."""

from collections.abc import Iterator
from typing import Final

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem
from zhiliang.tracing.models import CodeBatch, CompanyPrefix, CustodyState, TraceCode

CHUNK: Final = 5000


def visible_batches(actor: Actor) -> QuerySet[CodeBatch]:
    batches = CodeBatch.objects.select_related("product_model__product", "enterprise")
    match actor.role:
        case Role.ADMIN:
            return batches
        case Role.REGULATOR | Role.DEPARTMENT_READER if actor.jurisdiction_path:
            return batches.filter(enterprise__town__path__startswith=actor.jurisdiction_path)
        case Role.ENTERPRISE_MEMBER if actor.enterprise_id:
            return batches.filter(enterprise_id=actor.enterprise_id)
    return batches.none()


def get_batch(actor: Actor, batch_id: int) -> CodeBatch:
    try:
        return visible_batches(actor).get(pk=batch_id)
    except CodeBatch.DoesNotExist:
        raise NotFound(Problem("batch_id", "not_found", _("No such code batch."))) from None


def batch_values(batch: CodeBatch, start: int = 0, count: int | None = None) -> Iterator[str]:
    """The batch's codes in issue order, streamed from the database in chunks."""
    codes = TraceCode.objects.filter(batch=batch).order_by("created_at", "value")
    if start or count is not None:
        codes = codes[start : start + count if count is not None else None]
    yield from codes.values_list("value", flat=True).iterator(chunk_size=CHUNK)


def prefixes_of(actor: Actor) -> QuerySet[CompanyPrefix]:
    return CompanyPrefix.objects.filter(enterprise_id=actor.enterprise_id or 0)


def custody_counts(actor: Actor) -> dict[str, int]:
    """Units the enterprise holds, has on the way to it, and has sold (its console's figures)."""
    own = actor.enterprise_id or 0
    counts = TraceCode.objects.filter(Q(holder_id=own) | Q(seller_id=own)).aggregate(
        held=Count("pk", filter=Q(holder_id=own, state=CustodyState.HELD)),
        inbound=Count("pk", filter=Q(holder_id=own, state=CustodyState.IN_TRANSIT)),
        sold=Count("pk", filter=Q(seller_id=own, state=CustodyState.SOLD)),
    )
    return {k: int(v or 0) for k, v in counts.items()}


def inbound(actor: Actor, limit: int = 20) -> QuerySet[TraceCode]:
    return TraceCode.objects.filter(
        holder_id=actor.enterprise_id or 0, state=CustodyState.IN_TRANSIT
    ).order_by("-last_event_at")[:limit]

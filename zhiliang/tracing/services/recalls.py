"""Risk location and recall (T8): from a problem batch to every holder.

A regulator opens a recall for a product model's lot range, or for a list of codes; the units in
scope are marked (their scans show the recall from then on), the scope is computed from each
unit's custody (core/tracing/custody.scope) and recorded in the ledger. Notifying the holders
writes one in-app notice and one outbox message per holder (current holders, and the sellers of
units already sold to consumers) in one transaction.
"""

import dataclasses
from collections.abc import Sequence
from typing import Final

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common import outbox
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import DomainError, Forbidden, Problem
from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing.epc import parse_epc
from zhiliang.ledger import services as ledger
from zhiliang.registry import selectors as registry
from zhiliang.tracing import scopes
from zhiliang.tracing.models import Recall, RecallNotice, TraceCode
from zhiliang.tracing.problems import identifier_problem
from zhiliang.tracing.selectors import recalls as selectors
from zhiliang.tracing.services.codes import key_of

OUTBOX_ENDPOINT: Final = "tracing-recalls"
LEDGER_KIND: Final = "tracing.recall"
CHUNK: Final = 5000


@dataclasses.dataclass(frozen=True)
class RecallInput:
    product_model_id: int
    reason: str
    lot_from: str = ""
    lot_to: str = ""
    codes: Sequence[str] = ()


def _allowed(actor: Actor) -> None:
    if actor.role not in (Role.REGULATOR, Role.ADMIN) or not actor.has_scope(scopes.RECALL):
        raise Forbidden(Problem("role", "not_allowed", _("Only regulators open recalls.")))


@transaction.atomic(durable=True)
def open_recall(*, actor: Actor, data: RecallInput) -> Recall:
    return open_recall_within(actor=actor, data=data)


def open_recall_within(*, actor: Actor, data: RecallInput) -> Recall:
    """``open_recall`` for callers that already hold the transaction (the demo generator)."""
    assert connection.in_atomic_block
    _allowed(actor)
    model = registry.get_product_model(actor, data.product_model_id)  # 404 outside jurisdiction
    problems = []
    if not data.reason.strip():
        problems.append(Problem("reason", "required", _("Say what the problem is.")))
    if not (data.lot_from or data.lot_to or data.codes):
        problems.append(Problem("lot_from", "required", _("Give a lot range or a list of codes.")))
    keys = []
    for i, text in enumerate(data.codes):
        try:
            keys.append(key_of(parse_epc(text.strip())))
        except InvalidIdentifier as exc:
            problems.append(identifier_problem(f"codes.{i}", exc))
    if problems:
        raise DomainError(*problems)
    region = model.enterprise.town
    recall = Recall.objects.create(
        product_model=model,
        lot_from=data.lot_from,
        lot_to=data.lot_to or data.lot_from,
        reason=data.reason.strip(),
        opened_by_id=actor.user_id or 0,
        jurisdiction=region,
    )
    units = TraceCode.objects.filter(product_model=model)
    if data.lot_from or data.lot_to:
        units = units.filter(lot__gte=data.lot_from or "", lot__lte=recall.lot_to)
    else:
        units = units.filter(pk__in=keys)
    units.update(recall=recall)
    scope = selectors.recall_scope(recall)
    recall.units, recall.sold_to_consumers = scope.units, scope.sold_to_consumers
    entry = ledger.append(
        LEDGER_KIND,
        {
            "recall": recall.pk,
            "credit_code": model.enterprise.credit_code,
            "gtin": model.gtin,
            "lots": [recall.lot_from, recall.lot_to],
            "units": scope.units,
            "sold_to_consumers": scope.sold_to_consumers,
            "opened_at": recall.opened_at.isoformat(),
        },
    )
    recall.ledger_entry = entry.pk
    recall.save(update_fields=["units", "sold_to_consumers", "ledger_entry"])
    record_audit(actor, "tracing.recall.open", recall, {"units": scope.units})
    return recall


@transaction.atomic(durable=True)
def notify_holders(*, actor: Actor, recall_id: int) -> int:
    """One in-app notice and one outbox message per holder; sending twice adds nothing."""
    return notify_holders_within(actor=actor, recall_id=recall_id)


def notify_holders_within(*, actor: Actor, recall_id: int) -> int:
    assert connection.in_atomic_block
    _allowed(actor)
    recall = selectors.get_recall(actor, recall_id)
    scope = selectors.recall_scope(recall)
    enterprises = selectors.holders(scope.holders)
    made = 0
    for holder in scope.holders:
        units = scope.by_holder.get(holder, 0)
        sold = scope.by_seller.get(holder, 0)
        notice, created = RecallNotice.objects.get_or_create(
            recall=recall, enterprise_id=holder, defaults={"units": units, "sold": sold}
        )
        if not created:
            continue
        made += 1
        enterprise = enterprises.get(holder)
        outbox.enqueue(
            OUTBOX_ENDPOINT,
            "tracing.recall.notice",
            {
                "recall": recall.pk,
                "notice": notice.pk,
                "credit_code": enterprise.credit_code if enterprise else None,
                "enterprise": enterprise.name if enterprise else None,
                "gtin": recall.product_model.gtin,
                "lots": [recall.lot_from, recall.lot_to],
                "units_held": units,
                "units_sold": sold,
                "reason": recall.reason,
            },
        )
    recall.notified_at = timezone.now()
    recall.save(update_fields=["notified_at"])
    record_audit(
        actor, "tracing.recall.notify", recall, {"holders": len(scope.holders), "new": made}
    )
    return made


@transaction.atomic
def read_notice(*, actor: Actor, notice_id: int) -> None:
    RecallNotice.objects.filter(
        pk=notice_id, enterprise_id=actor.enterprise_id or 0, read_at=None
    ).update(read_at=timezone.now())

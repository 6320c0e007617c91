"""Recall scope of a lot through three tiers: a producer in 南湖区 ships the lot to 5
distributors, each ships to 10 retailers across Jiaxing's counties, the retailers sell 40% to
consumers; every flow is captured as EPCIS events through the capture service (about 5.4 events'
worth of code links per unit). Then a regulator opens a recall of the lot.

Timed: opening the recall (marking every unit, computing the scope: units, sold to consumers,
last holders, counts by region and seller; the ledger entry), the scope alone, the Excel/CSV
export rows, and notifying every holder; against a plain SQL ``GROUP BY`` of the same rows
(state, holder, seller), run in the same process on the same data. Goal: the recall scope of a
100k-unit lot in under 2 s.

    uv run python bench/bench_tracing_recall.py [--units 100000] [--database postgres]
"""

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

from _common import best_of, database_arguments, django_ready, per_database

GTIN = "06901234567892"
LOT = "R2025"
TOWNS = ["330411002", "330421001", "330424001", "330481001", "330482001", "330483001"]
PER_EVENT = 1000


class Rollback(Exception):
    pass


def prepare(units: int) -> tuple[Any, int]:
    """The lot's units and their flows; returns (an administrator's actor, the model's id)."""
    from django.conf import settings

    from zhiliang.accounts.actors import Actor
    from zhiliang.accounts.models import User
    from zhiliang.accounts.roles import Role
    from zhiliang.common.models import OutboxEndpoint
    from zhiliang.core.tracing.epc import PARTY_URN
    from zhiliang.core.tracing.epcis.validation import parse_document
    from zhiliang.registry import reference
    from zhiliang.registry.tests.factories import EnterpriseFactory, ProductModelFactory
    from zhiliang.tracing import scopes
    from zhiliang.tracing.models import CompanyPrefix, TraceCode
    from zhiliang.tracing.services import codes
    from zhiliang.tracing.services.capture import capture

    reference.load_regions(settings.SHARED_DIR / "data" / "regions.csv")
    OutboxEndpoint.objects.filter(name="tracing-recalls").update(active=True)
    producer = EnterpriseFactory()
    sellers = {"is_producer": False, "is_seller": True}
    distributors = [EnterpriseFactory(county=t[:6], town_code=t, **sellers) for t in TOWNS[:5]]
    retailers = [
        EnterpriseFactory(county=TOWNS[n % 6][:6], town_code=TOWNS[n % 6], **sellers)
        for n in range(50)
    ]
    model = ProductModelFactory(enterprise=producer, gtin=GTIN)
    CompanyPrefix.objects.create(prefix="6901234", enterprise=producer)
    maker = Actor(role=Role.ENTERPRISE_MEMBER, enterprise_id=producer.pk, scopes=scopes.ALL)
    request = codes.BatchRequest(product_model_id=model.pk, scheme="gs1", count=units, lot=LOT)
    codes.issue_codes(actor=maker, request=request)
    epcs = [f"https://id.gs1.org{v}" for v in TraceCode.objects.order_by("value")
            .values_list("value", flat=True)]  # fmt: skip
    system = Actor(role=Role.CONNECTED_SYSTEM, scopes=scopes.ALL)
    clock = [0]

    def party(enterprise: Any) -> str:
        return PARTY_URN + enterprise.credit_code

    def event(step: str, chunk: list[str], at: Any, **fields: Any) -> dict[str, Any]:
        clock[0] += 1
        when = f"2025-03-{at:02d}T09:00:00.{clock[0] % 1000:03d}+08:00"
        return {"type": "ObjectEvent", "eventTime": when,
                "eventTimeZoneOffset": "+08:00", "epcList": chunk,
                "action": "ADD" if step == "commissioning" else "OBSERVE", "bizStep": step,
                **fields}  # fmt: skip

    def move(step: str, items: list[str], src: Any, dst: Any, day: int) -> list[dict[str, Any]]:
        where = src if step == "shipping" else dst
        return [event(step, items[i : i + PER_EVENT], day, bizLocation={"id": party(where)},
                      sourceList=[{"type": "possessing_party", "source": party(src)}],
                      destinationList=[{"type": "possessing_party", "destination": party(dst)}])
                for i in range(0, len(items), PER_EVENT)]  # fmt: skip

    def send(events: list[dict[str, Any]]) -> None:
        for i in range(0, len(events), 50):
            capture(actor=system, document=parse_document({
                "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                "type": "EPCISDocument", "schemaVersion": "2.0",
                "creationDate": "2025-03-20T10:00:00.000+08:00",
                "epcisBody": {"eventList": events[i : i + 50]}}))  # fmt: skip

    started = time.perf_counter()
    send([event("commissioning", epcs[i : i + PER_EVENT], 1, bizLocation={"id": party(producer)})
          for i in range(0, len(epcs), PER_EVENT)])  # fmt: skip
    share = len(epcs) // len(distributors)
    for d, distributor in enumerate(distributors):
        lot = epcs[d * share : (d + 1) * share]
        send(move("shipping", lot, producer, distributor, 2) +
             move("receiving", lot, producer, distributor, 3))  # fmt: skip
        part = len(lot) // 10
        for r in range(10):
            shop = retailers[d * 10 + r]
            items = lot[r * part : (r + 1) * part]
            sold = items[: len(items) * 2 // 5]
            at_shop = {"bizLocation": {"id": party(shop)}}
            send(move("shipping", items, distributor, shop, 5) +
                 move("receiving", items, distributor, shop, 6) +
                 [event("retail_selling", sold[i : i + PER_EVENT], 8, **at_shop)
                  for i in range(0, len(sold), PER_EVENT)])  # fmt: skip
    print(f"# flows of {units:,} units captured in {time.perf_counter() - started:.0f} s")
    admin = User.objects.create_user(username="bench-admin", role=Role.ADMIN)
    return Actor(role=Role.ADMIN, user_id=admin.pk, username=admin.username,
                 scopes=scopes.ALL), model.pk  # fmt: skip


def rolled_back(work: Callable[[], object]) -> Callable[[], None]:
    """``work`` inside a transaction that is then undone, so every run starts alike."""
    from django.db import transaction

    def run() -> None:
        try:
            with transaction.atomic():
                work()
                raise Rollback
        except Rollback:
            pass

    return run


def main(args: argparse.Namespace, label: str) -> None:
    django_ready(os.environ["DATABASE_URL"])
    from django.db import connection, transaction

    from zhiliang.tracing.models import Recall, TraceCode
    from zhiliang.tracing.selectors import recalls as selectors
    from zhiliang.tracing.services import recalls

    actor, model_id = prepare(args.units)
    data = recalls.RecallInput(model_id, "绝缘电阻不合格（基准测试）", LOT, LOT)

    def open_only() -> None:
        recall = recalls.open_recall_within(actor=actor, data=data)
        assert recall.units == args.units, recall.units

    def open_and_notify() -> None:
        recall = recalls.open_recall_within(actor=actor, data=data)
        assert recalls.notify_holders_within(actor=actor, recall_id=recall.pk) > 0

    opened = best_of(args.runs, rolled_back(open_only))
    notified = best_of(args.runs, rolled_back(open_and_notify))
    with transaction.atomic():
        recall = recalls.open_recall_within(actor=actor, data=data)
    scope = selectors.recall_scope(Recall.objects.get(pk=recall.pk))
    scoped = best_of(args.runs, lambda: selectors.recall_scope(recall))
    exported = best_of(args.runs, lambda: sum(1 for _row in selectors.scope_rows(recall)))
    table = TraceCode._meta.db_table

    def group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT state, holder_id, seller_id, count(*) FROM {table} "  # noqa: S608
                "WHERE product_model_id = %s AND lot >= %s AND lot <= %s GROUP BY 1, 2, 3",
                [model_id, LOT, LOT],
            )
            assert sum(row[3] for row in cursor.fetchall()) == args.units

    baseline = best_of(args.runs, group_by)
    print(
        f"recall scope ({label}): {scope.units:,} units, {scope.sold_to_consumers:,} sold to "
        f"consumers, {len(scope.holders)} holders, {len(scope.by_region)} regions; "
        f"opening the recall {opened:.2f} s (goal < 2 s), with notices to every holder "
        f"{notified:.2f} s; scope alone {scoped:.2f} s, export rows {exported:.2f} s; "
        f"plain SQL GROUP BY {baseline:.3f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    database_arguments(parser)
    per_database(main, parser.parse_args())

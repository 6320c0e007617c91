"""Ledger integration rate vs a plain batched INSERT of the same entries into the same database.

Three measurements per database, each the best of ``--runs``:
- plain INSERT: the entries' canonical texts inserted into a bare (id, entry) table, in
  transactions of 4,096 rows (the baseline);
- ledger integrate: ``services.sequence()`` over the same entries already pending, i.e. claiming
  them, hashing, inserting the leaves, writing tiles and signing checkpoints;
- ledger append+integrate: ``append_many`` (canonical JSON included) then ``sequence()``.

    uv run python bench/bench_ledger_append.py [--entries 100000] [--runs 3] [--database sqlite]
"""

import argparse
import random

from _common import best_of, database_arguments, django_ready, per_database, report

BATCH = 4096


def bodies(count: int) -> list[dict[str, object]]:
    """Registry-sized facts (about 200 bytes as entries), from a fixed seed."""
    rng = random.Random(1)
    return [
        {
            "credit_code": f"91330402MA{rng.randrange(10**8):08d}",
            "name": f"嘉兴市第{n}号电器有限公司",
            "town_code": f"330402{rng.randrange(1, 20):03d}",
            "roles": ["producer"] if n % 3 else ["producer", "seller"],
        }
        for n in range(count)
    ]


def main(args: argparse.Namespace, label: str) -> None:
    django_ready()
    from django.db import connection, transaction

    from zhiliang.ledger import services
    from zhiliang.ledger.models import PendingEntry
    from zhiliang.ledger.tests.plugin import GUARDED, triggers_lifted

    facts = bodies(args.entries)
    with transaction.atomic():
        services.append_many("registry.enterprise", facts)
    texts = list(PendingEntry.objects.order_by("id").values_list("entry", flat=True))
    PendingEntry.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute("CREATE TABLE bench_plain (id integer PRIMARY KEY, entry text NOT NULL)")

    def empty() -> None:
        with triggers_lifted(), connection.cursor() as cursor:
            for table in [*GUARDED, "ledger_edgetile", "ledger_checkpoint", "ledger_pendingentry"]:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            cursor.execute("UPDATE ledger_ledgerstate SET size = 0, root = %s", [EMPTY])
            cursor.execute("DELETE FROM bench_plain")

    def plain_insert() -> None:
        """One multi-row INSERT per batch of 4,096, each batch its own transaction."""
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            values = ", ".join(["(%s, %s)"] * len(batch))
            params = [value for i, text in enumerate(batch) for value in (start + i, text)]
            with transaction.atomic(), connection.cursor() as cursor:
                sql = f"INSERT INTO bench_plain (id, entry) VALUES {values}"  # noqa: S608
                cursor.execute(sql, params)

    def plain_copy() -> None:
        """PostgreSQL's fastest plain write, COPY, which the sequencer itself uses for leaves."""
        for start in range(0, len(texts), BATCH):
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.cursor.copy("COPY bench_plain (id, entry) FROM STDIN") as copy,
            ):
                for i, text in enumerate(texts[start : start + BATCH]):
                    copy.write_row((start + i, text))

    def queue() -> None:
        empty()
        with transaction.atomic():
            PendingEntry.objects.bulk_create(
                [PendingEntry(kind="registry.enterprise", entry=text) for text in texts],
                batch_size=1000,
            )

    def append_and_sequence() -> None:
        for start in range(0, len(facts), BATCH):
            with transaction.atomic():
                services.append_many("registry.enterprise", facts[start : start + BATCH])
        services.sequence()

    baseline = best_of(args.runs, plain_insert, reset=empty)
    integrate = best_of(args.runs, services.sequence, reset=queue)
    both = best_of(args.runs, append_and_sequence, reset=empty)
    report(f"ledger integrate [{label}]", args.entries, integrate, baseline)
    report(f"ledger append+integrate [{label}]", args.entries, both, baseline)
    if connection.vendor == "postgresql":
        copied = best_of(args.runs, plain_copy, reset=empty)
        report(f"ledger integrate [{label}]", args.entries, integrate, copied, what="plain COPY")


EMPTY = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")  # MTH({})

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    database_arguments(parser)
    per_database(main, parser.parse_args())

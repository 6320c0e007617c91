"""EPCIS capture rate vs a plain COPY of the same rows into the same database.

A connected system captures documents of ``--per-document`` ObjectEvents, each commissioning
``--epcs`` new units (Digital Link SGTINs), then ships them (a second document per batch), so
half the events create codes and half move existing ones. Ours is the whole capture: JSON
parsing, EPCIS 2.0 validation, the CBV 2.0 hash of every event, authorisation, idempotency,
custody, the ledger entry, the audit record. The baseline writes exactly the rows capture
writes (events, event-to-code links, codes, every column) with PostgreSQL COPY (executemany
INSERT on SQLite) into tables made ``LIKE`` ours (the same columns, keys and indexes; no foreign
keys), in transactions of the same size, so the ratio is what the application adds to storing
the rows. Each timed run, ours and the baseline's, starts right after a CHECKPOINT.

    uv run python bench/bench_tracing_capture.py [--events 20000] [--epcs 5] [--database postgres]
"""

import argparse
import hashlib
import json
import uuid
from typing import Any

from _common import best_of, database_arguments, django_ready, per_database, report

GTIN = "06901234567892"


def documents(events: int, per_document: int, epcs: int, run: int) -> list[bytes]:
    """Commissioning then shipping, each document ``per_document`` events, as sent on the wire."""
    docs: list[bytes] = []
    serial = 0
    for start in range(0, events // 2, per_document):
        batch = []
        for _n in range(start, min(start + per_document, events // 2)):
            units = [f"https://id.gs1.org/01/{GTIN}/21/R{run}S{serial + k}" for k in range(epcs)]
            serial += epcs
            batch.append(units)
        for step in ("commissioning", "shipping"):
            event_list = [
                {
                    "type": "ObjectEvent",
                    "eventID": "urn:uuid:"
                    + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run}:{step}:{units[0]}")),
                    "eventTime": (
                        "2025-03-03T09:00:00.000+08:00"
                        if step == "commissioning"
                        else "2025-03-04T09:00:00.000+08:00"
                    ),
                    "eventTimeZoneOffset": "+08:00",
                    "epcList": units,
                    "action": "ADD" if step == "commissioning" else "OBSERVE",
                    "bizStep": step,
                    "disposition": "active" if step == "commissioning" else "in_transit",
                    "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.101"},
                    "bizLocation": {"id": "urn:epc:id:sgln:6901234.00001.0"},
                    **(
                        {"ilmd": {"cbvmda:lotNumber": "LOT1"}}
                        if step == "commissioning"
                        else {
                            "sourceList": [
                                {
                                    "type": "possessing_party",
                                    "source": "urn:epc:id:pgln:6901234.00000",
                                }
                            ],
                            "destinationList": [
                                {
                                    "type": "possessing_party",
                                    "destination": "urn:epc:id:pgln:6912345.00000",
                                }
                            ],
                        }
                    ),
                }
                for units in batch
            ]
            docs.append(
                json.dumps(
                    {
                        "@context": [
                            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
                        ],
                        "type": "EPCISDocument",
                        "schemaVersion": "2.0",
                        "creationDate": "2025-03-04T10:00:00.000+08:00",
                        "epcisBody": {"eventList": event_list},
                    }
                ).encode()
            )
    return docs


def main(args: argparse.Namespace, label: str) -> None:
    django_ready()
    from django.db import connection, transaction

    from zhiliang.accounts.actors import Actor
    from zhiliang.accounts.roles import Role
    from zhiliang.core.tracing.epcis import collector
    from zhiliang.core.tracing.epcis.validation import parse_document
    from zhiliang.tracing import scopes
    from zhiliang.tracing.models import TraceCode, TraceEvent
    from zhiliang.tracing.services.capture import capture

    actor = Actor(role=Role.CONNECTED_SYSTEM, user_id=None, scopes=scopes.ALL)
    runs = iter(range(1000))
    prepared: dict[str, Any] = {}

    def setup() -> None:
        prepared["docs"] = documents(args.events, args.per_document, args.epcs, next(runs))

    def ours() -> None:
        for raw in prepared["docs"]:
            with collector.paused():  # as POST /epcis/capture does: parse, check, capture
                document = parse_document(json.loads(raw))
                digest = hashlib.sha256(raw).hexdigest()
                capture(actor=actor, document=document, document_sha256=digest)

    setup()
    ours()  # warm up, and leave rows to copy for the baseline
    events = list(TraceEvent.objects.order_by("pk")[: args.events].values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT code_id, event_id, role, urn_form FROM tracing_eventcode")
        links = cursor.fetchall()
    code_columns = [f.column for f in TraceCode._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(code_columns)} FROM tracing_tracecode")  # noqa: S608
        codes = cursor.fetchall()
    with connection.cursor() as cursor:
        for table in ("event", "link", "code"):
            cursor.execute(f"DROP TABLE IF EXISTS bench_{table}")
        for table, model in (("event", "traceevent"), ("link", "eventcode"), ("code", "tracecode")):
            if connection.vendor == "postgresql":  # the same columns, keys and indexes
                cursor.execute(f"CREATE TABLE bench_{table} (LIKE tracing_{model} INCLUDING ALL)")
            else:
                cursor.execute(
                    f"CREATE TABLE bench_{table} AS SELECT * FROM tracing_{model} WHERE 0"  # noqa: S608
                )
    columns = [f.column for f in TraceEvent._meta.concrete_fields]

    def empty_baseline() -> None:
        with connection.cursor() as cursor:
            for table in ("event", "link", "code"):
                cursor.execute(f"DELETE FROM bench_{table}")  # noqa: S608

    def row(event: dict[str, Any]) -> list[Any]:
        values = {f.column: event[f.attname] for f in TraceEvent._meta.concrete_fields}
        values["body"] = json.dumps(values["body"])
        return [values[c] for c in columns]

    def baseline() -> None:
        per_doc = args.per_document
        chunks = range(0, len(events), per_doc)
        for start in chunks:
            part = events[start : start + per_doc]
            link_part = links[start * args.epcs : (start + per_doc) * args.epcs]
            code_part = codes[start * args.epcs // 2 : (start + per_doc) * args.epcs // 2]
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(
                        f"COPY bench_event ({', '.join(columns)}) FROM STDIN"
                    ) as copy:
                        for event in part:
                            copy.write_row(row(event))
                    with cursor.cursor.copy(
                        "COPY bench_link (code_id, event_id, role, urn_form) FROM STDIN"
                    ) as copy:
                        for link in link_part:
                            copy.write_row(link)
                    with cursor.cursor.copy(
                        f"COPY bench_code ({', '.join(code_columns)}) FROM STDIN"
                    ) as copy:
                        for code in code_part:
                            copy.write_row(code)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO bench_event VALUES ({marks})",  # noqa: S608 - our own columns
                        [row(e) for e in part],
                    )
                    cursor.executemany(
                        "INSERT INTO bench_link (code_id, event_id, role, urn_form) "
                        "VALUES (%s, %s, %s, %s)",
                        link_part,
                    )
                    cursor.executemany(
                        f"INSERT INTO bench_code ({', '.join(code_columns)}) "  # noqa: S608
                        f"VALUES ({', '.join(['%s'] * len(code_columns))})",
                        code_part,
                    )

    def checkpoint() -> None:
        """Start each timed run with no checkpoint due: one triggered by the WAL of an earlier
        run would land in whichever run happens to be next."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")

    base = best_of(args.runs, baseline, reset=lambda: (empty_baseline(), checkpoint()))
    mine = best_of(args.runs, ours, reset=lambda: (setup(), checkpoint()))
    what = "plain COPY" if connection.vendor == "postgresql" else "plain executemany INSERT"
    report(f"EPCIS capture ({label}, {args.epcs} EPCs/event)", args.events, mine, base, what)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--epcs", type=int, default=5, help="EPCs per event")
    parser.add_argument("--per-document", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=4)
    database_arguments(parser)
    per_database(main, parser.parse_args())

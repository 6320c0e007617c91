"""Bulk writes for capture and coding: PostgreSQL COPY where available, bulk INSERT elsewhere.

A capture of thousands of events writes tens of thousands of rows (events, their links to codes,
new codes) inside one transaction; COPY moves them several times faster than a multi-row INSERT
and needs no SQL text per row. Rows are given as tuples of attribute values in the order of
``attnames``, never as model instances (building one costs more than writing its row); ids of new
events are drawn from their sequence first, so the rows can be linked before they are written.

Rows may be generated while they are copied (the database stores the first ones while the next
are made), so a generator of rows must not touch the database itself: the connection is busy
with the COPY until the last row.

Values go to COPY in its text format and the server parses each by its column's type, so a UUID
may be given as its text, and a JSON column's value is serialised here once (``json.dumps``)
instead of being wrapped for the driver.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from django.db import connection, models

BATCH: Final = 5000


def uuids(keys: Iterable[str]) -> str:
    """Many UUIDs as one text parameter, read in SQL as ``string_to_array(%s, ',')::uuid[]``:
    one string instead of thousands of array elements, each adapted by the driver on its own."""
    return ",".join(keys)


def insert(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write new rows; returns how many."""
    fields = [model._meta.get_field(name) for name in attnames]  # attnames resolve too
    columns_of = [str(getattr(f, "column", name)) for f, name in zip(fields, attnames, strict=True)]
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return len(objects)
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    columns = ", ".join(connection.ops.quote_name(c) for c in columns_of)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        if json_columns:
            for row in rows:
                values = list(row)
                for i in json_columns:
                    values[i] = json.dumps(values[i])
                write(values)
                count += 1
        else:
            for row in rows:
                write(row)
                count += 1
    return count


def allocate_ids(model: type[models.Model], count: int) -> list[int] | None:
    """``count`` fresh ids from the model's sequence (PostgreSQL); None where the database
    assigns them on insert."""
    if connection.vendor != "postgresql" or count == 0:
        return None
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_new(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]], count: int
) -> list[int]:
    """Write ``count`` rows of a model with an auto-incremented key (not among ``attnames``);
    returns their new ids in order: drawn from the sequence on PostgreSQL (the rows may then be
    made one by one as they are copied), returned by the insert on SQLite."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return [int(o.pk) for o in objects]
    ids = allocate_ids(model, count) or []
    insert(
        model,
        (str(model._meta.pk.attname), *attnames),
        ((pk, *row) for pk, row in zip(ids, rows, strict=True)),
    )
    return ids

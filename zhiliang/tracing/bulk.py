"""Bulk writes for capture and coding: PostgreSQL COPY where available, bulk INSERT elsewhere.

A capture of thousands of events writes tens of thousands of rows (events, their links to codes,
new codes) inside one transaction; COPY moves them several times faster than a multi-row INSERT
and needs no SQL text per row. Rows are given as tuples of attribute values in the order of
``attnames``; ids of new events are drawn from their sequence first, so the rows can be linked
before they are written.
"""

from collections.abc import Iterable, Sequence
from typing import Any, Final, TypeVar

from django.db import connection, models
from psycopg.types.json import Jsonb

BATCH: Final = 5000
M = TypeVar("M", bound=models.Model)


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
    json_columns = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(c) for c in columns_of)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            if json_columns:
                row = [Jsonb(v) if i in json_columns else v for i, v in enumerate(row)]
            copy.write_row(row)
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


def insert_objects(model: type[M], attnames: Sequence[str], objects: Sequence[M]) -> None:
    """Write model instances; on SQLite their primary keys are set from the insert."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return
    insert(model, attnames, ([getattr(o, a) for a in attnames] for o in objects))

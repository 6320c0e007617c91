"""Leaves keyed by their rowid on SQLite, and leaf hashes found through a generation index.

Two changes that make integrating a batch cheaper, with every stored leaf kept as it is:

- On SQLite ``leaf_index`` becomes ``integer PRIMARY KEY``, the table's rowid, instead of a
  ``bigint`` key stored in a second B-tree beside the rowid. SQLite cannot change a primary key
  in place, so the table is rebuilt (rows copied in leaf order) and its append-only triggers,
  which go with the old table, are created again. PostgreSQL keeps its ``bigint`` key.
- The index on the 32-byte leaf hash, whose random keys made every batch rewrite pages all over
  it, is replaced by one on ``(leaf_index >> 16, first 8 bytes of the hash)``: a batch only
  touches the newest generation of 65,536 leaves. A lookup probes each generation with the
  prefix and compares the whole hash on the rows found (``store.find_leaf``).
"""

import django.db.models.expressions
import django.db.models.functions.text
from django.db import migrations, models

import zhiliang.ledger.models

LEAF = "ledger_leaf"
COLUMNS = '"leaf_index", "entry", "leaf_hash", "pending_id", "kind"'
OLD_HASH_INDEX = 'CREATE INDEX "ledger_leaf_leaf_hash_1187ce51" ON "ledger_leaf" ("leaf_hash")'

# The same triggers, under the same names, as 0001_append_only_log creates.
SQLITE_GUARDS = [
    f"CREATE TRIGGER {LEAF}_no_{op.lower()} BEFORE {op} ON {LEAF} BEGIN "
    f"SELECT RAISE(ABORT, 'the ledger is append-only: {op} on {LEAF} refused'); END"
    for op in ("UPDATE", "DELETE")
]


def _rebuild_sqlite(schema_editor, key_type: str) -> None:
    """Copy the leaves into a table whose ``leaf_index`` column is ``key_type``, replace the
    old table by it, and guard it again. Dropping the old table drops its triggers and
    indexes and fires none of them."""
    for statement in [
        f'CREATE TABLE "{LEAF}__new" ("leaf_index" {key_type} NOT NULL PRIMARY KEY, '
        '"entry" text NOT NULL, "leaf_hash" BLOB NOT NULL, '
        '"pending_id" bigint NOT NULL UNIQUE, "kind" varchar(80) NOT NULL)',
        f'INSERT INTO "{LEAF}__new" ({COLUMNS}) '  # noqa: S608
        f'SELECT {COLUMNS} FROM "{LEAF}" ORDER BY "leaf_index"',
        f'DROP TABLE "{LEAF}"',
        f'ALTER TABLE "{LEAF}__new" RENAME TO "{LEAF}"',
        *SQLITE_GUARDS,
    ]:
        schema_editor.execute(statement, params=None)


def leaf_index_as_rowid(apps, schema_editor):
    """Forwards: drop the index on whole leaf hashes; on SQLite, rebuild with the rowid key."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _rebuild_sqlite(schema_editor, "integer")
        return
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, LEAF)
    for name, info in constraints.items():
        if info["index"] and not info["unique"] and info["columns"] == ["leaf_hash"]:
            schema_editor.execute(f'DROP INDEX "{name}"', params=None)


def leaf_index_as_bigint(apps, schema_editor):
    """Backwards: the table and the index of 0001_append_only_log."""
    if schema_editor.connection.vendor == "sqlite":
        _rebuild_sqlite(schema_editor, "bigint")
    schema_editor.execute(OLD_HASH_INDEX, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0001_append_only_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="leaf",
                    name="leaf_hash",
                    field=models.BinaryField(max_length=32, verbose_name="leaf hash"),
                ),
                migrations.AlterField(
                    model_name="leaf",
                    name="leaf_index",
                    field=zhiliang.ledger.models.LeafIndexField(
                        primary_key=True, serialize=False, verbose_name="leaf index"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(leaf_index_as_rowid, leaf_index_as_bigint),
            ],
        ),
        migrations.AddIndex(
            model_name="leaf",
            index=models.Index(
                django.db.models.expressions.CombinedExpression(
                    models.F("leaf_index"), ">>", models.Value(16)
                ),
                django.db.models.functions.text.Substr("leaf_hash", 1, 8),
                name="ledger_leaf_hash_lookup",
            ),
        ),
    ]

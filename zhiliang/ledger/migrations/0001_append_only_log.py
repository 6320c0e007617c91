"""The ledger's tables, its state row, and the triggers that make leaves and full tiles append-only.

The triggers are vendor SQL (PostgreSQL and SQLite) chosen by ``schema_editor.connection.vendor``.
They refuse UPDATE and DELETE row by row; on PostgreSQL TRUNCATE needs the table's owner and is
left to ``zhiliang ledger verify`` and to whoever holds an older checkpoint to notice.
"""

import hashlib

from django.db import migrations, models

GUARDED = ("ledger_leaf", "ledger_tile")

POSTGRESQL = [
    """
    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    *(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        for table in GUARDED
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in GUARDED),
    "DROP FUNCTION IF EXISTS ledger_refuse_change()",
]

SQLITE = [
    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
    f"SELECT RAISE(ABORT, 'the ledger is append-only: {op} on {table} refused'); END"
    for table in GUARDED
    for op in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {table}_no_{op}"
    for table in GUARDED
    for op in ("update", "delete")
]


def add_guards(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError("the ledger's append-only triggers exist for PostgreSQL and SQLite")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(statement, params=None)


def create_state(apps, schema_editor):
    """The row sequencers lock: the empty log, whose root is SHA-256 of nothing (RFC 9162)."""
    state = apps.get_model("ledger", "LedgerState")
    state.objects.using(schema_editor.connection.alias).create(
        id=1, size=0, root=hashlib.sha256(b"").digest()
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('size', models.BigIntegerField(unique=True, verbose_name='tree size')),
                ('root', models.BinaryField(max_length=32, verbose_name='root hash')),
                ('note', models.TextField(verbose_name='signed note')),
                ('signed_at', models.DateTimeField(verbose_name='signed at')),
            ],
            options={
                'verbose_name': 'checkpoint',
                'verbose_name_plural': 'checkpoints',
                'ordering': ['-size'],
            },
        ),
        migrations.CreateModel(
            name='EdgeTile',
            fields=[
                ('level', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ('tile_index', models.BigIntegerField()),
                ('hashes', models.BinaryField(max_length=8160)),
            ],
        ),
        migrations.CreateModel(
            name='Leaf',
            fields=[
                ('leaf_index', models.BigIntegerField(primary_key=True, serialize=False, verbose_name='leaf index')),
                ('entry', models.TextField(verbose_name='entry')),
                ('leaf_hash', models.BinaryField(db_index=True, max_length=32, verbose_name='leaf hash')),
                ('pending_id', models.BigIntegerField(unique=True, verbose_name='pending entry id')),
                ('kind', models.CharField(max_length=80, verbose_name='kind')),
            ],
            options={
                'verbose_name': 'ledger entry',
                'verbose_name_plural': 'ledger entries',
                'ordering': ['leaf_index'],
            },
        ),
        migrations.CreateModel(
            name='LedgerState',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('size', models.BigIntegerField(default=0)),
                ('root', models.BinaryField(max_length=32)),
            ],
        ),
        migrations.CreateModel(
            name='PendingEntry',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('kind', models.CharField(max_length=80, verbose_name='kind')),
                ('entry', models.TextField(verbose_name='entry')),
            ],
            options={
                'verbose_name': 'pending ledger entry',
                'verbose_name_plural': 'pending ledger entries',
            },
        ),
        migrations.CreateModel(
            name='Tile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField()),
                ('tile_index', models.BigIntegerField()),
                ('hashes', models.BinaryField(max_length=8192)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('level', 'tile_index'), name='ledger_tile_position')],
            },
        ),
        migrations.RunPython(create_state, migrations.RunPython.noop),
        migrations.RunPython(add_guards, drop_guards),
    ]

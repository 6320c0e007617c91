"""PostgreSQL tells every app process which codes changed (``selectors/code_states.py``).

Statement triggers on the codes and scans tables send, at commit, the keys of the codes whose
row or positioned scans a statement changed, on the channel ``zhiliang_codes``: comma-separated,
or ``*`` when there are more than 200 (or the table was truncated). The database sends them
whatever code made the change, so no writer has to remember to. Nothing on SQLite, where the app
keeps nothing between requests.
"""

from typing import Any

from django.db import migrations

KEYS_PER_NOTICE = 200  # 36-character keys and commas stay under PostgreSQL's 8,000-byte payload

FUNCTIONS = f"""
CREATE FUNCTION zhiliang_codes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE keys text;
BEGIN
    SELECT CASE WHEN count(*) > {KEYS_PER_NOTICE} THEN '*' ELSE string_agg(id::text, ',') END
      INTO keys FROM (SELECT id FROM changed LIMIT {KEYS_PER_NOTICE + 1}) c;
    IF keys IS NOT NULL THEN PERFORM pg_notify('zhiliang_codes', keys); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION zhiliang_scans_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE keys text;
BEGIN
    -- a new scan without a position changes nothing a scan reads (clone checks need one)
    SELECT CASE WHEN count(*) > {KEYS_PER_NOTICE} THEN '*' ELSE string_agg(id::text, ',') END
      INTO keys FROM (SELECT DISTINCT code_id AS id FROM changed
                      WHERE TG_OP <> 'INSERT' OR lat IS NOT NULL LIMIT {KEYS_PER_NOTICE + 1}) c;
    IF keys IS NOT NULL THEN PERFORM pg_notify('zhiliang_codes', keys); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION zhiliang_all_codes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zhiliang_codes', '*');
    RETURN NULL;
END $$;
"""

TRIGGERS = [
    ("tracing_tracecode", "zhiliang_codes_updated", "UPDATE", "NEW", "zhiliang_codes_changed"),
    ("tracing_tracecode", "zhiliang_codes_deleted", "DELETE", "OLD", "zhiliang_codes_changed"),
    ("tracing_scan", "zhiliang_scans_inserted", "INSERT", "NEW", "zhiliang_scans_changed"),
    ("tracing_scan", "zhiliang_scans_updated", "UPDATE", "NEW", "zhiliang_scans_changed"),
    ("tracing_scan", "zhiliang_scans_deleted", "DELETE", "OLD", "zhiliang_scans_changed"),
]
TRUNCATED = [
    ("tracing_tracecode", "zhiliang_codes_truncated"),
    ("tracing_scan", "zhiliang_scans_truncated"),
]


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    for table, name, event, rows, function in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {rows} TABLE AS changed "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    for table, name in TRUNCATED:
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION zhiliang_all_codes_changed()"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, *_ in TRIGGERS + TRUNCATED:  # type: ignore[operator]
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in ("zhiliang_codes_changed", "zhiliang_scans_changed",
                     "zhiliang_all_codes_changed"):  # fmt: skip
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [("tracing", "0005_scan_positioned")]

    operations = [migrations.RunPython(create, drop)]

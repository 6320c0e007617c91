"""pytest support for tests that commit ledger rows for real (``transaction=True``, live_server).

After such a test Django empties every table; on SQLite it does so with DELETE, which the
ledger's append-only triggers refuse. The autouse fixture below empties the guarded tables
first, with the triggers lifted for that moment. Load it from the root conftest.py with
``pytest_plugins = ["zhiliang.ledger.tests.plugin"]``; the ledger's own tests load it anyway.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

GUARDED = ("ledger_leaf", "ledger_tile")


@contextmanager
def triggers_lifted() -> Iterator[None]:
    """Without the append-only triggers for a moment: what a tamperer with the owner's rights
    can do, and what emptying a test database needs. Put back even if the body fails."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name IN (%s, %s)",
                GUARDED,
            )
            saved = cursor.fetchall()
            for name, _sql in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                for _name, sql in saved:
                    cursor.execute(sql)
        else:
            for table in GUARDED:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield
            finally:
                for table in GUARDED:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _commits(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _ledger_rows_removable(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _commits(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down after this
    yield
    if connection.vendor != "sqlite":
        return  # PostgreSQL empties tables with TRUNCATE, which row triggers do not see
    with triggers_lifted(), connection.cursor() as cursor:
        for table in GUARDED:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608

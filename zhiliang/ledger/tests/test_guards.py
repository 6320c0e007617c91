"""Leaves and full tiles cannot be changed; if someone bypasses that, `ledger verify` says where."""

from io import StringIO
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from zhiliang.ledger.management.commands.ledger import Command
from zhiliang.ledger.models import Checkpoint, EdgeTile, Leaf, LedgerState, Tile
from zhiliang.ledger.tests.plugin import triggers_lifted

pytestmark = [pytest.mark.both_databases]


def run(*argv: str) -> tuple[int, str, str]:
    """``zhiliang ledger …`` as the console script runs it: exit code, stdout, stderr."""
    out, err = StringIO(), StringIO()
    try:
        Command(stdout=out, stderr=err).run_from_argv(["zhiliang", "ledger", *argv])
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "rows", "change"),
    [
        (Leaf, {"leaf_index": 41}, {"entry": "forged"}),
        (Leaf, {"leaf_index": 41}, {"leaf_hash": bytes(32)}),
        (Leaf, {"leaf_index": 41}, {"leaf_index": 9_999}),
        (Tile, {"level": 0, "tile_index": 0}, {"hashes": bytes(8192)}),
    ],
)
def test_the_database_refuses_to_change_or_delete_leaves_and_full_tiles(
    facts, model, rows, change
) -> None:
    facts(300)
    for attempt in (
        lambda: model.objects.filter(**rows).update(**change),
        lambda: model.objects.filter(**rows).delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    table = model._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert Leaf.objects.count() == 300 and Tile.objects.count() == 1


@pytest.mark.django_db
def test_the_partial_edge_tiles_are_replaced_as_the_log_grows(facts) -> None:
    facts(10)
    assert EdgeTile.objects.get(level=0).hashes.__len__() == 10 * 32
    facts(5)
    assert len(EdgeTile.objects.get(level=0).hashes) == 15 * 32


@pytest.fixture
def committed_log(facts) -> None:
    facts(600)


@pytest.mark.django_db(transaction=True)
def test_verify_passes_on_an_intact_log(committed_log) -> None:
    code, out, err = run("verify")
    assert (code, err) == (0, "")
    assert out.startswith(
        "ok: 600 leaves, 2 full tiles and the checkpoint of zhiliang.example/ledger"
    )


@pytest.mark.django_db(transaction=True)
def test_verify_on_an_empty_log_passes() -> None:
    assert run("verify")[:2] == (
        0,
        "ok: 0 leaves, 0 full tiles and the checkpoint of zhiliang.example/ledger verify\n",
    )


TAMPERING: dict[str, tuple[str, list[Any], str]] = {
    "entry changed": ("UPDATE ledger_leaf SET entry = %s WHERE leaf_index = 41", ["{}"], "leaf 41"),
    "leaf hash changed": (
        "UPDATE ledger_leaf SET leaf_hash = %s WHERE leaf_index = 41",
        [bytes(32)],
        "leaf 41",
    ),
    "leaf removed": ("DELETE FROM ledger_leaf WHERE leaf_index = 41", [], "leaf 41: missing"),
    "last leaf removed": ("DELETE FROM ledger_leaf WHERE leaf_index = 599", [], "leaf 599"),
    "full tile changed": (
        "UPDATE ledger_tile SET hashes = %s WHERE tile_index = 1",
        [bytes(8192)],
        "leaf 256: hash 0 of tile/0/001",
    ),
    "edge tile changed": (
        "UPDATE ledger_edgetile SET hashes = %s WHERE level = 1",
        [bytes(64)],
        "leaf 0: hash 0 of tile/1/000.p/2",
    ),
    "extra leaf": (
        "INSERT INTO ledger_leaf (leaf_index, entry, leaf_hash, pending_id, kind) "
        "VALUES (600, 'x', %s, 999999, 'test.fact')",
        [bytes(32)],
        "leaf 600: stored beyond the signed tree size 600",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", list(TAMPERING))
def test_verify_names_the_first_bad_leaf_once_the_triggers_are_bypassed(committed_log, how) -> None:
    sql, params, named = TAMPERING[how]
    if sql.startswith(("UPDATE ledger_leaf", "DELETE FROM ledger_leaf", "UPDATE ledger_tile")):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql, params)
    with triggers_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)

    code, out, err = run("verify")

    assert code == 1 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith(f"CommandError: {named}"), line


@pytest.mark.django_db(transaction=True)
def test_an_entry_and_its_hash_forged_together_are_caught_by_the_tile(committed_log) -> None:
    forged = '{"body":{},"kind":"test.fact","time":"2026-01-01T00:00:00.000Z"}'
    from zhiliang.core.ledger import leaf_hash

    with triggers_lifted():
        Leaf.objects.filter(leaf_index=300).update(
            entry=forged, leaf_hash=leaf_hash(forged.encode())
        )
    code, _, err = run("verify")
    assert code == 1
    assert "CommandError: leaf 300: hash 44 of tile/0/001 does not match" in err


@pytest.mark.django_db(transaction=True)
def test_a_forged_checkpoint_or_state_is_caught(committed_log) -> None:
    latest = Checkpoint.objects.first()
    assert latest is not None
    Checkpoint.objects.filter(pk=latest.pk).update(note=latest.note.replace("600", "601", 1))
    code, _, err = run("verify")
    assert code == 1 and "the latest checkpoint does not verify" in err

    Checkpoint.objects.filter(pk=latest.pk).update(note=latest.note)
    LedgerState.objects.update(size=599)
    code, _, err = run("verify")
    assert code == 1 and "state row" in err

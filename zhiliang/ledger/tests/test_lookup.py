"""Finding a leaf by its hash through the (generation, hash prefix) index."""

from typing import Any

import pytest
from django.db import connection, transaction

from zhiliang.core.ledger import leaf_hash
from zhiliang.ledger import services, store
from zhiliang.ledger.models import Leaf

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]


def hash_of(index: int) -> bytes:
    return bytes(Leaf.objects.get(leaf_index=index).leaf_hash)


def test_every_generation_is_searched_and_the_size_bounds_the_search(facts, monkeypatch) -> None:
    facts(600)
    # Generations of 64 leaves: the query no longer matches the index, but it must still
    # find leaves in the first, a middle and the last (partial) generation.
    monkeypatch.setattr(store, "GENERATION_BITS", 6)
    for index in (0, 63, 64, 517, 599):
        assert store.find_leaf(hash_of(index), 600) == index
    assert store.find_leaf(hash_of(517), 518) == 517
    assert store.find_leaf(hash_of(517), 517) is None
    assert store.find_leaf(hash_of(0), 0) is None


def test_a_shared_prefix_is_not_a_match_and_a_repeated_entry_gives_the_first_leaf(facts) -> None:
    facts(300)
    other = hash_of(7)[:8] + bytes(24)  # same 8-byte prefix, another hash
    assert store.find_leaf(other, 300) is None
    entry = Leaf.objects.get(leaf_index=7).entry
    with transaction.atomic():
        store.insert_pending("test.fact", [entry, entry])
    services.sequence()
    assert store.find_leaf(leaf_hash(entry.encode()), 302) == 7
    assert list(Leaf.objects.filter(leaf_index__gte=300).values_list("entry", flat=True)) == [
        entry,
        entry,
    ]


def test_the_lookup_uses_the_generation_index(facts, monkeypatch) -> None:
    facts(10)
    plans: list[str] = []
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    real_cursor = connection.cursor

    class Explaining:
        def __init__(self) -> None:
            self.cursor = real_cursor()

        def __enter__(self) -> "Explaining":
            return self

        def __exit__(self, *exc: object) -> None:
            self.cursor.close()

        def execute(self, sql: str, params: Any) -> None:
            self.cursor.execute(explain + sql, params)
            plans.extend(str(row) for row in self.cursor.fetchall())
            self.cursor.execute(sql, params)

        def fetchall(self) -> object:
            return self.cursor.fetchall()

    wanted = hash_of(3)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with real_cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")  # ten rows would be scanned
        with monkeypatch.context() as patch:
            patch.setattr(connection, "cursor", Explaining)
            found = store.find_leaf(wanted, 10_000_000)
    assert found == 3
    assert any("ledger_leaf_hash_lookup" in line for line in plans), plans

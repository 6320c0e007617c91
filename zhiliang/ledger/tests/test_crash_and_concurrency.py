"""Nothing acknowledged is lost, nothing is integrated twice, and the log never forks.

These tests commit for real (``transaction=True``): a crash must leave what another connection
sees, not what a savepoint hides.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from zhiliang.core.ledger import verify_consistency
from zhiliang.ledger import integrity, selectors, services, store
from zhiliang.ledger.models import Checkpoint, EdgeTile, Leaf, LedgerState, PendingEntry

REPO = Path(__file__).resolve().parents[3]


class Crash(Exception):
    """A failure between two steps of the sequencer."""


def crash_after(original: Callable[..., Any], on_call: int = 1) -> Callable[..., Any]:
    calls = 0

    def step(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == on_call:
            raise Crash(original.__name__)
        return result

    return step


def queue(count: int, start: int = 0) -> list[int]:
    with transaction.atomic():
        return [services.append("test.fact", {"n": n}).pk for n in range(start, start + count)]


def snapshot() -> tuple[object, ...]:
    return (
        list(Leaf.objects.values_list("leaf_index", "pending_id")),
        sorted(PendingEntry.objects.values_list("id", flat=True)),
        list(Checkpoint.objects.values_list("size", "note")),
        list(LedgerState.objects.values_list("size", "root")),
        sorted((e.level, e.tile_index, bytes(e.hashes)) for e in EdgeTile.objects.all()),
    )


def assert_each_entry_integrated_once(ids: list[int]) -> None:
    leaves = list(Leaf.objects.order_by("leaf_index").values_list("leaf_index", "pending_id"))
    assert [index for index, _ in leaves] == list(range(len(ids)))
    assert sorted(pending for _, pending in leaves) == sorted(ids)
    assert not PendingEntry.objects.exists()
    integrity.check_ledger()  # every leaf, tile and the signed root recomputed


def assert_checkpoints_never_fork() -> None:
    checkpoints = list(Checkpoint.objects.order_by("size").values_list("size", "root"))
    for (old, old_root), (new, new_root) in pairwise(checkpoints):
        proof = selectors.consistency_proof(old, new).proof
        verify_consistency(old, new, bytes(old_root), bytes(new_root), proof)


STEPS = {
    "claim": (store, "claim_pending"),
    "leaves": (store, "insert_leaves"),
    "tiles": (store, "store_tiles"),
    "checkpoint": (services, "_store_checkpoint"),
}


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", list(STEPS))
def test_a_crash_after_any_step_leaves_the_old_log_and_loses_nothing(monkeypatch, step) -> None:
    ids = queue(300)
    services.sequence()
    ids += queue(700, start=300)
    before = snapshot()

    module, name = STEPS[step]
    monkeypatch.setattr(module, name, crash_after(getattr(module, name)))
    with pytest.raises(Crash):
        services.sequence(max_batch=512)
    assert snapshot() == before

    monkeypatch.undo()
    assert services.sequence(max_batch=512) == 700
    assert_each_entry_integrated_once(ids)
    assert_checkpoints_never_fork()


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True)
def test_a_crash_in_the_second_batch_keeps_the_first(monkeypatch) -> None:
    ids = queue(1_000)
    monkeypatch.setattr(store, "store_tiles", crash_after(store.store_tiles, on_call=2))
    with pytest.raises(Crash):
        services.sequence(max_batch=512)
    assert selectors.tree_size() == 512 and PendingEntry.objects.count() == 488

    monkeypatch.undo()
    assert services.sequence(max_batch=512) == 488
    assert_each_entry_integrated_once(ids)


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damage", ["edge tile", "narrower edge tile", "state root"])
def test_damaged_state_stops_the_sequencer_before_it_signs(facts, damage) -> None:
    facts(300)
    if damage == "state root":
        LedgerState.objects.update(root=bytes(32))
    else:
        width = 44 if damage == "edge tile" else 43
        EdgeTile.objects.filter(level=0).update(hashes=bytes(width * 32))
    queue(5)
    with pytest.raises(services.LedgerInconsistent, match="at size 300 cannot be extended"):
        services.sequence()
    assert selectors.tree_size() == 300 and PendingEntry.objects.count() == 5


# PostgreSQL: real processes and threads ------------------------------------------------------


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and a database shared between processes need PostgreSQL")


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_process_loses_nothing_and_integrates_each_entry_once(
    postgres_only,
) -> None:
    ids = []
    for start in range(0, 20_000, 5_000):
        with transaction.atomic():
            services.append_many("test.fact", ({"n": n} for n in range(start, start + 5_000)))
    ids = list(PendingEntry.objects.order_by("id").values_list("id", flat=True))
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ZHILIANG_SIGNING_KEY": settings.SIGNING_KEY,
        "ZHILIANG_PUBLIC_URL": settings.PUBLIC_URL,
        "DJANGO_SETTINGS_MODULE": "zhiliang.settings",
    }
    command = [sys.executable, "-m", "zhiliang.cli", "ledger", "sequence"]
    randomness = random.Random(4)
    kills = 0
    while PendingEntry.objects.exists() and kills < 8:
        worker = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(randomness.uniform(0.3, 1.5))
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            kills += 1
        worker.wait()
    assert kills, "the worker was never killed mid-way: make the queue longer"

    services.sequence()
    assert_each_entry_integrated_once(ids)
    assert_checkpoints_never_fork()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sequencers_and_appenders_never_fork_the_log(postgres_only) -> None:
    start = threading.Barrier(6)
    appended: list[int] = []
    failures: list[BaseException] = []

    def appender(offset: int) -> None:
        try:
            start.wait()
            for round_ in range(20):
                appended.extend(queue(25, start=offset * 10_000 + round_ * 25))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    def sequencer() -> None:
        try:
            start.wait()
            for _ in range(40):
                services.sequence(max_batch=37)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=appender, args=(i,)) for i in range(3)]
    threads += [threading.Thread(target=sequencer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures

    services.sequence()
    assert len(appended) == 1_500
    assert_each_entry_integrated_once(appended)
    assert_checkpoints_never_fork()
    assert Checkpoint.objects.count() > 10  # the sequencers really took turns

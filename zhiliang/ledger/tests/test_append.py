"""Appending facts inside business transactions, and sequencing them into the signed log."""

import json
from datetime import UTC, datetime
from itertools import pairwise

import pytest
import rfc8785
import time_machine
from django.db import transaction

from zhiliang.common import worker
from zhiliang.common.errors import DomainError
from zhiliang.core.ledger import (
    EMPTY_ROOT,
    leaf_hash,
    open_checkpoint,
    root_of,
    verify_consistency,
)
from zhiliang.ledger import selectors, services
from zhiliang.ledger.models import Checkpoint, Leaf, PendingEntry

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]


class FactRefused(Exception):
    pass


@time_machine.travel(datetime(2026, 3, 15, 8, 30, 5, 123456, tzinfo=UTC), tick=False)
def test_an_appended_fact_becomes_a_signed_leaf_with_its_exact_text(log_verifier) -> None:
    with transaction.atomic():
        pending = services.append("grading.record", {"grade": "AAA", "名称": "电热水壶", "n": 7})

    assert selectors.leaf_index_of([pending.pk]) == {pending.pk: None}  # not yet sequenced
    assert services.sequence() == 1

    expected = (
        '{"body":{"grade":"AAA","n":7,"名称":"电热水壶"},'
        '"kind":"grading.record","time":"2026-03-15T08:30:05.123Z"}'
    )
    leaf = Leaf.objects.get()
    assert leaf.entry == expected
    assert bytes(leaf.leaf_hash) == leaf_hash(expected.encode())
    assert selectors.leaf_index_of([pending.pk, 999_999]) == {pending.pk: 0, 999_999: None}
    assert not PendingEntry.objects.exists()

    checkpoint = selectors.latest_checkpoint()
    opened = open_checkpoint(checkpoint.note.encode(), log_verifier).checkpoint
    assert (opened.origin, opened.size) == ("zhiliang.example/ledger", 1)
    assert opened.root == checkpoint.root == leaf_hash(expected.encode())


def test_the_entry_is_the_canonical_json_anyone_can_rebuild(facts) -> None:
    facts(3)
    for leaf in Leaf.objects.all():
        fields = json.loads(leaf.entry)
        assert set(fields) == {"kind", "body", "time"}
        assert rfc8785.dumps(fields).decode() == leaf.entry
        assert fields["time"].endswith("Z") and len(fields["time"]) == len(
            "2026-01-01T00:00:00.000Z"
        )


def test_a_rolled_back_fact_leaves_no_pending_entry() -> None:
    with pytest.raises(FactRefused), transaction.atomic():
        services.append("test.fact", {"n": 1})
        raise FactRefused

    assert not PendingEntry.objects.exists()
    assert services.sequence() == 0
    assert selectors.tree_size() == 0 and not Checkpoint.objects.exists()


def test_an_entry_over_64_kib_is_refused_with_its_size_and_nothing_is_queued() -> None:
    envelope = len(services.entry_text("test.fact", {"text": ""}, datetime.now(UTC)))
    largest = "x" * (65_535 - envelope)

    with transaction.atomic():
        services.append("test.fact", {"text": largest})  # exactly 65,535 bytes: accepted
        with pytest.raises(DomainError) as refused:
            services.append("test.fact", {"text": largest + "x"})

    [problem] = refused.value.problems
    assert (problem.field, problem.code) == ("body", "entry_too_large")
    assert problem.detail == {"limit": 65_535, "size": 65_536}
    assert PendingEntry.objects.count() == 1
    services.sequence()
    assert len(Leaf.objects.get().entry.encode()) == 65_535


def test_the_size_limit_counts_utf8_bytes_not_characters() -> None:
    with transaction.atomic(), pytest.raises(DomainError):
        services.append("test.fact", {"text": "质" * 22_000})  # 22,000 characters, 66,000 bytes


def test_append_many_queues_all_or_nothing() -> None:
    bodies = [{"n": n} for n in range(5)] + [{"text": "x" * 70_000}]
    with transaction.atomic(), pytest.raises(DomainError):
        services.append_many("test.fact", bodies)
    assert not PendingEntry.objects.exists()

    with transaction.atomic():
        assert services.append_many("test.fact", ({"n": n} for n in range(5_000))) == 5_000
    assert services.sequence() == 5_000
    assert selectors.tree_size() == 5_000


def test_a_kind_is_dotted_lowercase_app_first() -> None:
    with transaction.atomic():
        for kind in ("grading", "Grading.record", "grading.", "grading record", "g." + "x" * 80):
            with pytest.raises(ValueError, match="dotted"):
                services.append(kind, {})


def test_a_body_json_cannot_hold_is_a_bug_not_a_refusal() -> None:
    with transaction.atomic(), pytest.raises(ValueError):
        services.append("test.fact", {"amount": {1, 2}})


def test_batches_each_sign_a_checkpoint_that_extends_the_previous_one(facts) -> None:
    facts(10, sequence=False)
    assert services.sequence(max_batch=3) == 10

    checkpoints = list(Checkpoint.objects.order_by("size"))
    assert [c.size for c in checkpoints] == [3, 6, 9, 10]
    leaves = [bytes(v) for v in Leaf.objects.values_list("leaf_hash", flat=True)]
    for older, newer in pairwise(checkpoints):
        assert bytes(older.root) == root_of(leaves[: older.size])
        proof = selectors.consistency_proof(older.size, newer.size).proof
        verify_consistency(older.size, newer.size, bytes(older.root), bytes(newer.root), proof)


def test_leaf_indexes_follow_the_queue_order(facts) -> None:
    ids = facts(300)
    assert selectors.leaf_index_of(ids) == {pending: index for index, pending in enumerate(ids)}


def test_the_worker_runs_the_sequencer(facts) -> None:
    facts(4, sequence=False)
    assert worker.run_round()["ledger"] == 4
    assert worker.run_round()["ledger"] == 0
    assert selectors.tree_size() == 4


def test_the_empty_log_publishes_a_signed_checkpoint_of_size_zero(log_verifier) -> None:
    checkpoint = selectors.latest_checkpoint()
    opened = open_checkpoint(checkpoint.note.encode(), log_verifier).checkpoint
    assert (opened.size, opened.root, checkpoint.signed_at) == (0, EMPTY_ROOT, None)


def test_the_origin_follows_the_public_url_unless_named(settings, monkeypatch) -> None:
    from zhiliang.ledger import keys

    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    assert keys.origin() == "127.0.0.1:8000/ledger"
    settings.PUBLIC_URL = "https://bureau.example/zhiliang"
    assert keys.origin() == "bureau.example/zhiliang/ledger"
    monkeypatch.setenv("ZHILIANG_LEDGER_ORIGIN", "zhiliang.example/log")
    assert keys.origin() == "zhiliang.example/log"
    assert selectors.public_key().startswith("zhiliang.example/log+")


def test_a_key_file_is_created_once_with_owner_only_access(settings, tmp_path) -> None:
    from zhiliang.ledger import keys

    settings.SIGNING_KEY = ""
    settings.SIGNING_KEY_FILE = tmp_path / "signing_key"
    first = keys.log_signer()
    assert settings.SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600
    keys._signer.cache_clear()
    assert keys.log_signer().public_key == first.public_key  # read back, not regenerated


def test_a_malformed_signing_key_stops_the_ledger(settings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from zhiliang.ledger import keys

    settings.SIGNING_KEY = "not base64!"
    with pytest.raises(ImproperlyConfigured):
        keys.log_signer()
    settings.SIGNING_KEY = "AAAA"
    with pytest.raises(ImproperlyConfigured, match="32-byte"):
        keys.log_signer()


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_a_bug() -> None:
    with pytest.raises(AssertionError, match="inside the transaction"):
        services.append("test.fact", {"n": 1})
    with pytest.raises(AssertionError, match="inside a transaction"):
        services.append_many("test.fact", [{"n": 1}])
    assert not PendingEntry.objects.exists()

"""`zhiliang ledger proof | check-consistency | sequence`: what an auditor or a witness runs."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from zhiliang.core.ledger import Checkpoint, Signer, sign_checkpoint, verify_inclusion
from zhiliang.ledger import selectors, services
from zhiliang.ledger.tests.conftest import KEYS

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]


def ledger(*argv: str) -> str:
    out = StringIO()
    call_command("ledger", *argv, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_proof_prints_a_verifiable_inclusion_proof(facts) -> None:
    facts(20)
    body = json.loads(ledger("proof", "--leaf", "13", "--size", "17"))
    assert (body["leaf_index"], body["tree_size"]) == (13, 17)
    assert body["audit_path"] == [
        value.hex() for value in selectors.inclusion_proof(leaf_index=13, tree_size=17).audit_path
    ]
    latest = json.loads(ledger("proof", "--leaf", "13"))
    assert latest["tree_size"] == 20
    path = [bytes.fromhex(value) for value in latest["audit_path"]]
    verify_inclusion(
        bytes.fromhex(latest["leaf_hash"]), 13, 20, path, selectors.latest_checkpoint().root
    )


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--leaf", "20"], "没有第 20 号叶子"),
        (["--leaf", "1", "--size", "21"], "没有条目数为 21 的检查点"),
        (["--leaf", "-1"], "not negative"),
    ],
)
def test_proof_refuses_leaves_outside_the_log(facts, argv, reason) -> None:
    facts(20)
    with pytest.raises(CommandError, match=reason):
        ledger("proof", *argv)


def test_check_consistency_accepts_a_saved_checkpoint_the_log_extends(facts, tmp_path) -> None:
    facts(5)
    saved = tmp_path / "checkpoint"
    saved.write_text(selectors.latest_checkpoint().note, encoding="utf-8")
    facts(300)

    out = ledger("check-consistency", "--old", str(saved))
    assert out.startswith("consistent: the log at size 305 (root ")
    assert out.rstrip().endswith("extends the checkpoint at size 5")


def test_check_consistency_accepts_the_empty_checkpoint(tmp_path) -> None:
    saved = tmp_path / "checkpoint"
    saved.write_text(selectors.latest_checkpoint().note, encoding="utf-8")
    with transaction.atomic():
        services.append("test.fact", {"n": 1})
    services.sequence()
    assert "extends the checkpoint at size 0" in ledger("check-consistency", "--old", str(saved))


def forged(size: int, root: bytes, key: str = "zl-log") -> str:
    signer = Signer.from_seed(KEYS[key]["name"], bytes.fromhex(KEYS[key]["ed25519_seed_hex"]))
    return sign_checkpoint(Checkpoint("zhiliang.example/ledger", size, root), [signer])


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        (lambda: forged(3, bytes(32)), "does not extend the checkpoint at size 3"),
        (lambda: forged(99, bytes(32)), "fewer than the saved checkpoint's 99"),
        (lambda: forged(3, bytes(32), key="zl-impostor"), "not one of this log's"),
        (lambda: "not a note\n", "not one of this log's"),
    ],
)
def test_check_consistency_refuses_a_fork_a_rollback_and_foreign_notes(
    facts, tmp_path, note, reason
) -> None:
    facts(10)
    saved = tmp_path / "checkpoint"
    saved.write_text(note(), encoding="utf-8")
    with pytest.raises(CommandError, match=reason):
        ledger("check-consistency", "--old", str(saved))


def test_check_consistency_says_when_the_file_cannot_be_read(tmp_path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        ledger("check-consistency", "--old", str(tmp_path / "missing"))


def test_sequence_runs_the_sequencer_once(facts) -> None:
    facts(7, sequence=False)
    assert ledger("sequence") == "integrated 7 entries; tree size 7\n"

"""C2SP tlog-checkpoint bodies against checkpoints.json, and signed checkpoints end to end."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.ledger import (
    Checkpoint,
    CheckpointError,
    NoteError,
    Signer,
    open_checkpoint,
    parse_checkpoint,
    parse_vkey,
    sign_checkpoint,
)
from zhiliang.core.tests.shared import load_json

CASES = load_json("conformance/merkle/checkpoints.json")["cases"]
KEYS = {key["id"]: key for key in load_json("conformance/merkle/signed_notes.json")["keys"]}
NOTES = {c["id"]: c for c in load_json("conformance/merkle/signed_notes.json")["note_cases"]}


def signer_of(key_id: str) -> Signer:
    return Signer.from_seed(KEYS[key_id]["name"], bytes.fromhex(KEYS[key_id]["ed25519_seed_hex"]))


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_checkpoint_body(case: dict[str, object]) -> None:
    body = str(case["body"])
    if case["valid"]:
        checkpoint = parse_checkpoint(body)
        assert checkpoint == Checkpoint(
            str(case["origin"]),
            int(str(case["tree_size"])),
            bytes.fromhex(str(case["root_hex"])),
            tuple(case["extension_lines"]),  # type: ignore[arg-type]
        )
        assert checkpoint.format() == body
    else:
        with pytest.raises(CheckpointError):
            parse_checkpoint(body)


def test_a_checkpoint_that_cannot_be_written_is_refused() -> None:
    root = bytes(32)
    for args in [
        ("", 1, root),
        ("log\nx", 1, root),
        ("log", -1, root),
        ("log", 2**64, root),
        ("log", 1, root[:31]),
    ]:
        with pytest.raises(CheckpointError):
            Checkpoint(*args)
    with pytest.raises(CheckpointError):
        Checkpoint("log", 1, root, ("",))


def test_our_signed_checkpoint_is_the_published_note_and_opens_with_witnesses() -> None:
    checkpoint = Checkpoint(
        "zhiliang.example/ledger",
        8,
        bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    )
    log, witness = signer_of("zl-log"), signer_of("zl-witness")
    note = sign_checkpoint(checkpoint, [log, witness])
    assert note == NOTES["zl-cosigned-both-known"]["note"]
    opened = open_checkpoint(note.encode(), log.verifier, witnesses=[witness.verifier])
    assert opened.checkpoint == checkpoint
    assert opened.verified_by == (log.name, witness.name)


def test_a_checkpoint_needs_the_log_signature_and_its_origin() -> None:
    log, witness = signer_of("zl-log"), signer_of("zl-witness")
    by_witness = sign_checkpoint(Checkpoint(log.name, 1, bytes(32)), [witness]).encode()
    with pytest.raises(NoteError, match="log key"):
        open_checkpoint(by_witness, log.verifier, witnesses=[witness.verifier])
    other_origin = sign_checkpoint(Checkpoint("other.example/log", 1, bytes(32)), [log]).encode()
    with pytest.raises(CheckpointError, match="origin"):
        open_checkpoint(other_origin, log.verifier)


def test_sum_golang_org_names_its_origin_apart_from_its_key() -> None:
    case = NOTES["sumdb-8789035-witnessed"]
    key = parse_vkey(KEYS["sum-golang-org"]["vkey"])
    opened = open_checkpoint(case["note"].encode(), key, origin="go.sum database tree")
    assert opened.checkpoint.size == 8_789_035


@given(
    st.text(st.characters(min_codepoint=0x20), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=2**64 - 1),
    st.binary(min_size=32, max_size=32),
    st.lists(st.text(st.characters(min_codepoint=0x20), min_size=1, max_size=20), max_size=3),
)
def test_format_and_parse_round_trip(
    origin: str, size: int, root: bytes, extensions: list[str]
) -> None:
    checkpoint = Checkpoint(origin, size, root, tuple(extensions))
    assert parse_checkpoint(checkpoint.format()) == checkpoint

"""C2SP signed-note with Ed25519 against signed_notes.json: keys, notes, exact signatures."""

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.ledger import (
    KeyFormatError,
    NoteError,
    Signer,
    open_note,
    parse_skey,
    parse_vkey,
    sign_note,
)
from zhiliang.core.tests.shared import load_json

NOTES = load_json("conformance/merkle/signed_notes.json")
KEYS = {key["id"]: key for key in NOTES["keys"]}


def cases(name: str) -> list[object]:
    return [pytest.param(case, id=case["id"]) for case in NOTES[name]]


def signer_of(key_id: str) -> Signer:
    key = KEYS[key_id]
    return Signer.from_seed(key["name"], bytes.fromhex(key["ed25519_seed_hex"]))


@pytest.mark.parametrize("key", cases("keys"))
def test_key(key: dict[str, str]) -> None:
    verifier = parse_vkey(key["vkey"])
    assert (verifier.name, verifier.key_id.hex(), verifier.public_key.hex()) == (
        key["name"],
        key["key_id_hex"],
        key["public_key_hex"],
    )
    assert verifier.vkey == key["vkey"]
    if "ed25519_seed_hex" in key:
        assert signer_of(key["id"]).vkey == key["vkey"]
    if "skey" in key:
        assert parse_skey(key["skey"]).vkey == key["vkey"]
    if rule := re.search(r"SHA-256 of the ASCII text '([^']*)'", key.get("seed_rule", "")):
        assert hashlib.sha256(rule[1].encode()).hexdigest() == key["ed25519_seed_hex"]


@pytest.mark.parametrize("case", cases("vkey_cases"))
def test_vkey(case: dict[str, object]) -> None:
    if case["valid"]:
        verifier = parse_vkey(str(case["vkey"]))
        assert (verifier.name, verifier.key_id.hex(), verifier.public_key.hex()) == (
            case["name"],
            case["key_id_hex"],
            case["public_key_hex"],
        )
    else:
        with pytest.raises(KeyFormatError):
            parse_vkey(str(case["vkey"]))


@pytest.mark.parametrize("case", cases("note_cases"))
def test_note(case: dict[str, object]) -> None:
    raw = bytes.fromhex(str(case["note_hex"])) if "note_hex" in case else str(case["note"]).encode()
    verifiers = [parse_vkey(vkey) for vkey in case["verifier_keys"]]  # type: ignore[attr-defined]
    if case["valid"]:
        opened = open_note(raw, verifiers)
        assert (opened.text, list(opened.verified_by)) == (case["text"], case["verified_by"])
    else:
        with pytest.raises(NoteError):
            open_note(raw, verifiers)


@pytest.mark.parametrize("case", cases("signing_cases"))
def test_signing_is_byte_for_byte(case: dict[str, str]) -> None:
    signer = signer_of(case["key"])
    assert signer.signature_line(case["text"]) == case["signature_line"]
    note = sign_note(case["text"], [signer])
    assert note == case["text"] + "\n" + case["signature_line"]
    assert open_note(note.encode(), [signer.verifier]).text == case["text"]


def test_skey_strings_are_checked() -> None:
    good = KEYS["go-peterneumann"]["skey"]
    assert parse_skey(good).name == "PeterNeumann"
    for bad in [
        good.replace("PRIVATE+KEY+", ""),
        good.replace("c74f20a3", "c74f20a4"),
        good[:-4],
        "PRIVATE+KEY+",
    ]:
        with pytest.raises(KeyFormatError):
            parse_skey(bad)


def test_signing_refuses_texts_no_verifier_would_open() -> None:
    signer = signer_of("zl-log")
    for text in ["no final newline", "tab\there\n", "carriage\r\n", "lone \ud800 surrogate\n"]:
        with pytest.raises(NoteError):
            sign_note(text, [signer])
    with pytest.raises(NoteError):
        sign_note("text\n", [])
    with pytest.raises(KeyFormatError):
        Signer.from_seed("two words", bytes(32))


lines = st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]), max_size=40)


@given(st.lists(lines, min_size=1, max_size=5), st.data())
def test_signed_notes_open_and_any_changed_character_is_refused(
    text_lines: list[str], data: st.DataObject
) -> None:
    text = "".join(f"{line}\n" for line in text_lines)
    log, witness = signer_of("zl-log"), signer_of("zl-witness")
    note = sign_note(text, [log, witness])
    opened = open_note(note.encode(), [log.verifier, witness.verifier])
    assert (opened.text, opened.verified_by) == (text, (log.name, witness.name))
    position = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    replacement = data.draw(st.sampled_from("0aZ\u8d28 "))
    tampered = note[:position] + replacement + note[position + 1 :]
    if tampered != note:
        with pytest.raises(NoteError):
            open_note(tampered.encode(), [log.verifier])

"""The digital identity code (our definition, docs/digital-identity-code.md), the other schemes'
checks, and EPC identifiers in their URN and Digital Link forms."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.identifiers.uscc import ALPHABET
from zhiliang.core.tracing.codes import (
    MAX_ISSUER,
    MAX_SERIAL,
    identity_issuer,
    make_identity_code,
    parse_ccc_unit,
    parse_ecode,
    parse_identity_code,
)
from zhiliang.core.tracing.epc import Kind, parse_epc

issuers = st.integers(min_value=1, max_value=MAX_ISSUER)
serials = st.integers(min_value=0, max_value=MAX_SERIAL)


@given(issuers, serials)
def test_an_issued_code_checks_and_names_its_issuer(issuer: int, serial: int) -> None:
    code = make_identity_code(issuer, serial)
    assert len(code) == 17
    assert parse_identity_code(code) == code
    assert identity_issuer(code) == issuer


@given(issuers, serials, st.integers(min_value=0, max_value=15), st.sampled_from(ALPHABET))
def test_every_single_character_error_is_caught(
    issuer: int, serial: int, position: int, char: str
) -> None:
    code = make_identity_code(issuer, serial)
    wrong = code[:position] + char + code[position + 1 :]
    if wrong != code:
        with pytest.raises(InvalidIdentifier):
            parse_identity_code(wrong)


@given(issuers, serials, st.integers(min_value=0, max_value=15))
def test_every_swap_of_neighbours_is_caught(issuer: int, serial: int, position: int) -> None:
    code = make_identity_code(issuer, serial)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped != code:
        with pytest.raises(InvalidIdentifier):
            parse_identity_code(swapped)


def test_distinct_units_get_distinct_codes() -> None:
    codes = {make_identity_code(7, n) for n in range(5000)}
    assert len(codes) == 5000


@pytest.mark.parametrize(
    ("value", "code"),
    [("1234", "bad_length"), ("1000007000000000I", "illegal_character"),
     ("200000700000000000"[:17], "unknown_version")],
)  # fmt: skip
def test_malformed_identity_codes_say_why(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        parse_identity_code(value)
    assert refused.value.code == code


def test_ecode_version_zero_belongs_to_gs1_and_bad_ecodes_are_refused() -> None:
    assert parse_ecode("10001ABC1234") == "10001ABC1234"
    for bad, code in (("06901234567892", "ecode_v0"), ("4ABC", "bad_ecode"), ("1ab", "bad_ecode")):
        with pytest.raises(InvalidIdentifier) as refused:
            parse_ecode(bad)
        assert refused.value.code == code


def test_ccc_unit_codes_carry_a_plausible_certificate() -> None:
    assert parse_ccc_unit("2016010901123456.A0001") == "2016010901123456.A0001"
    with pytest.raises(InvalidIdentifier):
        parse_ccc_unit("2016990901123456.A0001")  # body 99 unknown
    with pytest.raises(InvalidIdentifier):
        parse_ccc_unit("2016010901123456")


@pytest.mark.parametrize(
    ("urn", "dl"),
    [("urn:epc:id:sgtin:6901234.056789.SN1001", "https://id.gs1.org/01/06901234567892/21/SN1001"),
     ("urn:epc:id:sscc:6901234.3500000001", "https://id.gs1.org/00/369012345000000012"),
     ("urn:epc:id:sgln:6901234.00001.0", "https://id.gs1.org/414/6901234000016"),
     ("urn:epc:id:pgln:6901234.00000", "https://id.gs1.org/417/6901234000009"),
     ("urn:epc:id:sgtin:6901234.056789.A%2FB", "https://id.gs1.org/01/06901234567892/21/A%2FB")],
)  # fmt: skip
def test_urn_and_digital_link_forms_meet_in_one_canonical_id(urn: str, dl: str) -> None:
    assert parse_epc(urn).canonical == parse_epc(dl).canonical == dl
    assert parse_epc(urn).urn_form and not parse_epc(dl).urn_form


def test_kinds_of_identifiers() -> None:
    assert parse_epc("https://x.example/01/06901234567892/10/L1").kind == Kind.CLASS
    assert parse_epc("urn:epc:idpat:sgtin:6901234.056789.*").kind == Kind.PATTERN
    assert parse_epc("urn:zhiliang:party:91330402MA2B3C4D1N").kind == Kind.PARTY
    assert parse_epc("https://example.com/any/thing").kind == Kind.OTHER
    assert parse_epc(f"urn:zhiliang:dic:{make_identity_code(3, 4)}").kind == Kind.INSTANCE
    for bad in ("urn:epc:id:sgtin:6901234.056789", "urn:zhiliang:party:91330402MA2B3C4D1X"):
        with pytest.raises(InvalidIdentifier):
            parse_epc(bad)


@given(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70))
def test_an_event_tree_proves_every_event_of_its_job(hashes: list[bytes]) -> None:
    from zhiliang.core.tracing.event_tree import EventTree, events_root, verify

    tree = EventTree(hashes)
    assert tree.root == events_root(hashes)
    for position, digest in enumerate(hashes):
        assert verify(digest, position, len(hashes), tree.path(position), tree.root)
        if digest != b"\x00" * 32:
            assert not verify(b"\x00" * 32, position, len(hashes), tree.path(position), tree.root)

"""Credit codes against the shared vectors (registry/uscc.json) and the properties of the checks."""

from typing import Final, NotRequired, TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from zhiliang.core.identifiers import (
    ENTITY_TYPES,
    USCC,
    InvalidIdentifier,
    make_uscc,
    normalise_uscc,
    organisation_code_check,
    parse_uscc,
    uscc_check_char,
)
from zhiliang.core.identifiers.uscc import ALPHABET
from zhiliang.core.tests.shared import load_json


class Named(TypedDict):
    code: str
    name: str


class ValidCase(TypedDict):
    value: str
    registration_authority: Named
    entity_type: Named
    region_code: str
    organisation_code: str
    check_char: str


class InvalidCase(TypedDict):
    value: str
    reason: str
    computed_org_code_check: NotRequired[str]
    computed_check_char: NotRequired[str]
    issued_code_not_conforming: NotRequired[bool]
    valid_after_normalisation: NotRequired[str]


VECTORS: Final = load_json("conformance/registry/uscc.json")
VALID: Final[list[ValidCase]] = VECTORS["valid"]
INVALID: Final[list[InvalidCase]] = VECTORS["invalid"]
FUJIAN_PILOT: Final = [c for c in INVALID if c.get("issued_code_not_conforming")]


def case_id(case: ValidCase | InvalidCase) -> str:
    return case["value"] or "<empty>"


@pytest.mark.parametrize("case", VALID, ids=case_id)
def test_a_valid_code_parses_into_its_gb_32100_parts(case: ValidCase) -> None:
    parsed = parse_uscc(case["value"])

    assert parsed == USCC(
        value=case["value"],
        authority=case["registration_authority"]["code"],
        entity_type=case["entity_type"]["code"],
        region_code=case["region_code"],
        organisation_code=case["organisation_code"],
        check_char=case["check_char"],
    )
    assert parsed.authority_name == case["registration_authority"]["name"]
    assert parsed.entity_type_name == case["entity_type"]["name"]


@pytest.mark.parametrize("case", INVALID, ids=case_id)
def test_an_invalid_code_is_refused_for_the_first_rule_it_breaks(case: InvalidCase) -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        parse_uscc(case["value"])

    assert refusal.value.code == case["reason"]
    assert refusal.value.reason  # a sentence for the reviewer, not just the code


@pytest.mark.parametrize("case", [c for c in INVALID if "computed_check_char" in c], ids=case_id)
def test_the_check_characters_match_the_ones_the_vectors_computed(case: InvalidCase) -> None:
    value = case["value"]

    assert organisation_code_check(value[8:16]) == case.get("computed_org_code_check")
    assert uscc_check_char(value[:17]) == case.get("computed_check_char")


def test_the_four_fujian_pilot_codes_fail_only_position_18() -> None:
    assert len(FUJIAN_PILOT) == 4
    for case in FUJIAN_PILOT:
        value = case["value"]
        with pytest.raises(InvalidIdentifier) as refusal:
            parse_uscc(value)
        assert refusal.value.code == "bad_check_char"  # the code that sends them to review
        assert organisation_code_check(value[8:16]) == value[16]


@pytest.mark.parametrize(
    "case", [c for c in INVALID if "valid_after_normalisation" in c], ids=case_id
)
def test_normalising_a_typed_code_offers_the_valid_one(case: InvalidCase) -> None:
    cleaned = normalise_uscc(case["value"])

    assert cleaned == case.get("valid_after_normalisation")
    assert parse_uscc(cleaned).value == cleaned


def test_raw_input_is_never_cleaned_by_the_validator() -> None:
    valid = "91330402MA2B3C4D1N"
    for raw, code in [(f" {valid}", "bad_length"), (valid.lower(), "illegal_character")]:
        with pytest.raises(InvalidIdentifier) as refusal:
            parse_uscc(raw)
        assert refusal.value.code == code


def test_make_uscc_refuses_parts_the_validator_would_refuse() -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        make_uscc("9", "4", "330402", "MA2B3C4D")
    assert refusal.value.code == "unknown_entity_type"
    with pytest.raises(InvalidIdentifier) as refusal:
        make_uscc("9", "1", "330402", "MA2B3C4")
    assert refusal.value.code == "bad_length"
    with pytest.raises(InvalidIdentifier) as refusal:
        make_uscc("9", "1", "330402", "MA2B3CVD")
    assert refusal.value.code == "forbidden_letter"


def test_make_uscc_reproduces_the_synthetic_example_of_code_formats() -> None:
    assert make_uscc("9", "1", "330402", "MA2B3C4D") == "91330402MA2B3C4D1N"


AUTHORITY_AND_TYPE: Final = st.sampled_from(
    [(authority, kind) for authority, kinds in ENTITY_TYPES.items() for kind in kinds]
)
REGIONS: Final = st.text(alphabet="0123456789", min_size=6, max_size=6)
BODIES: Final = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    authority, kind = draw(AUTHORITY_AND_TYPE)
    return make_uscc(authority, kind, draw(REGIONS), draw(BODIES))


@given(AUTHORITY_AND_TYPE, REGIONS, BODIES)
def test_every_generated_code_validates_with_the_parts_it_was_made_from(
    authority_and_type: tuple[str, str], region: str, body: str
) -> None:
    authority, kind = authority_and_type
    parsed = parse_uscc(make_uscc(authority, kind, region, body))

    assert (parsed.authority, parsed.entity_type, parsed.region_code) == (authority, kind, region)
    assert parsed.organisation_code[:8] == body


@given(credit_codes(), st.integers(min_value=0, max_value=17), st.characters())
def test_changing_any_single_character_makes_a_code_invalid(
    code: str, position: int, replacement: str
) -> None:
    """Always true, not just likely: a different character inside the alphabet changes the mod-31
    sum by weight × difference, both non-zero modulo the prime 31 (the weights are powers of 3),
    and position 18 itself has one right value; anything outside the alphabet is refused outright.
    """
    if replacement == code[position]:
        replacement = ALPHABET[(ALPHABET.index(code[position]) + 1) % len(ALPHABET)]
    changed = code[:position] + replacement + code[position + 1 :]

    with pytest.raises(InvalidIdentifier):
        parse_uscc(changed)


@given(
    credit_codes(), st.integers(min_value=0, max_value=16), st.integers(min_value=0, max_value=16)
)
def test_swapping_two_different_characters_of_positions_1_to_17_makes_a_code_invalid(
    code: str, i: int, j: int
) -> None:
    """Also always true: the weights 3^0 … 3^16 mod 31 are pairwise different (3 has order 30
    modulo 31), so a swap changes the sum by (w_i - w_j)(v_j - v_i), which is non-zero mod 31.
    A swap with position 18 is not covered: the check character carries no weight of its own.
    """
    if code[i] == code[j]:
        return
    chars = list(code)
    chars[i], chars[j] = chars[j], chars[i]

    with pytest.raises(InvalidIdentifier):
        parse_uscc("".join(chars))


@given(credit_codes())
def test_python_stdnum_accepts_every_generated_code_it_can_read(code: str) -> None:
    if code[:8].isdigit():  # stdnum refuses letter authorities (A, N, Y) by design
        assert stdnum_uscc.is_valid(code)

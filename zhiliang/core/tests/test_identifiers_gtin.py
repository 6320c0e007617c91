"""GTINs and SSCCs against the shared vectors (gs1/gtin.json, gs1/sscc.json) and properties."""

from collections.abc import Callable
from typing import Final, NotRequired, TypedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from zhiliang.core.identifiers import (
    InvalidIdentifier,
    gs1_check_digit,
    gtin14,
    make_gtin13,
    make_sscc,
    normalise_gs1_number,
    parse_gtin,
    parse_sscc,
)
from zhiliang.core.tests.shared import load_json


class GtinCase(TypedDict):
    value: str
    length_format: str
    check_digit: int
    gtin14: str


class SsccCase(TypedDict):
    value: str
    extension_digit: int
    check_digit: int


class InvalidCase(TypedDict):
    value: str
    reason: str
    expected_check_digit: NotRequired[int]
    valid_after_normalisation: NotRequired[str]


class CheckDigitCase(TypedDict):
    payload: str
    check_digit: int
    full: str


GTIN: Final = load_json("conformance/gs1/gtin.json")
SSCC: Final = load_json("conformance/gs1/sscc.json")
GTIN_VALID: Final[list[GtinCase]] = GTIN["valid"]
SSCC_VALID: Final[list[SsccCase]] = SSCC["valid"]
INVALID: Final[list[tuple[str, InvalidCase]]] = [("gtin", c) for c in GTIN["invalid"]] + [
    ("sscc", c) for c in SSCC["invalid"]
]
CHECK_DIGIT_CASES: Final[list[tuple[str, CheckDigitCase]]] = [
    ("gtin", c) for c in GTIN["check_digit_cases"]
] + [("sscc", c) for c in SSCC["check_digit_cases"]]
PARSERS: Final[dict[str, Callable[[str], object]]] = {"gtin": parse_gtin, "sscc": parse_sscc}


def kind_and_value(case: tuple[str, InvalidCase] | tuple[str, CheckDigitCase]) -> str:
    kind, body = case
    return f"{kind}-{body.get('value', body.get('payload')) or '<empty>'}"


@pytest.mark.parametrize("case", GTIN_VALID, ids=lambda c: c["value"])
def test_a_valid_gtin_gives_its_format_check_digit_and_14_digit_form(case: GtinCase) -> None:
    parsed = parse_gtin(case["value"])

    assert parsed.value == case["value"]
    assert parsed.length_format == case["length_format"]
    assert parsed.check_digit == case["check_digit"]
    assert parsed.gtin14 == gtin14(case["value"]) == case["gtin14"]


@pytest.mark.parametrize("case", SSCC_VALID, ids=lambda c: c["value"])
def test_a_valid_sscc_gives_its_extension_and_check_digit(case: SsccCase) -> None:
    parsed = parse_sscc(case["value"])

    assert (parsed.value, parsed.extension_digit, parsed.check_digit) == (
        case["value"],
        case["extension_digit"],
        case["check_digit"],
    )


@pytest.mark.parametrize("case", INVALID, ids=kind_and_value)
def test_an_invalid_number_is_refused_with_the_vectors_reason(
    case: tuple[str, InvalidCase],
) -> None:
    kind, body = case
    with pytest.raises(InvalidIdentifier) as refusal:
        PARSERS[kind](body["value"])

    assert refusal.value.code == body["reason"]
    if "expected_check_digit" in body:
        assert gs1_check_digit(body["value"][:-1]) == body.get("expected_check_digit")


@pytest.mark.parametrize(
    "case", [c for c in INVALID if "valid_after_normalisation" in c[1]], ids=kind_and_value
)
def test_normalising_a_typed_number_offers_the_valid_one(case: tuple[str, InvalidCase]) -> None:
    kind, body = case
    cleaned = normalise_gs1_number(body["value"])

    assert cleaned == body.get("valid_after_normalisation")
    PARSERS[kind](cleaned)


@pytest.mark.parametrize("case", CHECK_DIGIT_CASES, ids=kind_and_value)
def test_the_check_digit_of_each_payload_is_the_one_published(
    case: tuple[str, CheckDigitCase],
) -> None:
    kind, body = case
    digit = gs1_check_digit(body["payload"])

    assert digit == body["check_digit"]
    assert body["payload"] + str(digit) == body["full"]
    PARSERS[kind](body["full"])


def test_twelve_digits_are_a_gtin_12_never_a_gtin_13_without_its_check_digit() -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        parse_gtin("690123456789")
    assert refusal.value.code == "bad_check_digit"
    assert make_gtin13("690123456789") == "6901234567892"


def test_generators_refuse_payloads_of_the_wrong_shape() -> None:
    for make, payload, code in [
        (make_gtin13, "69012345678", "bad_length"),
        (make_gtin13, "６９０１２３４５６７８９", "non_numeric"),
        (make_sscc, "3690123450000000", "bad_length"),
    ]:
        with pytest.raises(InvalidIdentifier) as refusal:
            make(payload)
        assert refusal.value.code == code


DIGITS: Final = "0123456789"


@st.composite
def gtins(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([8, 12, 13, 14]))
    payload = draw(st.text(alphabet=DIGITS, min_size=length - 1, max_size=length - 1))
    return payload + str(gs1_check_digit(payload))


@given(st.text(alphabet=DIGITS, min_size=12, max_size=12))
def test_every_generated_gtin_13_validates(payload: str) -> None:
    parsed = parse_gtin(make_gtin13(payload))

    assert parsed.length_format == "GTIN-13"
    assert parsed.value[:12] == payload


@given(st.text(alphabet=DIGITS, min_size=17, max_size=17))
def test_every_generated_sscc_validates(payload: str) -> None:
    assert parse_sscc(make_sscc(payload)).value[:17] == payload


@given(gtins())
def test_the_14_digit_form_is_a_valid_gtin_14_with_the_same_check_digit(gtin: str) -> None:
    padded = gtin14(gtin)

    assert parse_gtin(padded).length_format == "GTIN-14"
    assert padded[-1] == gtin[-1] and padded.lstrip("0") == gtin.lstrip("0")


@given(gtins(), st.data())
def test_changing_any_single_digit_makes_a_gtin_invalid(gtin: str, data: st.DataObject) -> None:
    """Always true for mod 10 with weights 1 and 3: 3 × d is never a multiple of 10 for d in 1-9."""
    position = data.draw(st.integers(min_value=0, max_value=len(gtin) - 1))
    replacement = data.draw(st.sampled_from(DIGITS.replace(gtin[position], "")))
    changed = gtin[:position] + replacement + gtin[position + 1 :]

    with pytest.raises(InvalidIdentifier) as refusal:
        parse_gtin(changed)
    assert refusal.value.code == "bad_check_digit"


@given(gtins(), st.data())
def test_any_character_other_than_an_ascii_digit_makes_a_number_non_numeric(
    gtin: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(gtin)))
    intruder = data.draw(st.characters().filter(lambda c: c not in DIGITS))

    with pytest.raises(InvalidIdentifier) as refusal:
        parse_gtin(gtin[:position] + intruder + gtin[position:])
    assert refusal.value.code == "non_numeric"


@given(st.text(alphabet=DIGITS, min_size=8, max_size=14))
def test_on_ascii_digits_the_verdict_matches_python_stdnum(digits: str) -> None:
    try:
        parse_gtin(digits)
    except InvalidIdentifier:
        ours = False
    else:
        ours = True
    assert ours == ean.is_valid(digits)

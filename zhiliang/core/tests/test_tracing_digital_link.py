"""GS1 Digital Link parsing against every case of gs1/digital_link.json, and properties."""

import itertools
import string
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.identifiers import InvalidIdentifier, make_gtin13
from zhiliang.core.tests.shared import load_json
from zhiliang.core.tracing.digital_link import (
    _PLAIN_UNIT,
    _parse,
    encode,
    gtin_path,
    parse_digital_link,
)

CASES = load_json("conformance/gs1/digital_link.json")


def _pairs(elements: Any) -> list[dict[str, str]]:
    return [{"ai": e.ai, "value": e.value} for e in elements]


@pytest.mark.parametrize("case", CASES["valid"], ids=lambda c: c["id"])
def test_a_valid_uri_parses_to_the_expected_parts(case: dict[str, Any]) -> None:
    link = parse_digital_link(case["uri"])
    expected = case["expected"]
    assert link.authority == expected["authority"]
    assert link.path_prefix == expected["path_prefix"]
    assert {"ai": link.primary_key.ai, "value": link.primary_key.value} == expected["primary_key"]
    assert (link.gtin, link.cpv, link.lot, link.serial, link.tpx) == (
        expected["gtin"], expected["cpv"], expected["lot"], expected["serial"], expected["tpx"]
    )  # fmt: skip
    assert _pairs(link.key_qualifiers) == expected["key_qualifiers"]
    assert _pairs(link.data_attributes) == expected["data_attributes"]
    assert list(link.ignored_query_params) == expected["ignored_query_params"]
    assert link.element_strings_hri == expected["element_strings_hri"]
    assert link.canonical_uri == expected["canonical_uri"]
    assert sorted(link.flags) == sorted(case.get("flags") or [])


@pytest.mark.parametrize("case", CASES["invalid"], ids=lambda c: c["id"])
def test_an_invalid_uri_is_refused_with_an_acceptable_reason(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        parse_digital_link(case["uri"])
    assert refused.value.code in case["acceptable_reasons"]


@pytest.mark.parametrize("case", CASES["valid"], ids=lambda c: c["id"])
def test_the_canonical_uri_parses_to_the_same_element_strings(case: dict[str, Any]) -> None:
    link = parse_digital_link(case["uri"])
    again = parse_digital_link(link.canonical_uri)
    assert sorted(again.element_strings_hri.split("(")) == sorted(
        link.element_strings_hri.split("(")
    )


serials = st.text(
    alphabet=st.sampled_from("ABCXYZabc0123456789-._!'()*+,:;=&%/?\"<>"), min_size=1, max_size=20
)


@given(st.integers(min_value=0, max_value=10**9 - 1), serials, serials)
def test_a_path_we_build_parses_back_to_its_values(item: int, lot: str, serial: str) -> None:
    gtin = "0" + make_gtin13(f"690{item:09d}")
    link = parse_digital_link("https://zl.example.cn" + gtin_path(gtin, lot=lot, serial=serial))
    assert (link.gtin, link.lot, link.serial) == (gtin, lot, serial)


@given(st.integers(min_value=0, max_value=10**9 - 1), st.integers(min_value=1, max_value=9))
def test_every_wrong_check_digit_is_refused(item: int, shift: int) -> None:
    gtin = "0" + make_gtin13(f"690{item:09d}")
    wrong = gtin[:-1] + str((int(gtin[-1]) + shift) % 10)
    with pytest.raises(InvalidIdentifier) as refused:
        parse_digital_link(f"https://id.gs1.org/01/{wrong}/21/1")
    assert refused.value.code == "bad_check_digit"


_LABEL_PARTS: list[list[str]] = [
    ["https://", "http://", "HTTPS://", "ftp://"],
    ["id.gs1.org", "example.com:8443", "a b"],
    ["", "/prefix"],
    ["/01/", "/00/"],
    ["06901234567892", "06901234567893", "9506000134352"],
    ["", "/10/ABC123", "/10/A%2FB", "/10/" + "x" * 21, "/22/0"],
    ["", "/21/0", "/21/lot-1", "/21/" + "x" * 20],
    ["", "?17=251231", "#top", "/"],
]


def test_the_short_way_for_plain_labels_agrees_with_every_rule() -> None:
    """A plain label (GTIN-14, lot, serial, nothing encoded) skips the general parser: over
    every mix of plain and not-quite-plain parts, both ways give the same parts or the same
    refusal."""

    def outcome(parse: Any, uri: str) -> Any:
        try:
            return parse(uri)
        except InvalidIdentifier as error:
            return error.code

    short = 0
    for parts in itertools.product(*_LABEL_PARTS):
        uri = "".join(parts)
        short += bool(_PLAIN_UNIT.fullmatch(uri))
        assert outcome(parse_digital_link, uri) == outcome(_parse, uri), uri
    assert short >= 24  # the short way was taken, not only the long one


def test_a_plain_label_is_read_the_short_way_with_the_same_parts() -> None:
    for uri in [
        "https://id.gs1.org/01/06901234567892/21/SN0001",
        "http://127.0.0.1:8000/01/06901234567892/10/LOT7/21/B0000001",
        "https://example.com/01/06901234567892/10/A1",
    ]:
        assert _PLAIN_UNIT.fullmatch(uri)
        assert parse_digital_link(uri) == _parse(uri)


@given(
    st.text(alphabet=string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_~ é", max_size=30)
)
def test_encoding_a_value_skips_only_what_needs_no_encoding(value: str) -> None:
    assert encode(value) == quote(value, safe="';=")

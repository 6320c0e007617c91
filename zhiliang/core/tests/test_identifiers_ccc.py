"""CCC certificate numbers: layout, year against a given day, known bodies, status values."""

from datetime import date
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.identifiers import (
    CERTIFICATION_BODIES,
    CccNumber,
    CccStatus,
    InvalidIdentifier,
    make_ccc,
    parse_ccc,
)

TODAY: Final = date(2026, 3, 1)


def test_the_example_of_code_formats_parses_into_its_parts() -> None:
    parsed = parse_ccc("2016010901123456", today=TODAY)

    assert parsed == CccNumber("2016010901123456", 2016, "01", "0901", "123456")
    assert (parsed.product_class, parsed.product_subclass) == ("09", "01")
    assert parsed.body_name.endswith("(CQC)")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("201601090112345", "length"),
        ("20160109011234567", "length"),
        ("2016 01 0901 123456", "length"),
        ("", "length"),
        ("２０１６０１０９０１１２３４５６", "not_digits"),
        ("2016O10901123456", "not_digits"),
        ("2016-10901123456", "not_digits"),
        ("2001010901123456", "year"),
        ("2027010901123456", "year"),
        ("2016990901123456", "body"),
        ("2016000901123456", "body"),
    ],
)
def test_a_malformed_number_is_refused_with_its_code(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        parse_ccc(value, today=TODAY)
    assert refusal.value.code == code


def test_a_year_is_in_the_future_only_relative_to_the_day_passed_in() -> None:
    value = make_ccc(year=2027, body="01", category="0901", serial=1)

    with pytest.raises(InvalidIdentifier):
        parse_ccc(value, today=TODAY)
    assert parse_ccc(value, today=date(2027, 1, 1)).year == 2027


def test_the_status_values_are_those_the_national_query_service_shows() -> None:
    assert {s.value for s in CccStatus} == {"有效", "暂停", "撤销", "注销", "过期"}
    assert CccStatus("撤销") is CccStatus.REVOKED


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        ({"year": 2001, "body": "01", "category": "0901", "serial": 1}, "year"),
        ({"year": 2016, "body": "02", "category": "0901", "serial": 1}, "body"),
        ({"year": 2016, "body": "01", "category": "901", "serial": 1}, "not_digits"),
        ({"year": 2016, "body": "01", "category": "0901", "serial": 1_000_000}, "length"),
    ],
)
def test_make_ccc_refuses_impossible_parts(parts: dict[str, int | str], code: str) -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        make_ccc(**parts)  # type: ignore[arg-type]
    assert refusal.value.code == code


@given(
    st.integers(min_value=2002, max_value=TODAY.year),
    st.sampled_from(sorted(CERTIFICATION_BODIES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.integers(min_value=0, max_value=999_999),
)
def test_every_generated_number_validates_with_its_parts(
    year: int, body: str, category: str, serial: int
) -> None:
    parsed = parse_ccc(
        make_ccc(year=year, body=body, category=category, serial=serial), today=TODAY
    )

    assert (parsed.year, parsed.body, parsed.category, int(parsed.serial)) == (
        year,
        body,
        category,
        serial,
    )

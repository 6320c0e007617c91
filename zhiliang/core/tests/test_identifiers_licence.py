"""Production licence numbers: national and provincial layouts, strict raw input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.identifiers import (
    PROVINCE_ABBREVIATIONS,
    InvalidIdentifier,
    ProductionLicence,
    make_licence,
    normalise_licence,
    parse_licence,
)


def test_a_national_licence_number_parses_into_its_parts() -> None:
    parsed = parse_licence("XK06-014-00123")

    assert parsed == ProductionLicence("XK06-014-00123", None, "06", "014", "00123")
    assert parsed.province_code is None


def test_a_provincial_licence_number_names_its_province() -> None:
    parsed = parse_licence("(浙)XK06-014-00123")

    assert (parsed.province, parsed.province_code) == ("浙", "33")
    assert parsed.industry_code == "06"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("XK06-014-0012", "format"),
        ("XK06-14-00123", "format"),
        ("XK0601400123", "format"),
        ("xk06-014-00123", "format"),
        (" XK06-014-00123", "format"),
        ("XK06–014–00123", "format"),  # en dashes
        ("\uff08浙\uff09XK06-014-00123", "format"),  # full-width brackets
        ("XK０６-014-00123", "format"),
        ("(浙江)XK06-014-00123", "format"),
        ("(港)XK06-014-00123", "province"),
        ("(A)XK06-014-00123", "province"),
        ("", "format"),
    ],
)
def test_a_malformed_number_is_refused_with_its_code(value: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        parse_licence(value)
    assert refusal.value.code == code


def test_normalising_a_typed_number_offers_the_valid_one() -> None:
    assert normalise_licence("\uff08浙\uff09xk０６-014-00123 ") == "(浙)XK06-014-00123"


@given(
    st.text(alphabet="0123456789", min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.integers(min_value=0, max_value=99_999),
    st.none() | st.sampled_from(sorted(PROVINCE_ABBREVIATIONS)),
)
def test_every_generated_number_validates_with_its_parts(
    industry: str, product: str, serial: int, province: str | None
) -> None:
    value = make_licence(
        industry_code=industry, product_code=product, serial=serial, province=province
    )
    parsed = parse_licence(value)

    assert (parsed.province, parsed.industry_code, parsed.product_code) == (
        province,
        industry,
        product,
    )
    assert int(parsed.serial) == serial

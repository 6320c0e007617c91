"""Region code format against the shared regions table and as a tree."""

import csv
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.identifiers import InvalidIdentifier, RegionLevel, level_of, parent_code_of
from zhiliang.core.tests.shared import SHARED_DIR

with (SHARED_DIR / "data/regions.csv").open(encoding="utf-8", newline="") as rows:
    REGIONS: Final = [(r["code"], r["level"], r["parent_code"]) for r in csv.DictReader(rows)]


@pytest.mark.parametrize(("code", "level", "parent"), REGIONS, ids=[r[0] for r in REGIONS])
def test_the_format_gives_the_level_and_parent_the_regions_table_records(
    code: str, level: str, parent: str
) -> None:
    assert level_of(code) == RegionLevel(level)
    assert parent_code_of(code) == (parent or None)


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("110101", RegionLevel.COUNTY, "110100"),
        ("429004", RegionLevel.COUNTY, "429000"),
        ("441900003", RegionLevel.TOWN, "441900"),
        ("810000", RegionLevel.PROVINCE, None),
    ],
)
def test_special_cases_of_the_tree(code: str, level: RegionLevel, parent: str | None) -> None:
    assert (level_of(code), parent_code_of(code)) == (level, parent)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("33040", "bad_length"),
        ("3304020071", "bad_length"),
        ("", "bad_length"),
        ("33O402", "not_digits"),
        ("３３０４０２", "not_digits"),
        ("330402 07", "not_digits"),
        ("000000", "bad_structure"),
        ("930000", "bad_structure"),
        ("330012", "bad_structure"),
        ("330402000", "bad_structure"),
        ("330000001", "bad_structure"),
    ],
)
def test_a_malformed_code_is_refused_with_its_code(code: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        level_of(code)
    assert refusal.value.code == reason


ABOVE: Final = {
    RegionLevel.TOWN: {RegionLevel.COUNTY, RegionLevel.CITY},
    RegionLevel.COUNTY: {RegionLevel.CITY},
    RegionLevel.CITY: {RegionLevel.PROVINCE},
}

OWN_DIGITS: Final = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6}


@given(st.from_regex(r"[1-8][0-9]{5}([0-9]{3})?", fullmatch=True))
def test_walking_up_from_any_code_reaches_its_province_through_higher_levels(code: str) -> None:
    try:
        level = level_of(code)
    except InvalidIdentifier:
        return
    while (parent := parent_code_of(code)) is not None:
        parent_level = level_of(parent)
        assert parent_level in ABOVE[level]
        assert code[: OWN_DIGITS[parent_level]] == parent[: OWN_DIGITS[parent_level]]
        code, level = parent, parent_level
    assert level is RegionLevel.PROVINCE

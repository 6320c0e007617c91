"""Region code format (行政区划代码, GB/T 2260, extended to towns as in GB/T 10114).

Six digits name a province (``XX0000``), a city (``XXYY00``) or a county (``XXYYZZ``); towns and
sub-districts (乡镇、街道) add three digits to the code of the county, or of the city where a city
has no counties (Dongguan 441900, for example). Jurisdictions are matched by these prefixes, so
the format decides the tree. Whether a code exists, or existed, is checked against the regions
table elsewhere: retired codes stay legitimate in old records such as credit codes.
"""

from enum import StrEnum
from typing import Final

from .errors import InvalidIdentifier

COUNTY_LENGTH: Final = 6
TOWN_LENGTH: Final = 9


class RegionLevel(StrEnum):
    """Administrative level; the values are those of the ``level`` column in shared regions.csv."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"


def level_of(code: str) -> RegionLevel:
    """The level a region code denotes by its format, or raise ``InvalidIdentifier``.

    Codes: ``bad_length`` (not 6 or 9 characters), ``not_digits``, ``bad_structure``: the first
    digit is GB/T 2260's large-area digit (1 华北 … 8 港澳), so 0 and 9 never start a code; a
    county part cannot follow an empty city part (counties under a province directly use city
    part 90); a town part is never 000 and never sits directly under a province.
    """
    if len(code) not in (COUNTY_LENGTH, TOWN_LENGTH):
        raise InvalidIdentifier(
            "bad_length", f"A region code has 6 or 9 digits, this one has {len(code)}."
        )
    if not (code.isascii() and code.isdigit()):
        raise InvalidIdentifier("not_digits", f"A region code has only the digits 0-9: {code!r}.")
    if code[0] in "09":
        raise InvalidIdentifier("bad_structure", f"{code[:2]!r} is not a GB/T 2260 province part.")
    city, county = code[2:4], code[4:6]
    if city == "00" and county != "00":
        raise InvalidIdentifier(
            "bad_structure", f"{code[:6]!r} has a county part but no city part."
        )
    if len(code) == TOWN_LENGTH:
        if code[6:] == "000":
            raise InvalidIdentifier("bad_structure", f"{code!r} has an empty town part.")
        if city == "00":
            raise InvalidIdentifier(
                "bad_structure", f"{code!r} puts a town directly in a province."
            )
        return RegionLevel.TOWN
    if county != "00":
        return RegionLevel.COUNTY
    return RegionLevel.CITY if city != "00" else RegionLevel.PROVINCE


def parent_code_of(code: str) -> str | None:
    """The code of the level above by format: town → its six-digit prefix, county → ``XXYY00``,
    city → ``XX0000``, province → ``None``.

    The parent by format may not be a row of its own: the county-level districts of a
    municipality (110101) sit under a placeholder city part (1101) that current GB/T 2260 lists
    do not name, so callers walking the database go further up when a parent is missing.
    """
    match level_of(code):
        case RegionLevel.TOWN:
            return code[:COUNTY_LENGTH]
        case RegionLevel.COUNTY:
            return code[:4] + "00"
        case RegionLevel.CITY:
            return code[:2] + "0000"
        case RegionLevel.PROVINCE:
            return None

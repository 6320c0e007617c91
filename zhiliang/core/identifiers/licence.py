"""Industrial product production licence numbers (全国工业产品生产许可证编号).

Products still in the production-licence catalogue (国发〔2024〕11号; see SOURCES.md T8) must
show the licence mark and number. code_formats.md has no section on the number yet; the layout
used here comes from a secondary web source (108qi.com, 2022, confidence medium) and is the
platform's own assumption until a SAMR text is recorded:

- ``XK`` (许可) + 2-digit industry code (行业编号) + ``-`` + 3-digit product code (产品编号) +
  ``-`` + 5-digit serial of the enterprise's licence, e.g. ``XK06-014-00123``;
- licences issued by a province carry its one-character abbreviation in parentheses in front,
  e.g. ``(浙)XK06-014-00123``.

Only the layout is checked. The number has no check digit, and whether a licence exists is a
question for the issuing authority's register. Parentheses are stored in ASCII; the full-width
form printed on many labels is refused raw and offered back by ``normalise_licence``.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from .errors import InvalidIdentifier

PROVINCE_ABBREVIATIONS: Final[Mapping[str, str]] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15",
    "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37",
    "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
    "渝": "50", "川": "51", "黔": "52", "滇": "53", "藏": "54",
    "陕": "61", "甘": "62", "青": "63", "宁": "64", "新": "65",
}  # fmt: skip
"""The usual abbreviation of each mainland province-level division, which issues licences, with
its GB/T 2260 two-digit code."""

_PATTERN: Final = re.compile(
    r"(?:\((?P<province>[^()])\))?XK(?P<industry>[0-9]{2})-(?P<product>[0-9]{3})-(?P<serial>[0-9]{5})"
)


@dataclass(frozen=True, slots=True)
class ProductionLicence:
    """A production licence number with the assumed layout."""

    value: str
    province: str | None  # abbreviation of the issuing province; None for a national licence
    industry_code: str  # 2 digits
    product_code: str  # 3 digits
    serial: str  # 5 digits

    @property
    def province_code(self) -> str | None:
        """GB/T 2260 two-digit code of the issuing province, for matching jurisdictions."""
        return None if self.province is None else PROVINCE_ABBREVIATIONS[self.province]


def parse_licence(value: str) -> ProductionLicence:
    """Check a licence number exactly as given, or raise ``InvalidIdentifier``.

    Codes: ``format`` (not ``[(省)]XKnn-nnn-nnnnn`` in ASCII digits, capitals and hyphens) and
    ``province`` (the parenthesised character is not a province abbreviation).
    """
    match = _PATTERN.fullmatch(value)
    if match is None:
        raise InvalidIdentifier(
            "format", f"A production licence number looks like XK06-014-00123, not {value!r}."
        )
    province = match["province"]
    if province is not None and province not in PROVINCE_ABBREVIATIONS:
        raise InvalidIdentifier(
            "province", f"{province!r} is not the abbreviation of a province-level division."
        )
    return ProductionLicence(value, province, match["industry"], match["product"], match["serial"])


def make_licence(
    *, industry_code: str, product_code: str, serial: int, province: str | None = None
) -> str:
    """A licence number from its parts, for synthetic demo and test data."""
    if not 0 <= serial <= 99_999:
        raise InvalidIdentifier(
            "format", f"A licence serial has at most five digits, not {serial}."
        )
    prefix = "" if province is None else f"({province})"
    return parse_licence(f"{prefix}XK{industry_code}-{product_code}-{serial:05d}").value


def normalise_licence(value: str) -> str:
    """The form a typed number most likely meant: NFKC (full-width brackets, letters and digits to
    ASCII), no whitespace, capital ``XK``. Only for suggesting a correction."""
    folded = unicodedata.normalize("NFKC", value)
    return "".join(folded.split()).upper()

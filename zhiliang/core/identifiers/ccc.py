"""CCC certificate numbers (强制性产品认证证书编号) and certificate status.

SAMR accepts the CCC certificate number as a traceability code (国市监质监规〔2024〕6号), and
power banks need CCC from 2024-08-01 (code_formats.md section 4). The number is 16 digits,
``YYYY BB CCSS NNNNNN``: year of first issue, certification-body code, product class and
sub-class, and a serial the body assigns. No check digit is known, so offline validation stops at
the layout, a plausible year and a known body; whether a certificate exists and is in force can
only be read from the CNCA platform (cx.cnca.cn). The layout is from secondary sources
(confidence medium in code_formats.md), so the checks here are deliberately few.

The core has no clock: the caller passes ``today`` to decide which years lie in the future.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from .errors import InvalidIdentifier

LENGTH: Final = 16
FIRST_YEAR: Final = 2002
"""CCC certification started in 2002, so no certificate number can carry an earlier year."""

CERTIFICATION_BODIES: Final[Mapping[str, str]] = {
    "01": "中国质量认证中心 (CQC)",
}
"""Body codes (positions 5-6) with a recorded source. code_formats.md names only 01 = CQC and lists
the others as a gap; add a body here once its code is sourced there."""


class CccStatus(StrEnum):
    """Certificate status as the national query service shows it (code_formats.md section 4)."""

    VALID = "有效"
    SUSPENDED = "暂停"
    REVOKED = "撤销"
    CANCELLED = "注销"
    EXPIRED = "过期"


@dataclass(frozen=True, slots=True)
class CccNumber:
    """A CCC certificate number whose layout, year and body code are plausible."""

    value: str
    year: int  # year of first issue
    body: str  # certification-body code, a key of CERTIFICATION_BODIES
    category: str  # CCSS: product class and sub-class, e.g. 0901 微型计算机
    serial: str  # NNNNNN, assigned by the body

    @property
    def product_class(self) -> str:
        return self.category[:2]

    @property
    def product_subclass(self) -> str:
        return self.category[2:]

    @property
    def body_name(self) -> str:
        return CERTIFICATION_BODIES[self.body]


def parse_ccc(value: str, *, today: date) -> CccNumber:
    """Check a CCC certificate number exactly as given, or raise ``InvalidIdentifier``.

    Codes: ``length`` (not 16 characters), ``not_digits`` (anything but ASCII 0-9, including the
    spaces some documents print between the groups), ``year`` (before 2002 or after ``today``),
    ``body`` (body code without a recorded source).
    """
    if len(value) != LENGTH:
        raise InvalidIdentifier(
            "length", f"A CCC certificate number has {LENGTH} digits, this one has {len(value)}."
        )
    if not (value.isascii() and value.isdigit()):
        raise InvalidIdentifier(
            "not_digits", f"A CCC certificate number has only the digits 0-9: {value!r}."
        )
    year = int(value[:4])
    if not FIRST_YEAR <= year <= today.year:
        raise InvalidIdentifier(
            "year", f"The year {year} is before {FIRST_YEAR}, when CCC began, or in the future."
        )
    body = value[4:6]
    if body not in CERTIFICATION_BODIES:
        raise InvalidIdentifier("body", f"{body!r} is not a known certification-body code.")
    return CccNumber(value, year, body, value[6:10], value[10:])


def make_ccc(*, year: int, body: str, category: str, serial: int) -> str:
    """A CCC certificate number from its parts, for synthetic demo and test data.

    It checks what it can without a clock (year from 2002, body, four-digit category, serial
    within six digits); ``parse_ccc`` with the caller's ``today`` settles whether the year is past.
    """
    if not FIRST_YEAR <= year <= 9999:
        raise InvalidIdentifier("year", f"The year {year} is before {FIRST_YEAR} or not 4 digits.")
    if body not in CERTIFICATION_BODIES:
        raise InvalidIdentifier("body", f"{body!r} is not a known certification-body code.")
    if len(category) != 4 or not (category.isascii() and category.isdigit()):
        raise InvalidIdentifier("not_digits", f"A category is four digits, not {category!r}.")
    if not 0 <= serial <= 999_999:
        raise InvalidIdentifier("length", f"A serial has at most six digits, not {serial}.")
    return f"{year:04d}{body}{category}{serial:06d}"

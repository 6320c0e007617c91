"""GS1 trade item numbers (GTIN-8/12/13/14) and shipping container codes (SSCC-18).

Chinese retail items carry GTIN-13 under GB 12904-2008 (商品条码), with GS1 China's prefixes
690-699; logistic units carry an SSCC under GB/T 18127 (code_formats.md section 1). Both end in the
GS1 mod-10 check digit, which python-stdnum (``stdnum.ean``) computes. Its validator is not used
on raw input because it strips spaces and hyphens and accepts full-width digits, while the shared
vectors (``gs1/gtin.json``, ``gs1/sscc.json``) call such raw strings invalid. Rules run in the
vectors' order: ASCII digits only (``non_numeric``), then the length (``bad_length``), then the
check digit (``bad_check_digit``).

A 12-digit string is a GTIN-12 (UPC-A) and never a GTIN-13 missing its check digit; guessing
would turn a mistyped UPC into a different, valid-looking GTIN-13.

GS1 prefixes and their issuing organisations are left out on purpose: the vectors take them from
biip's prefix table, which changes when GS1 reallocates prefixes, and this package keeps no copy.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from stdnum import ean

from .errors import InvalidIdentifier

GTIN_FORMATS: Final = {8: "GTIN-8", 12: "GTIN-12", 13: "GTIN-13", 14: "GTIN-14"}
"""Length of the raw digits to the name GS1 gives that GTIN format."""

GTIN14_LENGTH: Final = 14
SSCC_LENGTH: Final = 18


@dataclass(frozen=True, slots=True)
class Gtin:
    """A GTIN exactly as written (8, 12, 13 or 14 digits) whose check digit holds."""

    value: str

    @property
    def length_format(self) -> str:
        return GTIN_FORMATS[len(self.value)]

    @property
    def check_digit(self) -> int:
        return int(self.value[-1])

    @property
    def gtin14(self) -> str:
        """Left-padded to 14 digits, the only form GS1 element strings and Digital Link use."""
        return self.value.zfill(GTIN14_LENGTH)


@dataclass(frozen=True, slots=True)
class Sscc:
    """An 18-digit SSCC: extension digit, GS1 company prefix and serial reference, check digit."""

    value: str

    @property
    def extension_digit(self) -> int:
        return int(self.value[0])

    @property
    def check_digit(self) -> int:
        return int(self.value[-1])


def gs1_check_digit(payload: str) -> int:
    """The GS1 mod-10 check digit of ``payload`` (the number without its check digit).

    Weights 3, 1, 3 … run from the rightmost payload digit, so the same function serves every
    GTIN length, the SSCC and the GLN.
    """
    _require_ascii_digits(payload, "A GS1 payload")
    if not payload:
        raise InvalidIdentifier("bad_length", "A GS1 payload has at least one digit.")
    return int(ean.calc_check_digit(payload))


def parse_gtin(value: str) -> Gtin:
    """Check a GTIN exactly as given, or raise ``InvalidIdentifier`` with the vectors' reason."""
    _require_ascii_digits(value, "A GTIN")
    if len(value) not in GTIN_FORMATS:
        raise InvalidIdentifier(
            "bad_length", f"A GTIN has 8, 12, 13 or 14 digits, this one has {len(value)}."
        )
    _require_check_digit(value, "GTIN")
    return Gtin(value)


def gtin14(value: str) -> str:
    """The 14-digit form of a valid GTIN of any length, for element strings and Digital Link."""
    return parse_gtin(value).gtin14


def make_gtin13(prefix_and_payload12: str) -> str:
    """A GTIN-13 from its first 12 digits (GS1 prefix, company number, item reference)."""
    return _make(prefix_and_payload12, 12, "GTIN-13", parse_gtin)


def parse_sscc(value: str) -> Sscc:
    """Check a bare SSCC (no ``(00)`` application identifier) exactly as given."""
    _require_ascii_digits(value, "An SSCC")
    if len(value) != SSCC_LENGTH:
        raise InvalidIdentifier(
            "bad_length", f"An SSCC has {SSCC_LENGTH} digits, this one has {len(value)}."
        )
    _require_check_digit(value, "SSCC")
    return Sscc(value)


def make_sscc(extension_and_payload17: str) -> str:
    """An SSCC from its first 17 digits (extension digit, company prefix, serial reference)."""
    return _make(extension_and_payload17, 17, "SSCC", parse_sscc)


def normalise_gs1_number(value: str) -> str:
    """The form a typed number most likely meant: NFKC (full-width digits to ASCII), no spaces or
    hyphens, as the vectors' ``valid_after_normalisation`` does.

    Only for suggesting a correction; the result still has to pass ``parse_gtin``/``parse_sscc``.
    """
    folded = unicodedata.normalize("NFKC", value)
    return "".join(folded.split()).replace("-", "")


def _make(payload: str, length: int, kind: str, parse: Callable[[str], object]) -> str:
    _require_ascii_digits(payload, f"A {kind} payload")
    if len(payload) != length:
        raise InvalidIdentifier(
            "bad_length", f"A {kind} is made from {length} digits, not {len(payload)}."
        )
    full = payload + str(gs1_check_digit(payload))
    parse(full)
    return full


def _require_ascii_digits(value: str, what: str) -> None:
    if not (value.isascii() and (value.isdigit() or not value)):
        raise InvalidIdentifier(
            "non_numeric", f"{what} may contain only the ASCII digits 0-9: {value!r}."
        )


def _require_check_digit(value: str, kind: str) -> None:
    expected = gs1_check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise InvalidIdentifier(
            "bad_check_digit",
            f"The {kind} check digit is {value[-1]}, the GS1 mod-10 check gives {expected}.",
        )

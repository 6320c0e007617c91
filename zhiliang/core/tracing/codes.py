"""The four free traceability code schemes SAMR names (国市监质监规〔2024〕6号, T2), as the
platform stores and resolves them.

- GS1 商品条码: GTIN + serial (and lot), as a Digital Link (``digital_link.py``).
- Ecode (GB/T 31866-2023): version, numbering-scheme identifier and master data. The per-version
  lengths of GB/T 31866-2023 Table 1 are not recorded in code_formats.md, so only the version
  digit and the character set are checked; V0 is GS1-compatible and is registered as a GS1 code.
- 数字身份码, the digital identity code: no public definition exists, so the platform defines
  and issues it (docs/digital-identity-code.md): ``1`` + issuer number (6) + serial (9) + check
  character, 17 characters of the GB 32100 alphabet, the check computed as for credit codes.
- CCC certificate code: the 16-digit certificate number with a unit serial,
  ``<certificate>.<serial>``; the certificate must be the producer's and valid (checked by the
  service against the registry).
"""

import re
from datetime import date
from typing import Final

from zhiliang.core.identifiers import InvalidIdentifier, parse_ccc
from zhiliang.core.identifiers.uscc import ALPHABET


class Scheme:
    """String constants: ``StrEnum`` members would do, but the values are also URN words."""

    GS1: Final = "gs1"
    ECODE: Final = "ecode"
    DIC: Final = "dic"
    CCC: Final = "ccc"
    URI: Final = "uri"

    ALL: Final = ("gs1", "ecode", "dic", "ccc", "uri")


IDENTITY_VERSION: Final = "1"
ISSUER_LENGTH: Final = 6
SERIAL_LENGTH: Final = 9
IDENTITY_LENGTH: Final = 1 + ISSUER_LENGTH + SERIAL_LENGTH + 1
BASE: Final = len(ALPHABET)  # 31
MAX_ISSUER: Final = BASE**ISSUER_LENGTH - 1
MAX_SERIAL: Final = BASE**SERIAL_LENGTH - 1
_WEIGHTS: Final = tuple(pow(3, i, BASE) for i in range(IDENTITY_LENGTH - 1))
"""3^(i-1) mod 31, as GB 32100 weights the credit code: 3 is a primitive root of 31, so the
weights are distinct and non-zero, and every single substitution and every transposition of
neighbouring characters changes the check."""

_ECODE: Final = re.compile(r"[1-3][0-9A-Z]{6,45}")
_CCC_UNIT: Final = re.compile(r"(\d{16})\.([0-9A-Z]{1,20})")


def identity_check_char(payload: str) -> str:
    """The check character of the 16 characters before it."""
    if len(payload) != IDENTITY_LENGTH - 1:
        raise InvalidIdentifier("bad_length", "The check is computed over 16 characters.")
    total = 0
    for char, weight in zip(payload, _WEIGHTS, strict=True):
        index = ALPHABET.find(char)
        if index < 0:
            raise InvalidIdentifier(
                "illegal_character", f"{char!r} is not in the digital identity code alphabet."
            )
        total += index * weight
    return ALPHABET[(BASE - total % BASE) % BASE]


def _base31(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, BASE)
        digits.append(ALPHABET[rest])
    if number:
        raise InvalidIdentifier("out_of_range", f"The number does not fit in {width} characters.")
    return "".join(reversed(digits))


def make_identity_code(issuer: int, serial: int) -> str:
    """The code of unit ``serial`` of issuer ``issuer``; both are numbers the platform assigns."""
    if not 0 < issuer <= MAX_ISSUER or not 0 <= serial <= MAX_SERIAL:
        raise InvalidIdentifier("out_of_range", "Issuer or serial number out of range.")
    payload = IDENTITY_VERSION + _base31(issuer, ISSUER_LENGTH) + _base31(serial, SERIAL_LENGTH)
    return payload + identity_check_char(payload)


def parse_identity_code(value: str) -> str:
    """Check a digital identity code exactly as given; codes: ``bad_length``,
    ``illegal_character``, ``unknown_version``, ``bad_check_char``."""
    if len(value) != IDENTITY_LENGTH:
        raise InvalidIdentifier(
            "bad_length",
            f"A digital identity code has {IDENTITY_LENGTH} characters, this one {len(value)}.",
        )
    for position, char in enumerate(value, start=1):
        if char not in ALPHABET:
            raise InvalidIdentifier(
                "illegal_character",
                f"Position {position} ({char!r}) is not in the alphabet 0-9 A-H J-N P-R T U W-Y.",
            )
    if value[0] != IDENTITY_VERSION:
        raise InvalidIdentifier("unknown_version", f"Version {value[0]!r} is not defined.")
    expected = identity_check_char(value[:-1])
    if value[-1] != expected:
        raise InvalidIdentifier(
            "bad_check_char",
            f"The check character is {value[-1]!r}; the code's own check gives {expected!r}.",
        )
    return value


def identity_issuer(value: str) -> int:
    """The issuer number inside a valid code."""
    number = 0
    for char in value[1 : 1 + ISSUER_LENGTH]:
        number = number * BASE + ALPHABET.index(char)
    return number


def parse_ecode(value: str) -> str:
    """An Ecode as given: version 1-3 and upper-case letters or digits (GB/T 31866-2023).

    V0 is GS1-compatible (code_formats.md section 2): such a code is registered as GS1.
    """
    if value[:1] == "0":
        raise InvalidIdentifier(
            "ecode_v0", "Ecode V0 is a GS1 code; register it in the GS1 scheme."
        )
    if _ECODE.fullmatch(value) is None:
        raise InvalidIdentifier(
            "bad_ecode",
            "An Ecode starts with its version (1-3) and has 7 to 46 digits or capital letters.",
        )
    return value


def parse_ccc_unit(value: str) -> str:
    """``<16-digit CCC certificate number>.<unit serial>``; the layout and body code of the
    certificate are checked here, its year and status against the registry by the caller."""
    match = _CCC_UNIT.fullmatch(value)
    if match is None:
        raise InvalidIdentifier(
            "bad_ccc_unit",
            "A CCC unit code is the 16-digit certificate number, a dot and a serial of up to "
            "20 digits or capital letters.",
        )
    parse_ccc(match[1], today=date.max)
    return value


def urn(scheme: str, value: str) -> str:
    """How a code of the platform's schemes appears in EPCIS documents (docs/epcis.md)."""
    return f"urn:zhiliang:{scheme}:{value}"


SHORT_PATHS: Final = {Scheme.ECODE: "e", Scheme.DIC: "i", Scheme.CCC: "ccc"}
"""Resolver paths of the non-GS1 schemes: ``/e/<ecode>``, ``/i/<code>`` and
``/ccc/<certificate>.<serial>``."""


def short_path(scheme: str, value: str) -> str:
    return f"/{SHORT_PATHS[scheme]}/{value}"

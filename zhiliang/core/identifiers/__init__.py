"""Validators and generators for the identifiers the registry stores.

Pure Python (no Django): each ``parse_*`` takes the raw string, never cleans it, and either returns
a frozen value or raises ``InvalidIdentifier(code, reason)`` with a stable code. Cleaning typed
input is a separate, explicit step (``normalise_*``), so a stored or ledgered identifier is always
the canonical one. Each ``make_*`` builds a valid identifier for synthetic data.
"""

from .ccc import CERTIFICATION_BODIES, CccNumber, CccStatus, make_ccc, parse_ccc
from .errors import InvalidIdentifier
from .gtin import (
    Gtin,
    Sscc,
    gs1_check_digit,
    gtin14,
    make_gtin13,
    make_sscc,
    normalise_gs1_number,
    parse_gtin,
    parse_sscc,
)
from .licence import (
    PROVINCE_ABBREVIATIONS,
    ProductionLicence,
    make_licence,
    normalise_licence,
    parse_licence,
)
from .region import RegionLevel, level_of, parent_code_of
from .uscc import (
    ENTITY_TYPES,
    REGISTRATION_AUTHORITIES,
    USCC,
    make_uscc,
    normalise_uscc,
    organisation_code_check,
    parse_uscc,
    uscc_check_char,
)

__all__ = [
    "CERTIFICATION_BODIES",
    "ENTITY_TYPES",
    "PROVINCE_ABBREVIATIONS",
    "REGISTRATION_AUTHORITIES",
    "USCC",
    "CccNumber",
    "CccStatus",
    "Gtin",
    "InvalidIdentifier",
    "ProductionLicence",
    "RegionLevel",
    "Sscc",
    "gs1_check_digit",
    "gtin14",
    "level_of",
    "make_ccc",
    "make_gtin13",
    "make_licence",
    "make_sscc",
    "make_uscc",
    "normalise_gs1_number",
    "normalise_licence",
    "normalise_uscc",
    "organisation_code_check",
    "parent_code_of",
    "parse_ccc",
    "parse_gtin",
    "parse_licence",
    "parse_sscc",
    "parse_uscc",
    "uscc_check_char",
]

"""Refusals of the traceability core as translated Problems for people (codes stay stable)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiliang.common.errors import Problem
from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.registry.problems import identifier_problem as registry_problem

_REASONS: dict[str, Promise] = {
    "bad_check_digit": _("The check digit is wrong; the code was probably mistyped or forged."),
    "bad_length": _("The code has the wrong number of characters."),
    "non_numeric_gtin": _("A GTIN has only digits."),
    "qualifier_order": _("Lot and serial are in the wrong order: /01/…/10/lot/21/serial."),
    "qualifier_not_allowed": _("This key does not take that qualifier."),
    "qualifier_in_query": _("The lot or serial belongs in the path, not in the query string."),
    "duplicate_ai": _("An application identifier occurs twice."),
    "value_too_long": _("A lot or serial has at most 20 characters."),
    "illegal_character": _("The code contains a character that codes may not hold."),
    "malformed_percent_encoding": _("A '%' must be followed by two hexadecimal digits."),
    "unknown_ai": _("The code uses an unknown GS1 application identifier."),
    "bad_date": _("A date in the code does not exist."),
    "bad_format": _("A value in the code has the wrong format."),
    "empty_value": _("A part of the code is empty."),
    "trailing_slash": _("The code's path ends with '/'."),
    "odd_path_segments": _("A part of the path has no partner."),
    "no_primary_key": _("This is not a GS1 Digital Link: no GTIN or SSCC in the path."),
    "not_a_uri": _("This is not a URI."),
    "bad_scheme": _("A Digital Link starts with http:// or https://."),
    "convenience_alpha": _("Short names such as /gtin/ are no longer allowed; use /01/."),
    "bad_epc_urn": _("The EPC URN breaks the GS1 Tag Data Standard."),
    "bad_check_char": _("The check character is wrong; the code was probably mistyped."),
    "unknown_version": _("This version of the digital identity code is not defined."),
    "ecode_v0": _("An Ecode of version 0 is a GS1 code; register it in the GS1 scheme."),
    "bad_ecode": _("An Ecode starts with its version 1 to 3 followed by digits or capitals."),
    "bad_ccc_unit": _("A CCC unit code is the certificate number, a dot and the unit serial."),
    "not_this_model": _("The code is not a serial of this model's GTIN."),
    "not_your_issuer": _("The code was issued to another enterprise."),
    "out_of_range": _("The number is out of range."),
}


def identifier_problem(field: str, error: InvalidIdentifier) -> Problem:
    reason = _REASONS.get(error.code)
    if reason is None:
        return registry_problem(field, error)
    return Problem(field, error.code, str(reason), {"reason_en": error.reason})

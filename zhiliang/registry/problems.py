"""Turn the core's identifier refusals into translated Problems for people."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiliang.common.errors import Problem
from zhiliang.core.identifiers import InvalidIdentifier

_REASONS: dict[str, Promise] = {
    "bad_length": _("It has the wrong number of characters."),
    "forbidden_letter": _("It contains I, O, S, V or Z, which credit codes never use."),
    "illegal_character": _(
        "It contains a character outside the code's alphabet "
        "(lower case, full-width or punctuation)."
    ),
    "unknown_registration_authority": _("Its first character is not a registration authority."),
    "unknown_entity_type": _("Its second character is not an entity type of that authority."),
    "region_not_digits": _("Characters 3 to 8 must be a region code of six digits."),
    "bad_org_code_check": _(
        "Character 17 is not the check character of the organisation code "
        "(GB 11714); the code was probably mistyped."
    ),
    "bad_check_char": _(
        "The last character is not the check character (GB 32100); the code was "
        "probably mistyped. Codes issued in the 2015 pilot that fail this check "
        "are reviewed by hand."
    ),
    "bad_check_digit": _("The check digit is wrong; the number was probably mistyped."),
    "non_numeric": _("It may contain only the digits 0 to 9."),
    "length": _("A CCC certificate number has 16 digits."),
    "not_digits": _("A CCC certificate number has only digits."),
    "year": _("The year in the number (digits 1 to 4) is before 2002 or in the future."),
    "body": _("Digits 5 and 6 are not the code of a known certification body."),
    "format": _("A licence number looks like XK06-014-00123 or (浙)XK06-014-00123."),
    "province": _("The province in brackets is not a province abbreviation."),
    "not_digits_region": _("A region code has only digits."),
    "bad_structure": _("This is not a GB/T 2260 region code."),
}


def identifier_problem(field: str, error: InvalidIdentifier) -> Problem:
    reason = _REASONS.get(error.code)
    return Problem(
        field, error.code, str(reason) if reason else error.reason, {"reason_en": error.reason}
    )

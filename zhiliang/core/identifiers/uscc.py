"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

Every enterprise in the registry is keyed by its credit code, so a wrong code must be caught at the
edge. The rules below are those of code_formats.md section 5 and of the shared conformance file
``registry/uscc.json``, checked in that file's order so that the reported reason is the first rule
a code breaks: length, characters, registration authority and entity type, region digits, the
embedded organisation-code check (position 17), the code's own check (position 18).

python-stdnum computes the position-18 character; it is wrapped because it upper-cases and strips
its input, rejects the letter authorities ``A``, ``N`` and ``Y`` and checks neither position 17
nor the authority table (code_formats.md section 5, conformance README).
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from stdnum.cn import uscc as stdnum_uscc

from .errors import InvalidIdentifier

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100 character set: digits and capitals except I, O, S, V, Z (a character's value is its
index here, which the position-18 check uses)."""

FORBIDDEN_LETTERS: Final = frozenset("IOSVZ")
"""Capitals left out so that they cannot be misread as 1, 0, 5, U or 2."""

LENGTH: Final = 18

REGISTRATION_AUTHORITIES: Final[Mapping[str, str]] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商(市场监管)",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
"""Position 1 (登记管理部门代码), GB 32100-2015 table; 9 is today's market regulation."""

ENTITY_TYPES: Final[Mapping[str, Mapping[str, str]]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {
        "1": "外国旅游部门常驻代表机构",
        "2": "港澳台地区旅游部门常驻内地(大陆)代表机构",
        "9": "其他",
    },
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "(不再细分)"},
}
"""Position 2 (机构类别代码) allowed for each authority, as in GB 32100-2015 and the conformance
file's ``authority_table``. Types some registries added later (for example village committees
under 民政) are not accepted until a source for them is recorded in code_formats.md."""

_ORG_CODE_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True, slots=True)
class USCC:
    """A credit code that passed every rule, split into its GB 32100 parts."""

    value: str
    authority: str  # position 1, a key of REGISTRATION_AUTHORITIES
    entity_type: str  # position 2, a key of ENTITY_TYPES[authority]
    region_code: str  # positions 3-8: GB/T 2260 code of the registering office, possibly retired
    organisation_code: str  # positions 9-17: GB 11714 organisation code with its own check
    check_char: str  # position 18

    @property
    def authority_name(self) -> str:
        return REGISTRATION_AUTHORITIES[self.authority]

    @property
    def entity_type_name(self) -> str:
        return ENTITY_TYPES[self.authority][self.entity_type]


def organisation_code_check(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body.

    Digits count 0-9 and letters A=10 … Z=35 (their place in the Latin alphabet, unlike the
    position-18 check), weighted 3, 7, 9, 10, 5, 8, 4, 2; the check is 11 minus the sum modulo
    11, written ``X`` for 10 and ``0`` for 11 (code_formats.md section 5).
    """
    if len(body8) != len(_ORG_CODE_WEIGHTS):
        raise InvalidIdentifier("bad_length", "An organisation-code body has 8 characters.")
    _check_characters(body8)
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_char(first17: str) -> str:
    """The position-18 character (GB 32100, mod 31 with weights 3^(i-1) mod 31).

    python-stdnum computes it from alphabet indexes, which serves letter authorities too; only
    its validator is limited to codes starting with eight digits.
    """
    if len(first17) != LENGTH - 1:
        raise InvalidIdentifier("bad_length", "The check is computed over 17 characters.")
    _check_characters(first17)
    return stdnum_uscc.calc_check_digit(first17)


def parse_uscc(value: str) -> USCC:
    """Check a credit code exactly as given and return its parts, or raise ``InvalidIdentifier``.

    The input is not cleaned: a stored or ledgered code must be the canonical one, so lower case,
    spaces and full-width characters are refused (``normalise_uscc`` offers the cleaned form to
    the person who typed it). ``bad_check_char`` is only reached when every other rule holds;
    legally issued codes from the 2015 Fujian pilot fail there and nowhere else, which is why the
    platform sends that code to manual review instead of refusing outright.
    """
    if len(value) != LENGTH:
        raise InvalidIdentifier(
            "bad_length", f"A credit code has {LENGTH} characters, this one has {len(value)}."
        )
    _check_characters(value)
    authority, entity_type = value[0], value[1]
    if authority not in REGISTRATION_AUTHORITIES:
        raise InvalidIdentifier(
            "unknown_registration_authority",
            f"Position 1 ({authority!r}) is not a GB 32100 registration authority.",
        )
    if entity_type not in ENTITY_TYPES[authority]:
        raise InvalidIdentifier(
            "unknown_entity_type",
            f"Position 2 ({entity_type!r}) is not an entity type of authority {authority!r}.",
        )
    region_code = value[2:8]
    if not _is_ascii_digits(region_code):
        raise InvalidIdentifier(
            "region_not_digits", f"Positions 3-8 ({region_code!r}) must be a six-digit region code."
        )
    expected17 = organisation_code_check(value[8:16])
    if value[16] != expected17:
        raise InvalidIdentifier(
            "bad_org_code_check",
            f"Position 17 is {value[16]!r} but the GB 11714 check of positions 9-16 is "
            f"{expected17!r}.",
        )
    expected18 = uscc_check_char(value[:17])
    if value[17] != expected18:
        raise InvalidIdentifier(
            "bad_check_char",
            f"Position 18 is {value[17]!r} but the GB 32100 check character is {expected18!r}.",
        )
    return USCC(value, authority, entity_type, region_code, value[8:17], value[17])


def make_uscc(authority: str, entity_type: str, region_code: str, org_body8: str) -> str:
    """A credit code with both check characters computed, for synthetic demo and test data.

    Refuses parts that ``parse_uscc`` would refuse, with the same codes, so that generated data can
    never hold a code the platform itself rejects.
    """
    if len(authority) != 1 or len(entity_type) != 1 or len(region_code) != 6:
        raise InvalidIdentifier(
            "bad_length", "Authority and entity type are one character, the region code six."
        )
    org_code = org_body8 + organisation_code_check(org_body8)
    first17 = authority + entity_type + region_code + org_code
    return parse_uscc(first17 + uscc_check_char(first17)).value


def normalise_uscc(value: str) -> str:
    """The form a typed code most likely meant: NFKC (full-width to ASCII), no whitespace, capitals.

    Only for suggesting a correction to the person who typed it; the result still has to pass
    ``parse_uscc``, and silently storing it would hide the original input.
    """
    folded = unicodedata.normalize("NFKC", value)
    return "".join(folded.split()).upper()


def _check_characters(text: str) -> None:
    """Refuse the first character outside the GB 32100 set, naming the misreadable letters apart."""
    for position, char in enumerate(text, start=1):
        if char in ALPHABET:
            continue
        if char in FORBIDDEN_LETTERS:
            raise InvalidIdentifier(
                "forbidden_letter",
                f"Position {position} is the letter {char!r}, which GB 32100 never uses.",
            )
        raise InvalidIdentifier(
            "illegal_character",
            f"Position {position} ({char!r}) is not a digit or a GB 32100 capital letter.",
        )


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()

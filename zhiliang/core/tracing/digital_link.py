"""GS1 Digital Link URIs (GS1 Digital Link: URI Syntax, release 1.2), parsed strictly.

A producer's code is printed as a URI such as ``https://<any host>/01/06901234567892/21/SN0001``;
the platform resolves it and an EPCIS document may name a unit by it. biip knows the GS1
application identifiers (formats, date rules, check digits) and is used for them, but its URI
parser is lax where the standard is not (conformance README): it returns wrong check digits as
a field instead of refusing, keeps the last of duplicate AIs, accepts key qualifiers in the query
string, drops unknown numeric query keys, and takes the leftmost primary key. So the URI is taken
apart here, in the conformance vectors' order of rules, and each element string is checked with
biip's AI table.

Every refusal is an ``InvalidIdentifier`` whose code is a ``reason`` of
``gs1/digital_link.json`` (``bad_check_digit``, ``qualifier_order`` …).
"""

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import quote

from biip import ParseError
from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS as _AI_TABLE
from biip.gs1_element_strings import GS1ElementString

from zhiliang.core.identifiers import InvalidIdentifier, gs1_check_digit

CANONICAL_HOST: Final = "https://id.gs1.org"

PRIMARY_KEYS: Final = frozenset(
    {"00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010",
     "8013", "8017", "8018"}
)  # fmt: skip
"""Application identifiers that may stand as the primary key of a Digital Link path."""

QUALIFIER_SEQUENCES: Final[Mapping[str, tuple[tuple[str, ...], ...]]] = {
    "01": (("22", "10", "21"), ("235",)),
    "8006": (("22", "10", "21"),),
    "8010": (("8011",),),
    "414": (("254",), ("7040",)),
    "8017": (("8019",),),
    "8018": (("8019",),),
}
"""Key qualifiers each primary key takes, in the one order the standard allows; each tuple is
an alternative (a GTIN takes any ordered subset of 22, 10, 21, or 235 alone)."""

CONVENIENCE_ALPHA: Final = frozenset(
    {"gtin", "cpv", "lot", "ser", "sscc", "gln", "party", "glnx", "gdti", "gcn", "ginc", "gsin",
     "grai", "giai", "itip", "cpid", "gsrnp", "gsrn", "upui", "exp", "bbd"}
)  # fmt: skip
"""Short names deprecated by release 1.2 (``/gtin/…/lot/…``): refused with their own reason."""

_CHECKED_KEYS: Final = {"00": 18, "414": 13, "417": 13}  # numeric keys ending in a check digit
_GTIN_LENGTHS: Final = (8, 12, 13, 14)
_CS82: Final = frozenset(string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_")
"""GS1 AI encodable character set 82: what a decoded value may hold."""
_URI_CHARS: Final = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
_PERCENT: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_FORMAT_MAX: Final = re.compile(r"\.\.(\d+)$")
_FREE_TEXT: Final = re.compile(r"N\d\+X\.\.\d+")


@dataclass(frozen=True, slots=True)
class Element:
    ai: str
    value: str


@dataclass(frozen=True, slots=True)
class DigitalLink:
    """A Digital Link URI that passed every rule, in its parts."""

    authority: str
    path_prefix: str
    primary_key: Element
    key_qualifiers: tuple[Element, ...] = ()
    data_attributes: tuple[Element, ...] = ()
    ignored_query_params: tuple[str, ...] = ()
    flags: frozenset[str] = field(default_factory=frozenset)

    def qualifier(self, ai: str) -> str | None:
        return next((e.value for e in self.key_qualifiers if e.ai == ai), None)

    @property
    def gtin(self) -> str | None:
        return self.primary_key.value if self.primary_key.ai == "01" else None

    @property
    def sscc(self) -> str | None:
        return self.primary_key.value if self.primary_key.ai == "00" else None

    @property
    def cpv(self) -> str | None:
        return self.qualifier("22")

    @property
    def lot(self) -> str | None:
        return self.qualifier("10")

    @property
    def serial(self) -> str | None:
        return self.qualifier("21")

    @property
    def tpx(self) -> str | None:
        return self.qualifier("235")

    @property
    def element_strings_hri(self) -> str:
        elements = (self.primary_key, *self.key_qualifiers, *self.data_attributes)
        return "".join(f"({e.ai}){e.value}" for e in elements)

    @property
    def path(self) -> str:
        """``/01/<gtin14>[/…]``: primary key and qualifiers, values percent-encoded."""
        return "".join(
            f"/{e.ai}/{encode(e.value)}" for e in (self.primary_key, *self.key_qualifiers)
        )

    @property
    def canonical_uri(self) -> str:
        """On id.gs1.org, GTIN-14, qualifiers in the path, recognised attributes sorted by AI."""
        attributes = sorted(self.data_attributes, key=lambda e: e.ai)
        query = "&".join(f"{e.ai}={encode(e.value)}" for e in attributes)
        return CANONICAL_HOST + self.path + (f"?{query}" if query else "")


def encode(value: str) -> str:
    """Percent-encode a value for a canonical URI: everything but RFC 3986 unreserved characters
    and ``' ; =``, which GS1's EPC-to-Digital-Link conversion leaves as they are (upper-case
    hex)."""
    if _UNRESERVED.issuperset(value):
        return value  # nothing to encode: the common case
    return quote(value, safe="';=")


_UNRESERVED: Final = frozenset(string.ascii_letters + string.digits + "-._~")


def is_application_identifier(ai: str) -> bool:
    return ai in _AI_TABLE


def parse_digital_link(uri: str) -> DigitalLink:
    """Check a Digital Link URI exactly as given, or raise ``InvalidIdentifier``."""
    plain = _PLAIN_UNIT.fullmatch(uri)
    if plain is not None and int(plain["gtin"][-1]) == gs1_check_digit(plain["gtin"][:-1]):
        # What labels print, nothing encoded and nothing to weigh: each rule below holds
        # (``test_digital_link`` checks the two ways agree). Anything else takes the long way.
        lot, serial = plain["lot"], plain["serial"]
        return DigitalLink(
            authority=plain["authority"],
            path_prefix="",
            primary_key=Element("01", plain["gtin"]),
            key_qualifiers=((Element("10", lot),) if lot else ())
            + ((Element("21", serial),) if serial else ()),
        )
    return _parse(uri)


_PLAIN_UNIT: Final = re.compile(
    r"https?://(?P<authority>[A-Za-z0-9.-]+(?::[0-9]+)?)/01/(?P<gtin>[0-9]{14})"
    r"(?:/10/(?P<lot>[A-Za-z0-9]{1,20}))?(?:/21/(?P<serial>[A-Za-z0-9]{1,20}))?"
)
"""A GTIN-14 with an optional lot and serial of letters and digits, no prefix, no query."""


def _parse(uri: str) -> DigitalLink:
    authority, path, query = _split(uri)
    segments = path.split("/")[1:] if path else []
    if segments and segments[-1] == "":
        trailing = True
        segments = segments[:-1]
    else:
        trailing = False
    pk_index = _primary_key_index(segments)
    if pk_index is None:
        if any(s.lower() in CONVENIENCE_ALPHA for s in segments):
            raise InvalidIdentifier(
                "convenience_alpha",
                "Short names such as /gtin/ or /lot/ were deprecated in Digital Link 1.2.",
            )
        raise InvalidIdentifier("no_primary_key", "The path holds no GS1 primary key.")
    if trailing:
        raise InvalidIdentifier("trailing_slash", "A Digital Link path does not end in '/'.")
    prefix = "/".join(segments[:pk_index])
    pk_ai = segments[pk_index]
    rest = segments[pk_index + 1 :]
    flags: set[str] = set()
    primary = Element(pk_ai, _primary_value(pk_ai, _decode(rest[0], plus_is_space=False), flags))
    qualifiers = _qualifiers(pk_ai, rest[1:])
    attributes, ignored = _attributes(pk_ai, qualifiers, query)
    return DigitalLink(
        authority=authority,
        path_prefix=f"/{prefix}" if prefix else "",
        primary_key=primary,
        key_qualifiers=qualifiers,
        data_attributes=attributes,
        ignored_query_params=ignored,
        flags=frozenset(flags),
    )


def _split(uri: str) -> tuple[str, str, str]:
    """Scheme, authority, path and query of an absolute http(s) URI; the fragment is dropped."""
    scheme = _SCHEME.match(uri)
    if scheme is None:
        raise InvalidIdentifier("not_a_uri", f"{uri[:80]!r} is not an absolute URI.")
    if scheme[1].lower() not in ("http", "https"):
        raise InvalidIdentifier("bad_scheme", "A Digital Link URI uses http or https.")
    if not _URI_CHARS.issuperset(uri):
        char = next(c for c in uri if c not in _URI_CHARS)
        raise InvalidIdentifier(
            "illegal_character", f"{char!r} may not appear in a URI unless percent-encoded."
        )
    if _PERCENT.search(uri):
        raise InvalidIdentifier(
            "malformed_percent_encoding", "A '%' must be followed by two hexadecimal digits."
        )
    rest = uri[scheme.end() :].split("#", 1)[0]
    if not rest.startswith("//"):
        raise InvalidIdentifier("not_a_uri", "A Digital Link URI has a host: https://host/…")
    rest = rest[2:]
    rest, _sep, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    if not authority:
        raise InvalidIdentifier("not_a_uri", "A Digital Link URI has a host: https://host/…")
    return authority, slash + path, query


_QUALIFIER_AIS: Final = frozenset(
    ai for seqs in QUALIFIER_SEQUENCES.values() for s in seqs for ai in s
)


def _primary_key_index(segments: Sequence[str]) -> int | None:
    """Where the primary key is (AIs are literal digits: ``%30%31`` is not ``01``).

    Pairs are read from the right while their AI is a key qualifier, so a lot or serial that
    looks like an AI (``/10/00/21/0``) stays a value; when the pairs do not lead to a primary key
    that way, the rightmost primary-key AI is taken, and the rules below say what is wrong.
    """
    index = len(segments) - 2
    while index >= 0:
        if segments[index] in PRIMARY_KEYS:
            return index
        if segments[index] not in _QUALIFIER_AIS:
            break
        index -= 2
    for index in range(len(segments) - 2, -1, -1):
        if segments[index] in PRIMARY_KEYS:
            return index
    return None


def _decode(raw: str, *, plus_is_space: bool) -> str:
    """Percent-decode one path segment or query value to characters of GS1 set 82.

    Decoding happens after splitting, so ``%2F`` is part of a value. Bytes must form UTF-8, and
    anything outside set 82 (a space, é, 电, NUL) is refused.
    """
    if plus_is_space:
        raw = raw.replace("+", " ")
    if "%" not in raw and _CS82.issuperset(raw):
        return raw  # nothing encoded, every character allowed: the common case
    data = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == "%":
            data.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            data.extend(raw[i].encode("ascii"))
            i += 1
    try:
        value = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidIdentifier("illegal_character", "A value is not valid UTF-8.") from None
    for char in value:
        if char not in _CS82:
            raise InvalidIdentifier(
                "illegal_character",
                f"{char!r} is outside the GS1 character set 82 that AI values may use.",
            )
    return value


def _primary_value(ai: str, value: str, flags: set[str]) -> str:
    if not value:
        raise InvalidIdentifier("empty_value", f"AI ({ai}) has no value.")
    if ai == "01":
        if not (value.isascii() and value.isdigit()):
            raise InvalidIdentifier("non_numeric_gtin", f"A GTIN has only digits: {value!r}.")
        if len(value) not in _GTIN_LENGTHS:
            raise InvalidIdentifier(
                "bad_length", f"A GTIN has 8, 12, 13 or 14 digits, this one has {len(value)}."
            )
        _check_digit(value, "GTIN")
        if len(value) < 14:
            flags.add("zero_suppressed_gtin")
        return value.zfill(14)
    if ai in _CHECKED_KEYS:
        length = _CHECKED_KEYS[ai]
        if not (value.isascii() and value.isdigit()) or len(value) != length:
            raise InvalidIdentifier(
                "bad_length", f"AI ({ai}) takes exactly {length} digits, not {value!r}."
            )
        _check_digit(value, f"AI ({ai})")
        return value
    return _element(ai, value)


def _check_digit(value: str, what: str) -> None:
    expected = gs1_check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise InvalidIdentifier(
            "bad_check_digit",
            f"The {what} check digit is {value[-1]}, the GS1 mod-10 check gives {expected}.",
        )


def _element(ai: str, value: str) -> str:
    """Check one value against its AI's format with biip: length, pattern, dates, check digits."""
    spec = _AI_TABLE[ai]
    if (longest := _FORMAT_MAX.search(spec.format)) and len(value) > int(longest[1]):
        raise InvalidIdentifier(
            "value_too_long", f"AI ({ai}) holds at most {longest[1]} characters."
        )
    if _FREE_TEXT.fullmatch(spec.format):
        # One component of set-82 characters (lot, serial, variant …): ``_decode`` already held
        # every character to set 82 and the length is checked; biip would add nothing.
        return value
    try:
        element = GS1ElementString.extract(ai + value)
    except ParseError as exc:
        code = "bad_date" if "date" in str(exc) else "bad_format"
        raise InvalidIdentifier(code, f"AI ({ai}): {exc}") from None
    if element.value != value:
        raise InvalidIdentifier("bad_format", f"AI ({ai}) does not take {value!r}.")
    if element.gtin_error or element.sscc_error or element.gln_error:
        raise InvalidIdentifier(
            "bad_check_digit",
            str(element.gtin_error or element.sscc_error or element.gln_error),
        )
    return value


def _qualifiers(pk_ai: str, pairs: Sequence[str]) -> tuple[Element, ...]:
    if len(pairs) % 2:
        raise InvalidIdentifier(
            "odd_path_segments", "A path element after the primary key has no partner."
        )
    found: list[Element] = []
    allowed = {ai for seq in QUALIFIER_SEQUENCES.get(pk_ai, ()) for ai in seq}
    for i in range(0, len(pairs), 2):
        ai, raw = pairs[i], pairs[i + 1]
        if not (ai.isascii() and ai.isdigit()):
            if ai.lower() in CONVENIENCE_ALPHA:
                raise InvalidIdentifier(
                    "convenience_alpha", f"Short name /{ai}/ was deprecated in Digital Link 1.2."
                )
            raise InvalidIdentifier("unknown_ai", f"{ai!r} is not a GS1 application identifier.")
        if not is_application_identifier(ai):
            raise InvalidIdentifier("unknown_ai", f"({ai}) is not a GS1 application identifier.")
        if ai not in allowed:
            raise InvalidIdentifier(
                "qualifier_not_allowed", f"AI ({ai}) does not qualify a ({pk_ai}) key."
            )
        if any(e.ai == ai for e in found):
            raise InvalidIdentifier("duplicate_ai", f"AI ({ai}) occurs twice.")
        value = _decode(raw, plus_is_space=False)
        if not value:
            raise InvalidIdentifier("empty_value", f"AI ({ai}) has no value.")
        found.append(Element(ai, value))
    order = tuple(e.ai for e in found)
    if order and not _fits(pk_ai, order):
        raise InvalidIdentifier(
            "qualifier_order",
            f"Key qualifiers of ({pk_ai}) go in the order "
            + " or ".join("/".join(seq) for seq in QUALIFIER_SEQUENCES[pk_ai])
            + ".",
        )
    return tuple(Element(e.ai, _element(e.ai, e.value)) for e in found)


def _fits(pk_ai: str, order: Sequence[str]) -> bool:
    """Whether ``order`` is an ordered subsequence of one of the key's qualifier sequences."""
    for sequence in QUALIFIER_SEQUENCES.get(pk_ai, ()):
        position = 0
        for ai in order:
            try:
                position = sequence.index(ai, position) + 1
            except ValueError:
                break
        else:
            return True
    return False


def _attributes(
    pk_ai: str, qualifiers: Sequence[Element], query: str
) -> tuple[tuple[Element, ...], tuple[str, ...]]:
    attributes: list[Element] = []
    ignored: list[str] = []
    seen = {pk_ai, *(e.ai for e in qualifiers)}
    path_order = [e.ai for e in qualifiers]
    for piece in query.split("&"):
        if not piece:
            continue
        key, _sep, raw = piece.partition("=")
        if not (key.isascii() and key.isdigit()):
            ignored.append(key)
            continue
        if not is_application_identifier(key):
            raise InvalidIdentifier("unknown_ai", f"({key}) is not a GS1 application identifier.")
        if key in seen:
            raise InvalidIdentifier("duplicate_ai", f"AI ({key}) occurs twice.")
        seen.add(key)
        if key in {ai for seq in QUALIFIER_SEQUENCES.get(pk_ai, ()) for ai in seq} and _fits(
            pk_ai, sorted([*path_order, key], key=lambda ai: _rank(pk_ai, ai))
        ):
            raise InvalidIdentifier(
                "qualifier_in_query", f"AI ({key}) qualifies the key and belongs in the path."
            )
        value = _decode(raw, plus_is_space=True)
        if not value:
            raise InvalidIdentifier("empty_value", f"AI ({key}) has no value.")
        attributes.append(Element(key, _element(key, value)))
    return tuple(attributes), tuple(ignored)


def _rank(pk_ai: str, ai: str) -> int:
    for sequence in QUALIFIER_SEQUENCES.get(pk_ai, ()):
        if ai in sequence:
            return sequence.index(ai)
    return 0


def gtin_path(gtin14: str, *, lot: str | None = None, serial: str | None = None) -> str:
    """The Digital Link path of a trade item (``/01/…[/10/…][/21/…]``)."""
    path = f"/01/{gtin14}"
    if lot:
        path += f"/10/{encode(lot)}"
    if serial:
        path += f"/21/{encode(serial)}"
    return path

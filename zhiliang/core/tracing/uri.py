"""RFC 3986 URIs and RFC 3339 date-times, the two string formats EPCIS 2.0 JSON relies on.

The EPCIS JSON Schema declares ``format: uri`` and ``format: date-time`` but a schema validator
only enforces them with extra packages, and an EPC that is not a URI must be refused either way
(conformance case inv-05a). The grammar below follows RFC 3986 appendix A for absolute URIs
(scheme, then authority and path, query, fragment), and RFC 3339 section 5.6 for date-times.
"""

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Final

_UNRESERVED: Final = r"A-Za-z0-9\-._~"
_SUB_DELIMS: Final = r"!$&'()*+,;="
_PCT: Final = r"%[0-9A-Fa-f]{2}"
_PCHAR: Final = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_DEC_OCTET: Final = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4: Final = rf"{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}}"
_H16: Final = r"[0-9A-Fa-f]{1,4}"
_LS32: Final = rf"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6: Final = (
    rf"(?:(?:{_H16}:){{6}}{_LS32}"
    rf"|::(?:{_H16}:){{5}}{_LS32}"
    rf"|(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}"
    rf"|(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}"
    rf"|(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}"
    rf"|(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}"
    rf"|(?:(?:{_H16}:){{0,6}}{_H16})?::)"
)
_IP_LITERAL: Final = rf"\[(?:{_IPV6}|v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+)\]"
_REG_NAME: Final = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_AUTHORITY: Final = (
    rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"
    rf"(?:{_IP_LITERAL}|{_IPV4}|{_REG_NAME})(?::\d*)?"
)
_SEGMENT: Final = rf"{_PCHAR}*"
_HIER: Final = (
    rf"(?://{_AUTHORITY}(?:/{_SEGMENT})*"  # "//" authority path-abempty
    rf"|/(?:{_PCHAR}+(?:/{_SEGMENT})*)?"  # path-absolute
    rf"|{_PCHAR}+(?:/{_SEGMENT})*"  # path-rootless
    r"|)"  # path-empty
)
_QUERY: Final = rf"(?:{_PCHAR}|[/?])*"
_URI: Final = re.compile(rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER}(?:\?{_QUERY})?(?:#{_QUERY})?")

_DATE_TIME: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))"
)


@lru_cache(maxsize=65536)
def is_uri(text: str) -> bool:
    """An absolute URI (RFC 3986 ``URI``): a scheme, ``:``, and only URI characters (cached:
    the same locations, parties and vocabularies recur in every event of a document)."""
    return _URI.fullmatch(text) is not None


def parse_datetime(text: str) -> datetime | None:
    """An RFC 3339 ``date-time`` (with ``T`` and an offset or ``Z``) as an aware datetime, or
    None. Fractions beyond microseconds are cut, a leap second ``:60`` is read as ``:59``."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
    if match[8] in ("Z", "z"):
        zone = UTC
    else:
        off_h, off_m = int(match[10]), int(match[11])
        if off_h > 23 or off_m > 59:
            return None
        delta = timedelta(hours=off_h, minutes=off_m)
        zone = timezone(-delta if match[9] == "-" else delta)
    fraction = (match[7] or ".0")[1:7].ljust(6, "0")
    if second == 60:  # RFC 3339 allows a leap second
        second = 59
    try:
        return datetime(year, month, day, hour, minute, second, int(fraction), tzinfo=zone)
    except ValueError:
        return None

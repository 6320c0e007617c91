"""The EPCIS 2.0 REST query parameters (``GET /events?…``, EPCIS 2.0 sections 8.2.7 and 12),
read into a typed query or refused as the standard's ``QueryParameterException``.

Parameters combine with AND; values separated by ``|`` combine with OR. Times are RFC 3339 with
an offset and compared as instants, ``GE_`` inclusive and ``LT_`` exclusive. ``eventCountLimit``
needs ``orderBy`` and excludes ``maxEventCount``. EPC values may be URNs, Digital Link URIs or
SGTIN patterns (``urn:epc:idpat:sgtin:6901234.056789.*``); a pattern matches EPCs captured in URN
form, an exact value matches the unit in either form.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing import cbv
from zhiliang.core.tracing.epc import Epc, Kind, parse_epc
from zhiliang.core.tracing.epcis.model import ACTIONS
from zhiliang.core.tracing.uri import is_uri, parse_datetime

DEFAULT_PER_PAGE: Final = 30
MAX_PER_PAGE: Final = 1000
ORDER_FIELDS: Final = ("eventTime", "recordTime")
SUPPORTED: Final = frozenset(
    {"eventType", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "EQ_action",
     "EQ_bizStep", "EQ_disposition", "EQ_readPoint", "EQ_bizLocation", "MATCH_epc",
     "MATCH_parentID", "MATCH_anyEPC", "MATCH_epcClass", "EQ_eventID", "orderBy",
     "orderDirection", "eventCountLimit", "maxEventCount", "perPage", "nextPageToken"}
)  # fmt: skip


class QueryParameterError(ValueError):
    """``epcisException:QueryParameterException`` (HTTP 400): names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True, slots=True)
class EpcMatch:
    """One value of a MATCH_ parameter: an exact unit (canonical) or an SGTIN pattern."""

    canonical: str | None = None  # exact: the canonical identifier
    gtin: str | None = None  # pattern: every serial of this GTIN (None with any_gtin)
    any_gtin: bool = False  # urn:epc:idpat:sgtin:*.*.*

    @property
    def is_pattern(self) -> bool:
        return self.canonical is None


@dataclass(frozen=True, slots=True)
class EventQuery:
    event_types: tuple[str, ...] = ()
    ge_event_time: datetime | None = None
    lt_event_time: datetime | None = None
    ge_record_time: datetime | None = None
    lt_record_time: datetime | None = None
    actions: tuple[str, ...] = ()
    biz_steps: tuple[str, ...] = ()
    dispositions: tuple[str, ...] = ()
    read_points: tuple[str, ...] = ()
    biz_locations: tuple[str, ...] = ()
    match_epc: tuple[EpcMatch, ...] = ()
    match_parent: tuple[EpcMatch, ...] = ()
    match_any: tuple[EpcMatch, ...] = ()
    match_class: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    order_by: str | None = None
    descending: bool = True
    event_count_limit: int | None = None
    max_event_count: int | None = None
    per_page: int = DEFAULT_PER_PAGE
    next_page_token: str | None = None

    def fingerprint(self) -> str:
        """The query without its page position, so a token cannot be replayed on another query."""
        fields = {f: getattr(self, f) for f in self.__slots__ if f != "next_page_token"}
        return repr(sorted(fields.items()))


def parse_query(params: Mapping[str, Sequence[str]]) -> EventQuery:
    """``params`` as a query string decodes (name → every value given)."""
    values: dict[str, tuple[str, ...]] = {}
    for name, given in params.items():
        if name not in SUPPORTED:
            raise QueryParameterError(name, "This query parameter is not supported.")
        parts = tuple(p for value in given for p in value.split("|") if p != "")
        if not parts:
            raise QueryParameterError(name, "The parameter has no value.")
        values[name] = parts

    def one(name: str) -> str | None:
        found = values.get(name)
        if found is not None and len(found) != 1:
            raise QueryParameterError(name, "The parameter takes one value.")
        return found[0] if found else None

    order_by = one("orderBy")
    if order_by is not None and order_by not in ORDER_FIELDS:
        raise QueryParameterError("orderBy", "orderBy is eventTime or recordTime.")
    direction = one("orderDirection") or "DESC"
    if direction not in ("ASC", "DESC"):
        raise QueryParameterError("orderDirection", "orderDirection is ASC or DESC.")
    limit = _count(one("eventCountLimit"), "eventCountLimit")
    maximum = _count(one("maxEventCount"), "maxEventCount")
    if limit is not None and order_by is None:
        raise QueryParameterError("eventCountLimit", "eventCountLimit needs orderBy.")
    if limit is not None and maximum is not None:
        raise QueryParameterError(
            "eventCountLimit", "eventCountLimit and maxEventCount exclude each other."
        )
    per_page = _count(one("perPage"), "perPage") or DEFAULT_PER_PAGE
    actions = values.get("EQ_action", ())
    for action in actions:
        if action not in ACTIONS:
            raise QueryParameterError("EQ_action", "EQ_action is ADD, OBSERVE or DELETE.")
    return EventQuery(
        event_types=values.get("eventType", ()),
        ge_event_time=_time(one("GE_eventTime"), "GE_eventTime"),
        lt_event_time=_time(one("LT_eventTime"), "LT_eventTime"),
        ge_record_time=_time(one("GE_recordTime"), "GE_recordTime"),
        lt_record_time=_time(one("LT_recordTime"), "LT_recordTime"),
        actions=actions,
        biz_steps=tuple(cbv.bare_word("bizStep", v) for v in values.get("EQ_bizStep", ())),
        dispositions=tuple(
            cbv.bare_word("disposition", v) for v in values.get("EQ_disposition", ())
        ),
        read_points=_uris(values, "EQ_readPoint"),
        biz_locations=_uris(values, "EQ_bizLocation"),
        match_epc=_matches(values, "MATCH_epc"),
        match_parent=_matches(values, "MATCH_parentID"),
        match_any=_matches(values, "MATCH_anyEPC"),
        match_class=tuple(_class(v) for v in values.get("MATCH_epcClass", ())),
        event_ids=_uris(values, "EQ_eventID"),
        order_by=order_by,
        descending=direction == "DESC",
        event_count_limit=limit,
        max_event_count=maximum,
        per_page=min(per_page, MAX_PER_PAGE),
        next_page_token=one("nextPageToken"),
    )


def _count(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise QueryParameterError(name, f"{name} is a positive whole number.")
    return int(value)


def _time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise QueryParameterError(
            name,
            "A time is RFC 3339 with an offset, e.g. 2025-03-05T00:00:00.000+08:00 "
            "(write '+' as %2B in a URL).",
        )
    return parsed


def _uris(values: Mapping[str, tuple[str, ...]], name: str) -> tuple[str, ...]:
    found = values.get(name, ())
    for value in found:
        if not is_uri(value):
            raise QueryParameterError(name, f"{value[:80]!r} is not a URI.")
    return found


def _epc(name: str, value: str) -> Epc:
    try:
        return parse_epc(value)
    except InvalidIdentifier as exc:
        raise QueryParameterError(name, f"{value[:80]!r}: {exc.reason}") from None


def _matches(values: Mapping[str, tuple[str, ...]], name: str) -> tuple[EpcMatch, ...]:
    found = []
    for value in values.get(name, ()):
        if value == "urn:epc:idpat:sgtin:*.*.*":
            found.append(EpcMatch(any_gtin=True))
            continue
        epc = _epc(name, value)
        if epc.kind == Kind.PATTERN:
            if epc.gtin is None:
                raise QueryParameterError(name, "Only SGTIN patterns of one GTIN are supported.")
            found.append(EpcMatch(gtin=epc.gtin))
        elif epc.kind in (Kind.INSTANCE, Kind.OTHER):
            found.append(EpcMatch(canonical=epc.canonical))
        else:
            raise QueryParameterError(name, f"{value[:80]!r} does not name an object.")
    return tuple(found)


def _class(value: str) -> str:
    epc = _epc("MATCH_epcClass", value)
    return epc.canonical

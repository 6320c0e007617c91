"""Reading EPCIS events: who sees which, and the standard's simple event query.

Visibility: an administrator sees every event; a regulator or department reader the events of
enterprises in its jurisdiction; an enterprise the events it reported, was a party to, or that
concern codes it issued (a producer follows its products down the chain); a connected system the
events it captured. Queries run on stored columns and on the event-to-code links: an exact EPC
matches the unit whichever form it was written in, an SGTIN pattern matches URN-form EPCs of
that GTIN (the EPCIS 1.x pattern language is a URN notion). Pages are cut by keyset on the sort
value and id, and the position travels in a signed ``nextPageToken`` bound to the query.
"""

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem
from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing.epc import parse_epc
from zhiliang.core.tracing.epcis.query import EpcMatch, EventQuery, QueryParameterError
from zhiliang.tracing.models import EventCode, EventRole, TraceCode, TraceEvent, code_key

TOKEN_SALT: Final = "zhiliang.epcis.page"  # noqa: S105 - a signing salt, not a secret
TOKEN_MAX_AGE: Final = 3600  # seconds a nextPageToken stays valid
_INSTANCE_ROLES: Final = (EventRole.EPC, EventRole.CHILD)
_ANY_ROLES: Final = (
    EventRole.EPC,
    EventRole.CHILD,
    EventRole.PARENT,
    EventRole.INPUT,
    EventRole.OUTPUT,
)


class QueryTooLarge(Exception):
    """``epcisException:QueryTooLargeException`` (413): more events match than maxEventCount."""


def visible_events(actor: Actor) -> QuerySet[TraceEvent]:
    events = TraceEvent.objects.all()
    match actor.role:
        case Role.ADMIN:
            return events
        case Role.REGULATOR | Role.DEPARTMENT_READER if actor.jurisdiction_path:
            path = actor.jurisdiction_path
            return events.filter(
                Q(reporter__town__path__startswith=path)
                | Q(source__town__path__startswith=path)
                | Q(destination__town__path__startswith=path)
            )
        case Role.ENTERPRISE_MEMBER | Role.PLATFORM_OPERATOR if actor.enterprise_id:
            own = actor.enterprise_id
            issued = EventCode.objects.filter(event=OuterRef("pk"), code__issuer_id=own)
            return events.filter(
                Q(reporter_id=own) | Q(source_id=own) | Q(destination_id=own) | Exists(issued)
            )
        case Role.CONNECTED_SYSTEM if actor.user_id:
            return events.filter(capture__submitted_by_id=actor.user_id)
    return events.none()


def get_event(actor: Actor, event_id: str) -> TraceEvent:
    try:
        return visible_events(actor).get(event_id=event_id)
    except TraceEvent.DoesNotExist:
        raise NotFound(Problem("eventID", "not_found", _("No such event."))) from None


def canonical_location(uri: str) -> str:
    """Locations are stored and compared in canonical form, so an SGLN URN and its Digital Link
    (AI 414/254) name the same place."""
    try:
        return parse_epc(uri).canonical
    except InvalidIdentifier:
        return uri


@dataclass(frozen=True)
class Page:
    events: list[TraceEvent]
    next_token: str | None


def _code_filter(matches: Sequence[EpcMatch], roles: Sequence[int]) -> Q:
    condition = Q()
    for match in matches:
        links = EventCode.objects.filter(event=OuterRef("pk"), role__in=roles)
        if match.canonical is not None:
            links = links.filter(code_id=uuid.UUID(_key(match.canonical)))
        else:
            links = links.filter(urn_form=True, code__scheme="gs1", code__value__startswith="/01/")
            if match.gtin:
                links = links.filter(code__gtin=match.gtin, code__value__contains="/21/")
        condition |= Q(Exists(links))
    return condition


def _key(canonical: str) -> str:
    from zhiliang.tracing.services.codes import identity  # the one definition of a code's key

    return str(code_key(*identity(parse_epc(canonical))))


def run_query(actor: Actor, query: EventQuery, *, base: QuerySet[TraceEvent] | None = None) -> Page:
    events = base if base is not None else visible_events(actor)
    filters = Q()
    if query.event_types:
        filters &= Q(event_type__in=query.event_types)
    for field, lower, upper in (
        ("event_time", query.ge_event_time, query.lt_event_time),
        ("record_time", query.ge_record_time, query.lt_record_time),
    ):
        if lower is not None:
            filters &= Q(**{f"{field}__gte": lower})
        if upper is not None:
            filters &= Q(**{f"{field}__lt": upper})
    if query.actions:
        filters &= Q(action__in=query.actions)
    if query.biz_steps:
        filters &= Q(biz_step__in=query.biz_steps)
    if query.dispositions:
        filters &= Q(disposition__in=query.dispositions)
    if query.read_points:
        filters &= Q(read_point__in=[canonical_location(v) for v in query.read_points])
    if query.biz_locations:
        filters &= Q(biz_location__in=[canonical_location(v) for v in query.biz_locations])
    if query.event_ids:
        filters &= Q(event_id__in=query.event_ids)
    if query.match_epc:
        filters &= _code_filter(query.match_epc, _INSTANCE_ROLES)
    if query.match_parent:
        filters &= _code_filter(query.match_parent, (EventRole.PARENT,))
    if query.match_any:
        filters &= _code_filter(query.match_any, _ANY_ROLES)
    for epc_class in query.match_class:
        filters &= Q(epc_classes__contains=epc_class)
    events = events.filter(filters)
    if query.max_event_count is not None and events.count() > query.max_event_count:
        raise QueryTooLarge(query.max_event_count)
    return _page(events, query)


def _page(events: QuerySet[TraceEvent], query: EventQuery) -> Page:
    field = {"eventTime": "event_time", "recordTime": "record_time"}.get(query.order_by or "", "id")
    descending = query.descending and query.order_by is not None
    fingerprint = hashlib.sha256(query.fingerprint().encode()).hexdigest()[:16]
    taken = 0
    if query.next_page_token:
        after, after_id, taken = _read_token(query.next_page_token, fingerprint)
        if field == "id":
            events = events.filter(pk__gt=after_id)
        else:
            value = parse_datetime(after)
            if descending:
                events = events.filter(
                    Q(**{f"{field}__lt": value}) | Q(**{field: value}, pk__lt=after_id)
                )
            else:
                events = events.filter(
                    Q(**{f"{field}__gt": value}) | Q(**{field: value}, pk__gt=after_id)
                )
    order = [f"-{field}", "-pk"] if descending else [field, "pk"]
    size = query.per_page
    if query.event_count_limit is not None:
        size = min(size, query.event_count_limit - taken)
    rows = list(events.select_related(None).order_by(*order)[: size + 1]) if size > 0 else []
    more = len(rows) > size
    rows = rows[:size]
    if query.event_count_limit is not None and taken + len(rows) >= query.event_count_limit:
        more = False
    token = None
    if more and rows:
        last = rows[-1]
        position: datetime | int = getattr(last, field) if field != "id" else last.pk
        token = signing.dumps(
            [
                fingerprint,
                position.isoformat() if isinstance(position, datetime) else "",
                last.pk,
                taken + len(rows),
            ],
            salt=TOKEN_SALT,
            compress=True,
        )
    return Page(rows, token)


def _read_token(token: str, fingerprint: str) -> tuple[str, int, int]:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise QueryParameterError(
            "nextPageToken", "The token is unknown or expired; run the query again."
        ) from None
    if not isinstance(data, list) or len(data) != 4 or data[0] != fingerprint:
        raise QueryParameterError("nextPageToken", "The token belongs to another query.")
    return str(data[1]), int(data[2]), int(data[3])


def code_events(code: TraceCode) -> QuerySet[TraceEvent]:
    """Every event about a code or a logistic unit it was packed in (for its scan page)."""
    return TraceEvent.objects.filter(code_links__code=code).distinct().order_by("event_time", "pk")


def event_exists(identity: str) -> bool:
    """Whether any event (visible or not) holds this eventID: capture must not reuse it."""
    return TraceEvent.objects.filter(event_id=identity).exists()

"""Capturing EPCIS events (T4-T7): checks first, every problem at once, then one transaction.

Whatever the channel (EPCIS REST, web form, Excel upload, demo), a capture goes through here:

1. Each event is checked against what the caller may do. An enterprise token captures an event
   only if its enterprise is a party (source, destination, or the business location) and only on
   codes its enterprise issued or holds; it may commission new codes under its own GS1 company
   prefix. A connected system may capture any valid document; codes it is first to name are
   registered as external codes with their issuer (the holder of the GTIN's company prefix, or the
   owning party). Nobody commissions a code that is already in use: a seller cannot rewrite a
   producer's facts, and a code is never reused.
2. An event already captured (same eventID, or same CBV 2.0 hash when it has no eventID) is a
   duplicate and is skipped; the same eventID with other content is a conflict.
3. With ``rollback`` (the standard's default) any problem refuses the whole document and nothing
   is written; with ``proceed`` the good events are captured and the job lists the others.
4. Events, new codes, links and custody are written with one ledger entry for the job carrying
   the hash of each event (and their Merkle root), and one audit record, in one transaction.

What a capture costs beyond storing its rows is kept per document, not per event: rows go to
``bulk`` as plain tuples (never model instances), keys travel as text, the parties, code keys
and custody outcomes of a document are worked out once each, and the cycle collector is paused
for the transaction (``core.tracing.epcis.collector``).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.audit import record_audit
from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing import custody as rules
from zhiliang.core.tracing.epc import Epc, parse_epc
from zhiliang.core.tracing.epcis import collector
from zhiliang.core.tracing.epcis.model import Document, EpcisProblem, Event, Party
from zhiliang.core.tracing.event_tree import events_root
from zhiliang.ledger import services as ledger
from zhiliang.registry.models import ProductModel
from zhiliang.tracing import bulk
from zhiliang.tracing.models import (
    CaptureJob,
    CodeOrigin,
    EventCode,
    EventRole,
    TraceCode,
    TraceEvent,
)
from zhiliang.tracing.selectors.events import canonical_location
from zhiliang.tracing.services import custody
from zhiliang.tracing.services.codes import identity, key_of
from zhiliang.tracing.services.parties import Parties

LEDGER_KIND: Final = "tracing.capture"
MAX_LISTED_HASHES: Final = 800  # more would not fit one ledger entry (64 KiB); the root does
ENTERPRISE_ROLES: Final = (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR)
CHUNK: Final = 5000
_ROLES: Final = (
    ("epc_list", int(EventRole.EPC)),
    ("child_epcs", int(EventRole.CHILD)),
    ("input_epcs", int(EventRole.INPUT)),
    ("output_epcs", int(EventRole.OUTPUT)),
)


@dataclass(frozen=True)
class Refusal:
    status: int  # 400 invalid, 403 not the caller's, 409 conflict
    problem: EpcisProblem


class CaptureRefused(Exception):
    """Nothing was captured; ``refusals`` name each event and field."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        super().__init__(", ".join(r.problem.code for r in refusals[:5]))
        self.refusals = tuple(refusals)

    @property
    def status(self) -> int:
        return max(r.status for r in self.refusals)


class _Code(NamedTuple):
    """A code an event names: where (list and position), how (role), and its key."""

    name: str
    i: int
    epc: Epc
    key: str
    role: int


@dataclass
class _Plan:
    """What the checks found, before anything is written."""

    refusals: list[Refusal] = field(default_factory=list)
    duplicates: set[int] = field(default_factory=set)  # event indexes already captured
    new_codes: dict[str, tuple[Epc, int | None]] = field(default_factory=dict)  # key → issuer

    def refuse(self, status: int, event: Event, path: str, code: str, message: str) -> None:
        self.refusals.append(
            Refusal(status, EpcisProblem(event.index, event.event_id, path, code, message))
        )

    @property
    def bad(self) -> set[int]:
        return {r.problem.event for r in self.refusals if r.problem.event is not None}


def capture(
    *,
    actor: Actor,
    document: Document,
    behaviour: str = "rollback",
    channel: str = "epcis",
    document_sha256: str = "",
) -> CaptureJob:
    """Capture a checked document; raise ``CaptureRefused`` when nothing may be captured."""
    try:
        with collector.paused(), transaction.atomic(durable=True):
            return capture_within(actor, document, behaviour, channel, document_sha256)
    except IntegrityError:
        # A concurrent capture wrote one of these events or codes first; the client retries.
        conflict = EpcisProblem(
            None,
            None,
            "eventList",
            "concurrent_capture",
            "Another capture of the same events or codes was in progress; send the document again.",
        )
        raise CaptureRefused([Refusal(409, conflict)]) from None


def capture_within(
    actor: Actor,
    document: Document,
    behaviour: str = "rollback",
    channel: str = "epcis",
    document_sha256: str = "",
) -> CaptureJob:
    """``capture`` for callers that already hold the transaction (the demo generator)."""
    assert connection.in_atomic_block, "capture_within belongs inside a transaction"
    events = document.events
    parties = Parties()
    parties.preload([e for ev in events for e in _identifiers(ev)])
    parties.seal()  # checks and custody run while rows are copied
    named = {ev.index: _named(ev) for ev in events}
    job = CaptureJob(
        submitted_by_id=actor.user_id,
        enterprise_id=actor.enterprise_id,
        channel=channel,
        error_behaviour=behaviour,
        event_count=len(events),
        document_sha256=document_sha256,
    )
    with _pipelined():  # the database locks codes and finds earlier events while rows are made
        book = custody.CustodyBook((c.key for codes in named.values() for c in codes), read=False)
        existing = _existing(events)
        prepared = _prepared(actor, job, events, parties)
        ids = bulk.allocate_ids(TraceEvent, len(events))  # None on SQLite: drawn on insert
        book.read()
        checks = _Checks(actor, named, book, parties, existing(), behaviour)
    job.save(force_insert=True)
    rows = _write_events(prepared, ids, checks.accepts)
    plan = checks.plan
    if plan.refusals and (behaviour != "proceed" or len(plan.bad) == len(events)):
        raise CaptureRefused(plan.refusals)  # what was copied goes with the transaction
    for key, (_epc, issuer) in plan.new_codes.items():
        book.add_new(key, issuer)
    _move_and_link(book, rows, named, parties, actor)
    _create_codes(actor, plan, book)
    book.save(skip=plan.new_codes.keys())
    hashes = [bytes.fromhex(r.digest) for r in rows]
    root = events_root(hashes).hex() if hashes else ""
    body: dict[str, object] = {"capture": str(job.pk), "events": len(rows), "root": root}
    if len(rows) <= MAX_LISTED_HASHES:
        body["hashes"] = [h.hex() for h in hashes]
    entry = ledger.append(LEDGER_KIND, body) if rows else None
    job.ledger_entry = entry.pk if entry else None
    job.duplicates = len(plan.duplicates)
    job.events_root = root
    job.captured = len(rows)
    job.success = not plan.refusals
    job.errors = [_rfc7807(r) for r in plan.refusals]
    job.running = False
    job.finished_at = timezone.now()
    job.save()
    record_audit(
        actor,
        "tracing.capture",
        job,
        {"events": len(rows), "duplicates": len(plan.duplicates), "channel": channel},
    )
    return job


def _rfc7807(refusal: Refusal) -> dict[str, object]:
    p = refusal.problem
    return {
        "type": "epcisException:ValidationException"
        if refusal.status == 400
        else "epcisException:SecurityException"
        if refusal.status == 403
        else "epcisException:ResourceAlreadyExistsException",
        "title": p.code,
        "status": refusal.status,
        "detail": p.message,
        "instance": f"#/epcisBody/eventList/{p.event}/{p.field.replace('.', '/')}",
        **p.as_dict(),
    }


class _Checks:
    """The checks of one capture, made event by event as the events are copied: the database
    stores the rows of the first events while the next are checked. Everything they need
    (custody, parties, events captured before) is read before the copy starts."""

    def __init__(
        self,
        actor: Actor,
        named: dict[int, list[_Code]],
        book: custody.CustodyBook,
        parties: Parties,
        existing: dict[str, str],
        behaviour: str,
    ) -> None:
        self.plan = _Plan()
        self._named, self._book, self._parties, self._existing = named, book, parties, existing
        self._seen: dict[str, str] = {}
        self._enterprise = actor.enterprise_id if actor.role in ENTERPRISE_ROLES else None
        self._proceed = behaviour == "proceed"

    def accepts(self, event: Event) -> bool:
        """Whether the event is written: it passes, is no duplicate, and (unless the caller
        proceeds past refusals) nothing was refused before it. Every event is checked, so a
        refusal lists every problem at once."""
        plan = self.plan
        refused = len(plan.refusals)
        self._check(event)
        if len(plan.refusals) > refused or event.index in plan.duplicates:
            return False
        return self._proceed or not plan.refusals

    def _check(self, event: Event) -> None:
        plan, parties, enterprise = self.plan, self._parties, self._enterprise
        digest = _hex(event.hash)
        identity_ = event.identity
        if identity_ in self._existing or identity_ in self._seen:
            if (self._existing.get(identity_) or self._seen.get(identity_)) == digest:
                plan.duplicates.add(event.index)
            else:
                plan.refuse(
                    409,
                    event,
                    "eventID",
                    "event_id_taken",
                    _("This eventID was captured before with other content."),
                )
            return
        self._seen[identity_] = digest
        if enterprise is not None and not _is_party(event, enterprise, parties):
            plan.refuse(
                403,
                event,
                "sourceList",
                "not_a_party",
                _(
                    "Your enterprise is not a party to this event: name it in sourceList, "
                    "destinationList or as bizLocation."
                ),
            )
            return
        _check_codes(plan, event, self._named[event.index], self._book, parties, enterprise)


def _identifiers(event: Event) -> Iterator[Epc]:
    """Every identifier of the event that may stand for an enterprise: its units, parties and
    places (resolved before any row is copied)."""
    yield from event.instance_epcs()
    for party in (*event.sources, *event.destinations):
        yield party.id
    for uri in (event.read_point, event.biz_location):
        if (place := _place(uri)) is not None:
            yield place


def _place(uri: str | None) -> Epc | None:
    if not uri:
        return None
    try:
        return parse_epc(uri)
    except InvalidIdentifier:
        return None


@contextmanager
def _pipelined() -> Iterator[None]:
    """On PostgreSQL, statements in the block are sent without waiting for their answers, which
    are read when asked for: the database works on them while Python goes on."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


def _existing(events: Sequence[Event]) -> Callable[[], dict[str, str]]:
    """Events captured before under the same identities: eventID (else hash) → hash, read by
    calling the result."""
    identities = [e.identity for e in events]
    if connection.vendor == "postgresql":
        cursor = connection.cursor()
        if any("\n" in i for i in identities):  # not a URI nor a hash: an array then
            cursor.execute(
                "SELECT event_id, event_hash FROM tracing_traceevent WHERE event_id = ANY(%s)",
                [identities],
            )
        else:  # one text parameter, split by the server
            cursor.execute(
                "SELECT event_id, event_hash FROM tracing_traceevent "
                "WHERE event_id = ANY(string_to_array(%s, E'\\n'))",
                ["\n".join(identities)],
            )

        def rows() -> dict[str, str]:
            with cursor:
                return dict(cursor.fetchall())

        return rows
    found: dict[str, str] = {}
    for start in range(0, len(identities), CHUNK):
        part = identities[start : start + CHUNK]
        found.update(
            TraceEvent.objects.filter(event_id__in=part).values_list("event_id", "event_hash")
        )
    return lambda: found


def _hex(ni: str) -> str:
    return ni.split(";", 1)[1].split("?", 1)[0]


def _is_party(event: Event, enterprise: int, parties: Parties) -> bool:
    named = {parties.enterprise_of(p.id) for p in (*event.sources, *event.destinations)}
    named.add(parties.enterprise_at(event.biz_location))
    named.add(parties.enterprise_at(event.read_point))
    return enterprise in named


def _named(event: Event) -> list[_Code]:
    """The codes the event names, each key worked out once for the whole capture."""
    found = [
        _Code(name, i, epc, key_of(epc), role)
        for name, role in _ROLES
        for i, epc in enumerate(getattr(event, name))
    ]
    if event.parent is not None:
        found.append(_Code("parentID", -1, event.parent, key_of(event.parent), _PARENT))
    return found


def _path(name: str, i: int) -> str:
    return name if i < 0 else f"{name}.{i}"


def _creates(event: Event, name: str) -> bool:
    """Events that bring a code into being: commissioning (ObjectEvent ADD), or naming a new
    logistic unit as the parent of an aggregation."""
    if event.type == "ObjectEvent" and event.action == "ADD":
        return True
    return event.type == "AggregationEvent" and event.action == "ADD" and name == "parentID"


_UNSET: Final = object()
_PARENT: Final = int(EventRole.PARENT)


def _check_codes(
    plan: _Plan,
    event: Event,
    codes: list[_Code],
    book: custody.CustodyBook,
    parties: Parties,
    enterprise: int | None,
) -> None:
    owning: object = _UNSET  # the event's owning party, resolved once if a new code needs it
    for name, i, epc, key, _role in codes:
        unit = book.units.get(key)
        if unit is None and key not in plan.new_codes:
            owner = parties.enterprise_of(epc)
            if enterprise is not None and not (_creates(event, name) and owner == enterprise):
                plan.refuse(
                    403,
                    event,
                    _path(name, i),
                    "unknown_code",
                    _(
                        "The code is not registered on the platform: issue or register it "
                        "first, or commission it under your own GS1 company prefix."
                    ),
                )
                continue
            if enterprise is None and owner is None:
                if owning is _UNSET:
                    owning = _owning_party(event, parties)
                owner = owning  # type: ignore[assignment]
            plan.new_codes[key] = (epc, owner)
            continue
        if unit is None:
            continue
        commissioning = (
            event.type == "ObjectEvent"
            and event.action == "ADD"
            and (event.biz_step in (None, "commissioning", "encoding"))
        )
        if commissioning and not unit.fresh:
            plan.refuse(
                409,
                event,
                _path(name, i),
                "already_commissioned",
                _(
                    "This code was commissioned before; a code is never reused and a "
                    "producer's facts are not rewritten."
                ),
            )
            continue
        if enterprise is not None and enterprise not in (unit.issuer, unit.custody.holder):
            plan.refuse(
                403,
                event,
                _path(name, i),
                "code_not_yours",
                _("Your enterprise neither issued nor holds this code."),
            )


def _owning_party(event: Event, parties: Parties) -> int | None:
    for kind in ("owning_party", "possessing_party"):
        for party in event.parties(kind):
            if (found := parties.enterprise_of(party)) is not None:
                return found
    return parties.enterprise_at(event.biz_location)


CODE_FIELDS: Final = (
    "id",
    "scheme",
    "value",
    "origin",
    "issuer_id",
    "registered_by_id",
    "product_model_id",
    "gtin",
    "lot",
    "is_logistic_unit",
    "created_at",
    *custody.FIELDS,
)
EVENT_FIELDS: Final = (  # the id is drawn from the sequence (bulk.insert_new)
    "event_id",
    "event_hash",
    "event_type",
    "action",
    "biz_step",
    "disposition",
    "event_time",
    "time_zone_offset",
    "record_time",
    "read_point",
    "biz_location",
    "capture_id",
    "position",
    "reporter_id",
    "source_id",
    "destination_id",
    "epc_classes",
    "body",
)


def _create_codes(actor: Actor, plan: _Plan, book: custody.CustodyBook) -> None:
    """New codes, written once with the custody their events gave them."""
    if not plan.new_codes:
        return
    gtins = {e.gtin for e, _o in plan.new_codes.values() if e.gtin}
    models = dict(ProductModel.objects.filter(gtin__in=gtins).values_list("gtin", "id"))
    origin = CodeOrigin.REGISTERED if actor.role in ENTERPRISE_ROLES else CodeOrigin.EXTERNAL
    origin_value = str(origin)
    now = timezone.now()
    user = actor.user_id
    rows = (  # made while they are copied: the database works on the first ones meanwhile
        (
            key,
            *identity(epc),
            origin_value,
            issuer,
            user,
            models.get(epc.gtin or ""),
            epc.gtin or "",
            epc.lot or "",
            bool(epc.sscc),
            now,
            *book.row(key),
        )
        for key, (epc, issuer) in plan.new_codes.items()
    )
    bulk.insert(TraceCode, CODE_FIELDS, rows)


@dataclass(slots=True)
class _Row:
    """An accepted event as written: its new primary key and what custody needs of it."""

    event: Event
    pk: int
    digest: str
    source: int | None
    destination: int | None


class _Prepared(NamedTuple):
    """An event's row as far as it is known before the checks: what comes before and after
    its position among the events written."""

    event: Event
    digest: str
    source: int | None
    destination: int | None
    before: tuple[object, ...]
    after: tuple[object, ...]


def _prepared(
    actor: Actor, job: CaptureJob, events: Sequence[Event], parties: Parties
) -> list[_Prepared]:
    """The events' rows (plain tuples, not model instances), but for their ids and positions.
    The body is the event as received, with the eventID filled in when it had none."""
    now = timezone.now()
    capture_id = str(job.pk)
    found = []
    for event in events:
        raw = event.raw
        identity_ = event.identity
        digest = _hex(event.hash)
        source = _party(event.sources, parties)
        destination = _party(event.destinations, parties)
        before = (
            identity_,
            digest,
            event.type,
            event.action or "",
            event.biz_step or "",
            event.disposition or "",
            event.event_time,
            event.time_zone_offset,
            now,
            _location(event.read_point),
            _location(event.biz_location),
            capture_id,
        )
        after = (
            actor.enterprise_id,
            source,
            destination,
            "\n".join(q.epc_class.canonical for q in event.quantities),
            raw if "eventID" in raw else {**raw, "eventID": identity_},
        )
        found.append(_Prepared(event, digest, source, destination, before, after))
    return found


def _write_events(
    prepared: Sequence[_Prepared], ids: list[int] | None, accepts: Callable[[Event], bool]
) -> list[_Row]:
    """Write the rows of the events ``accepts`` lets through, each checked while the ones
    before it are copied, and return them with their new ids (``ids`` drawn from the sequence
    on PostgreSQL, assigned on insert elsewhere)."""
    next_id = iter(ids or ())
    written: list[_Row] = []

    def values() -> Iterator[tuple[object, ...]]:
        for event, digest, source, destination, before, after in prepared:
            if not accepts(event):
                continue
            row = _Row(event, next(next_id, 0), digest, source, destination)
            written.append(row)
            if ids:
                yield (row.pk, *before, len(written) - 1, *after)
            else:
                yield (*before, len(written) - 1, *after)

    if ids:
        bulk.insert(TraceEvent, ("id", *EVENT_FIELDS), values())
        return written
    rows = list(values())
    for row, pk in zip(
        written, bulk.insert_new(TraceEvent, EVENT_FIELDS, rows, len(rows)), strict=True
    ):
        row.pk = pk
    return written


def _location(uri: str | None) -> str:
    return canonical_location(uri) if uri else ""


def _party(entries: Sequence[Party], parties: Parties) -> int | None:
    if not entries:
        return None
    for kind in ("possessing_party", "owning_party", "location"):
        for entry in entries:
            if entry.type == kind and (found := parties.enterprise_of(entry.id)) is not None:
                return found
    return None


def _move_and_link(
    book: custody.CustodyBook,
    rows: Sequence[_Row],
    named: dict[int, list[_Code]],
    parties: Parties,
    actor: Actor,
) -> None:
    """Apply the events to custody in time order, and link each event to the codes it names
    and to the units it moved inside the logistic units it named (their history). The links
    are copied as the events are applied: the database stores the first while the next are
    worked out."""
    capturer = actor.enterprise_id if actor.role in ENTERPRISE_ROLES else None
    carried_role = int(EventRole.CARRIED)
    ordered = [  # parties first: nothing may query the database while links are copied
        (row, capturer or parties.enterprise_at(row.event.biz_location) or row.source)
        for row in sorted(rows, key=lambda r: r.event.event_time)
    ]

    def links() -> Iterator[tuple[str, int, int, bool]]:
        for row, reporter in ordered:
            event = row.event
            move = rules.Movement(
                at=event.event_time,
                event_type=event.type,
                action=event.action,
                biz_step=event.biz_step,
                disposition=event.disposition,
                capturer=reporter,
                source=row.source,
                destination=row.destination,
                parent=key_of(event.parent) if event.parent is not None else None,
            )
            codes = named[event.index]
            moved: list[str] = []
            for code in codes:  # the lists, then the parent
                moved += book.apply(code.key, move)
            if (
                event.parent is not None
                and event.type == "AggregationEvent"
                and event.action == "DELETE"
                and not event.child_epcs
            ):
                book.unpack_all(key_of(event.parent), event.event_time)
            found: dict[tuple[str, int], bool] = dict.fromkeys(
                ((key, carried_role) for key in moved), False
            )
            for code in codes:
                found[(code.key, code.role)] = code.epc.urn_form
            pk = row.pk
            for (key, role), urn_form in found.items():
                yield key, pk, role, urn_form

    bulk.insert(EventCode, ("code_id", "event_id", "role", "urn_form"), links())

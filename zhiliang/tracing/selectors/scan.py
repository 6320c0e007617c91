"""What a scan shows (T3, T9): the code's product, producer, batch, conformity, grading, recall,
chain of custody at city level and the ledger proof of each event shown.

The part that does not depend on the person scanning (the "card") is cached for a short while,
so a label scanned a thousand times an hour costs one set of queries; a capture that touches the
code clears it. What depends on this scan (status, clone warning, confirm-receipt) is added by
the view from ``services.scans``.
"""

import json
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhiliang.core.tracing.codes import Scheme
from zhiliang.core.tracing.digital_link import DigitalLink, gtin_path
from zhiliang.ledger import selectors as ledger
from zhiliang.registry import selectors as registry
from zhiliang.registry.models import CertificateStatus, ProductModel, Region
from zhiliang.tracing.models import (
    EventCode,
    EventRole,
    RecallStatus,
    Scan,
    TraceCode,
    TraceEvent,
    code_key,
)
from zhiliang.tracing.selectors import proofs
from zhiliang.tracing.selectors.code_states import code_states
from zhiliang.tracing.selectors.proofs import proofs_of

CARD_SECONDS: Final = 3600
LOCAL_CARD_SECONDS: Final = 60
MAX_CHAIN: Final = 50
_CARD_KEY: Final = "tracing:card:{}"


@dataclass(frozen=True, slots=True)
class CodeState:
    """What a scan reads of a code's row: its key and where it stands (the cached card has the
    rest). A ``TraceCode`` has the same attributes."""

    pk: uuid.UUID
    state: str
    sold_at: datetime | None
    last_event_at: datetime | None
    recall_id: int | None
    holder_id: int | None


_STATE_FIELDS: Final = ("id", "state", "sold_at", "last_event_at", "recall_id", "holder_id")
_STATE_COLUMNS: Final = {
    f.attname: f for f in TraceCode._meta.concrete_fields if f.attname in _STATE_FIELDS
}


@dataclass(frozen=True)
class Found:
    code: CodeState | None
    scheme: str
    value: str


_RELATED: Final = (
    "product_model__product__category",
    "product_model__enterprise__town",
    "batch",
    "recall",
)


def find(scheme: str, value: str) -> Found:
    """The code a scanned text names, by its key (no index on the text is needed): one
    prepared statement on the code's row alone, the rest of the card comes from the cache."""
    return find_for_scan(scheme, value, with_points=False)[0]


Point = tuple[datetime, float, float, str | None]  # time, lat, lng, region code
"""A recorded scan with a position, as clone detection compares them."""


def find_for_scan(
    scheme: str, value: str, *, with_points: bool = True
) -> tuple[Found, list[Point]]:
    """The code and its most recent scans that carry a position, newest first, in one
    statement: the code's row by its key and, beside it, the scans by the ``(code, at)`` index
    (``RECENT_SCANS`` at most). On PostgreSQL the app process keeps what it read until the
    database says the code changed (``code_states``); the points are shared, not to be
    changed."""
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection, looked up once
    key = code_key(scheme, value)
    kept, ticket = code_states.usable(db), 0
    if kept:
        entry = code_states.get(key, with_points)
        if entry is not None:
            return Found(entry[0], scheme, value), entry[1]
        ticket = code_states.ticket()
    read = _read(db, key, with_points)
    if read is None:
        return Found(None, scheme, value), []
    if kept:
        code_states.keep(key, with_points, read, ticket)
    return Found(read[0], scheme, value), read[1]


def _read(
    db: BaseDatabaseWrapper, key: uuid.UUID, with_points: bool
) -> tuple[CodeState, list[Point]] | None:
    if db.vendor == "postgresql":
        row = _prepared_row(db, _find_sql(db, with_points), key)
        if row is None:
            return None
        state = CodeState(row[0], row[1], _instant(row[2]), _instant(row[3]), row[4], row[5])
    else:
        with db.cursor() as cursor:
            cursor.execute(_find_sql(db, with_points), [_KEY_FIELD.get_db_prep_value(key, db)])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row[: len(_STATE_FIELDS)])
        for i, converters in _converters(db):
            for convert, expression in converters:
                values[i] = convert(values[i], expression, db)
        state = CodeState(*values)
    return state, _points(row[len(_STATE_FIELDS)]) if with_points else []


EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def _instant(micros: int | None) -> datetime | None:
    """A time PostgreSQL sent as microseconds since the epoch (exact, and cheaper to read
    than a ``timestamptz``, whose reader is set up for every statement)."""
    return None if micros is None else EPOCH + timedelta(microseconds=micros)


class _Cursors(threading.local):
    """Each thread's cursor on its connection, kept between scans: its readers of each column
    type are set up once, not for every statement."""

    connection: Any = None
    cursor: Any = None


_CURSORS: Final = _Cursors()


def _prepared_row(db: BaseDatabaseWrapper, sql: str, key: uuid.UUID) -> Any:
    """One row by a statement PostgreSQL parses and plans once per connection (server-side
    binding; Django's own cursors bind on the client and are planned on every call). Falls back
    to Django's cursor where the connection does not keep prepared statements.

    Django's per-request health check does not run on this path, so a connection the server
    dropped (a restart, a failover) is replaced here, once, outside a transaction."""
    try:
        return _kept_cursor_row(db, sql, key)
    except OperationalError:
        if db.in_atomic_block:
            raise
        db.close()
        return _kept_cursor_row(db, sql, key)


def _kept_cursor_row(db: BaseDatabaseWrapper, sql: str, key: uuid.UUID) -> Any:
    raw = db.connection
    if raw is None:
        db.ensure_connection()
        raw = db.connection
    if raw.prepare_threshold is None:
        with db.cursor() as cursor:
            cursor.execute(sql, [key])
            return cursor.fetchone()
    kept = _CURSORS
    if kept.connection is not raw or kept.cursor.closed:
        kept.connection, kept.cursor = raw, psycopg.Cursor(raw)
    with db.wrap_database_errors:
        kept.cursor.execute(sql, [key], prepare=True)
        return kept.cursor.fetchone()


def _points(found: Any) -> list[Point]:
    if found is None:
        return []
    if isinstance(found, str):  # SQLite hands JSON back as text
        found = json.loads(found)
    points = []
    for at, lat, lng, region in found:
        if isinstance(at, int):  # PostgreSQL: microseconds since the epoch
            moment = EPOCH + timedelta(microseconds=at)
        else:
            moment = datetime.fromisoformat(at)
            if moment.tzinfo is None:  # SQLite keeps UTC without an offset
                moment = moment.replace(tzinfo=UTC)
        points.append((moment, float(lat), float(lng), region))
    return points


RECENT_SCANS: Final = 50
_KEY_FIELD: Final = TraceCode._meta.pk
_FIND: dict[tuple[str, bool], str] = {}


_CONVERTERS: dict[str, list[tuple[int, list[tuple[Any, Any]]]]] = {}


def _converters(db: BaseDatabaseWrapper) -> list[tuple[int, list[tuple[Any, Any]]]]:
    """What the ORM applies to each column read (UUIDs and times on SQLite, for one), by the
    column's place; none on PostgreSQL."""
    found = _CONVERTERS.get(db.vendor)
    if found is None:
        found = []
        for i, name in enumerate(_STATE_FIELDS):
            column = _STATE_COLUMNS[name].get_col(TraceCode._meta.db_table)
            functions = db.ops.get_db_converters(column) + column.get_db_converters(db)
            if functions:
                found.append((i, [(function, column) for function in functions]))
        _CONVERTERS[db.vendor] = found
    return found


def _find_sql(db: BaseDatabaseWrapper, with_points: bool) -> str:
    sql = _FIND.get((db.vendor, with_points))
    if sql is None:
        q = db.ops.quote_name
        columns = ", ".join(_state_column(db, name) for name in _STATE_FIELDS)
        if with_points:
            if db.vendor == "postgresql":
                aggregate = (
                    f"json_agg(json_build_array({_MICROS.format('s.at')}, s.lat, s.lng, r.code))"
                )
            else:
                aggregate = "json_group_array(json_array(s.at, s.lat, s.lng, r.code))"
            columns += (  # names from the models, the values are parameters
                f", (SELECT {aggregate} FROM (SELECT {q('at')} AS at, {q('lat')} AS lat, "  # noqa: S608
                f"{q('lng')} AS lng, {q('region_id')} AS region_id "
                f"FROM {q(Scan._meta.db_table)} WHERE {q('code_id')} = c.{q(_KEY_FIELD.column)} "
                f"AND {q('lat')} IS NOT NULL ORDER BY {q('at')} DESC LIMIT {RECENT_SCANS}) s "
                f"LEFT JOIN {q(Region._meta.db_table)} r ON r.{q('id')} = s.region_id)"
            )
        table = q(TraceCode._meta.db_table)
        sql = _FIND[(db.vendor, with_points)] = (
            f"SELECT {columns} FROM {table} c WHERE c.{q(_KEY_FIELD.column)} = %s"  # noqa: S608
        )
    return sql


_MICROS: Final = "(EXTRACT(EPOCH FROM {}) * 1000000)::int8"


def _state_column(db: BaseDatabaseWrapper, name: str) -> str:
    field = _STATE_COLUMNS[name]
    column = "c." + db.ops.quote_name(field.column)
    if db.vendor == "postgresql" and field.get_internal_type() == "DateTimeField":
        return _MICROS.format(column)
    return column


TREE_SIZE_SECONDS: Final = 2.0
_TREE_SIZE: list[float] = [float("-inf"), 0]  # when read, size
_CARDS: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
CARDS_KEPT: Final = 4096


def _tree_size() -> int:
    """The signed tree's size, read at most every ``TREE_SIZE_SECONDS`` by this process: a
    proof shows "verified" at most that much later than the checkpoint that makes it so."""
    now = time.monotonic()
    if now - _TREE_SIZE[0] >= getattr(settings, "TRACING_TREE_SIZE_SECONDS", TREE_SIZE_SECONDS):
        _TREE_SIZE[:] = [now, ledger.tree_size()]
    return int(_TREE_SIZE[1])


def forget() -> None:
    """Drop what this process keeps (tests: databases come and go under the same keys)."""
    _TREE_SIZE[:] = [float("-inf"), 0]
    _CARDS.clear()
    proofs.forget()
    code_states.stop()


def card(code: CodeState | TraceCode) -> dict[str, Any]:
    """The scan card, cached under the code's custody version and the ledger's size: a capture,
    a recall or a new checkpoint changes the key, so a cached card is never out of date on
    those; registry facts (a licence suspended) show within ``CARD_SECONDS``. The shared cache
    holds it for every app process, and each process keeps the most recent in memory."""
    return dict(card_with_key(code)[1])


def card_with_key(code: CodeState | TraceCode) -> tuple[str, dict[str, Any]]:
    """``card`` and the key it is cached under; the card is shared, not to be changed."""
    version = code.last_event_at.timestamp() if code.last_event_at else 0
    size = _tree_size()  # proofs change state when the sequencer grows the tree
    key = _CARD_KEY.format(f"{code.pk.hex}:{version}:{code.state}:{code.recall_id}:{size}")
    now = time.monotonic()
    kept = _CARDS.get(key)
    if kept is not None and kept[0] > now:
        return key, kept[1]
    cached = cache.get(key)
    if cached is None:
        full = TraceCode.objects.select_related(*_RELATED).get(pk=code.pk)
        cached = _card(full)
        cache.set(key, cached, CARD_SECONDS)
    _CARDS[key] = (now + LOCAL_CARD_SECONDS, cached)
    if len(_CARDS) > CARDS_KEPT:
        _CARDS.popitem(last=False)
    return key, cached


def _card(code: TraceCode) -> dict[str, Any]:
    model = code.product_model
    found: dict[str, Any] = {
        "code": code.value,
        "scheme": code.scheme,
        "origin": code.origin,
        "state": code.state,
        "product": None,
        "producer": None,
        "batch": _batch(code),
        "conformity": None,
        "spotCheck": None,
        "recall": _recall(code),
        "logisticUnit": {"contents": code.children.count()} if code.is_logistic_unit else None,
    }
    if model is not None:
        found |= _model_facts(model)
    elif code.issuer_id:
        found["producer"] = _producer(code.issuer_id)
    events = list(_events(code))
    found["chain"] = _chain(events)
    found["proofs"] = [p.as_dict() for p in proofs_of(events)]
    return found


MODEL_FACTS_SECONDS: Final = 300


def _model_facts(model: ProductModel) -> dict[str, Any]:
    """Product, producer and conformity: the same for every unit of a model, so shared by their
    cards for ``MODEL_FACTS_SECONDS``."""
    key = f"tracing:model-facts:{model.pk}"
    facts: dict[str, Any] | None = cache.get(key)
    if facts is None:
        product = model.product
        facts = {
            "product": {
                "name": product.name,
                "category": product.category.name,
                "brand": model.brand,
                "model": model.model,
                "specification": model.specification,
                "gtin": model.gtin,
                "tracingPhase": product.tracing_phase,
            },
            "producer": _producer(model.enterprise_id),
            "conformity": _conformity(model.enterprise_id, product.pk, model.pk),
        }
        cache.set(key, facts, MODEL_FACTS_SECONDS)
    return facts


def _batch(code: TraceCode) -> dict[str, Any] | None:
    batch = code.batch
    lot = code.lot or (batch.lot if batch else "")
    return {
        "lot": lot,
        "producedOn": batch.produced_on.isoformat() if batch and batch.produced_on else None,
        "codedOn": (batch.created_at if batch else code.created_at).date().isoformat(),
    }


def _recall(code: TraceCode) -> dict[str, Any] | None:
    recall = code.recall
    if recall is None or recall.status != RecallStatus.OPEN:
        return None
    return {
        "id": recall.pk,
        "reason": recall.reason,
        "openedAt": recall.opened_at.date().isoformat(),
        "lots": [recall.lot_from, recall.lot_to],
    }


def _producer(enterprise_id: int) -> dict[str, Any] | None:
    enterprise = registry.public_enterprises().filter(pk=enterprise_id).first()
    if enterprise is None:
        return None
    return {
        "name": enterprise.name,
        "creditCode": enterprise.credit_code,
        "region": city_name(enterprise.town.path),
        "illustrative": enterprise.illustrative,
        "url": reverse("portal:public-enterprise", args=[enterprise.pk]),
    }


def _certificate(rows: Any) -> dict[str, Any] | None:
    row = rows.order_by("-valid_until").values("number", "status", "valid_until").first()
    if row is None:
        return None
    today = timezone.localdate()
    status = row["status"]
    if status == CertificateStatus.VALID and row["valid_until"] < today:
        status = CertificateStatus.EXPIRED
    return {
        "number": row["number"],
        "status": status,
        "valid": status == CertificateStatus.VALID,
        "validUntil": row["valid_until"].isoformat(),
    }


def _conformity(enterprise_id: int, product_id: int, model_id: int) -> dict[str, Any]:
    enterprise = registry.public_enterprises().filter(pk=enterprise_id).first()
    if enterprise is None:
        return {"licence": None, "ccc": None, "grading": None}
    licences = registry.licences_of(enterprise).filter(Q(product_id=product_id) | Q(product=None))
    cccs = registry.ccc_certificates_of(enterprise).filter(
        Q(product_id=product_id) | Q(product=None)
    )
    return {
        "licence": _certificate(licences),
        "ccc": _certificate(cccs),
        "grading": _grading(model_id, timezone.localdate()),
    }


def _grading(model_id: int, today: date) -> dict[str, Any] | None:
    from zhiliang.grading.selectors import records  # grading is a sibling feature app

    record = (
        records.with_status(records.public_records(), "valid", today)
        .filter(product_model_id=model_id)
        .order_by("-declared_at")
        .first()
    )
    if record is None:
        return None
    return {
        "grade": record.grade,
        "validUntil": record.valid_until.isoformat(),
        "url": reverse("grading:record", args=[record.pk]),
    }


def _events(code: TraceCode) -> list[TraceEvent]:
    ids = list(
        EventCode.objects.filter(code=code)
        .exclude(role=EventRole.CLASS)
        .values_list("event_id", flat=True)[: MAX_CHAIN * 2]
    )
    return list(
        TraceEvent.objects.filter(pk__in=ids)
        .select_related("capture", "source__town", "destination__town", "reporter__town")
        .order_by("event_time", "pk")[:MAX_CHAIN]
    )


def _chain(events: list[TraceEvent]) -> list[dict[str, Any]]:
    """Each event as step, date and the city where the unit was (the receiving side for a
    shipment), never the enterprise: the public sees where, not who."""
    chain = []
    for event in events:
        party = (
            event.destination
            if event.biz_step == "shipping"
            else (event.reporter or event.destination or event.source)
        )
        chain.append(
            {
                "eventID": event.event_id,
                "step": event.biz_step or event.event_type,
                "action": event.action,
                "date": timezone.localtime(event.event_time).date().isoformat(),
                "city": city_name(party.town.path) if party else None,
            }
        )
    return chain


def _region_names() -> dict[str, str]:
    names: dict[str, str] | None = cache.get_or_set(
        "tracing:region-names",
        lambda: dict(
            Region.objects.filter(level__in=["city", "county"]).values_list("code", "name")
        ),
        3600,
    )
    return names or {}


def city_name(path: str) -> str | None:
    """The city (地级市) of a region path ``000000/330000/330400/…``."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 3:
        return None
    return _region_names().get(parts[2])


def region_points() -> list[tuple[str, float, float]]:
    """Counties and cities with a position, for placing a scan approximately."""

    def load() -> list[tuple[str, float, float]]:
        rows = Region.objects.filter(level__in=["county", "city"], lat__isnull=False)
        return [(r.code, float(r.lat or Decimal(0)), float(r.lng or Decimal(0))) for r in rows]

    points: list[tuple[str, float, float]] | None = cache.get_or_set(
        "tracing:region-points", load, 3600
    )
    return points or []


SCHEME_LABELS: Final = {
    Scheme.GS1: "GS1",
    Scheme.ECODE: "Ecode",
    Scheme.DIC: "数字身份码",
    Scheme.CCC: "CCC",
    Scheme.URI: "URI",
}


@dataclass(frozen=True)
class LinkFacts:
    grading_url: str | None
    recall_url: str | None
    epcis: bool


def identity_of(link: DigitalLink) -> tuple[str, str] | None:
    """(scheme, value) of the unit or logistic unit a Digital Link names; None for a product or
    lot (no single unit)."""
    if link.sscc:
        return Scheme.GS1, f"/00/{link.sscc}"
    if link.gtin and link.serial:
        return Scheme.GS1, gtin_path(link.gtin, serial=link.serial)
    return None


def model_by_gtin(gtin: str | None) -> ProductModel | None:
    if not gtin:
        return None
    return (
        registry.public_product_models()
        .select_related("product__category", "enterprise__town")
        .filter(gtin=gtin)
        .first()
    ) or ProductModel.objects.select_related("product__category", "enterprise__town").filter(
        gtin=gtin, enterprise__published=True
    ).first()


def link_facts(link: DigitalLink) -> LinkFacts | None:
    identity = identity_of(link)
    if identity is not None:
        code = find(*identity).code
        if code is None:
            return None
        facts = card(code)
        grading = (facts.get("conformity") or {}).get("grading")
        recall = facts.get("recall")
        return LinkFacts(
            grading["url"] if grading else None,
            reverse("tracing:recall-notice", args=[recall["id"]]) if recall else None,
            bool(facts.get("chain")),
        )
    model = model_by_gtin(link.gtin)
    if model is None:
        return None
    grading = _grading(model.pk, timezone.localdate())
    return LinkFacts(grading["url"] if grading else None, None, False)


def product_card(model: ProductModel) -> dict[str, Any]:
    """A GTIN or lot without a serial: the product and its producer, no unit history."""
    product = model.product
    return {
        "code": model.gtin,
        "scheme": Scheme.GS1,
        "product": {
            "name": product.name,
            "category": product.category.name,
            "brand": model.brand,
            "model": model.model,
            "specification": model.specification,
            "gtin": model.gtin,
            "tracingPhase": product.tracing_phase,
        },
        "producer": _producer(model.enterprise_id),
        "conformity": _conformity(model.enterprise_id, product.pk, model.pk),
        "batch": None,
        "recall": None,
        "spotCheck": None,
        "logisticUnit": None,
        "chain": [],
        "proofs": [],
    }


def find_by_id(code_id: str) -> TraceCode | None:
    try:
        return TraceCode.objects.select_related(*_RELATED).filter(pk=code_id).first()
    except ValueError:
        return None

"""Scans (T3, T9): each look-up of a known code is recorded with its time and an approximate
place, and judged against the code's recent scans for signs of a copied label (core rules in
core/tracing/clone). A seller scanning a unit it expects can confirm its receipt, which records a
receiving event through the ordinary capture."""

import base64
import functools
import hashlib
import hmac
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.core.tracing.clone import CloneVerdict, ScanPoint, distance_km, judge
from zhiliang.core.tracing.epc import PARTY_URN
from zhiliang.core.tracing.epcis.model import Document
from zhiliang.core.tracing.epcis.validation import parse_event
from zhiliang.registry import selectors as registry
from zhiliang.tracing.models import (
    CaptureJob,
    CustodyState,
    Recall,
    RecallStatus,
    Scan,
    ScanVerdict,
    TraceCode,
)
from zhiliang.tracing.selectors.scan import EPOCH, CodeState, Point, region_points
from zhiliang.tracing.services.capture import capture
from zhiliang.tracing.services.codes import uri_of
from zhiliang.tracing.services.scan_journal import ScanRow, flush_seconds, journal

RECENT_SCANS: Final = 50
NEAREST_KM: Final = 60.0
POSITION_SALT: Final = "zhiliang.tracing.scan-position"
_ROUND: Final = Decimal("0.01")  # about a kilometre: approximate, never a home address


@dataclass(frozen=True)
class Place:
    lat: float | None = None
    lng: float | None = None
    region: str | None = None  # county or city code

    @property
    def known(self) -> bool:
        return self.lat is not None and self.lng is not None


NOWHERE: Final = Place()


def place_of(lat: float | None, lng: float | None) -> Place:
    """A position rounded to ~1 km and the nearest county or city centre within reach."""
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return NOWHERE
    nearest, best = None, NEAREST_KM
    for code, r_lat, r_lng in region_points():
        km = _km(lat, lng, r_lat, r_lng)
        if km < best:
            nearest, best = code, km
    return Place(round(lat, 2), round(lng, 2), nearest)


def _km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    now = timezone.now()
    return distance_km(ScanPoint(now, lat1, lng1, ""), ScanPoint(now, lat2, lng2, ""))


def seller_place(actor: Actor) -> Place:
    """A seller's scans happen at its shop: the centre of its county."""
    if actor.enterprise_id is None:
        return Place()
    enterprise = registry.visible_enterprises(actor).filter(pk=actor.enterprise_id).first()
    if enterprise is None:
        return Place()
    county = enterprise.town.path.strip("/").split("/")[-2]
    for code, lat, lng in region_points():
        if code == county:
            return Place(lat, lng, county)
    return Place()


def _point(
    at: datetime, lat: Decimal | float, lng: Decimal | float, region: str | None
) -> ScanPoint:
    city = region[:4] if region else f"{round(float(lat))}:{round(float(lng))}"
    return ScanPoint(at, float(lat), float(lng), city)


def record_scan(
    *,
    code: CodeState | TraceCode,
    actor: Actor,
    place: Place,
    recent: Sequence[Point],
    recalled: bool | None = None,
) -> tuple[ScanRow, CloneVerdict]:
    """Judge the code's recent scans, this one included, and record this one in the scan
    journal (written within a quarter of a second, see ``scan_journal``). ``recent`` are the
    code's recorded scans with a position, read with the code (``selectors.scan.find_for_scan``);
    ``recalled`` is the card's recall status when the
    caller has it (else it is read from the code)."""
    now = timezone.now()
    by_consumer = actor.role not in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR)
    points = [_point(at, lat, lng, region) for at, lat, lng, region in recent]
    points += [
        _point(s.at, s.lat, s.lng, _region_code(s.region_id))
        for s in journal.pending_points(code.pk)
        if s.lat is not None and s.lng is not None
    ]
    if place.known:
        assert place.lat is not None and place.lng is not None
        points.append(_point(now, place.lat, place.lng, place.region))
    verdict = judge(points, sold_at=code.sold_at)
    scan = ScanRow(
        code_id=code.pk,
        at=now,
        region_id=_region_id(place.region),
        lat=Decimal(str(place.lat)).quantize(_ROUND) if place.lat is not None else None,
        lng=Decimal(str(place.lng)).quantize(_ROUND) if place.lng is not None else None,
        by_consumer=by_consumer,
        enterprise_id=actor.enterprise_id if not by_consumer else None,
        verdict=status_of(code, verdict, recalled=recalled),
    )
    journal.add(scan)
    return scan, verdict


def _region_ids() -> dict[str, int]:
    ids: dict[str, int] | None = cache.get_or_set(
        "tracing:region-ids",
        lambda: dict(
            registry.regions().filter(level__in=["city", "county"]).values_list("code", "pk")
        ),
        3600,
    )
    return ids or {}


def _region_id(code: str | None) -> int | None:
    """The scan's region (a county or city centre from ``region_points``)."""
    if not code:
        return None
    found = _region_ids().get(code)
    if found is None:
        found = registry.regions().filter(code=code).values_list("pk", flat=True).first()
    return found


def _region_code(region_id: int | None) -> str | None:
    if region_id is None:
        return None
    return next((code for code, pk in _region_ids().items() if pk == region_id), None)


def status_of(
    code: CodeState | TraceCode | None,
    verdict: CloneVerdict | None,
    *,
    recalled: bool | None = None,
) -> str:
    """The one status a scan reports; the gravest sign wins. ``recalled`` is the card's recall
    status when the caller has it (else it is read from the code)."""
    if code is None:
        return ScanVerdict.UNKNOWN
    if recalled is None:
        recalled = bool(
            code.recall_id
            and Recall.objects.filter(pk=code.recall_id, status=RecallStatus.OPEN).exists()
        )
    if recalled:
        return ScanVerdict.RECALLED
    if verdict is not None and verdict.possible_clone:
        return ScanVerdict.POSSIBLE_CLONE
    if code.state == CustodyState.SOLD:
        return ScanVerdict.SOLD
    return ScanVerdict.OK


def position_token(scan: ScanRow) -> str:
    """A signed name of this scan (its code and instant, to the microsecond) for the page's
    script to add the phone's position to; the scan may still be in the journal, so it has no
    number yet. The instant dates the token: it is good for ``POSITION_SECONDS``."""
    named = f"{scan.code_id.hex}.{(scan.at - EPOCH) // _MICROSECOND}"
    return f"{named}.{_signature(_position_keys()[0], named)}"


POSITION_SECONDS: Final = 600
_MICROSECOND: Final = timedelta(microseconds=1)


def _position_keys() -> list[bytes]:
    """HMAC keys derived from ``SECRET_KEY`` and its fallbacks (tokens signed before a key
    rotation stay good), under this purpose's own salt; derived once per secret."""
    secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return _derived_keys(tuple(str(secret) for secret in secrets))


@functools.lru_cache(maxsize=4)
def _derived_keys(secrets: tuple[str, ...]) -> list[bytes]:
    return [hashlib.sha256(f"{POSITION_SALT}:{secret}".encode()).digest() for secret in secrets]


def _signature(key: bytes, named: str) -> str:
    digest = hmac.new(key, named.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _named_scan(token: str) -> tuple[uuid.UUID, datetime] | None:
    named, _dot, signature = token.rpartition(".")
    if not any(hmac.compare_digest(signature, _signature(k, named)) for k in _position_keys()):
        return None
    try:
        code, instant = named.split(".")
        moment = EPOCH + int(instant) * _MICROSECOND
        code_id = uuid.UUID(hex=code)
    except (ValueError, OverflowError):
        return None
    age = (timezone.now() - moment).total_seconds()
    return (code_id, moment) if -60 <= age <= POSITION_SECONDS else None


def attach_position(*, token: str, lat: float, lng: float) -> Scan | None:
    """The scan page's script may add the phone's approximate position after the page loads
    (within ten minutes). The scan is looked for again after the journal's interval when it
    was not written yet."""
    named = _named_scan(token)
    if named is None:
        return None
    code_id, moment = named
    place = place_of(lat, lng)
    if not place.known or math.isnan(lat):
        return None
    journal.flush()
    for attempt in range(2):
        with transaction.atomic():
            scan = (
                Scan.objects.select_for_update()
                .filter(code_id=code_id, at=moment, lat__isnull=True)
                .first()
            )
            if scan is not None:
                scan.lat = Decimal(str(place.lat)).quantize(_ROUND)
                scan.lng = Decimal(str(place.lng)).quantize(_ROUND)
                scan.region_id = _region_id(place.region)
                scan.save(update_fields=["lat", "lng", "region"])
                return scan
        if attempt == 0 and flush_seconds() > 0:
            time.sleep(min(flush_seconds() * 2, 1.0))  # another process may still hold it
    return None


def can_confirm_receipt(actor: Actor, code: CodeState | TraceCode) -> bool:
    """A seller confirms a unit on its way to it (or held by it and not yet confirmed)."""
    return (
        actor.role in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR)
        and actor.enterprise_id is not None
        and code.holder_id == actor.enterprise_id
        and code.state == CustodyState.IN_TRANSIT
    )


def confirm_receipt(*, actor: Actor, code: TraceCode, credit_code: str) -> CaptureJob:
    """A receiving event for one unit at the seller, captured like any other."""
    now = timezone.localtime()
    party = PARTY_URN + credit_code
    event = parse_event(
        {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:{uuid.uuid4()}",
            "eventTime": now.isoformat(timespec="milliseconds"),
            "eventTimeZoneOffset": now.strftime("%z")[:3] + ":" + now.strftime("%z")[3:],
            "epcList": [uri_of(code)],
            "action": "OBSERVE",
            "bizStep": "receiving",
            "disposition": "sellable_accessible",
            "bizLocation": {"id": party},
            "destinationList": [{"type": "possessing_party", "destination": party}],
        }
    )
    return capture(actor=actor, document=Document("EPCISDocument", (event,)), channel="scan")

"""Who holds a unit, folded over its traceability events, and the recall scope of many units (T8).

Each unit's custody is the result of its events in time order: commissioning puts it with its
producer, shipping sends it to the destination party, receiving puts it with the receiver,
retail selling hands it to a consumer (the seller is remembered), destroying ends it. An
aggregation (packing onto an SSCC pallet) makes the pallet's later events apply to every unit on
it until it is unpacked. An event older than the unit's latest one is history, not news: it does
not move the unit back (late captures from a connected system are common).

``scope`` turns the units of a problem batch into what a regulator acts on: how many, who holds
them now, how many reached consumers, counts by region and by seller.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

HELD: Final = "held"
IN_TRANSIT: Final = "in_transit"
SOLD: Final = "sold"
DESTROYED: Final = "destroyed"


@dataclass(frozen=True, slots=True)
class Custody:
    holder: int | None = None  # enterprise id; None once sold to a consumer or unknown
    state: str = HELD
    seller: int | None = None  # the enterprise that sold it to a consumer
    sold_at: datetime | None = None
    parent: str | None = None  # canonical id of the logistic unit it is packed in
    last_event_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Movement:
    """An event as custody sees it; parties already resolved to enterprise ids."""

    at: datetime
    event_type: str  # ObjectEvent, AggregationEvent …
    action: str | None
    biz_step: str | None
    disposition: str | None = None
    capturer: int | None = None  # the enterprise that reported the event
    source: int | None = None  # possessing (else owning) party of sourceList
    destination: int | None = None  # possessing (else owning) party of destinationList
    parent: str | None = None  # AggregationEvent parentID (canonical)


def apply(custody: Custody, move: Movement, *, as_child: bool = False) -> Custody:
    """The custody after one event about the unit (``as_child``: the event named its pallet)."""
    if custody.last_event_at is not None and move.at < custody.last_event_at:
        return custody
    now = replace(custody, last_event_at=move.at)
    if move.event_type == "AggregationEvent" and not as_child:
        if move.action == "ADD":
            return replace(now, parent=move.parent)
        if move.action == "DELETE":
            return replace(now, parent=None)
        return now
    step = move.biz_step
    if move.action == "DELETE" or step in ("destroying", "decommissioning") or (
        move.disposition in ("destroyed", "disposed")
    ):  # fmt: skip
        return replace(now, state=DESTROYED, holder=None)
    match step:
        case "commissioning" | "encoding":
            return replace(now, holder=move.capturer or move.source, state=HELD)
        case "shipping" | "departing":
            to = move.destination
            return replace(now, holder=to if to is not None else now.holder, state=IN_TRANSIT)
        case "receiving" | "arriving" | "accepting" | "stocking" | "storing":
            return replace(now, holder=move.destination or move.capturer, state=HELD)
        case "retail_selling":
            seller = move.capturer or move.source or now.holder
            return replace(now, holder=None, state=SOLD, seller=seller, sold_at=move.at)
    if move.disposition == "retail_sold":
        seller = move.capturer or now.holder
        return replace(now, holder=None, state=SOLD, seller=seller, sold_at=move.at)
    return now


@dataclass(frozen=True, slots=True)
class UnitInScope:
    custody: Custody
    region: str | None  # region code of the holder (or of the seller once sold)
    count: int = 1  # units alike in custody and region (a database may group them first)


@dataclass(frozen=True, slots=True)
class RecallScope:
    units: int = 0
    sold_to_consumers: int = 0
    destroyed: int = 0
    by_holder: Mapping[int, int] = field(default_factory=dict)
    by_region: Mapping[str, int] = field(default_factory=dict)
    by_seller: Mapping[int, int] = field(default_factory=dict)

    @property
    def holders(self) -> list[int]:
        """Everyone to notify: current holders and the sellers of sold units."""
        return sorted({*self.by_holder, *self.by_seller})


def scope(units: Iterable[UnitInScope]) -> RecallScope:
    """Count units once each: by holder, by region (city of holder or seller), by seller."""
    total = sold = destroyed = 0
    holders: Counter[int] = Counter()
    regions: Counter[str] = Counter()
    sellers: Counter[int] = Counter()
    for unit in units:
        n = unit.count
        total += n
        custody = unit.custody
        if custody.state == DESTROYED:
            destroyed += n
            continue
        if custody.state == SOLD:
            sold += n
            if custody.seller is not None:
                sellers[custody.seller] += n
        elif custody.holder is not None:
            holders[custody.holder] += n
        if unit.region:
            regions[unit.region] += n
    return RecallScope(total, sold, destroyed, dict(holders), dict(regions), dict(sellers))

"""What a checked EPCIS 2.0 document holds, as typed values the platform can store."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from zhiliang.core.tracing.epc import Epc
from zhiliang.core.tracing.epcis.jsontypes import JsonObject

EVENT_TYPES: Final = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)
ACTIONS: Final = ("ADD", "OBSERVE", "DELETE")
DOCUMENT_TYPES: Final = ("EPCISDocument", "EPCISQueryDocument")


@dataclass(frozen=True, slots=True)
class EpcisProblem:
    """One thing wrong with a document, named so that a person can find and fix it.

    ``event`` is the position in ``eventList`` (None for the document itself), ``field`` a path
    inside the event (``epcList.0``, ``sourceList.1.type``); ``code`` is stable snake_case,
    ``message`` one English sentence.
    """

    event: int | None
    event_id: str | None
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "event": self.event,
            "eventID": self.event_id,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }


class EpcisInvalid(ValueError):
    """A document (or single event) that breaks EPCIS 2.0: every problem found, in order."""

    def __init__(self, problems: tuple[EpcisProblem, ...]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in problems[:5]))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Party:
    """A sourceList or destinationList entry: ``type`` is a bare CBV word or a URI."""

    type: str
    id: Epc


@dataclass(frozen=True, slots=True)
class Quantity:
    list_name: str  # quantityList, childQuantityList, inputQuantityList, outputQuantityList
    epc_class: Epc
    quantity: float | None
    uom: str | None


@dataclass(frozen=True, slots=True)
class Event:
    index: int
    type: str
    event_id: str | None
    event_time: datetime
    time_zone_offset: str
    hash: str  # the CBV 2.0 event hash, ni:///sha-256;…?ver=CBV2.0
    raw: JsonObject  # the event as received, for query answers
    action: str | None = None
    biz_step: str | None = None  # bare CBV word, or a URI for other vocabularies
    disposition: str | None = None
    read_point: str | None = None
    biz_location: str | None = None
    epc_list: tuple[Epc, ...] = ()
    child_epcs: tuple[Epc, ...] = ()
    parent: Epc | None = None
    input_epcs: tuple[Epc, ...] = ()
    output_epcs: tuple[Epc, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    sources: tuple[Party, ...] = ()
    destinations: tuple[Party, ...] = ()
    biz_transactions: tuple[tuple[str | None, str], ...] = ()
    ilmd: JsonObject | None = None

    @property
    def identity(self) -> str:
        """What makes a capture of this event idempotent: its eventID, else its hash."""
        return self.event_id or self.hash

    def instance_epcs(self) -> tuple[Epc, ...]:
        """Every unit the event is about (epcList, childEPCs, parentID, inputs, outputs)."""
        parent = (self.parent,) if self.parent is not None else ()
        return (*self.epc_list, *self.child_epcs, *parent, *self.input_epcs, *self.output_epcs)

    def parties(self, kind: str) -> tuple[Epc, ...]:
        return tuple(p.id for p in (*self.sources, *self.destinations) if p.type == kind)


@dataclass(frozen=True, slots=True)
class Document:
    type: str
    events: tuple[Event, ...]
    prefixes: Mapping[str, str] = field(default_factory=dict)
    master_data: tuple[JsonObject, ...] = ()

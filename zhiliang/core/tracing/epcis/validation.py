"""EPCIS 2.0 JSON/JSON-LD documents checked against the standard, every problem at once.

Written from EPCIS 2.0 (sections 7 and 9, the JSON binding) and CBV 2.0, not generated from the
JSON Schema: the schema is a test oracle (every document it rejects is rejected here too), and it
cannot see what the standard also requires:

- EPCs in ``epcList``, ``childEPCs``, ``parentID``, input and output lists are instance-level
  identifiers (an SGTIN URN has its serial; a Digital Link has ``/21/``), with valid check
  digits and key qualifiers in the standard's order;
- an AggregationEvent with action ADD or DELETE names its ``parentID`` (EPCIS 2.0 section
  7.4.3), an AssociationEvent always does;
- an eventID occurs once in a document; strings declared ``uri`` and ``date-time`` really are
  RFC 3986 URIs and RFC 3339 date-times (a schema validator checks these only with extra
  packages);
- CBV values are bare words of CBV 2.0 or URIs outside the CBV namespaces.

``parse_document`` returns a ``Document`` whose events carry their canonical hash; anything wrong
raises ``EpcisInvalid`` listing each problem with the event's position, its eventID and the field.
The checks cost little per event: identifiers, URIs and times recur across a document and its
neighbours and are parsed once (cached), a list item's path is spelled only to name a problem,
and the cycle collector is paused while a document is read (``collector``).
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Final

from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing import cbv
from zhiliang.core.tracing.epc import Epc, Kind, parse_epc
from zhiliang.core.tracing.epcis import collector
from zhiliang.core.tracing.epcis.hashing import Hasher
from zhiliang.core.tracing.epcis.jsontypes import Json, JsonObject, frozen, is_number
from zhiliang.core.tracing.epcis.model import (
    ACTIONS,
    DOCUMENT_TYPES,
    EVENT_TYPES,
    Document,
    EpcisInvalid,
    EpcisProblem,
    Event,
    Party,
    Quantity,
)
from zhiliang.core.tracing.uri import is_uri, parse_datetime

MAX_PROBLEMS: Final = 200
_OFFSET_HOURS: Final = {f"{h:02d}" for h in range(14)}
_COMMON: Final = frozenset(
    {"@context", "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID",
     "certificationInfo", "errorDeclaration"}
)  # fmt: skip
_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "ObjectEvent": frozenset(
        {"action", "epcList", "quantityList", "bizStep", "disposition", "persistentDisposition",
         "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
         "sensorElementList", "ilmd"}
    ),
    "AggregationEvent": frozenset(
        {"parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
         "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
         "sensorElementList"}
    ),
    "TransactionEvent": frozenset(
        {"bizTransactionList", "parentID", "epcList", "quantityList", "action", "bizStep",
         "disposition", "readPoint", "bizLocation", "sourceList", "destinationList",
         "sensorElementList"}
    ),
    "TransformationEvent": frozenset(
        {"inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
         "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint",
         "bizLocation", "bizTransactionList", "sourceList", "destinationList",
         "sensorElementList", "ilmd"}
    ),
    "AssociationEvent": frozenset(
        {"parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition",
         "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
         "sensorElementList"}
    ),
}  # fmt: skip
_ALLOWED: Final = {kind: _COMMON | fields for kind, fields in _FIELDS.items()}
_DOCUMENT_FIELDS: Final = frozenset(
    {"@context", "id", "type", "schemaVersion", "creationDate", "instanceIdentifier", "sender",
     "receiver", "epcisHeader", "epcisBody"}
)  # fmt: skip
_QUERY_DOCUMENT_FIELDS: Final = frozenset(
    {"@context", "id", "type", "schemaVersion", "creationDate", "epcisBody"}
)
_METADATA_URIS: Final = (
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
)
_REPORT_URIS: Final = (
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
    "microorganism",
    "chemicalSubstance",
    "coordinateReferenceSystem",
    "uriValue",
)
_REPORT_NUMBERS: Final = (
    "value",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
)
_CBV_NAMESPACES: Final = ("urn:epcglobal:cbv", "http://ns.gs1.org/cbv/", "https://ns.gs1.org/cbv/")
_GS1_VOC: Final = (
    "http://gs1.org/voc/",
    "https://gs1.org/voc/",
    "http://www.gs1.org/voc/",
    "https://www.gs1.org/voc/",
)
_HEX: Final = frozenset("0123456789abcdefABCDEF")


@lru_cache(maxsize=65536)
def _epc(uri: str) -> Epc:
    """EPCs repeat across the events of a document (commissioned, packed, shipped …)."""
    return parse_epc(uri)


_INSTANCE_KINDS: Final = (Kind.INSTANCE, Kind.OTHER)


def _good_instance(value: Json) -> Epc | None:
    """The EPC of a list item that passes every check of ``_Checker._instance``, or None (the
    checker then finds the problem and names its path): most items pass, and the path of each
    is only needed to name a problem."""
    if type(value) is not str:
        return None
    try:
        epc = _epc(value)  # refuses what is not a URI (its fast path knows its URIs)
    except InvalidIdentifier:
        return None
    return epc if epc.kind in _INSTANCE_KINDS else None


_parse_time: Final = lru_cache(maxsize=4096)(parse_datetime)
"""The events of a document mostly share a handful of times (the result is immutable)."""


def parse_document(data: Json) -> Document:
    """Check an EPCISDocument or EPCISQueryDocument; raise ``EpcisInvalid`` if anything is wrong."""
    with collector.paused():
        return _parse_document(data)


def _parse_document(data: Json) -> Document:
    check = _Checker()
    if not isinstance(data, Mapping):
        check.problem(None, None, "", "not_an_object", "An EPCIS document is a JSON object.")
        raise EpcisInvalid(tuple(check.problems))
    kind = data.get("type")
    if kind not in DOCUMENT_TYPES:
        check.problem(
            None,
            None,
            "type",
            "wrong_document_type",
            "The document type must be EPCISDocument or EPCISQueryDocument.",
        )
        raise EpcisInvalid(tuple(check.problems))
    assert isinstance(kind, str)
    prefixes = check.document(data, kind)
    events_json = _event_list(data, kind)
    if events_json is None:
        check.problem(
            None,
            None,
            "epcisBody.eventList"
            if kind == "EPCISDocument"
            else "epcisBody.queryResults.resultsBody.eventList",
            "required",
            "The document has no event list.",
        )
        raise EpcisInvalid(tuple(check.problems))
    hasher = Hasher(prefixes)
    events: list[Event] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(events_json):
        event = check.event(raw, index, hasher)
        if event is None:
            continue
        if event.event_id is not None:
            if event.event_id in seen_ids:
                check.problem(
                    index,
                    event.event_id,
                    "eventID",
                    "duplicate_event_id",
                    f"The eventID is also that of event {seen_ids[event.event_id]}.",
                )
            else:
                seen_ids[event.event_id] = index
        events.append(event)
    if check.problems:
        raise EpcisInvalid(tuple(check.problems))
    master = _master_data(data)
    return Document(kind, tuple(events), prefixes, master)


def parse_event(data: Json, prefixes: Mapping[str, str] | None = None) -> Event:
    """One event on its own (``POST /events``), or ``EpcisInvalid``."""
    check = _Checker()
    own = _prefixes(data.get("@context")) if isinstance(data, Mapping) else {}
    event = check.event(data, 0, Hasher({**(prefixes or {}), **own}))
    if check.problems or event is None:
        raise EpcisInvalid(tuple(check.problems))
    return event


def _event_list(data: JsonObject, kind: str) -> Sequence[Json] | None:
    body = data.get("epcisBody")
    if not isinstance(body, Mapping):
        return None
    if kind == "EPCISQueryDocument":
        results = body.get("queryResults")
        body = results.get("resultsBody") if isinstance(results, Mapping) else None
        if not isinstance(body, Mapping):
            return None
    events = body.get("eventList")
    return events if isinstance(events, list) else None


def _master_data(data: JsonObject) -> tuple[JsonObject, ...]:
    header = data.get("epcisHeader")
    master = header.get("epcisMasterData") if isinstance(header, Mapping) else None
    vocabularies = master.get("vocabularyList") if isinstance(master, Mapping) else None
    if not isinstance(vocabularies, list):
        return ()
    return tuple(v for v in vocabularies if isinstance(v, Mapping))


def _prefixes(context: Json) -> dict[str, str]:
    """Prefixes a document's ``@context`` declares (``{"zl": "https://…/"}``)."""
    found: dict[str, str] = {}
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, Mapping):
            found.update({k: v for k, v in item.items() if isinstance(v, str)})
    return found


class _Checker:
    def __init__(self) -> None:
        self.problems: list[EpcisProblem] = []
        self._where: tuple[int | None, str | None] = (None, None)
        # party lists found faultless, by value: a document's events mostly share them
        self._good_parties: dict[tuple[str, object], tuple[Party, ...]] = {}

    def problem(
        self, event: int | None, event_id: str | None, path: str, code: str, message: str
    ) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(EpcisProblem(event, event_id, path, code, message))

    def _p(self, path: str, code: str, message: str) -> None:
        self.problem(self._where[0], self._where[1], path, code, message)

    # --- the document ----------------------------------------------------------------------

    def document(self, data: JsonObject, kind: str) -> dict[str, str]:
        self._where = (None, None)
        allowed = _DOCUMENT_FIELDS if kind == "EPCISDocument" else _QUERY_DOCUMENT_FIELDS
        self._names(data, allowed, "")
        context = data.get("@context")
        if context is None:
            self._p("@context", "required", "@context is required (JSON-LD context).")
        else:
            self._context(context)
        if "id" in data:
            self._uri("id", data["id"])
        version = data.get("schemaVersion")
        wants_version = kind == "EPCISDocument" or "schemaVersion" in data
        if wants_version and (not isinstance(version, str) or not _is_version(version)):
            self._p(
                "schemaVersion",
                "required" if version is None else "bad_version",
                "schemaVersion is required and looks like 2.0.",
            )
        created = data.get("creationDate")
        if kind == "EPCISDocument" or "creationDate" in data:
            if "creationDate" not in data:
                self._p("creationDate", "required", "creationDate is required.")
            else:
                self._time("creationDate", created)
        for name in ("instanceIdentifier", "sender", "receiver"):
            if name in data and not isinstance(data[name], str):
                self._p(name, "wrong_type", f"{name} is a string.")
        if "epcisHeader" in data:
            self._header(data["epcisHeader"])
        body = data.get("epcisBody")
        if not isinstance(body, Mapping):
            self._p("epcisBody", "required", "epcisBody is required.")
        elif kind == "EPCISQueryDocument":
            self._query_body(body)
        elif "eventList" in body and not isinstance(body["eventList"], list):
            self._p("epcisBody.eventList", "wrong_type", "eventList is a list of events.")
        return _prefixes(context)

    def _context(self, context: Json) -> None:
        items = context if isinstance(context, list) else [context]
        if isinstance(context, list):
            texts = [repr(i) for i in context]
            if len(set(texts)) != len(texts):
                self._p("@context", "duplicate", "@context lists an entry twice.")
        for i, item in enumerate(items):
            path = f"@context.{i}" if isinstance(context, list) else "@context"
            if isinstance(item, str):
                self._uri(path, item)
            elif not isinstance(item, Mapping):
                self._p(path, "wrong_type", "A context entry is a URI or an object.")

    def _header(self, header: Json) -> None:
        if not isinstance(header, Mapping):
            self._p("epcisHeader", "wrong_type", "epcisHeader is an object.")
            return
        self._names(header, {"epcisMasterData"}, "epcisHeader")
        if "epcisMasterData" not in header:
            return
        master = header["epcisMasterData"]
        if not isinstance(master, Mapping):
            self._p("epcisHeader.epcisMasterData", "wrong_type", "epcisMasterData is an object.")
            return
        if "vocabularyList" in master:
            path = "epcisHeader.epcisMasterData.vocabularyList"
            self._vocabularies(path, master["vocabularyList"])

    def _vocabularies(self, path: str, vocabularies: Json) -> None:
        if not isinstance(vocabularies, list):
            self._p(path, "wrong_type", "vocabularyList is a list.")
            return
        for i, vocabulary in enumerate(vocabularies):
            vpath = f"{path}.{i}"
            if not isinstance(vocabulary, Mapping):
                self._p(vpath, "wrong_type", "A vocabulary is an object.")
                continue
            self._required_uri(vpath, vocabulary, "type")
            elements = vocabulary.get("vocabularyElementList", [])
            if not isinstance(elements, list):
                self._p(f"{vpath}.vocabularyElementList", "wrong_type", "It is a list.")
                continue
            for j, element in enumerate(elements):
                epath = f"{vpath}.vocabularyElementList.{j}"
                if not isinstance(element, Mapping):
                    self._p(epath, "wrong_type", "A vocabulary element is an object.")
                    continue
                self._required_uri(epath, element, "id")
                self._attributes(epath, element)

    def _attributes(self, path: str, element: JsonObject) -> None:
        attributes = element.get("attributes", [])
        if not isinstance(attributes, list):
            self._p(f"{path}.attributes", "wrong_type", "attributes is a list.")
        else:
            for k, attribute in enumerate(attributes):
                apath = f"{path}.attributes.{k}"
                if not isinstance(attribute, Mapping):
                    self._p(apath, "wrong_type", "An attribute is an object.")
                    continue
                self._required_uri(apath, attribute, "id")
                value = attribute.get("attribute")
                if "attribute" in attribute and not (
                    is_number(value) or isinstance(value, str | Mapping)
                ):
                    self._p(
                        f"{apath}.attribute",
                        "wrong_type",
                        "An attribute value is a number, a string or an object.",
                    )
        children = element.get("children", [])
        self._uri_list(f"{path}.children", children, unique=False)

    def _query_body(self, body: JsonObject) -> None:
        self._names(body, {"queryResults"}, "epcisBody")
        results = body.get("queryResults")
        if not isinstance(results, Mapping):
            self._p("epcisBody.queryResults", "required", "queryResults is required.")
            return
        self._names(
            results, {"queryName", "subscriptionID", "resultsBody"}, "epcisBody.queryResults"
        )
        if not isinstance(results.get("queryName"), str):
            self._p("epcisBody.queryResults.queryName", "required", "queryName is required.")
        if "subscriptionID" in results and not isinstance(results["subscriptionID"], str):
            self._p("epcisBody.queryResults.subscriptionID", "wrong_type", "It is a string.")
        rbody = results.get("resultsBody")
        path = "epcisBody.queryResults.resultsBody"
        if not isinstance(rbody, Mapping):
            self._p(path, "required", "resultsBody is required.")
            return
        self._names(rbody, {"eventList", "vocabularyList"}, path)
        if "vocabularyList" in rbody:
            self._vocabularies(f"{path}.vocabularyList", rbody["vocabularyList"])

    # --- one event ---------------------------------------------------------------------------

    def event(self, raw: Json, index: int, hasher: Hasher) -> Event | None:
        self._where = (index, None)
        if not isinstance(raw, Mapping):
            self._p("", "not_an_object", "An event is a JSON object.")
            return None
        event_id = raw.get("eventID")
        if isinstance(event_id, str):
            self._where = (index, event_id)
        before = len(self.problems)
        kind = raw.get("type")
        if not isinstance(kind, str):
            self._p("type", "required", "The event type is required.")
            return None
        known = kind in EVENT_TYPES
        if not known and not is_uri(kind):
            self._p(
                "type",
                "unknown_event_type",
                f"{kind!r} is not an EPCIS event type (ObjectEvent, AggregationEvent, "
                "TransactionEvent, TransformationEvent, AssociationEvent) or an extension "
                "event's URI.",
            )
            return None
        if known:
            self._names(raw, _ALLOWED[kind], "")
        event_time = self._common(raw)
        fields = self._fields(raw, kind) if known else {}
        if len(self.problems) > before or event_time is None:
            return None
        offset = raw["eventTimeZoneOffset"]
        assert isinstance(offset, str)
        return Event(
            index=index,
            type=kind,
            event_id=event_id if isinstance(event_id, str) else None,
            event_time=event_time,
            time_zone_offset=offset,
            hash=hasher.event_hash(raw),
            raw=raw,
            **fields,  # type: ignore[arg-type]
        )

    def _common(self, raw: JsonObject) -> datetime | None:
        event_time = None
        if "eventTime" not in raw:
            self._p("eventTime", "required", "eventTime is required.")
        else:
            event_time = self._time("eventTime", raw["eventTime"])
        offset = raw.get("eventTimeZoneOffset")
        if offset is None:
            self._p("eventTimeZoneOffset", "required", "eventTimeZoneOffset is required.")
        elif not _is_offset(offset):
            self._p(
                "eventTimeZoneOffset",
                "bad_time_zone_offset",
                "eventTimeZoneOffset is ±HH:MM between -14:00 and +14:00.",
            )
        if "recordTime" in raw:
            self._time("recordTime", raw["recordTime"])
        if "eventID" in raw:
            self._uri("eventID", raw["eventID"])
        if "@context" in raw:
            self._context(raw["@context"])
        if "certificationInfo" in raw:
            info = raw["certificationInfo"]
            if isinstance(info, list):
                self._uri_list("certificationInfo", info, unique=False)
            else:
                self._uri("certificationInfo", info)
        if "errorDeclaration" in raw:
            self._error_declaration(raw["errorDeclaration"])
        return event_time

    def _error_declaration(self, value: Json) -> None:
        path = "errorDeclaration"
        if not isinstance(value, Mapping):
            self._p(path, "wrong_type", "errorDeclaration is an object.")
            return
        self._names(value, {"declarationTime", "reason", "correctiveEventIDs"}, path)
        if "declarationTime" not in value:
            self._p(f"{path}.declarationTime", "required", "declarationTime is required.")
        else:
            self._time(f"{path}.declarationTime", value["declarationTime"])
        if "reason" in value:
            self._vocab(f"{path}.reason", value["reason"], "errorReason")
        if "correctiveEventIDs" in value:
            self._uri_list(f"{path}.correctiveEventIDs", value["correctiveEventIDs"], unique=False)

    def _fields(self, raw: JsonObject, kind: str) -> dict[str, object]:
        out: dict[str, object] = {}
        action = raw.get("action")
        if kind != "TransformationEvent":
            if action is None:
                self._p("action", "required", "action is required (ADD, OBSERVE or DELETE).")
            elif action not in ACTIONS:
                self._p("action", "unknown_action", "action is ADD, OBSERVE or DELETE.")
            else:
                out["action"] = action
        if "bizStep" in raw:
            out["biz_step"] = self._vocab("bizStep", raw["bizStep"], "bizStep")
        if "disposition" in raw:
            out["disposition"] = self._vocab("disposition", raw["disposition"], "disposition")
        if "persistentDisposition" in raw:
            self._persistent(raw["persistentDisposition"])
        for name, key in (("readPoint", "read_point"), ("bizLocation", "biz_location")):
            if name in raw:
                out[key] = self._place(name, raw[name])
        if "bizTransactionList" in raw:
            out["biz_transactions"] = self._transactions(raw["bizTransactionList"], kind)
        for name, key in (("sourceList", "sources"), ("destinationList", "destinations")):
            if name in raw:
                out[key] = self._parties(name, raw[name])
        if "sensorElementList" in raw:
            self._sensors(raw["sensorElementList"])
        quantities: list[Quantity] = []
        for name in (
            "quantityList",
            "childQuantityList",
            "inputQuantityList",
            "outputQuantityList",
        ):
            if name in raw:
                quantities.extend(self._quantities(name, raw[name]))
        out["quantities"] = tuple(quantities)
        unique = kind in ("ObjectEvent", "TransformationEvent")
        for name, key in (
            ("epcList", "epc_list"),
            ("childEPCs", "child_epcs"),
            ("inputEPCList", "input_epcs"),
            ("outputEPCList", "output_epcs"),
        ):
            if name in raw:
                out[key] = self._epcs(name, raw[name], unique=unique or name != "childEPCs")
        if "parentID" in raw:
            out["parent"] = self._instance("parentID", raw["parentID"])
        if "transformationID" in raw:
            self._uri("transformationID", raw["transformationID"])
        if "ilmd" in raw:
            out["ilmd"] = self._ilmd(raw["ilmd"], kind, action)
        self._shape(raw, kind, action)
        return out

    def _shape(self, raw: JsonObject, kind: str, action: Json) -> None:
        """What each event type must carry (EPCIS 2.0 section 7.4)."""

        def has(name: str) -> bool:
            value = raw.get(name)
            return isinstance(value, list) and len(value) > 0

        match kind:
            case "ObjectEvent":
                if not (
                    isinstance(raw.get("epcList"), list)
                    or has("quantityList")
                    or (has("sensorElementList") and "readPoint" in raw)
                ):
                    self._p(
                        "epcList",
                        "required",
                        "An ObjectEvent names its objects in epcList or quantityList.",
                    )
            case "AggregationEvent":
                if action in ("ADD", "DELETE") and "parentID" not in raw:
                    self._p(
                        "parentID",
                        "parent_id_required",
                        "An AggregationEvent with action ADD or DELETE names its parentID.",
                    )
                if not (has("childEPCs") or has("childQuantityList") or action == "DELETE"):
                    self._p(
                        "childEPCs",
                        "required",
                        "An AggregationEvent names its children (childEPCs or "
                        "childQuantityList) unless it deletes the whole aggregation.",
                    )
            case "AssociationEvent":
                if "parentID" not in raw:
                    self._p(
                        "parentID", "parent_id_required", "An AssociationEvent names its parentID."
                    )
                if not (has("childEPCs") or has("childQuantityList") or action == "DELETE"):
                    self._p("childEPCs", "required", "An AssociationEvent names its children.")
            case "TransactionEvent":
                if not has("bizTransactionList"):
                    self._p(
                        "bizTransactionList",
                        "required",
                        "A TransactionEvent names at least one business transaction.",
                    )
                if not (
                    isinstance(raw.get("epcList"), list)
                    or has("quantityList")
                    or action == "DELETE"
                ):
                    self._p("epcList", "required", "A TransactionEvent names its objects.")
            case "TransformationEvent":
                ins = has("inputEPCList") or has("inputQuantityList")
                outs = has("outputEPCList") or has("outputQuantityList")
                if not ((ins and outs) or ((ins or outs) and "transformationID" in raw)):
                    self._p(
                        "inputEPCList",
                        "required",
                        "A TransformationEvent has inputs and outputs, or one of them and a "
                        "transformationID.",
                    )

    # --- field checks ----------------------------------------------------------------------

    def _names(self, obj: JsonObject, allowed: Collection[str], path: str) -> None:
        for name in obj:
            if name not in allowed and not is_uri(name):
                where = f"{path}.{name}" if path else name
                self._p(
                    where,
                    "unknown_field",
                    f"{name!r} is not a field here; extension fields are named by a "
                    "namespace prefix or URI (ex:field).",
                )

    def _uri(self, path: str, value: Json) -> str | None:
        if not isinstance(value, str) or not is_uri(value):
            self._p(path, "not_a_uri", f"{str(value)[:80]!r} is not a URI.")
            return None
        return value

    def _required_uri(self, path: str, obj: JsonObject, name: str) -> str | None:
        if name not in obj:
            self._p(f"{path}.{name}", "required", f"{name} is required.")
            return None
        return self._uri(f"{path}.{name}", obj[name])

    def _uri_list(self, path: str, value: Json, *, unique: bool) -> list[str]:
        if not isinstance(value, list):
            self._p(path, "wrong_type", "A list of URIs is expected.")
            return []
        found = [u for i, item in enumerate(value) if (u := self._uri(f"{path}.{i}", item))]
        if unique and len(set(found)) != len(found):
            self._p(path, "duplicate", "The list names an item twice.")
        return found

    def _time(self, path: str, value: Json) -> datetime | None:
        parsed = _parse_time(value) if isinstance(value, str) else None
        if parsed is None:
            self._p(
                path,
                "not_a_datetime",
                f"{str(value)[:40]!r} is not an RFC 3339 date-time with offset "
                "(2025-03-04T08:30:00.000+08:00).",
            )
        return parsed

    def _vocab(self, path: str, value: Json, kind: str) -> str | None:
        if not isinstance(value, str):
            self._p(path, "wrong_type", f"{path} is a string.")
            return None
        if value in cbv.WORDS[kind]:
            return value
        excluded = _GS1_VOC if kind in ("measurementType", "alertType") else _CBV_NAMESPACES
        if is_uri(value) and not value.startswith(excluded):
            return cbv.bare_word(kind, value)
        code = {"bizStep": "unknown_biz_step", "disposition": "unknown_disposition"}.get(
            kind, "unknown_vocabulary"
        )
        self._p(
            path, code, f"{value[:60]!r} is neither a CBV 2.0 word nor a URI of another vocabulary."
        )
        return None

    def _place(self, path: str, value: Json) -> str | None:
        if not isinstance(value, Mapping):
            self._p(path, "wrong_type", f"{path} is an object with an id.")
            return None
        return self._required_uri(path, value, "id")

    def _persistent(self, value: Json) -> None:
        path = "persistentDisposition"
        if not isinstance(value, Mapping):
            self._p(path, "wrong_type", "persistentDisposition is an object.")
            return
        for name in value:
            if name not in ("set", "unset"):
                self._p(f"{path}.{name}", "unknown_field", "Only set and unset are allowed.")
        if "set" not in value and "unset" not in value:
            self._p(path, "required", "persistentDisposition has set or unset.")
        for name in ("set", "unset"):
            if name not in value:
                continue
            items = value[name]
            if not isinstance(items, list) or not items:
                self._p(f"{path}.{name}", "wrong_type", f"{name} is a non-empty list.")
                continue
            if len({repr(i) for i in items}) != len(items):
                self._p(f"{path}.{name}", "duplicate", "A disposition is listed twice.")
            for i, item in enumerate(items):
                self._vocab(f"{path}.{name}.{i}", item, "disposition")

    def _transactions(self, value: Json, kind: str) -> tuple[tuple[str | None, str], ...]:
        path = "bizTransactionList"
        if not isinstance(value, list):
            self._p(path, "wrong_type", "bizTransactionList is a list.")
            return ()
        found = []
        for i, item in enumerate(value):
            ipath = f"{path}.{i}"
            if not isinstance(item, Mapping):
                self._p(ipath, "wrong_type", "A business transaction is an object.")
                continue
            for name in item:
                if name not in ("type", "bizTransaction"):
                    self._p(f"{ipath}.{name}", "unknown_field", "Only type and bizTransaction.")
            kind_word = (
                self._vocab(f"{ipath}.type", item["type"], "bizTransactionType")
                if "type" in item
                else None
            )
            ident = self._required_uri(ipath, item, "bizTransaction")
            if ident:
                found.append((kind_word, ident))
        return tuple(found)

    def _parties(self, name: str, value: Json) -> tuple[Party, ...]:
        flat = frozen(value)
        if flat is None:
            return self._check_parties(name, value)
        found = self._good_parties.get((name, flat))
        if found is None:
            before = len(self.problems)
            found = self._check_parties(name, value)
            if len(self.problems) == before:
                self._good_parties[(name, flat)] = found
        return found

    def _check_parties(self, name: str, value: Json) -> tuple[Party, ...]:
        field = "source" if name == "sourceList" else "destination"
        if not isinstance(value, list):
            self._p(name, "wrong_type", f"{name} is a list.")
            return ()
        found = []
        for i, item in enumerate(value):
            ipath = f"{name}.{i}"
            if not isinstance(item, Mapping):
                self._p(ipath, "wrong_type", f"A {field} is an object.")
                continue
            for key in item:
                if key not in ("type", field):
                    self._p(f"{ipath}.{key}", "unknown_field", f"Only type and {field}.")
            if "type" not in item:
                self._p(f"{ipath}.type", "required", f"A {field} entry needs its type.")
                kind = None
            else:
                kind = self._vocab(f"{ipath}.type", item["type"], "sourceDestType")
            ident = self._required_uri(ipath, item, field)
            if kind and ident:
                epc = self._identifier(f"{ipath}.{field}", ident)
                if epc is not None:
                    found.append(Party(kind, epc))
        return tuple(found)

    def _identifier(self, path: str, value: str) -> Epc | None:
        try:
            return _epc(value)
        except InvalidIdentifier as exc:
            self._p(path, "bad_identifier", f"{value[:80]!r}: {exc.reason} ({exc.code})")
            return None

    def _instance(self, path: str, value: Json) -> Epc | None:
        uri = self._uri(path, value)
        if uri is None:
            return None
        epc = self._identifier(path, uri)
        if epc is not None and epc.kind not in (Kind.INSTANCE, Kind.OTHER):
            self._p(
                path,
                "not_instance_level",
                f"{uri[:80]!r} names a class, lot, location or party, not one object; "
                "a lot goes in a quantity list as epcClass.",
            )
            return None
        return epc

    def _epcs(self, path: str, value: Json, *, unique: bool) -> tuple[Epc, ...]:
        if not isinstance(value, list):
            self._p(path, "wrong_type", f"{path} is a list of EPCs.")
            return ()
        found = []
        for i, item in enumerate(value):
            epc = _good_instance(item) or self._instance(f"{path}.{i}", item)
            if epc is not None:
                found.append(epc)
        if unique and len({e.written for e in found}) != len(found):
            self._p(path, "duplicate", f"{path} names an EPC twice.")
        return tuple(found)

    def _quantities(self, name: str, value: Json) -> list[Quantity]:
        if not isinstance(value, list):
            self._p(name, "wrong_type", f"{name} is a list.")
            return []
        found = []
        for i, item in enumerate(value):
            ipath = f"{name}.{i}"
            if not isinstance(item, Mapping):
                self._p(ipath, "wrong_type", "A quantity element is an object.")
                continue
            for key in item:
                if key not in ("epcClass", "quantity", "uom"):
                    self._p(f"{ipath}.{key}", "unknown_field", "Only epcClass, quantity, uom.")
            uri = self._required_uri(ipath, item, "epcClass")
            quantity = item.get("quantity")
            if "quantity" in item and not is_number(quantity):
                self._p(f"{ipath}.quantity", "wrong_type", "quantity is a number.")
            uom = item.get("uom")
            if "uom" in item and not (
                isinstance(uom, str)
                and 2 <= len(uom) <= 3
                and uom.isalnum()
                and uom == uom.upper()
                and uom.isascii()
            ):
                self._p(f"{ipath}.uom", "bad_uom", "uom is a UN/CEFACT code of 2-3 capitals.")
            if uri is None:
                continue
            epc = self._identifier(f"{ipath}.epcClass", uri)
            if epc is not None:
                if epc.kind == Kind.INSTANCE and epc.is_gs1:
                    self._p(
                        f"{ipath}.epcClass",
                        "not_class_level",
                        f"{uri[:80]!r} names one object; epcClass names a class or lot.",
                    )
                    continue
                number = float(quantity) if is_number(quantity) else None  # type: ignore[arg-type]
                found.append(Quantity(name, epc, number, uom if isinstance(uom, str) else None))
        return found

    def _ilmd(self, value: Json, kind: str, action: Json) -> JsonObject | None:
        if kind == "ObjectEvent" and action != "ADD":
            self._p(
                "ilmd",
                "ilmd_not_allowed",
                "ILMD (instance/lot master data) is only given when objects are created: "
                "action ADD.",
            )
        if not isinstance(value, Mapping):
            self._p("ilmd", "wrong_type", "ilmd is an object.")
            return None
        for name in value:
            if not is_uri(name):
                self._p(f"ilmd.{name}", "unknown_field", "ILMD fields are named by prefix:name.")
        return value

    def _sensors(self, value: Json) -> None:
        path = "sensorElementList"
        if not isinstance(value, list):
            self._p(path, "wrong_type", "sensorElementList is a list.")
            return
        for i, element in enumerate(value):
            epath = f"{path}.{i}"
            if not isinstance(element, Mapping):
                self._p(epath, "wrong_type", "A sensor element is an object.")
                continue
            self._names(element, {"sensorMetadata", "sensorReport"}, epath)
            if "sensorMetadata" in element:
                self._sensor_fields(
                    f"{epath}.sensorMetadata", element["sensorMetadata"], _METADATA_URIS, (), {}
                )
            reports = element.get("sensorReport")
            if not isinstance(reports, list) or not reports:
                self._p(f"{epath}.sensorReport", "required", "sensorReport is a non-empty list.")
                continue
            vocab = {"type": "measurementType", "exception": "alertType", "component": "component"}
            for j, report in enumerate(reports):
                rpath = f"{epath}.sensorReport.{j}"
                if isinstance(report, Mapping) and "type" not in report:
                    self._p(f"{rpath}.type", "required", "A sensor report has a type.")
                self._sensor_fields(rpath, report, _REPORT_URIS, _REPORT_NUMBERS, vocab)

    def _sensor_fields(
        self,
        path: str,
        value: Json,
        uris: Sequence[str],
        numbers: Sequence[str],
        vocab: Mapping[str, str],
    ) -> None:
        if not isinstance(value, Mapping):
            self._p(path, "wrong_type", "An object is expected.")
            return
        known = {
            *uris,
            *numbers,
            *vocab,
            "time",
            "startTime",
            "endTime",
            "stringValue",
            "booleanValue",
            "hexBinaryValue",
            "uom",
        }
        if not numbers:
            known -= {"stringValue", "booleanValue", "hexBinaryValue", "uom"}
        self._names(value, known, path)
        checks: dict[str, Callable[[str, Json], object]] = {
            **dict.fromkeys(uris, self._uri),
            **dict.fromkeys(("time", "startTime", "endTime"), self._time),
        }
        for name, item in value.items():
            where = f"{path}.{name}"
            if name in checks:
                checks[name](where, item)
            elif name in numbers and not is_number(item):
                self._p(where, "wrong_type", f"{name} is a number.")
            elif name in vocab:
                self._vocab(where, item, vocab[name])
            elif name in ("stringValue", "uom") and not isinstance(item, str):
                self._p(where, "wrong_type", f"{name} is a string.")
            elif name == "booleanValue" and not isinstance(item, bool):
                self._p(where, "wrong_type", "booleanValue is true or false.")
            elif name == "hexBinaryValue" and not (
                isinstance(item, str) and item and set(item) <= _HEX
            ):
                self._p(where, "wrong_type", "hexBinaryValue is hexadecimal.")


def _is_offset(value: Json) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 6
        and value[0] in "+-"
        and value[3] == ":"
        and (
            (value[1:3] in _OFFSET_HOURS and value[4:].isdigit() and value[4] in "012345")
            or value[1:] == "14:00"
        )
    )


def _is_version(value: str) -> bool:
    return all(part.isascii() and part.isdigit() for part in value.split("."))

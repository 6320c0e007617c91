"""The EPCIS event hash ID (CBV 2.0 section 8.9): ``ni:///sha-256;<hex>?ver=CBV2.0``.

The same event written in different ways (keys in another order, EPC URNs instead of Digital
Link URIs, bare CBV words instead of Web URIs, another time zone) must give the same hash, and any
change of content a different one. The pre-hash string is built by the standard's rules: fields in
the canonical property order, ``key=value`` without separators, lists sorted, timestamps in UTC
with milliseconds, numbers without trailing zeros, CBV words and CURIEs expanded, GS1 identifiers
as constrained canonical Digital Link URIs, and ILMD and extension elements as ``{namespace}name``
sorted after the standard fields. Where the standard's text leaves room, the output follows the
reference implementation (RalphTro/epcis-event-hash-generator, whose published vectors the tests
use): business transactions, sources, destinations, ILMD and extensions are appended as one sorted
group after the sensor elements, each list entry written ``type=…`` then its value.

``recordTime``, ``eventID``, ``errorDeclaration`` and comments are not hashed: they do not
change what happened.

The events of one document mostly differ only in their EPCs and times: their places, steps,
parties and master data repeat. What each such field writes is kept for the document (by the
field's value, when the value is small and flat), so it is worked out once per document.
"""

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, timedelta
from functools import lru_cache
from typing import Final

from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing.cbv import URN_TO_WEB, web_uri
from zhiliang.core.tracing.epc import parse_epc
from zhiliang.core.tracing.epcis.jsontypes import Json, JsonObject, frozen, is_number
from zhiliang.core.tracing.uri import parse_datetime

VERSION: Final = "CBV2.0"
STANDARD_PREFIXES: Final[Mapping[str, str]] = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": "https://ref.gs1.org/cbv/",
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": "https://gs1.org/voc/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}
"""Prefixes the EPCIS 2.0 JSON-LD context defines, so documents may use them undeclared."""

_NOT_HASHED: Final = frozenset(
    {"type", "recordTime", "eventID", "errorDeclaration", "@context", "rdfs:comment", "comment"}
)
_EPC_LISTS: Final = ("epcList", "inputEPCList", "childEPCs")
_QUANTITY_LISTS: Final = ("quantityList", "childQuantityList", "inputQuantityList")
_METADATA: Final = (
    "time",
    "startTime",
    "endTime",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
)
_REPORT: Final = (
    "type",
    "exception",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "time",
    "microorganism",
    "chemicalSubstance",
    "value",
    "component",
    "stringValue",
    "booleanValue",
    "hexBinaryValue",
    "uriValue",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
    "uom",
    "coordinateReferenceSystem",
)
_LISTS_OF_PAIRS: Final = {
    "bizTransactionList": ("bizTransaction", "bizTransactionType"),
    "sourceList": ("source", "sourceDestType"),
    "destinationList": ("destination", "sourceDestType"),
}


class Hasher:
    """Pre-hash strings for the events of one document, whose ``@context`` names prefixes."""

    def __init__(self, prefixes: Mapping[str, str] | None = None) -> None:
        self.prefixes = {**STANDARD_PREFIXES, **(prefixes or {})}
        self._seen: dict[str, str] = {}  # value → canonical form, for this document's values
        self._written: dict[tuple[str, object], str] = {}  # (field, value) → what it writes
        self._extras: dict[tuple[str, object], list[str]] = {}  # the same for unordered fields

    def event_hash(self, event: JsonObject) -> str:
        digest = hashlib.sha256(self.prehash(event).encode("utf-8")).hexdigest()
        return f"ni:///sha-256;{digest}?ver={VERSION}"

    def prehash(self, event: JsonObject) -> str:
        parts = [f"eventType={_text(event.get('type'))}"]
        written = self._written
        for name, write in _FIELD_ORDER:  # a field the event lacks writes nothing: skip it
            if name not in event:
                continue
            value = event[name]
            if name in _PER_EVENT or (flat := frozen(value)) is None:
                parts.append(write(self, name, value))
                continue
            text = written.get((name, flat))
            if text is None:
                text = written[(name, flat)] = write(self, name, value)
            parts.append(text)
        rest: list[str] = []
        for key, value in event.items():
            if key in _ORDERED or key in _NOT_HASHED:
                continue
            flat = frozen(value)
            found = self._extras.get((key, flat)) if flat is not None else None
            if found is None:
                found = self._extra(key, value)
                if flat is not None:
                    self._extras[(key, flat)] = found
            rest.extend(found)
        parts.append("".join(sorted(rest)))
        return "".join(parts)

    def _extra(self, key: str, value: Json) -> list[str]:
        if key in _LISTS_OF_PAIRS:
            return [self._pairs(key, value)]
        return self._generic(key, value)

    # --- values -------------------------------------------------------------------------

    def _canonical(self, value: str) -> str:
        """Rules 5, 6, 14, 15 and 17-18: trimmed, numbers plain, CBV URNs as Web URIs, CURIEs
        expanded, GS1 identifiers as constrained canonical Digital Link URIs."""
        if (known := self._seen.get(value)) is not None:
            return known
        if len(self._seen) > 100_000:
            self._seen.clear()
        if value.startswith(("http://", "https://")):  # no CURIE: the same in every document
            found = self._seen[value] = _web_canonical(value)
        else:
            found = self._seen[value] = self._canonicalise(value)
        return found

    def _canonicalise(self, value: str) -> str:
        value = _canonical_value(value)
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def _key(self, key: str) -> str:
        prefix, colon, local = key.partition(":")
        if colon and prefix in self.prefixes:
            return "{" + self.prefixes[prefix] + "}" + local
        return key

    def _scalar(self, value: Json) -> str:
        if type(value) is str:
            return self._canonical(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if is_number(value):
            return _format_number(value)  # type: ignore[arg-type]
        return self._canonical(_text(value))

    # --- fields -------------------------------------------------------------------------

    def _plain(self, name: str, value: Json) -> str:
        text = _text(value).strip() if value is not None else ""
        return f"{name}={text}" if text else ""

    def _values(self, name: str, value: Json) -> str:
        items = value if isinstance(value, list) else [] if value is None else [value]
        return "".join(sorted(f"{name}={self._scalar(v)}" for v in items if v not in ("", None)))

    def _time(self, name: str, value: Json) -> str:
        return f"{name}={_utc_millis(_text(value))}" if value else ""

    def _vocab(self, name: str, kind: str, value: Json) -> str:
        if not isinstance(value, str) or not value.strip():
            return ""
        return f"{name}={self._canonical(web_uri(kind, value.strip()))}"

    def _epc_list(self, name: str, value: Json) -> str:
        if not isinstance(value, list) or not value:
            return ""
        return name + "".join(sorted(["epc=" + self._scalar(v) for v in value]))

    def _quantity_list(self, name: str, value: Json) -> str:
        if not isinstance(value, list) or not value:
            return ""
        elements = []
        for element in value:
            if not isinstance(element, Mapping):
                continue
            text = "".join(
                f"{key}={self._scalar(element[key])}"
                for key in ("epcClass", "quantity", "uom")
                if element.get(key) not in (None, "")
            )
            elements.append("quantityElement" + text)
        return name + "".join(sorted(elements))

    def _persistent(self, value: Json) -> str:
        if not isinstance(value, Mapping):
            return ""
        text = ""
        for key in ("set", "unset"):
            items = value.get(key)
            if isinstance(items, list):
                text += "".join(sorted(f"{key}={web_uri('disposition', _text(v))}" for v in items))
        return f"persistentDisposition{text}" if text else ""

    def _place(self, name: str, value: Json) -> str:
        if not isinstance(value, Mapping):
            return ""
        text = f"id={self._scalar(value['id'])}" if value.get("id") else ""
        extensions = self._children(value, {"id"})
        return name + text + "".join(extensions) if text or extensions else ""

    def _ordered(
        self, name: str, value: Json, order: Sequence[str], vocab: Mapping[str, str]
    ) -> str:
        if not isinstance(value, Mapping):
            return ""
        text = ""
        for key in order:
            item = value.get(key)
            if item in (None, ""):
                continue
            if "time" in key.lower():
                text += f"{key}={utc_millis(_text(item))}"
            elif key in vocab and isinstance(item, str):
                text += f"{key}={self._canonical(web_uri(vocab[key], item))}"
            else:
                text += f"{key}={self._scalar(item)}"
        return name + text + "".join(self._children(value, set(order)))

    def _sensors(self, value: Json) -> str:
        if not isinstance(value, list) or not value:
            return ""
        report_vocab = {
            "type": "measurementType",
            "exception": "alertType",
            "component": "component",
        }
        elements = []
        for element in value:
            if not isinstance(element, Mapping):
                continue
            text = self._ordered("sensorMetadata", element.get("sensorMetadata"), _METADATA, {})
            reports = element.get("sensorReport")
            if isinstance(reports, list):
                text += "".join(
                    sorted(self._ordered("sensorReport", r, _REPORT, report_vocab) for r in reports)
                )
            known = ("sensorMetadata", "sensorReport")
            text += "".join(self._children(element, set(known)))
            elements.append("sensorElement" + text)
        return "sensorElementList" + "".join(sorted(elements))

    def _pairs(self, name: str, value: Json) -> str:
        if not isinstance(value, list):
            return ""
        field, kind = _LISTS_OF_PAIRS[name]
        entries = []
        for entry in value:
            if not isinstance(entry, Mapping):
                continue
            text = f"type={web_uri(kind, _text(entry['type']))}" if entry.get("type") else ""
            if entry.get(field):
                text += f"{field}={self._scalar(entry[field])}"
            entries.append(text)
        return name + "".join(sorted(entries))

    def _children(self, value: JsonObject, skip: set[str]) -> list[str]:
        items = [s for k, v in value.items() if k not in skip for s in self._generic(k, v)]
        return sorted(items)

    def _generic(self, key: str, value: Json) -> list[str]:
        """ILMD and extension elements: ``{namespace}name=value``; a list gives one element per
        item, an object its name followed by its children, sorted (rules 19-21)."""
        name = self._key(key)
        if isinstance(value, list):
            return [s for item in value for s in self._generic(key, item)]
        if isinstance(value, Mapping):
            return [name + "".join(self._children(value, set()))]
        if value is None:
            return [name]
        text = self._scalar(value)
        return [f"{name}={text}" if text else name]


def utc_millis(value: str) -> str:
    """Rule 8-9: UTC, ``Z``, exactly three decimals, the third rounded half up."""
    parsed = parse_datetime(value.strip())
    if parsed is None:
        return value.strip()
    fraction = value.split(".", 1)[1] if "." in value else ""
    digits = "".join(c for c in fraction if c.isdigit())
    at = parsed.astimezone(UTC).replace(microsecond=0)
    millis = int(digits[:3].ljust(3, "0")) if digits else 0
    if len(digits) > 3 and digits[3] in "56789":  # rule 9 rounds on the fourth decimal
        millis += 1
    at += timedelta(milliseconds=millis)
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z"


_utc_millis: Final = lru_cache(maxsize=4096)(utc_millis)
"""The events of a document mostly share a handful of times."""


def _canonical_value(value: str) -> str:
    """What ``Hasher._canonical`` makes of a value before CURIEs are expanded."""
    value = value.strip()
    for urn, web in URN_TO_WEB:
        if value.startswith(urn):
            return web + value[len(urn) :]
    number = _number(value)
    if number is not None:
        return number
    if "." in value or value.startswith(("http://", "https://")):
        try:
            epc = parse_epc(value)
        except InvalidIdentifier:
            epc = None
        if epc is not None and epc.is_gs1 and not epc.canonical.startswith("urn:"):
            return epc.canonical
    return value


@lru_cache(maxsize=131072)
def _web_canonical(value: str) -> str:
    """``_canonical_value`` of an http(s) URI, which no document prefix changes (shared by all
    documents: the codes a document ships were usually hashed when they were commissioned)."""
    return _canonical_value(value)


def _text(value: Json) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if is_number(value) or isinstance(value, bool):
        return str(value)
    return ""


def _number(text: str) -> str | None:
    """Rule 6: a value that is a number is written without trailing zeros or a leading plus."""
    if not text or text[0] not in "+-0123456789." or text.lower() in ("nan", "inf"):
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return _format_number(number)


def _format_number(number: float | int) -> str:
    if isinstance(number, int):
        return str(number)
    if number == int(number) and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


_Write = Callable[[Hasher, str, Json], str]
_FIELD_ORDER: Final[tuple[tuple[str, _Write], ...]] = (
    ("eventTime", Hasher._time),
    ("eventTimeZoneOffset", Hasher._plain),
    ("certificationInfo", Hasher._values),
    ("parentID", Hasher._values),
    *((name, Hasher._epc_list) for name in _EPC_LISTS),
    *((name, Hasher._quantity_list) for name in _QUANTITY_LISTS),
    ("outputEPCList", Hasher._epc_list),
    ("outputQuantityList", Hasher._quantity_list),
    ("action", Hasher._plain),
    ("transformationID", Hasher._values),
    ("bizStep", lambda h, name, value: h._vocab(name, name, value)),
    ("disposition", lambda h, name, value: h._vocab(name, name, value)),
    ("persistentDisposition", lambda h, _name, value: h._persistent(value)),
    ("readPoint", Hasher._place),
    ("bizLocation", Hasher._place),
    ("sensorElementList", lambda h, _name, value: h._sensors(value)),
)
"""The standard fields in the canonical property order, each with how it is written."""
_ORDERED: Final = frozenset(name for name, _write in _FIELD_ORDER)
_PER_EVENT: Final = frozenset(
    {"eventTime", *_EPC_LISTS, "outputEPCList", *_QUANTITY_LISTS, "outputQuantityList"}
)
"""Fields that differ from event to event: written afresh (times are cached by their text)."""

Hash = Callable[[JsonObject], str]

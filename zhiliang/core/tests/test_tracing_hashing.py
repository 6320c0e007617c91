"""The CBV 2.0 event hash against published vectors, and its invariances.

Vectors: RalphTro/epcis-event-hash-generator (MIT), tests/examples, the reference implementation
the CBV 2.0 hash section points to; each event below is copied from one of its example documents
with the hash it publishes.
"""

import copy
from typing import Any

import pytest

from zhiliang.core.tests.shared import load_json
from zhiliang.core.tracing.epcis.hashing import Hasher, utc_millis
from zhiliang.core.tracing.epcis.validation import parse_document

SHIPPING: dict[str, Any] = {
    "type": "ObjectEvent",
    "action": "OBSERVE",
    "bizStep": "shipping",
    "disposition": "in_transit",
    "epcList": ["urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"],
    "eventTime": "2022-02-16T20:33:31.116000-06:00",
    "eventTimeZoneOffset": "-06:00",
    "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
    "bizTransactionList": [
        {"type": "po", "bizTransaction": "http://transaction.acme.com/po/12345678"}
    ],
}  # epcisDocWithSingleEvent.jsonld
EXTENSIONS: dict[str, Any] = {
    "type": "ObjectEvent",
    "eventTime": "2020-03-04T11:00:30.000+01:00",
    "eventTimeZoneOffset": "+01:00",
    "recordTime": "2020-03-04T11:00:30.999+01:00",
    "epcList": [
        "urn:epc:id:sscc:4012345.0000000333",
        "urn:epc:id:sscc:4012345.0000000111",
        "urn:epc:id:sscc:4012345.0000000222",
    ],
    "action": "OBSERVE",
    "bizStep": "departing",
    "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
    "example:myField1": {"example:mySubField1": "2", "example:mySubField2": "5"},
    "example:myField2": "0",
    "example:myField3": {"example:mySubField3": ["3", "1"]},
}  # ReferenceEventHashAlgorithm.jsonld
PARTIES: dict[str, Any] = {
    "type": "ObjectEvent",
    "eventTime": "2019-10-21T12:00:30.000+01:00",
    "eventTimeZoneOffset": "+01:00",
    "epcList": ["urn:epc:id:sscc:5200001.0111111146"],
    "action": "OBSERVE",
    "bizStep": "receiving",
    "readPoint": {"id": "urn:epc:id:sgln:4012345.00012.0"},
    "bizTransactionList": [
        {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:5200001000008:4711"},
        {"type": "inv", "bizTransaction": "urn:epcglobal:cbv:bt:5200001000008:RE1099"},
    ],
    "sourceList": [
        {"type": "possessing_party", "source": "urn:epc:id:pgln:4000001.00012"},
        {"type": "owning_party", "source": "urn:epc:id:pgln:4000001.00012"},
    ],
    "destinationList": [
        {"type": "possessing_party", "destination": "urn:epc:id:pgln:4012345.00000"},
        {"type": "owning_party", "destination": "urn:epc:id:pgln:4012345.00000"},
        {"type": "location", "destination": "urn:epc:id:sgln:4012345.00012.0"},
    ],
}  # epcisDocWithVariousEventTypes.jsonld, second event
QUANTITY_ILMD: dict[str, Any] = {
    "type": "ObjectEvent",
    "eventTime": "2019-10-21T14:58:56.000+02:00",
    "eventTimeZoneOffset": "+02:00",
    "quantityList": [
        {"epcClass": "urn:epc:class:lgtin:4054739.099914.20160711", "quantity": 600, "uom": "KGM"}
    ],
    "action": "ADD",
    "bizStep": "commissioning",
    "readPoint": {"id": "urn:epc:id:sgln:4054739.00001.0"},
    "ilmd": {"cbvmda:bestBeforeDate": "2019-10-21"},
}  # epcisDocWithVariousEventTypes.jsonld, fourth event
AGGREGATION: dict[str, Any] = {
    "type": "AggregationEvent",
    "eventTime": "2019-10-21T11:58:56.591+02:00",
    "eventTimeZoneOffset": "+02:00",
    "parentID": "urn:epc:id:sscc:4047023.0111111122",
    "childEPCs": [
        "urn:epc:id:sgtin:4047023.077551.98",
        "urn:epc:id:sgtin:4047023.077551.97",
        "urn:epc:id:sgtin:4047023.077551.107",
        "urn:epc:id:sgtin:4047023.077551.109",
    ],
    "action": "ADD",
    "bizStep": "packing",
    "readPoint": {"id": "urn:epc:id:sgln:4047023.00012.0"},
}  # epcisDocWithVariousEventTypes.jsonld, fifth event
VECTORS = [
    (SHIPPING, {}, "ffa491b16867e34a7791a8d5389d826afc24e63a121026b6a4004ace38631b4b"),
    (EXTENSIONS, {"example": "https://ns.example.com/epcis/"},
     "6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7"),
    (PARTIES, {}, "b28bf72f1bb227fbf583c8e062dc6c52689849a5f6ea4fa290eaede62f345eab"),
    (QUANTITY_ILMD, {}, "5f396ea5cb32fe4d0980cb79f5a5eb9640559e9f5a6cefa5c98a7d6ad554b50b"),
    (AGGREGATION, {}, "c941e6486c561c2be83c28dc228c150eaef9a6befb1015e6cc563982fb7414b6"),
]  # fmt: skip


@pytest.mark.parametrize(("event", "prefixes", "digest"), VECTORS)
def test_published_vectors(event: dict[str, Any], prefixes: dict[str, str], digest: str) -> None:
    assert Hasher(prefixes).event_hash(event) == f"ni:///sha-256;{digest}?ver=CBV2.0"


def test_the_same_event_written_differently_has_the_same_hash() -> None:
    other = {k: SHIPPING[k] for k in reversed(list(SHIPPING))}
    other["epcList"] = [
        "https://example.com/01/10614141073464/21/2018",
        "https://id.gs1.org/01/10614141073464/21/2017",
    ]
    other["eventTime"] = "2022-02-17T02:33:31.116Z"
    other["bizStep"] = "https://ref.gs1.org/cbv/BizStep-shipping"
    other["eventID"] = "urn:uuid:7b0d2b1e-0000-4000-8000-000000000001"
    other["recordTime"] = "2030-01-01T00:00:00Z"
    assert Hasher().event_hash(other) == Hasher().event_hash(SHIPPING)


@pytest.mark.parametrize(
    ("field", "value"),
    [("action", "ADD"), ("eventTime", "2022-02-16T20:33:31.117-06:00"), ("disposition", "active"),
     ("epcList", ["urn:epc:id:sgtin:0614141.107346.2017"]), ("ex:note", "x")],
)  # fmt: skip
def test_any_change_of_content_changes_the_hash(field: str, value: Any) -> None:
    changed = copy.deepcopy(SHIPPING) | {field: value}
    assert Hasher().event_hash(changed) != Hasher().event_hash(SHIPPING)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("2023-01-18T11:04:03.1415Z", "2023-01-18T11:04:03.142Z"),
     ("2023-01-18T11:04:03.1414Z", "2023-01-18T11:04:03.141Z"),
     ("2023-01-18T23:59:59.9999+08:00", "2023-01-18T16:00:00.000Z"),
     ("2025-03-03T09:00:00+08:00", "2025-03-03T01:00:00.000Z")],
)  # fmt: skip
def test_timestamps_are_utc_with_milliseconds_rounded_half_up(written: str, canonical: str) -> None:
    assert utc_millis(written) == canonical


def test_the_urn_and_digital_link_documents_hash_their_shared_event_alike() -> None:
    """zl-06 writes EPCs as URNs; the same commissioning in Digital Link form hashes equally."""
    event = load_json("conformance/epcis/own/valid/zl-06-urn-and-dl-identifier-forms.jsonld")[
        "epcisBody"
    ]["eventList"][0]
    as_links = copy.deepcopy(event)
    as_links["epcList"] = [
        "https://id.gs1.org/01/06901234567892/21/SN1001",
        "https://id.gs1.org/01/06901234567892/21/SN1002",
    ]
    hasher = Hasher({"zl": "https://zhiliang.example.cn/epcis/"})
    assert hasher.event_hash(as_links) == hasher.event_hash(event)


def test_documents_carry_each_events_hash() -> None:
    data = load_json(
        "conformance/epcis/own/valid/zl-03-distributor-receiving-unpacking-destroying.jsonld"
    )
    hashes = [e.hash for e in parse_document(data).events]
    assert len(set(hashes)) == 3


def test_one_hasher_for_a_whole_document_gives_each_event_its_own_hash() -> None:
    """Places, steps and parties written once per document are reused only for equal values."""
    hasher = Hasher()
    for event, _prefixes, digest in VECTORS:
        if not _prefixes:
            assert hasher.event_hash(event) == f"ni:///sha-256;{digest}?ver=CBV2.0"
    moved = copy.deepcopy(SHIPPING) | {"readPoint": {"id": "urn:epc:id:sgln:0614141.07346.9999"}}
    assert hasher.event_hash(moved) == Hasher().event_hash(moved) != hasher.event_hash(SHIPPING)

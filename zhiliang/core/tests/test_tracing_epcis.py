"""EPCIS 2.0 validation against every document of conformance/epcis, with the official JSON Schema
as the oracle: every document the schema rejects (with format assertion) is rejected here too."""

import copy
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, FormatChecker

from zhiliang.core.tests.shared import load_json
from zhiliang.core.tracing.epcis.model import EpcisInvalid
from zhiliang.core.tracing.epcis.validation import parse_document, parse_event

MANIFEST = load_json("conformance/epcis/manifest.json")
SCHEMA = load_json("conformance/epcis/official/EPCIS-JSON-Schema.json")
VALID = [*MANIFEST["official"], *MANIFEST["own_valid"]]

# The expected problem (field, code) of each of our invalid documents: the response names the
# event and the field that is wrong.
EXPECTED = {
    "inv-01-missing-eventTime": (0, "eventTime", "required"),
    "inv-02-bad-eventTimeZoneOffset": (0, "eventTimeZoneOffset", "bad_time_zone_offset"),
    "inv-03-offset-out-of-range": (0, "eventTimeZoneOffset", "bad_time_zone_offset"),
    "inv-04-unknown-action": (0, "action", "unknown_action"),
    "inv-05a-epc-not-a-uri": (0, "epcList.0", "not_a_uri"),
    "inv-05b-epc-urn-missing-serial": (0, "epcList.0", "bad_identifier"),
    "inv-05c-dl-epc-bad-check-digit": (0, "epcList.0", "bad_identifier"),
    "inv-05d-dl-epc-lot-level-in-epcList": (0, "epcList.0", "not_instance_level"),
    "inv-06-duplicate-eventID": (1, "eventID", "duplicate_event_id"),
    "inv-07a-wrong-event-type": (0, "type", "unknown_event_type"),
    "inv-07c-wrong-document-type": (None, "type", "wrong_document_type"),
    "inv-08-aggregation-add-without-parentID": (0, "parentID", "parent_id_required"),
    "inv-09-eventTime-not-datetime": (0, "eventTime", "not_a_datetime"),
    "inv-10-missing-context": (None, "@context", "required"),
    "inv-11-unknown-bizStep": (0, "bizStep", "unknown_biz_step"),
    "inv-12-source-without-type": (0, "sourceList.0.type", "required"),
}


def _format_checker() -> FormatChecker:
    """The schema's formats asserted. With ``rfc3987`` and ``rfc3339-validator`` installed
    jsonschema checks them itself; otherwise these independent stand-ins (urllib's split and
    datetime.fromisoformat, not the code under test) do."""
    checker = FormatChecker()
    if "uri" not in checker.checkers:

        @checker.checks("uri")
        def is_uri(value: object) -> bool:
            if not isinstance(value, str):
                return True
            bad = re.search(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]", value)
            return bad is None and bool(urlsplit(value).scheme) and ":" in value

    if "date-time" not in checker.checkers:

        @checker.checks("date-time")
        def is_date_time(value: object) -> bool:
            if not isinstance(value, str):
                return True
            pattern = r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)"
            if not re.fullmatch(pattern, value):
                return False
            try:
                datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            except ValueError:
                return False
            return True

    return checker


ORACLE = Draft7Validator(SCHEMA, format_checker=_format_checker())


def _name(path: str) -> str:
    return path.rsplit("/", 1)[1].removesuffix(".jsonld")


@pytest.mark.parametrize("case", VALID, ids=lambda c: _name(c["path"]))
def test_every_valid_document_is_accepted(case: dict[str, Any]) -> None:
    data = load_json(case["path"])
    document = parse_document(data)
    assert len(document.events) == len(case["events"])
    assert all(e.hash.startswith("ni:///sha-256;") for e in document.events)
    assert ORACLE.is_valid(data)


@pytest.mark.parametrize("case", MANIFEST["own_invalid"], ids=lambda c: _name(c["path"]))
def test_every_invalid_document_is_refused_naming_event_and_field(case: dict[str, Any]) -> None:
    with pytest.raises(EpcisInvalid) as refused:
        parse_document(load_json(case["path"]))
    first = refused.value.problems[0]
    assert (first.event, first.field, first.code) == EXPECTED[_name(case["path"])]
    if first.event is not None:
        event = load_json(case["path"])["epcisBody"]["eventList"][first.event]
        assert first.event_id == event.get("eventID")


@pytest.mark.parametrize("case", MANIFEST["own_invalid"], ids=lambda c: _name(c["path"]))
def test_the_oracle_agrees_where_the_manifest_says_it_can_see(case: dict[str, Any]) -> None:
    rejects = not ORACLE.is_valid(load_json(case["path"]))
    assert rejects == (case["schema_format_asserting"] == "rejects")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(["", "x", "ADD", "+8:00", "2025-13-01T00:00:00Z", "urn:epc:id:sgtin:1.2",
                     "https://id.gs1.org/01/06901234567893/21/A", "shipping", "a b", "ex:y",
                     "https://id.gs1.org/01/06901234567892/10/L", "OBSERVE", []]),
    st.dictionaries(st.sampled_from(["id", "type", "x", "ex:y"]), st.text(max_size=3), max_size=2),
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALID), st.data())
def test_whatever_the_schema_rejects_is_rejected_here_too(case: dict[str, Any], data: Any) -> None:
    document = copy.deepcopy(load_json(case["path"]))
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    action = data.draw(st.sampled_from(["delete", "replace", "add"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "replace":
        parent[path[-1]] = data.draw(junk)
    elif isinstance(parent, dict):
        key = data.draw(st.sampled_from(["extra", "ex:extra", "action", "ilmd"]))
        parent[key] = data.draw(junk)
    else:
        parent.append(data.draw(junk))
    if not ORACLE.is_valid(document):
        with pytest.raises(EpcisInvalid):
            parse_document(json.loads(json.dumps(document)))


def test_a_single_event_is_checked_on_its_own() -> None:
    event = load_json(MANIFEST["own_valid"][1]["path"])["epcisBody"]["eventList"][0]
    assert parse_event(event).biz_step == "shipping"
    with pytest.raises(EpcisInvalid) as refused:
        parse_event({**event, "action": "UPDATE"})
    assert refused.value.problems[0].field == "action"


def test_cbv_values_in_any_spelling_are_read_as_the_bare_word() -> None:
    event = load_json(MANIFEST["own_valid"][1]["path"])["epcisBody"]["eventList"][0]
    web = {**event, "bizStep": "https://ref.gs1.org/cbv/BizStep-shipping"}
    assert parse_event(web).biz_step == "shipping"
    assert parse_event(web).hash == parse_event(event).hash


def test_urn_vocabulary_is_refused_in_json_as_the_schema_does() -> None:
    event = load_json(MANIFEST["own_valid"][1]["path"])["epcisBody"]["eventList"][0]
    with pytest.raises(EpcisInvalid):
        parse_event({**event, "bizStep": "urn:epcglobal:cbv:bizstep:shipping"})


def test_a_party_list_refused_once_is_refused_in_every_event_that_repeats_it() -> None:
    document = load_json(MANIFEST["own_valid"][1]["path"])
    event = document["epcisBody"]["eventList"][0]
    good = {
        **event,
        "sourceList": [{"type": "possessing_party", "source": "urn:epc:id:pgln:0614141.00000"}],
    }
    bad = {**event, "sourceList": [{"type": "possessing_party", "source": "not a uri"}]}
    events = [
        {**e, "eventID": f"urn:uuid:00000000-0000-4000-8000-00000000000{i}"}
        for i, e in enumerate([good, bad, good, bad])
    ]
    with pytest.raises(EpcisInvalid) as refused:
        parse_document({**document, "epcisBody": {"eventList": events}})
    assert [p.event for p in refused.value.problems] == [1, 3]

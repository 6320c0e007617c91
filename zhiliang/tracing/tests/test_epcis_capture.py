"""EPCIS 2.0 capture through the REST binding: jobs, idempotency, refusals, authorisation,
the ledger entry per job."""

import copy
import json

import pytest

from zhiliang.ledger.models import PendingEntry
from zhiliang.tracing.models import CaptureJob, CodeOrigin, CustodyState, TraceCode, TraceEvent
from zhiliang.tracing.tests.conftest import MANIFEST, OWN, SCENARIO, capture, document

pytestmark = pytest.mark.django_db


def test_a_connected_system_captures_a_document_and_reads_its_job(api, connected_system) -> None:
    response = capture(api, document("zl-01"), connected_system)
    assert response.status_code == 202
    location = response["Location"]
    assert location.startswith("/epcis/capture/")
    job = api.get(location, as_=connected_system).json()
    assert (job["running"], job["success"], job["captureErrorBehaviour"]) == (
        False,
        True,
        "rollback",
    )
    assert job["errors"] == [] and job["captured"] == 2
    assert TraceEvent.objects.count() == 2


def test_capturing_again_is_idempotent_by_event_id_and_by_hash(api, connected_system) -> None:
    capture(api, document("zl-02"), connected_system)
    again = capture(api, document("zl-02"), connected_system)
    assert again.status_code == 202
    assert api.get(again["Location"], as_=connected_system).json()["duplicates"] == 1
    no_id = copy.deepcopy(document("zl-05"))
    del no_id["epcisBody"]["eventList"][0]["eventID"]
    for _ in range(2):
        assert capture(api, no_id, connected_system).status_code == 202
    assert TraceEvent.objects.count() == 2
    hashed = TraceEvent.objects.get(event_id__startswith="ni:///sha-256;")
    assert hashed.body["eventID"] == hashed.event_id


def test_the_same_event_id_with_other_content_is_a_conflict(api, connected_system) -> None:
    capture(api, document("zl-02"), connected_system)
    changed = copy.deepcopy(document("zl-02"))
    changed["epcisBody"]["eventList"][0]["bizStep"] = "departing"
    response = capture(api, changed, connected_system)
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "event_id_taken"


@pytest.mark.parametrize("case", MANIFEST["own_invalid"], ids=lambda c: c["path"].rsplit("/", 1)[1])
def test_an_invalid_document_is_refused_naming_event_and_field_and_changes_nothing(
    api, connected_system, case
) -> None:
    from zhiliang.core.tests.shared import load_json

    response = capture(api, load_json(case["path"]), connected_system)
    assert response.status_code == 400
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["type"] == "epcisException:ValidationException"
    assert body["errors"][0]["field"] and "code" in body["errors"][0]
    assert not TraceEvent.objects.exists() and not TraceCode.objects.exists()
    assert not CaptureJob.objects.exists()


def test_a_rejected_event_in_the_middle_rolls_back_the_whole_document(
    api, connected_system
) -> None:
    doc = copy.deepcopy(document("zl-03"))
    doc["epcisBody"]["eventList"][2]["epcList"] = ["https://id.gs1.org/01/06901234567893/21/SN0003"]
    response = capture(api, doc, connected_system)
    assert response.status_code == 400
    problem = response.json()["errors"][0]
    assert (problem["event"], problem["field"]) == (2, "epcList.0")
    assert not TraceEvent.objects.exists()


def test_proceed_captures_the_good_events_and_lists_the_bad(api, chain, connected_system) -> None:
    capture(api, document("zl-01"), chain.producer)
    doc = copy.deepcopy(document("zl-02"))
    doc["epcisBody"]["eventList"].append(
        copy.deepcopy(document("zl-01")["epcisBody"]["eventList"][0]) | {"eventID": "urn:uuid:x-1"}
    )
    response = capture(api, doc, chain.producer, behaviour="proceed")
    assert response.status_code == 202
    job = api.get(response["Location"], as_=chain.producer).json()
    assert (job["success"], job["captured"]) == (False, 1)
    assert job["errors"][0]["code"] == "already_commissioned"


def test_the_chain_captures_its_own_events_and_custody_follows(api, chain) -> None:
    steps = [
        ("zl-01", chain.producer),
        ("zl-02", chain.producer),
        ("zl-03", chain.distributor),
        ("zl-04", chain.distributor),
        ("zl-05", chain.retailer),
    ]
    for name, person in steps:
        response = capture(api, document(name), person)
        assert response.status_code == 202, (name, response.json())
    codes = {
        c.value.rsplit("/", 1)[1]: c
        for c in TraceCode.objects.filter(gtin=SCENARIO["product"]["gtin"])
    }
    assert codes["SN0001"].state == CustodyState.SOLD
    assert codes["SN0001"].seller == chain.enterprises["retailer"]
    assert codes["SN0002"].holder == chain.enterprises["retailer"]
    assert codes["SN0003"].state == CustodyState.DESTROYED
    assert all(c.origin == CodeOrigin.REGISTERED for c in codes.values())
    assert all(c.issuer == chain.enterprises["producer"] for c in codes.values())


def test_an_enterprise_captures_only_where_it_is_a_party(api, chain, outsider) -> None:
    response = capture(api, document("zl-01"), outsider)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_a_party"
    assert not TraceEvent.objects.exists()


def test_an_enterprise_captures_only_on_codes_it_owns_or_holds(api, chain) -> None:
    capture(api, document("zl-01"), chain.producer)
    doc = copy.deepcopy(document("zl-04"))  # the distributor ships units it never received
    response = capture(api, doc, chain.distributor)
    assert response.status_code == 403
    assert {p["code"] for p in response.json()["errors"]} == {"code_not_yours"}


def test_a_seller_cannot_commission_or_rewrite_a_producers_codes(api, chain) -> None:
    capture(api, document("zl-01"), chain.producer)
    event = copy.deepcopy(document("zl-01")["epcisBody"]["eventList"][0])
    event["eventID"] = "urn:uuid:0b7c6e1e-aaaa-4bbb-8ccc-000000000001"
    event["bizLocation"] = {"id": "urn:epc:id:sgln:6923456.00020.0"}
    response = api.post("/epcis/events", event, as_=chain.retailer)
    assert response.status_code in (403, 409)
    assert TraceCode.objects.get(value__endswith="SN0001").issuer == chain.enterprises["producer"]


def test_a_connected_system_registers_first_seen_codes_as_external_with_their_issuer(
    api, chain, connected_system
) -> None:
    capture(api, document("zl-06"), connected_system)
    code = TraceCode.objects.get(value__endswith="/21/SN1001")
    assert (code.origin, code.issuer) == (CodeOrigin.EXTERNAL, chain.enterprises["producer"])
    assert code.product_model == chain.model


def test_a_connected_system_commissions_units_with_the_enterprise_at_the_biz_location(
    api, chain, connected_system
) -> None:
    """The business location's enterprise is named nowhere else in the event: custody looks it
    up before the rows are written (not while they are copied)."""
    event = copy.deepcopy(document("zl-01")["epcisBody"]["eventList"][0])
    event["eventID"] = "urn:uuid:0b7c6e1e-aaaa-4bbb-8ccc-000000000002"
    event["epcList"] = ["https://id.gs1.org/01/09520123456788/21/BIZLOC1"]
    event["bizLocation"] = {"id": "urn:epc:id:sgln:6923456.00020.0"}
    for name in ("sourceList", "destinationList", "readPoint"):
        event.pop(name, None)
    response = api.post("/epcis/events", event, as_=connected_system)
    assert response.status_code < 300, response.json()
    code = TraceCode.objects.get(value__endswith="/21/BIZLOC1")
    assert (code.holder, code.state) == (chain.enterprises["retailer"], CustodyState.HELD)


def test_one_ledger_entry_per_job_carries_each_events_hash(api, connected_system) -> None:
    before = PendingEntry.objects.count()
    capture(api, document("zl-03"), connected_system)
    [entry] = PendingEntry.objects.all()[before:]
    body = json.loads(entry.entry)["body"]
    hashes = list(TraceEvent.objects.order_by("position").values_list("event_hash", flat=True))
    assert body["hashes"] == hashes and body["events"] == 3 and len(body["root"]) == 64


def test_post_events_captures_one_event_then_409(api, connected_system) -> None:
    event = document("zl-02")["epcisBody"]["eventList"][0]
    created = api.post("/epcis/events", event, as_=connected_system)
    assert created.status_code == 201
    assert created["Location"].startswith("/epcis/events/urn%3Auuid%3A")
    assert api.post("/epcis/events", event, as_=connected_system).status_code == 409
    assert api.get(created["Location"], as_=connected_system).status_code == 200


def test_the_binding_speaks_the_standards_errors(api, connected_system, anonymous) -> None:
    unauthenticated = capture(api, document("zl-01"), anonymous)
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["type"] == "epcisException:SecurityException"
    wrong_type = api.client.post(
        "/epcis/capture",
        "x",
        content_type="text/plain",
        headers={"Authorization": f"Bearer {connected_system.token}"},
    )
    assert wrong_type.status_code == 415
    bad_behaviour = capture(api, document("zl-01"), connected_system, behaviour="all")
    assert bad_behaviour.status_code == 400
    options = api.client.options("/epcis/capture")
    assert options.status_code == 204 and "GS1-EPCIS-Capture-Limit" in options
    assert (
        api.get(
            "/epcis/capture/00000000-0000-0000-0000-000000000000", as_=connected_system
        ).status_code
        == 404
    )


def test_every_own_document_is_captured(api, connected_system) -> None:
    for path in OWN:
        from zhiliang.core.tests.shared import load_json

        assert capture(api, load_json(path), connected_system).status_code == 202
    assert TraceEvent.objects.count() == 11

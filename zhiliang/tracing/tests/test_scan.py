"""The scan page and the resolver: statuses, warnings, content, malformed codes, confirm receipt,
clone detection, the GS1 resolver contract."""

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from zhiliang.ledger import services as ledger
from zhiliang.tracing.models import Scan
from zhiliang.tracing.tests.conftest import capture, document

pytestmark = pytest.mark.django_db
SN1 = "/01/06901234567892/21/SN0001"
SN2 = "/01/06901234567892/21/SN0002"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def story(api, chain):
    for name, person in [
        ("zl-01", chain.producer),
        ("zl-02", chain.producer),
        ("zl-03", chain.distributor),
        ("zl-04", chain.distributor),
        ("zl-05", chain.retailer),
    ]:
        assert capture(api, document(name), person).status_code == 202
    ledger.sequence()
    return chain


def scan_json(api, path: str, **params) -> Any:
    response = api.client.get("/scan/gs1" + path, params, **JSON)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_a_sold_unit_scans_as_sold_with_its_whole_story(api, story) -> None:
    body = scan_json(api, SN1)
    assert body["status"] == "sold"
    assert [w["code"] for w in body["warnings"]] == ["sold"]
    assert body["product"]["gtin"] == "06901234567892"
    assert body["producer"]["creditCode"] == story.enterprises["producer"].credit_code
    steps = [c["step"] for c in body["chain"]]
    assert steps[0] == "commissioning" and steps[-1] == "retail_selling"
    assert "shipping" in steps  # the pallet's shipment is part of the unit's history
    assert {c["city"] for c in body["chain"]} == {"嘉兴市"}
    assert body["proofs"] and all(p["state"] == "verified" for p in body["proofs"])


def test_a_held_unit_scans_ok_and_the_scan_is_recorded(api, story) -> None:
    body = scan_json(api, SN2)
    assert (body["status"], body["warnings"]) == ("ok", [])
    assert Scan.objects.filter(code__value=SN2).count() == 1


def test_an_unknown_code_scans_as_unknown(api, story) -> None:
    body = scan_json(api, "/01/06901234567892/21/NOSUCH")
    assert body["status"] == "unknown"
    assert body["warnings"][0]["code"] == "unknown"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/01/06901234567893/21/SN0001", "bad_check_digit"),
        ("/01/0690123456789/21/SN0001", "bad_check_digit"),
        ("/01/06901234567892/21/SN0001/10/L1", "qualifier_order"),
        ("/01/069012345678X2", "non_numeric_gtin"),
    ],
)
def test_a_malformed_code_is_a_400_with_the_reason(api, story, path: str, reason: str) -> None:
    for prefix in ("", "/scan/gs1"):
        response = api.client.get(prefix + path, **JSON)
        assert response.status_code == 400
        assert json.loads(response.content)["errors"][0]["code"] == reason
    page = api.client.get("/scan/gs1" + path)
    assert page.status_code == 400 and reason in page.content.decode()


def test_copies_scanned_far_apart_within_minutes_are_a_possible_clone(api, story) -> None:
    scan_json(api, SN2, lat="30.75", lng="120.76")  # Jiaxing
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        body = scan_json(api, SN2, lat="43.83", lng="87.62")  # Urumqi
    assert body["status"] == "possible_clone"
    assert body["clone"]["reason"] == "impossible_travel"


def test_the_resolver_redirects_to_the_scan_page_and_lists_links(api, story) -> None:
    response = api.client.get(SN2)
    assert response.status_code == 307
    assert response["Location"].endswith("/scan/gs1" + SN2)
    assert 'rel="gs1:pip"' in response["Link"] and response["Access-Control-Allow-Origin"] == "*"
    linkset = api.client.get(SN2, {"linkType": "all"})
    assert linkset["Content-Type"] == "application/linkset+json"
    [entry] = json.loads(linkset.content)["linkset"]
    assert entry["anchor"] == "https://id.gs1.org" + SN2
    assert entry["https://gs1.org/voc/defaultLink"][0]["href"].endswith("/scan/gs1" + SN2)
    accept = api.client.get(SN2, HTTP_ACCEPT="application/linkset+json")
    assert json.loads(accept.content) == json.loads(linkset.content)
    pip = api.client.get(SN2, {"linkType": "gs1:pip"})
    assert pip.status_code == 307
    missing = api.client.get(SN2, {"linkType": "gs1:recallStatus"})
    assert missing["Location"].endswith("/scan/gs1" + SN2)  # no such link: the default


def test_the_resolver_describes_itself(api) -> None:
    body = json.loads(api.client.get("/.well-known/gs1resolver").content)
    assert body["supportedPrimaryKeys"] == ["01", "00"]
    assert body["supportedLinkType"][0]["prefix"] == "gs1:"
    assert "resolverRoot" in body


def test_a_logistic_unit_resolves_and_shows_what_it_aggregated(api, story) -> None:
    body = scan_json(api, "/00/369012345000000012")
    assert body["status"] == "ok" and body["logisticUnit"] is not None


def test_the_html_page_shows_status_and_warnings(api, story) -> None:
    page = api.client.get("/scan/gs1" + SN1).content.decode()
    assert 'data-testid="status"' in page and 'data-testid="warning-sold"' in page
    assert 'data-testid="ledger-proof"' in page


@pytest.mark.django_db(transaction=True)
def test_a_scan_reconnects_when_the_server_dropped_the_connection(api, story) -> None:
    """The look-up skips Django's per-request health check, so it replaces a connection the
    server closed (a restart, a failover) itself instead of failing the scan."""
    if connection.vendor != "postgresql":
        pytest.skip("the server side of a connection is PostgreSQL's")
    scan_json(api, SN2)
    backend = connection.connection.info.backend_pid
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    finally:
        other.close()
    assert scan_json(api, SN2)["status"] == "ok"
    assert connection.connection.info.backend_pid != backend

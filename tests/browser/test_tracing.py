"""The traceability scan page as a consumer and a seller see it, on a phone."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from zhiliang.ledger import services as ledger
from zhiliang.ledger.tests.plugin import _ledger_rows_removable  # noqa: F401 (autouse)
from zhiliang.tracing import ratelimit
from zhiliang.tracing.models import Scan, ScanVerdict, TraceCode
from zhiliang.tracing.selectors import scan as scan_cache
from zhiliang.tracing.tests.conftest import Chain, capture, document
from zhiliang.tracing.views.scan import STATUS_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
CODES = {
    "ok": "/01/06901234567892/21/SN0002",
    "sold": "/01/06901234567892/21/SN0001",
    "unknown": "/01/06901234567892/21/SN9999",
    "possible_clone": "/01/06901234567892/21/SN0001",
    "recalled": "/01/06901234567892/21/SN0002",
}


def label(status: str) -> str:
    """What the page shows for a status, in Chinese once the catalogue has it."""
    with translation.override("zh-hans"):
        return str(STATUS_LABELS[status])


@pytest.fixture
def story(api, regions, settings, live_server) -> Iterator[Chain]:
    from django.core.cache import cache

    settings.PUBLIC_URL = live_server.url  # the resolver redirects to this server's scan page
    settings.TRACING_TREE_SIZE_SECONDS = 0
    cache.clear()
    scan_cache.forget()
    ratelimit.forget()
    chain = Chain()
    for name, person in [
        ("zl-01", chain.producer),
        ("zl-02", chain.producer),
        ("zl-03", chain.distributor),
        ("zl-04", chain.distributor),
        ("zl-05", chain.retailer),
    ]:
        assert capture(api, document(name), person).status_code == 202
    ledger.sequence()
    yield chain
    cache.clear()
    scan_cache.forget()
    ratelimit.forget()


def _prepare(api, status: str, story: Chain, city_regulator) -> None:
    if status == "possible_clone":
        code = TraceCode.objects.get(value=CODES["sold"])
        now = timezone.now()
        Scan.objects.create(
            code=code,
            at=now - timedelta(minutes=15),
            lat=30.75,
            lng=120.76,
            verdict=ScanVerdict.SOLD,
        )
        Scan.objects.create(
            code=code, at=now - timedelta(minutes=5), lat=43.83, lng=87.62, verdict=ScanVerdict.SOLD
        )
    if status == "recalled":
        body = {
            "product_model_id": story.model.pk,
            "reason": "电池过热风险",
            "codes": ["https://id.gs1.org" + CODES["recalled"]],
        }
        assert api.post("/api/tracing/recalls", body, as_=city_regulator).status_code == 201


@pytest.mark.parametrize("status", list(CODES))
def test_a_consumer_scans_a_label(
    live_server, page, shoot, api, story, city_regulator, status
) -> None:
    _prepare(api, status, story, city_regulator)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + CODES[status])  # the QR code's Digital Link, as a phone opens it
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", status)
    expect(page.get_by_test_id("status")).to_have_text(label(status))
    if status == "ok":
        expect(page.locator("[data-testid^=warning-]")).to_have_count(0)
        expect(page.get_by_test_id("chain")).to_contain_text("嘉兴市")
        expect(page.get_by_test_id("proof-summary")).to_contain_text("7")
    else:
        expect(page.get_by_test_id(f"warning-{status}")).to_be_visible()
    if status != "unknown":
        expect(page.get_by_test_id("product-name")).to_be_visible()
        expect(page.get_by_test_id("producer")).to_contain_text(story.enterprises["producer"].name)
    if status == "recalled":
        expect(page.get_by_test_id("recall")).to_contain_text("电池过热风险")
    shoot(f"tracing-scan-{status}")


def test_a_malformed_code_says_why(live_server, page, shoot, story) -> None:
    page.set_viewport_size(PHONE)
    response = page.goto(live_server.url + "/01/06901234567893/21/SN0001")
    assert response is not None and response.status == 400
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "malformed")
    expect(page.get_by_test_id("reason")).to_be_visible()
    shoot("tracing-scan-malformed")


def test_a_seller_confirms_receipt_by_scanning(
    live_server, page, shoot, log_in, api, story
) -> None:
    shipment = document("zl-04")
    shipment["epcisBody"]["eventList"] = shipment["epcisBody"]["eventList"][:1]  # shipped only
    shipment["epcisBody"]["eventList"][0]["epcList"] = ["https://id.gs1.org" + CODES["ok"]]
    shipment["epcisBody"]["eventList"][0]["eventID"] = (
        "urn:uuid:5c0e1b6d-1111-4222-8333-944455556666"
    )
    now = timezone.localtime().isoformat(timespec="milliseconds")
    shipment["epcisBody"]["eventList"][0]["eventTime"] = now
    # The distributor sends SN0002 back out to the retailer again after a return.
    code = TraceCode.objects.get(value=CODES["ok"])
    TraceCode.objects.filter(pk=code.pk).update(
        holder=story.enterprises["distributor"], state="held"
    )
    assert capture(api, shipment, story.distributor).status_code == 202
    log_in(story.retailer.user.username)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/scan/gs1" + CODES["ok"])
    button = page.get_by_test_id("confirm-receipt")
    expect(button).to_be_visible()
    shoot("tracing-confirm-before")
    button.click()
    expect(page.get_by_test_id("confirm-receipt")).to_have_count(0)
    expect(page.locator(".messages")).to_be_visible()
    shoot("tracing-confirm-after")
    code.refresh_from_db()
    assert code.state == "held" and code.holder == story.enterprises["retailer"]

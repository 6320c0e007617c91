"""Grading journeys across apps: a producer declares a grade and downloads its label; the public
opens the label's QR URL and sees the record valid with a verified ledger proof; a lab signs a
report in the browser (WebCrypto Ed25519) and the platform accepts it."""

import base64
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pyzbar.pyzbar import decode

from zhiliang.grading.tests import factories
from zhiliang.ledger import services as ledger
from zhiliang.ledger.tests.plugin import _ledger_rows_removable  # noqa: F401 (autouse)
from zhiliang.registry.tests.factories import ProductModelFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def graded_world(settings, live_server, producer, lab_staff):
    settings.PUBLIC_URL = live_server.url  # the QR code points at this server
    product = factories.catalogued_product(name="移动电源（测试）")
    standard = factories.standard_for(product, effective_from=date(2025, 1, 1))
    model = ProductModelFactory(
        enterprise=producer.enterprise, product=product, brand="禾美", model="PB-20000"
    )
    lab = lab_staff.user.lab
    lab.public_key = factories.public_key_of(factories.LAB_KEY)
    lab.save()
    lab.scope.add(product)
    report = factories.signed_report(lab, model, standard.number, earns="AAAA")
    return model, standard, report


def test_a_producer_declares_downloads_the_label_and_the_public_checks_it(
    live_server, page, browser, shoot, log_in, graded_world, tmp_path
) -> None:
    model, _standard, report = graded_world
    log_in("producer")
    page.goto(live_server.url + "/grading/console/declare/")
    page.get_by_test_id("declare-model").select_option(
        label=f"{model.product.name} · 禾美 PB-20000"
    )
    page.get_by_text(report.number).click()
    page.get_by_test_id("declare-grade").select_option("AAAAA")  # more than the report supports
    page.get_by_test_id("declare-submit").click()
    expect(page.get_by_test_id("problems")).to_contain_text("AAAA")  # the earned grade offered
    shoot("grading-declare-refused")
    page.get_by_text(report.number).check()
    page.get_by_test_id("declare-grade").select_option("AAAA")
    page.get_by_test_id("declare-submit").click()
    expect(page.get_by_test_id("grade")).to_have_text("AAAA")
    expect(page.get_by_test_id("status")).to_have_text("有效")
    shoot("grading-record-declared")

    with page.expect_download() as download:
        page.get_by_test_id("label-png").click()
    label = Path(tmp_path / "label.png")
    download.value.save_as(label)
    from PIL import Image

    [symbol] = decode(Image.open(label).convert("L"))
    qr_url = symbol.data.decode()
    assert qr_url.startswith(live_server.url + "/grading/r/")

    ledger.sequence()  # the worker's job: the record enters the signed ledger
    public = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    scan = public.new_page()
    scan.goto(qr_url)
    expect(scan.get_by_test_id("grade")).to_have_text("AAAA")
    expect(scan.get_by_test_id("status")).to_have_text("有效")
    expect(scan.get_by_test_id("label-check")).to_have_attribute("data-verdict", "genuine")
    expect(scan.get_by_test_id("label-offline")).to_have_attribute("data-state", "verified")
    proof = scan.locator(".ledger-proof")
    expect(proof).to_have_class("panel ledger-proof proof-verified")
    scan.screenshot(
        path=str(Path(shoot("grading-declare-refused")).parent / "grading-scan-mobile.png"),
        full_page=True,
    )

    forged = qr_url.replace("g=AAAA&", "g=AAAAA&")
    scan.goto(forged)
    expect(scan.get_by_test_id("label-check")).to_have_attribute("data-verdict", "forged")
    expect(scan.get_by_test_id("label-offline")).to_have_attribute("data-state", "invalid")
    public.close()


def test_a_lab_signs_a_report_in_the_browser(
    live_server, page, shoot, log_in, graded_world
) -> None:
    model, standard, _report = graded_world
    log_in("lab")
    page.goto(live_server.url + "/grading/console/lab/")
    page.get_by_test_id("report-number").fill("WEB-2026-001")
    page.get_by_test_id("report-model").fill(str(model.pk))
    page.get_by_test_id("report-standard").select_option(standard.number)
    page.get_by_test_id("report-date").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    page.get_by_test_id("report-measurements").fill("efficiency=88.6\ncapacity=100")
    page.get_by_test_id("report-key").fill(base64.b64encode(b"\x11" * 32).decode())
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-result")).to_have_attribute("data-state", "accepted")
    shoot("grading-lab-signed")

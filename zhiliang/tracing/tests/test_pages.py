"""Pages and forms: the enterprise and supervision consoles, flows by form and Excel, confirm
receipt, rate limits, the offline validator."""

import io
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from zhiliang.core.tests.shared import SHARED_DIR
from zhiliang.tracing import ratelimit
from zhiliang.tracing.models import CustodyState, TraceCode, TraceEvent
from zhiliang.tracing.tests.conftest import capture, document

pytestmark = pytest.mark.django_db
SN2 = "/01/06901234567892/21/SN0002"


@pytest.fixture
def shipped(api, chain):
    for name, person in [
        ("zl-01", chain.producer),
        ("zl-02", chain.producer),
        ("zl-03", chain.distributor),
    ]:
        assert capture(api, document(name), person).status_code == 202
    return chain


def test_each_role_sees_its_traceability_page(client, producer, city_regulator) -> None:
    client.force_login(producer.user)
    assert client.get("/tracing/enterprise/").status_code == 200
    assert client.get("/tracing/supervision/").status_code == 403
    client.force_login(city_regulator.user)
    page = client.get("/tracing/supervision/")
    assert page.status_code == 200 and 'data-testid="compliance"' in page.content.decode()
    assert client.get("/tracing/enterprise/").status_code == 403
    assert client.get("/tracing/catalogue/").status_code == 200


def test_an_outsider_cannot_download_another_enterprises_print_files(
    api, client, producer, outsider
) -> None:
    from zhiliang.registry.tests.factories import ProductModelFactory

    model: Any = ProductModelFactory(enterprise=producer.enterprise)
    batch = api.post(
        "/api/tracing/code-batches",
        {"product_model_id": model.pk, "scheme": "gs1", "count": 2},
        as_=producer,
    ).json()
    assert api.get(batch["codes_url"], as_=outsider).status_code == 404
    client.force_login(outsider.user)
    assert client.get(f"/tracing/batches/{batch['id']}/codes.csv").status_code == 404


def test_a_distributor_reports_a_shipment_by_form(client, shipped) -> None:
    client.force_login(shipped.distributor.user)
    response = client.post(
        "/tracing/enterprise/flow",
        {
            "step": "shipping",
            "codes": f"https://id.gs1.org{SN2}",
            "counterparty": shipped.enterprises["retailer"].credit_code,
        },
    )
    assert response.status_code == 302
    code = TraceCode.objects.get(value=SN2)
    assert (code.holder, code.state) == (shipped.enterprises["retailer"], CustodyState.IN_TRANSIT)


def test_the_retailer_confirms_receipt_from_the_scan_page(client, shipped) -> None:
    client.force_login(shipped.distributor.user)
    client.post(
        "/tracing/enterprise/flow",
        {
            "step": "shipping",
            "codes": f"https://id.gs1.org{SN2}",
            "counterparty": shipped.enterprises["retailer"].credit_code,
        },
    )
    client.force_login(shipped.retailer.user)
    page = client.get("/scan/gs1" + SN2).content.decode()
    assert 'data-testid="confirm-receipt"' in page
    code = TraceCode.objects.get(value=SN2)
    client.post(f"/scan/confirm/{code.pk}", {"next": "/scan/gs1" + SN2})
    code.refresh_from_db()
    assert code.state == CustodyState.HELD and code.holder == shipped.enterprises["retailer"]
    assert TraceEvent.objects.filter(biz_step="receiving", capture__channel="scan").exists()
    assert 'data-testid="confirm-receipt"' not in client.get("/scan/gs1" + SN2).content.decode()


def test_flows_upload_from_the_excel_template(client, shipped) -> None:
    client.force_login(shipped.distributor.user)
    template = client.get("/tracing/enterprise/flows-template.xlsx")
    assert template.status_code == 200
    book = Workbook()
    sheet: Any = book.active
    sheet.append(["code", "step", "counterparty_credit_code", "time"])
    sheet.append(
        [
            f"https://id.gs1.org{SN2}",
            "shipping",
            shipped.enterprises["retailer"].credit_code,
            datetime(2025, 3, 6, 9, 30),  # noqa: DTZ001 - Excel cells hold local times
        ]
    )
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    handle.name = "flows.xlsx"
    client.post("/tracing/enterprise/upload", {"upload": handle})
    assert TraceEvent.objects.filter(capture__channel="excel", biz_step="shipping").count() == 1


def test_a_flow_on_someone_elses_unit_is_refused_and_changes_nothing(
    client, shipped, outsider
) -> None:
    client.force_login(outsider.user)
    before = TraceEvent.objects.count()
    client.post(
        "/tracing/enterprise/flow", {"step": "retail_selling", "codes": f"https://id.gs1.org{SN2}"}
    )
    assert TraceEvent.objects.count() == before


def test_public_scans_are_rate_limited(api, shipped, settings, monkeypatch) -> None:
    monkeypatch.setattr(ratelimit, "SCANS_PER_MINUTE", 3)
    statuses = [api.client.get("/scan/gs1" + SN2).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_epcis_validate_checks_a_file_offline(capsys) -> None:
    valid = (
        SHARED_DIR
        / "conformance/epcis/own/valid/zl-03-distributor-receiving-unpacking-destroying.jsonld"
    )
    call_command("epcis", "validate", str(valid))
    assert "valid EPCISDocument with 3 event(s)" in capsys.readouterr().out
    invalid = SHARED_DIR / "conformance/epcis/own/invalid/inv-05c-dl-epc-bad-check-digit.jsonld"
    with pytest.raises(CommandError):
        call_command("epcis", "validate", str(invalid))
    assert "epcList.0" in capsys.readouterr().err

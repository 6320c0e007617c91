"""Recall scope from a problem batch to every holder, exports, notices (outbox and in-app), and
the recall on the scan page; catalogue compliance."""

import pytest
from django.utils import timezone

from zhiliang.common.models import OutboxMessage
from zhiliang.tracing.models import ProductionReport, RecallNotice
from zhiliang.tracing.tests.conftest import capture, document

pytestmark = pytest.mark.django_db


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
    return chain


@pytest.fixture
def recall(api, story, city_regulator):
    body = {
        "product_model_id": story.model.pk,
        "reason": "电池过热风险",
        "lot_from": "",
        "codes": [
            "https://id.gs1.org/01/06901234567892/21/SN0001",
            "https://id.gs1.org/01/06901234567892/21/SN0002",
            "https://id.gs1.org/01/06901234567892/21/SN0003",
        ],
    }
    response = api.post("/api/tracing/recalls", body, as_=city_regulator)
    assert response.status_code == 201, response.content
    return response.json()


def test_the_scope_names_every_unit_holder_seller_and_region(
    api, recall, story, city_regulator
) -> None:
    assert (recall["units"], recall["sold_to_consumers"]) == (3, 1)
    scope = api.get(f"/api/tracing/recalls/{recall['id']}/scope", as_=city_regulator).json()
    retailer = str(story.enterprises["retailer"].pk)
    assert scope["by_holder"] == {retailer: 1} and scope["by_seller"] == {retailer: 1}
    assert scope["destroyed"] == 1 and scope["by_region"] == {"330483": 2}


def test_every_holder_is_notified_once_in_app_and_through_the_outbox(
    api, recall, story, city_regulator
) -> None:
    first = api.post(f"/api/tracing/recalls/{recall['id']}/notify", as_=city_regulator).json()
    again = api.post(f"/api/tracing/recalls/{recall['id']}/notify", as_=city_regulator).json()
    assert (first["notified"], again["notified"]) == (1, 0)
    notice = RecallNotice.objects.get()
    assert notice.enterprise == story.enterprises["retailer"] and (notice.units, notice.sold) == (
        1,
        1,
    )
    message = OutboxMessage.objects.get(topic="tracing.recall.notice")
    assert message.payload["credit_code"] == story.enterprises["retailer"].credit_code


def test_a_recalled_unit_scans_as_recalled_with_the_notice(api, recall) -> None:
    body = api.client.get(
        "/scan/gs1/01/06901234567892/21/SN0002", HTTP_ACCEPT="application/json"
    ).json()
    assert body["status"] == "recalled" and body["recall"]["reason"] == "电池过热风险"
    notice = api.client.get(f"/tracing/recalls/{recall['id']}/notice")
    assert notice.status_code == 200 and "电池过热风险" in notice.content.decode()
    links = api.client.get("/01/06901234567892/21/SN0002", {"linkType": "all"}).json()
    assert "https://gs1.org/voc/recallStatus" in links["linkset"][0]


def test_the_scope_exports_to_excel_and_csv(client, recall, city_regulator) -> None:
    client.force_login(city_regulator.user)
    xlsx = client.get(f"/tracing/recalls/{recall['id']}/scope.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    csv = client.get(f"/tracing/recalls/{recall['id']}/scope.csv")
    rows = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("code,lot,state") and len(rows) == 4


def test_only_regulators_open_recalls_and_only_in_their_jurisdiction(
    api, story, producer, other_county_regulator
) -> None:
    body = {"product_model_id": story.model.pk, "reason": "x", "lot_from": "A", "lot_to": "Z"}
    assert api.post("/api/tracing/recalls", body, as_=producer).status_code == 403
    assert api.post("/api/tracing/recalls", body, as_=other_county_regulator).status_code == 404


def test_the_recall_pages_are_for_regulators(
    client, recall, outsider, other_county_regulator
) -> None:
    client.force_login(outsider.user)
    assert client.get(f"/tracing/recalls/{recall['id']}/").status_code == 403
    client.force_login(other_county_regulator.user)
    assert client.get(f"/tracing/recalls/{recall['id']}/").status_code == 404


def test_compliance_lists_producers_that_report_too_little(api, story, city_regulator) -> None:
    story.model.product.tracing_phase = "2024"
    story.model.product.save()
    rows = api.get("/api/tracing/compliance", as_=city_regulator).json()
    assert rows == []  # it codes and ships
    ProductionReport.objects.create(
        enterprise=story.enterprises["producer"],
        product_model=story.model,
        month=timezone.localdate().replace(day=1),
        units_made=100,
    )
    [row] = api.get("/api/tracing/compliance", as_=city_regulator).json()
    assert (row["units_made"], row["units_coded"], row["reason"]) == (100, 3, "codes_too_few")


def test_the_catalogue_is_public_with_its_phases(api) -> None:
    phases = api.get("/api/tracing/catalogue").json()
    assert [p["code"] for p in phases] == ["2024", "2025", "2027"]
    assert phases[0]["deadline"] == "2024-12-31"

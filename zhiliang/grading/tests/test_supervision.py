"""Supervision of labels (G6): inspections, findings with photos ledgered by hash, cases, and a
confirmed violation that ends the grading, is exposed, ledgered and queued for the national
enterprise credit publicity system. Regulators see their subtree only."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhiliang.accounts.actors import actor_for_user
from zhiliang.common.models import OutboxMessage
from zhiliang.grading import services
from zhiliang.grading.models import Case, Declaration, Exposure, Photo, RecordStatus
from zhiliang.grading.presenters import qr_url
from zhiliang.grading.services.common import SYSTEM
from zhiliang.grading.tests.conftest import ledger_kinds
from zhiliang.ledger.models import PendingEntry

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def record(producer, world, report):
    return services.declare_grade(
        actor=actor_for_user(producer.user),
        product_model_id=world.model.pk,
        grade="AAA",
        evidence_ids=[report(earns="AAA").pk],
    )


def inspect(api, person, **body):
    return api.post(
        "/api/grading/inspections",
        {"place_kind": "shop", "place": "南湖区某商场", **body},
        as_=person,
    )


def test_a_forged_qr_is_caught_when_scanned(api, county_regulator, record) -> None:
    forged = qr_url(record).replace("g=AAA&", "g=AAAAA&")
    response = inspect(api, county_regulator, scanned_url=forged, shown_grade="AAAAA")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["label_check"] == "signature_invalid"
    assert set(body["suspicions"]) == {"forged_label", "grade_above_earned"}


def test_a_listing_showing_a_higher_grade_than_the_record(api, county_regulator, record) -> None:
    body = inspect(
        api,
        county_regulator,
        place_kind="online",
        place="https://shop.example/item/1",
        scanned_url=qr_url(record),
        shown_grade="AAAA",
    ).json()
    assert body["label_check"] == "signature_valid"
    assert body["suspicions"] == ["grade_above_earned"]


def test_findings_store_photos_by_hash_and_ledger_the_hash(api, county_regulator, record) -> None:
    inspection = inspect(api, county_regulator, record_id=record.pk).json()
    response = api.client.post(
        f"/api/grading/inspections/{inspection['id']}/findings",
        {
            "note": "货架标识显示 AAAA",
            "photos": [SimpleUploadedFile("shelf.png", PNG, "image/png")],
        },
        headers={"Authorization": f"Bearer {county_regulator.token}"},
    )
    assert response.status_code == 201, response.json()
    [digest] = response.json()["photos"]
    assert Photo.objects.get().sha256 == digest
    entry = json.loads(PendingEntry.objects.order_by("pk").reverse()[0].entry)
    assert entry["kind"] == "grading.finding" and entry["body"]["photos"] == [digest]


def test_a_confirmed_violation_ends_exposes_ledgers_and_queues_it(
    api, county_regulator, record
) -> None:
    inspection = inspect(
        api, county_regulator, scanned_url=qr_url(record), shown_grade="AAAA"
    ).json()
    case = api.post(
        f"/api/grading/inspections/{inspection['id']}/cases",
        {"kind": "grade_above_earned"},
        as_=county_regulator,
    )
    assert case.status_code == 201
    assert Declaration.objects.get(pk=record.pk).status == RecordStatus.UNDER_INVESTIGATION
    assert api.get(f"/api/grading/records/{record.pk}").json()["status"] == "under_investigation"

    response = api.post(
        f"/api/grading/cases/{case.json()['id']}/confirm",
        {"note": "证据确凿"},
        as_=county_regulator,
    )

    assert response.status_code == 200, response.json()
    assert Declaration.objects.get(pk=record.pk).status == RecordStatus.REVOKED
    exposure = Exposure.objects.get()
    assert exposure.kind == "grade_above_earned" and exposure.enterprise_id == record.enterprise_id
    assert "grading.violation" in ledger_kinds()
    message = OutboxMessage.objects.get(topic="grading.violation.confirmed")
    assert message.endpoint.name == "credit-publicity"
    assert message.payload["enterprise"] == record.enterprise.credit_code
    assert api.get("/api/grading/exposures").json()["count"] == 1
    again = api.post(f"/api/grading/cases/{case.json()['id']}/confirm", {}, as_=county_regulator)
    assert again.status_code == 409


def test_a_dismissed_case_restores_the_record(api, county_regulator, record) -> None:
    inspection = inspect(api, county_regulator, record_id=record.pk).json()
    case = api.post(
        f"/api/grading/inspections/{inspection['id']}/cases",
        {"kind": "misused_label"},
        as_=county_regulator,
    ).json()
    api.post(f"/api/grading/cases/{case['id']}/dismiss", {"note": "误报"}, as_=county_regulator)
    assert Declaration.objects.get(pk=record.pk).status == RecordStatus.VALID
    assert not OutboxMessage.objects.exists() and not Exposure.objects.exists()


def test_regulators_see_only_their_subtree(
    api, county_regulator, other_county_regulator, city_regulator, record
) -> None:
    inspection = inspect(api, county_regulator, record_id=record.pk).json()
    assert [
        i["id"] for i in api.get("/api/grading/inspections", as_=city_regulator).json()["items"]
    ] == [inspection["id"]]
    assert api.get("/api/grading/inspections", as_=other_county_regulator).json()["items"] == []
    path = f"/api/grading/inspections/{inspection['id']}/cases"
    assert api.post(path, {"kind": "misused_label"}, as_=other_county_regulator).status_code == 404


def test_a_regulator_console_lists_records_of_its_subtree_only(
    client, county_regulator, other_county_regulator, record
) -> None:
    client.force_login(county_regulator.user)
    assert record.product_model.model in client.get("/grading/console/records/").content.decode()
    client.force_login(other_county_regulator.user)
    assert (
        record.product_model.model not in client.get("/grading/console/records/").content.decode()
    )


@pytest.mark.parametrize("who", ["producer", "outsider", "lab_staff"])
def test_only_regulators_supervise(request, api, record, who) -> None:
    person = request.getfixturevalue(who)
    assert inspect(api, person, record_id=record.pk).status_code == 403
    assert api.get("/api/grading/cases", as_=person).status_code == 403


def test_a_spot_check_below_the_declared_grade_opens_a_case(record) -> None:
    low = services.recheck_from_spot_check(
        actor=SYSTEM,
        record_id=record.pk,
        measured={"efficiency": Decimal("83"), "capacity": Decimal("100")},
        reference="spot-check sample 2026-001",
    )
    assert low.graded.grade == "AA" and low.case is not None
    assert (low.case.kind, low.case.source) == ("grade_above_earned", "spot_check")
    assert Declaration.objects.get(pk=record.pk).status == RecordStatus.UNDER_INVESTIGATION
    fine = services.recheck_from_spot_check(
        actor=SYSTEM,
        record_id=record.pk,
        measured={"efficiency": Decimal("95"), "capacity": Decimal("100")},
        reference="spot-check sample 2026-002",
    )
    assert fine.case is None and Case.objects.count() == 1

"""Signed evidence from labs (G4, G6): verified against the lab's registered key, refused with
every reason, ledgered; a revocation suspends every record built on it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from zhiliang.accounts.actors import actor_for_user
from zhiliang.core.grading import evidence as signed
from zhiliang.grading import services
from zhiliang.grading.models import Declaration, Evidence, Notice, RecordStatus
from zhiliang.grading.tests import factories
from zhiliang.grading.tests.conftest import ledger_kinds

pytestmark = pytest.mark.django_db
URL = "/api/lab/reports"


def send(api, person, payload, key=factories.LAB_KEY, signature=None):
    body = {"report": payload, "signature": signature or signed.sign(key, payload)}
    return api.post(URL, body, as_=person)


def codes(response) -> list[tuple[str, str]]:
    return [(p["field"], p["code"]) for p in response.json()["errors"]]


@pytest.fixture
def payload(world):
    return factories.report_payload(world.lab, world.model, world.standard.number, earns="AAAA")


def test_a_signed_report_is_accepted_and_ledgered(api, lab_staff, payload, ledger_size) -> None:
    before = ledger_size()
    response = send(api, lab_staff, payload)
    assert response.status_code == 201, response.json()
    evidence = Evidence.objects.get()
    assert response.json()["id"] == evidence.pk
    assert evidence.payload == payload and evidence.measurements["efficiency"] == "88.5"
    assert ledger_size() == before + 1 and ledger_kinds()[-1] == "grading.evidence"


def test_sending_the_same_signed_report_again_returns_the_first(api, lab_staff, payload) -> None:
    first = send(api, lab_staff, payload).json()["id"]
    assert send(api, lab_staff, payload).json()["id"] == first
    assert Evidence.objects.count() == 1


def test_a_reused_number_with_other_content_is_a_conflict(api, lab_staff, payload) -> None:
    send(api, lab_staff, payload)
    changed = {**payload, "measurements": {"efficiency": "80.5", "capacity": "100"}}
    response = send(api, lab_staff, changed)
    assert response.status_code == 409
    assert codes(response) == [("report.number", "already_registered")]


def test_a_bad_signature_is_refused_and_nothing_is_kept(
    api, lab_staff, payload, ledger_size
) -> None:
    before = ledger_size()
    response = send(api, lab_staff, payload, key=factories.OTHER_KEY)
    assert response.status_code == 422
    assert codes(response) == [("signature", "signature_invalid")]
    tampered = send(
        api,
        lab_staff,
        {**payload, "number": "X-1"},
        signature=signed.sign(factories.LAB_KEY, payload),
    )
    assert codes(tampered) == [("signature", "signature_invalid")]
    assert not Evidence.objects.exists() and ledger_size() == before


def test_a_lab_cannot_sign_for_another_lab(api, lab_staff, world) -> None:
    other = factories.accredited_lab(world.product, key=factories.OTHER_KEY)
    theirs = factories.report_payload(other, world.model, world.standard.number)
    response = send(api, lab_staff, theirs, key=factories.OTHER_KEY)  # even with their key
    assert response.status_code == 403
    assert codes(response) == [("report.lab", "not_your_lab")]


def test_every_check_of_the_content_is_named(api, lab_staff, world, payload) -> None:
    world.lab.scope.remove(world.product)
    bad = {
        **payload,
        "report_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "sample_date": timezone.localdate().isoformat(),
        "measurements": {"efficiency": "88", "colour": "3"},
    }
    response = send(api, lab_staff, bad)
    assert response.status_code == 422
    assert set(codes(response)) == {
        ("report.report_date", "in_future"),
        ("report.product_model", "body_not_accredited"),
        ("report.measurements.colour", "unknown_indicator"),
    }


def test_malformed_payloads_are_refused_field_by_field(api, lab_staff, payload) -> None:
    bad = {
        **payload,
        "product_model": "seven",
        "measurements": {"efficiency": 88.5},
        "report_date": "2026-13-01",
    }
    assert set(codes(send(api, lab_staff, bad))) == {
        ("report.product_model", "bad_id"),
        ("report.measurements.efficiency", "bad_value"),
        ("report.report_date", "bad_date"),
    }
    assert codes(send(api, lab_staff, {**payload, "format": "x"})) == [
        ("report.format", "unknown_format")
    ]
    unknown = send(api, lab_staff, {**payload, "standard": "T/NONE 1-2020"})
    assert codes(unknown) == [("report.standard", "unknown_standard")]


@pytest.mark.parametrize("who", ["producer", "county_regulator", "outsider"])
def test_only_lab_staff_submit_reports(request, api, payload, who) -> None:
    assert send(api, request.getfixturevalue(who), payload).status_code == 403


def test_the_public_must_sign_in(api, anonymous, payload) -> None:
    assert send(api, anonymous, payload).status_code == 401


def test_a_certificate_is_accepted_the_same_way(api, lab_staff, world) -> None:
    world.lab.is_certification_body = True
    world.lab.save()
    certificate = {
        "format": signed.CERTIFICATE_FORMAT,
        "body": world.lab.credit_code,
        "number": "CQC-2026-001",
        "product_model": world.model.pk,
        "standard": world.standard.number,
        "scope": "移动电源 优质性能分级认证",
        "grade": "AAAA",
        "issued_on": (timezone.localdate() - timedelta(days=20)).isoformat(),
        "valid_until": (timezone.localdate() + timedelta(days=700)).isoformat(),
        "conformity": {"product_standard": True, "mandatory_standards": True},
    }
    body = {"certificate": certificate, "signature": signed.sign(factories.LAB_KEY, certificate)}
    response = api.post("/api/lab/certificates", body, as_=lab_staff)
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["certified_grade"]) == ("certificate", "AAAA")


def test_revoking_evidence_suspends_every_record_built_on_it(
    api, lab_staff, producer, world, report
) -> None:
    evidence = report(earns="AAA")
    record = services.declare_grade(
        actor=actor_for_user(producer.user),
        product_model_id=world.model.pk,
        grade="AAA",
        evidence_ids=[evidence.pk],
    )
    response = api.post(f"{URL}/{evidence.pk}/revoke", {"reason": "仪器校准失效"}, as_=lab_staff)
    assert response.status_code == 200 and response.json()["revoked"] is True
    assert Declaration.objects.get(pk=record.pk).status == RecordStatus.SUSPENDED
    assert ledger_kinds()[-2:] == ["grading.evidence.revoked", "grading.record.status"]
    assert Notice.objects.filter(declaration=record, kind="suspended").exists()
    again = api.post(f"{URL}/{evidence.pk}/revoke", {"reason": "again"}, as_=lab_staff)
    assert again.status_code == 409


def test_a_lab_cannot_revoke_another_labs_evidence(api, lab_staff, world) -> None:
    other = factories.accredited_lab(world.product, key=factories.OTHER_KEY)
    theirs = factories.signed_report(
        other, world.model, world.standard.number, key=factories.OTHER_KEY
    )
    assert api.post(f"{URL}/{theirs.pk}/revoke", {"reason": "x"}, as_=lab_staff).status_code == 404


def test_the_lab_lists_only_its_own_evidence(api, lab_staff, world, report) -> None:
    mine = report()
    other = factories.accredited_lab(world.product, key=factories.OTHER_KEY)
    factories.signed_report(other, world.model, world.standard.number, key=factories.OTHER_KEY)
    items = api.get(URL, as_=lab_staff).json()["items"]
    assert [i["id"] for i in items] == [mine.pk]


def test_the_producer_sees_evidence_about_its_models_only(api, producer, outsider, report) -> None:
    evidence = report()
    assert [i["id"] for i in api.get("/api/grading/evidence", as_=producer).json()["items"]] == [
        evidence.pk
    ]
    assert api.get("/api/grading/evidence", as_=outsider).json()["items"] == []

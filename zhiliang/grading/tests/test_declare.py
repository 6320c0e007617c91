"""Declaring a grade (G4): accepted with its record, signature and ledger entry, or refused with
every failed check named, and nothing written."""

import json
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from zhiliang.common.models import AuditEvent
from zhiliang.grading.models import Declaration, RecordStatus
from zhiliang.grading.tests import factories
from zhiliang.grading.tests.conftest import ledger_kinds
from zhiliang.ledger.models import PendingEntry
from zhiliang.registry.tests.factories import ProductModelFactory

pytestmark = pytest.mark.django_db
URL = "/api/grading/declarations"


def declare(api, person, model, evidence, grade="AAA", **extra):
    body = {"product_model_id": model.pk, "grade": grade, "evidence_ids": [e.pk for e in evidence]}
    return api.post(URL, {**body, **extra}, as_=person)


def codes(response) -> list[tuple[str, str]]:
    return [(p["field"], p["code"]) for p in response.json()["errors"]]


def test_a_supported_grade_is_published_signed_and_ledgered(
    api, producer, world, report, ledger_size
) -> None:
    evidence = report(earns="AAA")
    before = ledger_size()

    response = declare(api, producer, world.model, [evidence])

    assert response.status_code == 201, response.json()
    item = response.json()
    record = Declaration.objects.get()
    assert item["id"] == record.pk
    assert (item["grade"], item["standard"], item["status"]) == (
        "AAA",
        world.standard.number,
        "valid",
    )
    assert (
        item["valid_until"]
        == (
            evidence.issued_on.replace(year=evidence.issued_on.year + 1) - timedelta(days=1)
        ).isoformat()
    )
    assert item["qr_url"].startswith(f"https://zl.example.gov.cn/grading/r/{record.pk}?g=AAA&s=")
    assert item["label_png_url"] == f"https://zl.example.gov.cn/grading/r/{record.pk}/label.png"
    assert item["ledger_index"] is None  # pending until the sequencer runs
    assert ledger_size() == before + 1 and ledger_kinds()[-1] == "grading.record"
    fact = json.loads(PendingEntry.objects.order_by("pk").reverse()[0].entry)["body"]
    assert (fact["record"], fact["grade"], fact["earned_grade"]) == (record.pk, "AAA", "AAA")
    assert fact["enterprise"] == producer.enterprise.credit_code
    assert fact["label_signature"] == record.label_signature
    assert AuditEvent.objects.filter(
        action="grading.declaration.accept", outcome="accepted"
    ).exists()


def test_a_lower_grade_than_earned_may_be_declared(api, producer, world, report) -> None:
    assert (
        declare(api, producer, world.model, [report(earns="AAAA")], grade="AA").status_code == 201
    )


def test_an_overstated_grade_is_refused_and_the_earned_one_offered(
    api, producer, world, report, ledger_size
) -> None:
    evidence = report(earns="AAA")
    before = ledger_size()

    response = declare(api, producer, world.model, [evidence], grade="AAAA")

    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert (problem["field"], problem["code"]) == ("grade", "grade_above_earned")
    assert problem["detail"] == {"earned": "AAA"}
    assert "AAA" in problem["reason"]
    assert not Declaration.objects.exists() and ledger_size() == before
    assert AuditEvent.objects.filter(outcome="refused").exists()


def test_a_product_out_of_the_catalogue_is_refused(api, producer, world, report) -> None:
    world.product.grading_catalogue_entries.update(until=date(2025, 1, 31))
    response = declare(api, producer, world.model, [report()])
    assert response.status_code == 422
    assert ("product_model_id", "product_not_in_catalogue") in codes(response)


def test_a_wrong_or_superseded_standard_is_refused(api, producer, world, report) -> None:
    response = declare(api, producer, world.model, [report()], standard="T/NOPE 1-2020")
    assert codes(response) == [("standard", "standard_not_in_force")]
    assert response.json()["errors"][0]["detail"] == {"in_force": world.standard.number}

    old = factories.standard_for(world.product, "T/OLD 1-2023", effective_from=date(2023, 1, 1))
    old.until = date(2024, 12, 31)
    old.save()
    response = declare(api, producer, world.model, [report()], standard="T/OLD 1-2023")
    assert codes(response) == [("standard", "standard_superseded")]


@pytest.mark.parametrize(
    ("trouble", "code"),
    [
        ("old", "evidence_expired"),
        ("revoked", "evidence_revoked"),
        ("unsigned", "evidence_unsigned"),
        ("unaccredited", "body_not_accredited"),
        ("other_model", "evidence_other_model"),
        ("non_conforming", "not_conforming"),
    ],
)
def test_each_evidence_fault_is_refused_with_its_position(
    api, producer, world, report, trouble, code
) -> None:
    good = report()
    bad = (
        report(report_date=timezone.localdate() - timedelta(days=366))
        if trouble == "old"
        else report(conforms=trouble != "non_conforming")
    )
    if trouble == "revoked":
        bad.revoked_at = timezone.now()
        bad.save()
    if trouble == "unsigned":
        bad.payload = {**bad.payload, "measurements": {"efficiency": "95", "capacity": "100"}}
        bad.save()
    if trouble == "unaccredited":
        world.lab.scope.remove(world.product)
    if trouble == "other_model":
        bad.product_model = ProductModelFactory(
            enterprise=producer.enterprise, product=world.product
        )
        bad.save()

    response = declare(api, producer, world.model, [good, bad], grade="A")

    assert response.status_code == 422
    assert ("evidence_ids.1", code) in codes(response)
    assert not Declaration.objects.exists()


def test_conformity_must_be_stated(api, producer, world, report) -> None:
    evidence = report()
    evidence.conforms_mandatory = None
    evidence.save()
    assert codes(declare(api, producer, world.model, [evidence])) == [
        ("evidence_ids", "conformity_missing")
    ]


def test_evidence_a_producer_cannot_see_is_unknown(api, producer, outsider, world, report) -> None:
    theirs: Any = ProductModelFactory(enterprise=outsider.enterprise, product=world.product)
    foreign = factories.signed_report(world.lab, theirs, world.standard.number)
    response = declare(api, producer, world.model, [report(), foreign], grade="A")
    assert ("evidence_ids.1", "unknown_evidence") in codes(response)


def test_a_producer_cannot_declare_for_another_enterprise(api, outsider, world, report) -> None:
    response = declare(api, outsider, world.model, [report()])
    assert response.status_code == 404
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("who", ["county_regulator", "lab_staff", "admin_user"])
def test_only_producers_declare(request, api, world, report, who) -> None:
    response = declare(api, request.getfixturevalue(who), world.model, [report()])
    assert response.status_code == 403


def test_the_public_must_sign_in(api, anonymous, world, report) -> None:
    assert declare(api, anonymous, world.model, [report()]).status_code == 401


def test_a_retry_with_the_same_key_returns_the_same_record(api, producer, world, report) -> None:
    evidence = report()
    body = {"product_model_id": world.model.pk, "grade": "AAA", "evidence_ids": [evidence.pk]}
    first = api.post(URL, body, as_=producer, headers={"Idempotency-Key": "k-1"})
    again = api.post(URL, body, as_=producer, headers={"Idempotency-Key": "k-1"})
    other = api.post(URL, {**body, "grade": "A"}, as_=producer, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert first.json()["id"] == again.json()["id"] and Declaration.objects.count() == 1


def test_a_record_is_renewed_with_new_evidence(api, producer, world, report) -> None:
    first = declare(
        api, producer, world.model, [report(report_date=timezone.localdate() - timedelta(days=300))]
    ).json()
    response = api.post(
        f"/api/grading/records/{first['id']}/renew",
        {"grade": "AAAA", "evidence_ids": [report(earns="AAAA").pk]},
        as_=producer,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["grade"] == "AAAA"
    assert Declaration.objects.get(pk=first["id"]).status == RecordStatus.RENEWED
    assert "grading.record.status" in ledger_kinds()


def test_the_standard_in_force_changes_over_time(api, producer, world, report) -> None:
    """A national standard supersedes the group standard from its effective date (G2)."""
    national = factories.standard_for(
        world.product, "GB/T 99999-2027", level="national", effective_from=date(2027, 3, 1)
    )
    with time_machine.travel(date(2027, 2, 28), tick=False):
        evidence = factories.signed_report(world.lab, world.model, world.standard.number)
        ok = declare(api, producer, world.model, [evidence])
        assert ok.status_code == 201 and ok.json()["standard"] == world.standard.number
    with time_machine.travel(date(2027, 3, 1), tick=False):
        refused = declare(api, producer, world.model, [evidence], standard=world.standard.number)
        assert ("standard", "standard_superseded") in codes(refused)
        assert ("evidence_ids.0", "evidence_other_standard") in codes(refused)
        fresh = factories.signed_report(world.lab, world.model, national.number)
        ok = declare(api, producer, world.model, [fresh])
        assert ok.status_code == 201 and ok.json()["standard"] == "GB/T 99999-2027"


def test_records_expire_when_the_oldest_evidence_turns_one(api, producer, world, report) -> None:
    evidence = report(report_date=timezone.localdate() - timedelta(days=10))
    record = declare(api, producer, world.model, [evidence]).json()
    after = evidence.issued_on.replace(year=evidence.issued_on.year + 1)
    with time_machine.travel(after, tick=False):
        assert api.get(f"/api/grading/records/{record['id']}").json()["status"] == "expired"

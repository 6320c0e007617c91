"""The back office: an administrator edits a standard's rules (validated, versioned, ledgered);
a second standard of the same level for the same period is refused with a clear error."""

import json

import pytest

from zhiliang.grading import selectors
from zhiliang.grading.tests import factories
from zhiliang.grading.tests.conftest import ledger_kinds

pytestmark = pytest.mark.django_db


def form_data(standard, rules, **changes):
    data = {
        "product": standard.product_id,
        "number": standard.number,
        "title": standard.title,
        "level": standard.level,
        "issuer": standard.issuer,
        "published_on": standard.published_on.isoformat(),
        "effective_from": standard.effective_from.isoformat(),
        "until": "",
        "text_url": "",
        "note": "",
        "rules": json.dumps(rules, ensure_ascii=False),
    }
    return {**data, **changes}


def test_an_admin_edit_of_the_rules_adds_a_version(client, admin_user, world) -> None:
    client.force_login(admin_user.user)
    rules = factories.rules(world.standard.number)
    rules["indicators"][0]["thresholds"]["AAAAA"] = "92"
    url = f"/admin/grading/gradingstandard/{world.standard.pk}/change/"
    response = client.post(url, form_data(world.standard, rules))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert selectors.current_rules(world.standard).version == 2
    assert "grading.rule_set" in ledger_kinds()


def test_invalid_rules_and_overlapping_standards_are_refused(client, admin_user, world) -> None:
    client.force_login(admin_user.user)
    rules = factories.rules("T/RIVAL 1-2026")
    rules["indicators"][0]["thresholds"]["AAAAA"] = "10"
    response = client.post(
        "/admin/grading/gradingstandard/add/",
        form_data(world.standard, rules, number="T/RIVAL 1-2026", effective_from="2026-01-01"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert world.standard.number in page  # the standard it would overlap is named
    assert "thresholds" in page


def test_regulators_read_records_in_their_subtree_only(
    client, county_regulator, other_county_regulator, world, report, producer
) -> None:
    from zhiliang.accounts.actors import actor_for_user
    from zhiliang.grading import services

    record = services.declare_grade(
        actor=actor_for_user(producer.user),
        product_model_id=world.model.pk,
        grade="AAA",
        evidence_ids=[report().pk],
    )
    for person in (county_regulator, other_county_regulator):
        person.user.is_staff = True
        person.user.save()
    client.force_login(county_regulator.user)
    assert client.get(f"/admin/grading/declaration/{record.pk}/change/").status_code == 200
    client.force_login(other_county_regulator.user)
    assert client.get(f"/admin/grading/declaration/{record.pk}/change/").status_code == 302

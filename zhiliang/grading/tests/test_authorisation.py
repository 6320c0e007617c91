"""Who may do what in grading: every console and write is a 404 (or 403 for a role that can
never use it) for outsiders; regulators work in their subtree; the public reads everything
public. List pages cost a fixed number of queries."""

import pytest

from zhiliang.accounts.actors import actor_for_user
from zhiliang.grading import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(producer, world, report):
    return services.declare_grade(
        actor=actor_for_user(producer.user),
        product_model_id=world.model.pk,
        grade="AAA",
        evidence_ids=[report().pk],
    )


def test_an_outsider_cannot_renew_another_enterprises_record(api, outsider, record, report) -> None:
    body = {"grade": "AAA", "evidence_ids": [report().pk]}
    response = api.post(f"/api/grading/records/{record.pk}/renew", body, as_=outsider)
    assert response.status_code == 404


def test_a_suspended_record_is_renewed_with_new_evidence(api, producer, record, report) -> None:
    record.status = "suspended"
    record.save()
    body = {"grade": "AAA", "evidence_ids": [report().pk]}
    response = api.post(f"/api/grading/records/{record.pk}/renew", body, as_=producer)
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/grading/console/lab/", "/grading/console/supervision/"])
def test_other_roles_consoles_are_404_for_an_outsider(client, outsider, world, path) -> None:
    client.force_login(outsider.user)
    assert client.get(path).status_code == 404


def test_an_inspection_page_is_404_outside_the_jurisdiction(
    client, api, county_regulator, other_county_regulator, record
) -> None:
    body = {"place_kind": "shop", "place": "某商场", "record_id": record.pk}
    inspection = api.post("/api/grading/inspections", body, as_=county_regulator).json()
    client.force_login(other_county_regulator.user)
    assert client.get(f"/grading/console/inspections/{inspection['id']}/").status_code == 404
    client.force_login(county_regulator.user)
    assert client.get(f"/grading/console/inspections/{inspection['id']}/").status_code == 200
    export = client.get("/grading/console/supervision/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_producers_console_has_a_grading_card(client, producer, record) -> None:
    client.force_login(producer.user)
    assert 'data-testid="card-grading"' in client.get("/console/").content.decode()


def test_the_public_record_list_costs_a_fixed_number_of_queries(
    client, record, producer, world, report, django_assert_num_queries
) -> None:
    for _ in range(3):  # more records, the same queries
        services.declare_grade(
            actor=actor_for_user(producer.user),
            product_model_id=world.model.pk,
            grade="A",
            evidence_ids=[report().pk],
        )
    with django_assert_num_queries(4):  # count, page, catalogue, standards
        assert client.get("/grading/").status_code == 200

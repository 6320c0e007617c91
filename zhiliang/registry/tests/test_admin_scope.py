"""The back office reads through the same selectors: a regulator sees its subtree, read-only."""

from django.test import Client


def _client(person) -> Client:
    client = Client()
    person.user.is_staff = True
    person.user.save()
    client.force_login(person.user)
    return client


def test_regulator_sees_only_its_subtree_in_the_admin(county_regulator, producer, outsider) -> None:
    page = _client(county_regulator).get("/admin/registry/enterprise/").content.decode()
    assert producer.enterprise.name in page
    assert outsider.enterprise.name not in page
    other = _client(county_regulator).get(
        f"/admin/registry/enterprise/{outsider.enterprise.pk}/change/"
    )
    assert other.status_code in (302, 404)  # the admin redirects to the index for unknown ids


def test_regulator_cannot_edit_through_the_admin(county_regulator, producer) -> None:
    url = f"/admin/registry/enterprise/{producer.enterprise.pk}/change/"
    client = _client(county_regulator)
    client.post(url, {"name": "改名", "credit_code": producer.enterprise.credit_code})
    producer.enterprise.refresh_from_db()
    assert producer.enterprise.name != "改名"


def test_enterprise_member_has_no_back_office(producer) -> None:
    response = _client(producer).get("/admin/registry/enterprise/")
    assert response.status_code == 403


def test_admin_sees_everything(admin_user, producer, outsider) -> None:
    page = _client(admin_user).get("/admin/registry/enterprise/").content.decode()
    assert producer.enterprise.name in page and outsider.enterprise.name in page

"""A client that retries a POST with its Idempotency-Key gets the first answer, not a duplicate."""

import pytest

from zhiliang.common.tests.test_audit import ENTERPRISES, enterprise_body
from zhiliang.core.identifiers import make_uscc
from zhiliang.registry.models import Enterprise

pytestmark = pytest.mark.both_databases


def test_a_retry_with_the_same_key_returns_the_same_enterprise(api, county_regulator) -> None:
    key = {"Idempotency-Key": "register-nanhu-1"}

    first = api.post(ENTERPRISES, enterprise_body(), as_=county_regulator, headers=key)
    again = api.post(ENTERPRISES, enterprise_body(), as_=county_regulator, headers=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Enterprise.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api, county_regulator) -> None:
    key = {"Idempotency-Key": "register-nanhu-1"}
    api.post(ENTERPRISES, enterprise_body(), as_=county_regulator, headers=key)

    response = api.post(
        ENTERPRISES, enterprise_body(name="另一家公司"), as_=county_regulator, headers=key
    )

    assert response.status_code == 409
    [problem] = response.json()["errors"]
    assert (problem["field"], problem["code"]) == ("Idempotency-Key", "idempotency_key_reused")
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["嘉兴市南湖审计电器有限公司"]


def test_without_a_key_a_second_registration_is_a_duplicate(api, county_regulator) -> None:
    first = api.post(ENTERPRISES, enterprise_body(), as_=county_regulator)
    again = api.post(ENTERPRISES, enterprise_body(), as_=county_regulator)

    assert (first.status_code, again.status_code) == (201, 409)
    [problem] = again.json()["errors"]
    assert (problem["field"], problem["code"]) == ("credit_code", "already_registered")
    assert Enterprise.objects.count() == 1


def test_keys_belong_to_their_caller(api, county_regulator, city_regulator) -> None:
    key = {"Idempotency-Key": "register-1"}
    api.post(ENTERPRISES, enterprise_body(), as_=county_regulator, headers=key)

    other = enterprise_body(credit_code=make_uscc("9", "1", "330402", "MA000002"), name="另一家")
    response = api.post(ENTERPRISES, other, as_=city_regulator, headers=key)

    assert response.status_code == 201  # the same key from someone else is a new request
    assert Enterprise.objects.count() == 2

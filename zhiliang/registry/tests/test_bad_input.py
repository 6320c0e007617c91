"""Bad input gets a 4xx naming the field and the reason, and leaves nothing behind."""

import json

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiliang.common.models import AuditEvent
from zhiliang.core import identifiers
from zhiliang.registry.models import CccCertificate, Enterprise, ProductModel
from zhiliang.registry.tests.factories import ProductFactory


def _enterprise(**overrides):
    body = {
        "credit_code": identifiers.make_uscc("9", "1", "330402", "MA7Q0002"),
        "name": "嘉兴市示例电器有限公司",
        "address": "南湖区南湖街道1号",
        "town_code": "330402010",
        "size": "small",
        "roles": ["producer"],
    }
    return {**body, **overrides}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("credit_code", "91330402MA2B3C4D1X", "bad_check_char"),
        ("credit_code", "91330402MA2B3C4D1", "bad_length"),
        ("credit_code", "91330402ma2b3c4d1n", "illegal_character"),
        ("credit_code", "91330402MA2B3C4DIN", "forbidden_letter"),
        ("town_code", "330499001", "unknown_region"),
        ("town_code", "33040", "bad_length"),
        ("town_code", "330402", "not_a_town"),
    ],
)
def test_invalid_enterprise_field_is_named_with_its_reason(
    api, county_regulator, field, value, code
) -> None:
    before = Enterprise.objects.count()
    response = api.post(
        "/api/registry/enterprises", _enterprise(**{field: value}), as_=county_regulator
    )
    assert response.status_code == 422, response.content
    [problem] = response.json()["errors"]
    assert (problem["field"], problem["code"]) == (field, code)
    assert problem["reason"]
    assert Enterprise.objects.count() == before
    refusal = AuditEvent.objects.get(outcome="refused")
    assert refusal.user_id == county_regulator.user.pk
    assert refusal.detail["problems"][0]["code"] == code


def test_every_problem_is_reported_at_once(api, county_regulator) -> None:
    body = _enterprise(credit_code="9133040200000000XX", town_code="330402", name=" ")
    fields = {
        p["field"]
        for p in api.post("/api/registry/enterprises", body, as_=county_regulator).json()["errors"]
    }
    assert fields == {"credit_code", "town_code", "name"}


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("2021011119", "length"),
        ("20210111190005X6", "not_digits"),
        ("1999011119000536", "year"),
        ("2021991119000536", "body"),
    ],
)
def test_invalid_ccc_number(api, producer, number, code) -> None:
    body = {"number": number, "issued_on": "2023-01-01", "valid_until": "2028-01-01"}
    response = api.post(
        f"/api/registry/enterprises/{producer.enterprise.pk}/ccc-certificates", body, as_=producer
    )
    assert response.status_code == 422
    assert [(p["field"], p["code"]) for p in response.json()["errors"]] == [("number", code)]
    assert not CccCertificate.objects.exists()


@pytest.mark.parametrize(
    ("gtin", "code"),
    [
        ("6901234567890", "bad_check_digit"),
        ("69012345678", "bad_length"),
        ("690123456789２", "non_numeric"),
    ],
)
def test_invalid_gtin(api, producer, gtin, code) -> None:
    body = {
        "enterprise_id": producer.enterprise.pk,
        "product_id": ProductFactory.create().pk,
        "brand": "禾美",
        "model": "X1",
        "gtin": gtin,
    }
    response = api.post("/api/registry/product-models", body, as_=producer)
    assert response.status_code == 422
    assert [(p["field"], p["code"]) for p in response.json()["errors"]] == [("gtin", code)]
    assert not ProductModel.objects.exists()


def test_schema_violations_name_the_field(api, county_regulator) -> None:
    response = api.post(
        "/api/registry/enterprises", _enterprise(size="huge", roles=[]), as_=county_regulator
    )
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["errors"]} >= {"size"}


def test_malformed_json_is_400(api, county_regulator) -> None:
    response = api.post("/api/registry/enterprises", '{"credit_code": ', as_=county_regulator)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "malformed"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_413(api, county_regulator) -> None:
    response = api.post(
        "/api/registry/enterprises", _enterprise(address="路" * 2000), as_=county_regulator
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "body"
    assert not Enterprise.objects.filter(name="嘉兴市示例电器有限公司").exists()


def test_bad_token_is_401_not_public(api, db) -> None:
    response = api.client.get(
        "/api/registry/regions", headers={"Authorization": "Bearer zl_nonsense"}
    )
    assert response.status_code == 401


# Every write endpoint that exists, fed random JSON: never a 5xx.
WRITE_ENDPOINTS = [
    ("post", "/api/registry/enterprises"),
    ("patch", "/api/registry/enterprises/{own}"),
    ("post", "/api/registry/enterprises/{own}/ccc-certificates"),
    ("post", "/api/registry/enterprises/{own}/licences"),
    ("post", "/api/registry/enterprises/{own}/quality-certifications"),
    ("post", "/api/registry/product-models"),
    ("post", "/api/accounts/tokens"),
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "credit_code",
        "name",
        "address",
        "town_code",
        "size",
        "roles",
        "number",
        "issued_on",
        "valid_until",
        "status",
        "product_id",
        "enterprise_id",
        "brand",
        "model",
        "gtin",
        "scopes",
        "days",
        "standard",
        "body_name",
        "published",
        "established_on",
    ]
)
bodies = st.one_of(
    st.dictionaries(field_names, json_values, max_size=8),
    json_values,
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
)


@pytest.mark.parametrize(("method", "path"), WRITE_ENDPOINTS)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies)
def test_random_bodies_never_5xx(api, producer, county_regulator, method, path, body) -> None:
    url = path.format(own=producer.enterprise.pk)
    data = body if isinstance(body, str) else json.dumps(body)
    for person in (producer, county_regulator):
        response = getattr(api, method)(url, data, as_=person)
        assert response.status_code < 500, (url, body, response.content)


def test_refusals_by_the_api_itself_are_audited(api, county_regulator, anonymous) -> None:
    api.post("/api/registry/enterprises", '{"credit_code": ', as_=county_regulator)
    api.post("/api/registry/enterprises", _enterprise(size="huge"), as_=county_regulator)
    api.post("/api/registry/enterprises", _enterprise(), as_=anonymous)
    statuses = sorted(e.detail["status"] for e in AuditEvent.objects.filter(outcome="refused"))
    assert statuses == [400, 401, 422]
    assert not Enterprise.objects.filter(name="嘉兴市示例电器有限公司").exists()

"""Who may do what to whom: every role × object kind × action that exists in the registry.

The target is a producer in 南湖区 (county 330402) with an unpublished product model. A row says
what each role gets; "hidden" means the same 404 as for an object that does not exist.
"""

import pytest

from zhiliang.core import identifiers
from zhiliang.registry.models import Enterprise, ProductModel
from zhiliang.registry.tests.factories import ProductFactory, ProductModelFactory

ROLES = [
    "anonymous",
    "producer",
    "outsider",
    "county_regulator",
    "other_county_regulator",
    "city_regulator",
    "department_reader",
    "lab_staff",
    "platform_operator",
    "connected_system",
    "admin_user",
]

# role: (read enterprise, listed, update, register, add CCC, read model, create model)
MATRIX = {
    "anonymous":              (401, False, 401, 401, 401, 401, 401),
    "producer":               (200, True,  200, 403, 201, 200, 201),
    "outsider":               (404, False, 404, 403, 404, 404, 404),
    "county_regulator":       (200, True,  200, 201, 201, 200, 403),
    "other_county_regulator": (404, False, 404, 422, 404, 404, 404),
    "city_regulator":         (200, True,  200, 201, 201, 200, 403),
    "department_reader":      (200, True,  403, 403, 403, 200, 403),
    "lab_staff":              (404, False, 403, 403, 403, 404, 403),
    "platform_operator":      (404, False, 403, 403, 403, 404, 403),
    "connected_system":       (404, False, 403, 403, 403, 404, 403),
    "admin_user":             (200, True,  200, 201, 201, 200, 201),
}  # fmt: skip


@pytest.fixture
def cast(
    request,
    producer,
    outsider,
    county_regulator,
    other_county_regulator,
    city_regulator,
    department_reader,
    lab_staff,
    platform_operator,
    connected_system,
    admin_user,
    anonymous,
):
    return {name: request.getfixturevalue(name) for name in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_registry_matrix(role, cast, api, producer) -> None:
    person = cast[role]
    read, listed, update, register, add_ccc, read_model, create_model = MATRIX[role]
    target: Enterprise = producer.enterprise
    model = ProductModelFactory.create(enterprise=target, published=False)
    product = ProductFactory.create()

    assert api.get(f"/api/registry/enterprises/{target.pk}", as_=person).status_code == read
    listing = api.get("/api/registry/enterprises", as_=person, limit=1000)
    ids = {e["id"] for e in listing.json()["items"]} if listing.status_code == 200 else set()
    assert (target.pk in ids) is listed
    patched = api.patch(
        f"/api/registry/enterprises/{target.pk}", {"address": "新地址1号"}, as_=person
    )
    assert patched.status_code == update, patched.content
    body = {
        "credit_code": identifiers.make_uscc("9", "1", "330402", "MA7Q0001"),
        "name": "嘉兴市新登记电器有限公司",
        "address": "南湖区南湖街道1号",
        "town_code": "330402010",
        "size": "small",
        "roles": ["producer"],
    }
    registered = api.post("/api/registry/enterprises", body, as_=person)
    assert registered.status_code == register, registered.content
    ccc = {
        "number": identifiers.make_ccc(year=2023, body="01", category="0907", serial=77),
        "issued_on": "2023-01-05",
        "valid_until": "2028-01-04",
    }
    added = api.post(f"/api/registry/enterprises/{target.pk}/ccc-certificates", ccc, as_=person)
    assert added.status_code == add_ccc, added.content
    assert api.get(f"/api/registry/product-models/{model.pk}", as_=person).status_code == read_model
    new_model = {
        "enterprise_id": target.pk,
        "product_id": product.pk,
        "brand": "禾美",
        "model": "NEW-1",
    }
    created = api.post("/api/registry/product-models", new_model, as_=person)
    assert created.status_code == create_model, created.content

    # What the public sees is the same for everyone.
    assert api.get(f"/api/registry/profiles/{target.pk}", as_=person).status_code == 200
    assert api.get("/api/registry/regions", as_=person, level="county").json()["count"] == 7
    # Refused writes changed nothing.
    if update != 200:
        target.refresh_from_db()
        assert target.address != "新地址1号"
    if create_model != 201:
        assert not ProductModel.objects.filter(model="NEW-1").exists()


def test_public_sees_only_published_profiles(api, producer, anonymous) -> None:
    target = producer.enterprise
    target.published = False
    target.save()
    assert api.get(f"/api/registry/profiles/{target.pk}", as_=anonymous).status_code == 404
    listed = api.get("/api/registry/profiles", as_=anonymous).json()["items"]
    assert target.pk not in {e["id"] for e in listed}


def test_a_regulators_subtree_is_a_prefix_on_whole_codes(
    api, county_regulator, outsider, producer
) -> None:
    """南湖区 (330402) sees its own towns and nothing of 桐乡市 (330483)."""
    items = api.get("/api/registry/enterprises", as_=county_regulator).json()["items"]
    assert {e["id"] for e in items} == {producer.enterprise.pk}

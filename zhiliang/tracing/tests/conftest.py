"""Traceability fixtures: the shared EPCIS scenario's three enterprises with their GS1 company
prefixes and members, and a loader for the conformance documents."""

from typing import Any

import pytest

from conftest import Person, _make
from zhiliang.accounts.roles import Role
from zhiliang.core.tests.shared import load_json
from zhiliang.registry.tests.factories import EnterpriseFactory, ProductModelFactory
from zhiliang.tracing.models import CompanyPrefix

MANIFEST = load_json("conformance/epcis/manifest.json")
SCENARIO = MANIFEST["scenario"]
OWN = [c["path"] for c in MANIFEST["own_valid"]]


def document(path_or_name: str) -> Any:
    path = next((p for p in OWN if path_or_name in p), path_or_name)
    return load_json(path)


class Chain:
    """The scenario's battery maker in 南湖区, distributor in 秀洲区, retailer in 桐乡市."""

    def __init__(self) -> None:
        parties = SCENARIO["parties"]
        towns = {"producer": "330402010", "distributor": "330411002", "retailer": "330483001"}
        self.enterprises = {}
        self.people: dict[str, Person] = {}
        for role, town in towns.items():
            party = parties[role]
            enterprise: Any = EnterpriseFactory(
                credit_code=party["uscc"],
                name=party["name"].replace(" (synthetic)", ""),
                county=town[:6],
                town_code=town,
                is_producer=role == "producer",
                is_seller=role != "producer",
            )
            CompanyPrefix.objects.create(
                prefix=party["pgln"].split(":")[-1].split(".")[0], enterprise=enterprise
            )
            self.enterprises[role] = enterprise
            self.people[role] = _make(
                f"{role}-member", Role.ENTERPRISE_MEMBER, enterprise=enterprise
            )
        self.model = ProductModelFactory(
            enterprise=self.enterprises["producer"], gtin=SCENARIO["product"]["gtin"]
        )

    @property
    def producer(self) -> Person:
        return self.people["producer"]

    @property
    def distributor(self) -> Person:
        return self.people["distributor"]

    @property
    def retailer(self) -> Person:
        return self.people["retailer"]


@pytest.fixture
def chain(regions) -> Chain:
    return Chain()


def capture(api, doc: Any, as_: Person, behaviour: str | None = None) -> Any:
    headers = {"GS1-Capture-Error-Behaviour": behaviour} if behaviour else None
    return api.post("/epcis/capture", doc, as_=as_, headers=headers)


@pytest.fixture(autouse=True)
def _fresh_caches(settings) -> None:
    """Rate-limit counters and scan cards live in caches, which outlive a test's database; the
    signed tree's size is read afresh on every scan."""
    from django.core.cache import cache

    from zhiliang.tracing import ratelimit
    from zhiliang.tracing.selectors import scan

    cache.clear()
    scan.forget()
    ratelimit.forget()
    settings.TRACING_TREE_SIZE_SECONDS = 0

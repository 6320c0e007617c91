"""A small grading world for the tests: a catalogued product with a standard in force, the
producer's model of it, an accredited lab with a known key, and helpers to count the ledger."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pytest

from zhiliang.grading.models import GradingStandard
from zhiliang.grading.tests import factories
from zhiliang.ledger.models import PendingEntry
from zhiliang.registry.models import Product, ProductModel, TestingBody
from zhiliang.registry.tests.factories import ProductModelFactory


@dataclass
class World:
    product: Product
    standard: GradingStandard
    model: ProductModel
    lab: TestingBody


@pytest.fixture(autouse=True)
def _public_url(settings) -> None:
    settings.PUBLIC_URL = "https://zl.example.gov.cn"


@pytest.fixture
def world(producer, lab_staff) -> World:
    product = factories.catalogued_product()
    standard = factories.standard_for(product)
    model = cast(ProductModel, ProductModelFactory(enterprise=producer.enterprise, product=product))
    lab = lab_staff.user.lab
    lab.public_key = factories.public_key_of(factories.LAB_KEY)
    lab.save()
    lab.scope.add(product)
    return World(product, standard, model, lab)


@pytest.fixture
def report(world):
    """Make a signed report about the world's model (``earns="AAA"`` by default)."""

    def make(**options):
        return factories.signed_report(world.lab, world.model, world.standard.number, **options)

    return make


@pytest.fixture
def ledger_size() -> Callable[[], int]:
    """Entries queued for the ledger (pending; the sequencer integrates them later)."""
    return lambda: PendingEntry.objects.count()


def ledger_kinds() -> list[str]:
    return list(PendingEntry.objects.order_by("pk").values_list("kind", flat=True))

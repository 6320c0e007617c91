"""The shipped catalogue, standards and rule sets load once, versioned and ledgered; the
precedence rules hold for standards an administrator adds (G1, G2)."""

from datetime import date

import pytest

from zhiliang.common.errors import DomainError
from zhiliang.grading import selectors, services
from zhiliang.grading.models import CatalogueEntry, GradingStandard, RuleSetVersion
from zhiliang.grading.services.common import SYSTEM
from zhiliang.grading.services.standards import add_rule_version, precedence_problems
from zhiliang.grading.tests.conftest import ledger_kinds
from zhiliang.registry import reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(regions):
    reference.load_catalogue()
    return services.load_reference()


def test_the_reference_loads_once(loaded) -> None:
    assert loaded.standards >= 4 and loaded.catalogue == CatalogueEntry.objects.count()
    again = services.load_reference()
    assert (again.catalogue, again.standards, again.rule_versions, again.policies) == (0, 0, 0, 0)
    assert {"grading.catalogue", "grading.standard", "grading.rule_set"} <= set(ledger_kinds())


def test_the_first_batch_and_pilot_products_are_in_the_catalogue_history(loaded) -> None:
    current = {e.product.name for e in selectors.catalogue_on(date(2026, 1, 1))}
    assert {"移动电源", "智能坐便器", "床垫", "陶瓷砖"} <= current
    assert "旅行拉杆箱" not in current
    pilot = {e.product.name for e in selectors.catalogue_on(date(2020, 1, 1))}
    assert pilot == {"智能坐便器", "移动电源", "羽绒服装", "扫地机器人", "旅行拉杆箱"}


def test_one_standard_is_in_force_for_each_catalogue_product(loaded) -> None:
    for entry in selectors.catalogue_on(date(2026, 1, 1)):
        assert selectors.standard_in_force(entry.product_id, date(2026, 1, 1)) is not None


def test_a_second_group_standard_for_the_same_period_is_refused(loaded) -> None:
    power_bank = GradingStandard.objects.get(number="T/SZBIA 0002-2025")
    rival = GradingStandard(
        product=power_bank.product,
        number="T/OTHER 1-2026",
        title="x",
        level="group",
        issuer="x",
        published_on=date(2026, 1, 1),
        effective_from=date(2026, 1, 1),
    )
    [problem] = precedence_problems(rival)
    assert (problem.field, problem.code) == ("effective_from", "same_level_overlap")
    assert "T/SZBIA 0002-2025" in problem.reason
    national = GradingStandard(
        product=power_bank.product,
        number="GB/T 1-2027",
        title="x",
        level="national",
        issuer="x",
        published_on=date(2027, 1, 1),
        effective_from=date(2027, 1, 1),
    )
    assert precedence_problems(national) == []


def test_a_changed_rule_set_is_a_new_version_and_an_invalid_one_is_refused(loaded) -> None:
    standard = GradingStandard.objects.get(number="T/SZBIA 0002-2025")
    document = dict(selectors.current_rules(standard).document)
    document["notes"] = "revised"
    from django.db import transaction

    with transaction.atomic():
        version = add_rule_version(SYSTEM, standard, document)
    assert version.version == 2 and selectors.current_rules(standard) == version
    broken = {**document, "indicators": []}
    with pytest.raises(DomainError) as caught, transaction.atomic():
        add_rule_version(SYSTEM, standard, broken)
    assert caught.value.problems[0].code == "rules_invalid"
    assert RuleSetVersion.objects.filter(standard=standard).count() == 2

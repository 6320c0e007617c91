"""A declaration's checks: every refusal of G4 named with its field, all at once."""

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhiliang.core.grading.declaration import (
    CERTIFICATE,
    TEST_REPORT,
    Claim,
    EvidenceFacts,
    Refusal,
    check_declaration,
    one_year_after,
    valid_until,
)
from zhiliang.core.grading.rules import Indicator, RuleSet

D = Decimal
TODAY = date(2026, 11, 24)
RULES = RuleSet(
    "T/SZBIA 0002-2025",
    "移动电源",
    "lowest",
    (
        Indicator(
            "efficiency",
            "转换效率",
            "higher_is_better",
            {"AAAAA": D(90), "AAAA": D(88), "AAA": D(85), "AA": D(82), "A": D(80)},
        ),
    ),
    {},
    mandatory_standards=("GB 31241-2022",),
)
REPORT = EvidenceFacts(
    id=11,
    kind=TEST_REPORT,
    product_model_id=5,
    standard="T/SZBIA 0002-2025",
    issued_on=date(2026, 3, 20),
    signature_valid=True,
    revoked=False,
    body_in_scope=True,
    body_accredited_until=date(2028, 1, 1),
    conforms_product_standard=True,
    conforms_mandatory=True,
    measurements={"efficiency": D("86.5")},
)
CLAIM = Claim(
    5, True, "T/SZBIA 0002-2025", RULES, frozenset({"T/OLD 1-2023"}), "AAA", (REPORT,), TODAY
)


def refusals(claim: Claim = CLAIM, **changes: Any) -> list[tuple[str, str]]:
    verdict = check_declaration(dataclasses.replace(claim, **changes))
    return [(r.field, r.code) for r in verdict.refusals]


def with_evidence(**changes: Any) -> list[tuple[str, str]]:
    return refusals(evidence=(dataclasses.replace(REPORT, **changes),))


def test_a_sound_declaration_passes_and_is_valid_until_the_evidence_turns_one() -> None:
    verdict = check_declaration(CLAIM)
    assert verdict.refusals == ()
    assert verdict.earned == "AAA"
    assert verdict.valid_until == date(2027, 3, 19)


def test_a_lower_grade_than_earned_may_be_declared() -> None:
    assert refusals(grade="A") == []


def test_an_overstated_grade_is_refused_and_the_earned_one_offered() -> None:
    verdict = check_declaration(dataclasses.replace(CLAIM, grade="AAAA"))
    assert verdict.refusals == (Refusal("grade", "grade_above_earned", {"earned": "AAA"}),)


def test_not_in_the_catalogue() -> None:
    assert refusals(in_catalogue=False) == [("product_model_id", "product_not_in_catalogue")]


def test_wrong_superseded_or_missing_standard() -> None:
    assert refusals(standard_cited="T/OTHER 9-2025") == [("standard", "standard_not_in_force")]
    assert refusals(standard_cited="T/OLD 1-2023") == [("standard", "standard_superseded")]
    assert ("standard", "no_standard_in_force") in refusals(rules=None)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"issued_on": date(2025, 11, 24)}, "evidence_expired"),
        ({"revoked": True}, "evidence_revoked"),
        ({"signature_valid": False}, "evidence_unsigned"),
        ({"body_in_scope": False}, "body_not_accredited"),
        ({"body_accredited_until": date(2026, 1, 1)}, "body_not_accredited"),
        ({"product_model_id": 6}, "evidence_other_model"),
        ({"standard": "T/OLD 1-2023"}, "evidence_other_standard"),
        ({"conforms_mandatory": False}, "not_conforming"),
    ],
)
def test_each_evidence_fault_is_named_with_its_position(changes, code) -> None:
    assert with_evidence(**changes) == [("evidence_ids.0", code)]


def test_evidence_a_day_short_of_a_year_still_counts() -> None:
    assert with_evidence(issued_on=date(2025, 11, 25)) == []


def test_all_problems_are_reported_at_once() -> None:
    found = refusals(
        in_catalogue=False,
        standard_cited="T/OTHER 9-2025",
        evidence=(dataclasses.replace(REPORT, revoked=True, signature_valid=False),),
    )
    assert found == [
        ("product_model_id", "product_not_in_catalogue"),
        ("standard", "standard_not_in_force"),
        ("evidence_ids.0", "evidence_unsigned"),
        ("evidence_ids.0", "evidence_revoked"),
    ]


def test_conformity_must_be_stated() -> None:
    assert with_evidence(conforms_mandatory=None) == [("evidence_ids", "conformity_missing")]
    assert with_evidence(conforms_product_standard=None) == [("evidence_ids", "conformity_missing")]


def test_conformity_may_come_from_a_certificate_beside_the_report() -> None:
    certificate = dataclasses.replace(
        REPORT,
        id=12,
        kind=CERTIFICATE,
        measurements={},
        conforms_product_standard=None,
        valid_until=date(2029, 1, 1),
    )
    report = dataclasses.replace(REPORT, conforms_mandatory=None)
    assert refusals(evidence=(report, certificate)) == []


def test_no_evidence_and_missing_indicators() -> None:
    assert refusals(evidence=()) == [("evidence_ids", "evidence_required")]
    assert with_evidence(measurements={}) == [("evidence_ids", "indicator_missing")]


def test_below_grade_a_nothing_can_be_declared() -> None:
    assert with_evidence(measurements={"efficiency": D(70)}) == [("grade", "no_grade_earned")]


def test_two_reports_of_one_indicator_count_the_worse_value() -> None:
    second = dataclasses.replace(REPORT, id=12, measurements={"efficiency": D("83")})
    verdict = check_declaration(dataclasses.replace(CLAIM, grade="AA", evidence=(REPORT, second)))
    assert (verdict.refusals, verdict.earned) == ((), "AA")


def test_a_certified_grade_caps_the_computed_one() -> None:
    certificate = dataclasses.replace(
        REPORT,
        id=12,
        kind=CERTIFICATE,
        measurements={},
        certified_grade="AA",
        valid_until=date(2027, 1, 31),
        issued_on=date(2026, 2, 1),
    )
    verdict = check_declaration(dataclasses.replace(CLAIM, evidence=(REPORT, certificate)))
    assert verdict.refusals == (Refusal("grade", "grade_above_earned", {"earned": "AA"}),)
    assert verdict.valid_until == date(2027, 1, 31)


def test_a_lapsed_certificate_is_expired_evidence() -> None:
    assert with_evidence(kind=CERTIFICATE, valid_until=date(2026, 11, 23)) == [
        ("evidence_ids.0", "evidence_expired")
    ]


def test_one_year_after_a_leap_day() -> None:
    assert one_year_after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert valid_until([date(2026, 5, 1), date(2026, 3, 20)]) == date(2027, 3, 19)

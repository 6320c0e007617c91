"""Grade computation: the lowest indicator decides, or a weighted score; limits and gaps."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.grading import GRADES, Grader, MissingIndicator, grade_of, level_of, parse
from zhiliang.core.grading.rules import FAIL, PASS, Indicator, RuleSet

D = Decimal
values = st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False, allow_infinity=False)


def indicator(key: str, higher: bool, limits: list[Decimal], weight: str = "0") -> Indicator:
    ordered = sorted(limits, reverse=higher)  # AAAAA first
    return Indicator(
        key=key,
        name=key,
        direction="higher_is_better" if higher else "lower_is_better",
        thresholds=dict(zip(GRADES, ordered, strict=True)),
        weight=D(weight),
    )


def lowest(*indicators: Indicator) -> RuleSet:
    return RuleSet("T/T 1-2025", "测试", "lowest", tuple(indicators), {})


POWER = lowest(
    indicator("efficiency", True, [D(90), D(88), D(85), D(82), D(80)]),
    indicator("noise", False, [D(40), D(42), D(45), D(48), D(50)]),
)


def test_the_weakest_indicator_decides_and_is_named() -> None:
    graded = grade_of(POWER, {"efficiency": D("89"), "noise": D("46")})
    assert (graded.grade, graded.limited_by) == ("AA", "noise")
    assert graded.levels == {"efficiency": 4, "noise": 2}


def test_gaps_say_how_far_each_indicator_is_from_the_next_grade_up() -> None:
    graded = grade_of(POWER, {"efficiency": D("84"), "noise": D("46")})
    assert graded.grade == "AA"
    gaps = {g.key: (g.target, g.missing) for g in graded.gaps}
    assert gaps == {"efficiency": ("AAA", D("1")), "noise": ("AAA", D("1"))}


def test_the_best_grade_has_no_limit_and_no_gaps() -> None:
    graded = grade_of(POWER, {"efficiency": D("95"), "noise": D("30")})
    assert (graded.grade, graded.limited_by, graded.gaps) == ("AAAAA", None, ())


def test_below_grade_a_there_is_no_grade_and_the_gap_is_towards_a() -> None:
    graded = grade_of(POWER, {"efficiency": D("79.5"), "noise": D("41")})
    assert (graded.grade, graded.limited_by) == (None, "efficiency")
    assert {g.key: (g.target, g.missing) for g in graded.gaps} == {
        "efficiency": ("A", D("0.5")),
        "noise": ("A", D("0")),
    }


def test_thresholds_are_inclusive() -> None:
    assert Grader(POWER).grade({"efficiency": D("85"), "noise": D("45")}) == "AAA"


def test_pass_fail_indicators_allow_any_grade_or_none() -> None:
    rules = lowest(
        indicator("efficiency", True, [D(90), D(88), D(85), D(82), D(80)]),
        Indicator("impact", "impact", "pass_fail", {}),
    )
    grader = Grader(rules)
    assert grader.grade({"efficiency": D(91), "impact": PASS}) == "AAAAA"
    assert grader.grade({"efficiency": D(91), "impact": FAIL}) is None
    assert grader.explain({"efficiency": D(91), "impact": FAIL}).limited_by == "impact"


def test_a_missing_measurement_is_named() -> None:
    with pytest.raises(MissingIndicator) as caught:
        Grader(POWER).grade({"efficiency": D(90)})
    assert caught.value.keys == ("noise",)


WEIGHTED = RuleSet(
    "T/T 2-2025",
    "测试",
    "weighted",
    (
        indicator("a", True, [D(5), D(4), D(3), D(2), D(1)], "0.5"),
        indicator("b", True, [D(5), D(4), D(3), D(2), D(1)], "0.3"),
        indicator("c", False, [D(1), D(2), D(3), D(4), D(5)], "0.2"),
    ),
    {"AAAAA": D(92), "AAAA": D(76), "AAA": D(56), "AA": D(36), "A": D(20)},
)


def test_weighted_mode_scores_twenty_points_a_grade_and_uses_the_bands() -> None:
    graded = grade_of(WEIGHTED, {"a": D(5), "b": D(3), "c": D(1)})
    # 0.5·100 + 0.3·60 + 0.2·100 = 88 → AAAA (76 ≤ 88 < 92)
    assert (graded.score, graded.grade) == (D("88.0"), "AAAA")
    assert graded.limited_by == "b"  # its shortfall costs most points
    assert {g.key: g.target for g in graded.gaps} == {"b": "AAAA"}


def test_weighted_mode_leaves_a_product_with_an_indicator_below_a_ungraded() -> None:
    assert Grader(WEIGHTED).grade({"a": D(5), "b": D(5), "c": D(9)}) is None


def test_the_shipped_mattress_set_is_weighted() -> None:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "grading/reference/rulesets/mattress.json"
    rules = parse(json.loads(path.read_text(encoding="utf-8")))
    measured = {
        "height_loss_after_durability": D("3.5"),
        "firmness_level_deviation": D("1.2"),
        "formaldehyde_emission": D("0.015"),
        "cigarette_ignition_resistance": PASS,
    }
    assert Grader(rules).grade(measured) == "AAAA"


@given(st.booleans(), st.lists(values, min_size=5, max_size=5), values, values)
def test_a_better_measurement_never_earns_a_worse_grade(higher, limits, value, gain) -> None:
    rules = lowest(indicator("x", higher, limits))
    better = value + gain if higher else value - gain
    before = Grader(rules).grade({"x": value})
    after = Grader(rules).grade({"x": better})
    assert level_of(after) >= level_of(before)


@given(
    st.lists(
        st.tuples(st.booleans(), st.lists(values, min_size=5, max_size=5)), min_size=1, max_size=6
    ),
    st.data(),
)
def test_the_fast_path_agrees_with_the_explanation(specs, data) -> None:
    rules = lowest(*(indicator(f"k{n}", h, limits) for n, (h, limits) in enumerate(specs)))
    measured = {f"k{n}": data.draw(values) for n in range(len(specs))}
    grader = Grader(rules)
    graded = grader.explain(measured)
    assert grader.grade(measured) == graded.grade
    # The product reaches its grade on every indicator, and the limiting one misses the next.
    assert all(level >= level_of(graded.grade) for level in graded.levels.values())
    if graded.limited_by is not None:
        assert graded.levels[graded.limited_by] == level_of(graded.grade)
        limiting_gap = next(g for g in graded.gaps if g.key == graded.limited_by)
        assert limiting_gap.missing > 0
    assert all(
        (g.missing == 0) == (graded.levels[g.key] > level_of(graded.grade)) for g in graded.gaps
    )


@given(st.lists(values, min_size=3, max_size=3))
def test_weighted_grades_never_drop_when_one_indicator_improves(measured_values) -> None:
    a, b, c = measured_values
    base = Grader(WEIGHTED).grade({"a": a, "b": b, "c": c})
    better = Grader(WEIGHTED).grade({"a": a + 1, "b": b, "c": c})
    assert level_of(better) >= level_of(base)


def test_grade_many_grades_a_batch() -> None:
    rows = [{"efficiency": D(e), "noise": D(41)} for e in (95, 86, 70)]
    assert Grader(POWER).grade_many(rows) == ["AAAA", "AAA", None]

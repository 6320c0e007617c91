"""Rule sets: the published JSON Schema, the checks it cannot express, and the shipped sets."""

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from zhiliang.core.grading import GRADES, RuleSetError, measured_value, parse, schema, validate

RULESETS = Path(__file__).resolve().parents[2] / "grading" / "reference" / "rulesets"
SHIPPED = sorted(RULESETS.glob("*.json"))


def minimal(**combine: Any) -> dict[str, Any]:
    return {
        "format": "zhiliang.grading.rule-set/1",
        "standard": "T/TEST 0001-2025",
        "product": "测试产品",
        "combine": combine or {"method": "lowest"},
        "indicators": [
            {
                "key": "efficiency",
                "name": "效率",
                "direction": "higher_is_better",
                "thresholds": {"AAAAA": 90, "AAAA": "88", "AAA": "85", "AA": 82, "A": "80.5"},
            }
        ],
    }


def codes(document: object) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in validate(document)]


def test_the_schema_is_itself_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_rule_set_is_valid_and_marked_illustrative_where_invented(
    path: Path,
) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    rules = parse(document)
    assert rules.indicators
    invented = [i for i in rules.indicators if i.illustrative]
    assert not invented or rules.illustrative  # an invented value marks the whole set


def test_four_named_first_batch_products_have_rule_sets() -> None:
    products = {json.loads(p.read_text(encoding="utf-8"))["product"] for p in SHIPPED}
    assert {"移动电源", "智能坐便器", "床垫", "陶瓷砖"} <= products


def test_a_valid_document_parses_to_exact_decimals() -> None:
    rules = parse(minimal())
    [indicator] = rules.indicators
    assert str(indicator.thresholds["A"]) == "80.5"
    assert rules.method == "lowest"


def test_schema_errors_name_where_they_are() -> None:
    document = minimal()
    del document["indicators"][0]["thresholds"]["AA"]
    document["indicators"][0]["direction"] = "sideways"
    found = codes(document)
    assert ("indicators.0.direction", "schema") in found
    assert all(code == "schema" for _, code in found)


def test_thresholds_must_run_the_way_of_the_direction() -> None:
    document = minimal()
    document["indicators"][0]["thresholds"]["AAAAA"] = 70  # better grade, worse value
    assert codes(document) == [("indicators.0.thresholds", "thresholds_out_of_order")]
    document["indicators"][0]["direction"] = "lower_is_better"
    document["indicators"][0]["thresholds"] = {"AAAAA": 1, "AAAA": 2, "AAA": 3, "AA": 4, "A": 5}
    assert codes(document) == []


def test_indicator_keys_are_unique() -> None:
    document = minimal()
    document["indicators"].append(copy.deepcopy(document["indicators"][0]))
    assert codes(document) == [("indicators.1.key", "duplicate_key")]


def test_pass_fail_indicators_carry_no_thresholds_and_others_need_them() -> None:
    document = minimal()
    document["indicators"][0]["direction"] = "pass_fail"
    assert codes(document) != []
    del document["indicators"][0]["thresholds"]
    assert codes(document) == []


def test_weighted_mode_needs_weights_summing_to_one_and_ordered_bands() -> None:
    bands = {"AAAAA": 90, "AAAA": 80, "AAA": 70, "AA": 60, "A": 50}
    document = minimal(method="weighted", bands=bands)
    assert codes(document) == [("indicators.0.weight", "weight_missing")]
    document["indicators"][0]["weight"] = "0.5"
    assert codes(document) == [("indicators", "weights_sum")]
    document["indicators"][0]["weight"] = 1
    assert codes(document) == []
    document["combine"]["bands"]["A"] = 95
    assert codes(document) == [("combine.bands", "bands_out_of_order")]


def test_parse_refuses_with_every_problem() -> None:
    document = minimal()
    document["indicators"].append(copy.deepcopy(document["indicators"][0]))
    document["indicators"][1]["thresholds"]["A"] = 99
    with pytest.raises(RuleSetError) as caught:
        parse(document)
    assert {p.code for p in caught.value.problems} == {"duplicate_key", "thresholds_out_of_order"}


@pytest.mark.parametrize("bad", [None, [], "rules", {"format": "other"}])
def test_anything_else_is_refused_not_crashed_on(bad: object) -> None:
    assert validate(bad)


def test_measured_values_are_decimals_or_pass_fail() -> None:
    rules = parse(minimal())
    assert str(measured_value(rules.indicators[0], "81.25")) == "81.25"
    with pytest.raises(ValueError, match="decimal"):
        measured_value(rules.indicators[0], "eighty")
    with pytest.raises(ValueError, match="decimal"):
        measured_value(rules.indicators[0], "NaN")
    assert GRADES[0] == "AAAAA"

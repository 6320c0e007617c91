"""Grading rule sets: a standard's indicators, grade thresholds and combination, as data.

A rule set is a JSON document (``rule_set.schema.json``, published at
/grading/rule-set.schema.json) so that a standard is edited by administrators, versioned and
downloaded by anyone without a code change (G2). ``validate`` checks the document against the
schema and then what a schema cannot say: thresholds that run the right way for the indicator's
direction, unique keys, weights that sum to one. ``parse`` turns a valid document into frozen
values the engine grades with.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Final, Literal, TypeAlias

import jsonschema

from zhiliang.core.grading.grades import GRADES

FORMAT: Final = "zhiliang.grading.rule-set/1"
SCHEMA_FILE: Final = "rule_set.schema.json"
Direction: TypeAlias = Literal["higher_is_better", "lower_is_better", "pass_fail"]
Method: TypeAlias = Literal["lowest", "weighted"]
DIRECTIONS: Final[Mapping[str, Direction]] = {
    "higher_is_better": "higher_is_better",
    "lower_is_better": "lower_is_better",
    "pass_fail": "pass_fail",
}
POINTS_PER_GRADE: Final = Decimal(20)  # weighted mode: A = 20 points … AAAAA = 100
PASS: Final = Decimal(1)
FAIL: Final = Decimal(0)


class RuleSetError(ValueError):
    """A rule set document that is not valid; ``problems`` names each fault."""

    def __init__(self, problems: Sequence["RuleProblem"]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class RuleProblem:
    path: str  # JSON pointer-like: "indicators.2.thresholds"
    code: str  # "schema", "thresholds_out_of_order", "duplicate_key", "weights_sum", ...
    message: str  # English, for people writing rule sets; codes are for programs


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    name: str
    direction: Direction
    thresholds: Mapping[str, Decimal]  # grade -> the value a product must reach; {} for pass/fail
    unit: str = ""
    method: str = ""
    weight: Decimal = Decimal(0)
    name_en: str = ""
    illustrative: bool = False
    source: str = ""

    def reaches(self, value: Decimal, grade: str) -> bool:
        if self.direction == "pass_fail":
            return value == PASS
        limit = self.thresholds[grade]
        return value >= limit if self.direction == "higher_is_better" else value <= limit


@dataclass(frozen=True, slots=True)
class RuleSet:
    standard: str
    product: str
    method: Method
    indicators: tuple[Indicator, ...]
    bands: Mapping[str, Decimal]  # weighted mode: grade -> least score; {} in lowest mode
    product_standards: tuple[str, ...] = ()
    mandatory_standards: tuple[str, ...] = ()
    illustrative: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)


@cache
def schema() -> Mapping[str, object]:
    """The published JSON Schema of rule sets (draft 2020-12)."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, object] = json.loads(text)
    return loaded


def schema_text() -> str:
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float | str):
        number = Decimal(str(value))
        if number.is_finite():
            return number
    raise InvalidOperation


def _path(parts: Sequence[object]) -> str:
    return ".".join(str(p) for p in parts) or "(document)"


def validate(document: object) -> list[RuleProblem]:
    """Every problem of a rule set document; an empty list means ``parse`` will accept it."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = [
        RuleProblem(_path(list(error.absolute_path)), "schema", error.message)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    if problems or not isinstance(document, Mapping):
        return problems
    return _semantic_problems(document)


def _semantic_problems(document: Mapping[str, object]) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    indicators = document["indicators"]
    assert isinstance(indicators, list)
    seen: set[str] = set()
    weighted = _combine_method(document) == "weighted"
    total = Decimal(0)
    for n, raw in enumerate(indicators):
        assert isinstance(raw, Mapping)
        key = str(raw["key"])
        if key in seen:
            problems.append(RuleProblem(f"indicators.{n}.key", "duplicate_key", f"{key} twice"))
        seen.add(key)
        if "thresholds" in raw:
            values = [_decimal(raw["thresholds"][g]) for g in GRADES]
            # Best grade first: higher-is-better limits never rise from AAAAA down to A.
            ordered = values if raw["direction"] == "higher_is_better" else values[::-1]
            if any(a < b for a, b in pairwise(ordered)):
                problems.append(
                    RuleProblem(
                        f"indicators.{n}.thresholds",
                        "thresholds_out_of_order",
                        "a better grade must need a value at least as good as a lower grade",
                    )
                )
        if weighted:
            if "weight" not in raw or _decimal(raw["weight"]) <= 0:
                problems.append(
                    RuleProblem(
                        f"indicators.{n}.weight",
                        "weight_missing",
                        "weighted mode needs a positive weight",
                    )
                )
            else:
                total += _decimal(raw["weight"])
    if weighted:
        if seen and total != 1 and not problems:
            problems.append(
                RuleProblem("indicators", "weights_sum", f"weights sum to {total}, not 1")
            )
        combine = document["combine"]
        assert isinstance(combine, Mapping)
        bands = [_decimal(combine["bands"][g]) for g in GRADES]
        if any(a < b for a, b in pairwise(bands)) or not all(0 <= b <= 100 for b in bands):
            problems.append(
                RuleProblem(
                    "combine.bands",
                    "bands_out_of_order",
                    "bands run from AAAAA down to A, each between 0 and 100",
                )
            )
    return problems


def _combine_method(document: Mapping[str, object]) -> Method:
    combine = document["combine"]
    assert isinstance(combine, Mapping)
    return "weighted" if combine["method"] == "weighted" else "lowest"


def parse(document: object) -> RuleSet:
    """The rule set a document states, or ``RuleSetError`` naming every problem."""
    if problems := validate(document):
        raise RuleSetError(problems)
    assert isinstance(document, Mapping)
    method = _combine_method(document)
    combine = document["combine"]
    assert isinstance(combine, Mapping)
    raw_indicators = document["indicators"]
    assert isinstance(raw_indicators, list)
    conformity = document.get("conformity") or {}
    assert isinstance(conformity, Mapping)
    return RuleSet(
        standard=str(document["standard"]),
        product=str(document["product"]),
        method=method,
        indicators=tuple(_indicator(raw) for raw in raw_indicators),
        bands={g: _decimal(combine["bands"][g]) for g in GRADES} if method == "weighted" else {},
        product_standards=tuple(str(s) for s in conformity.get("product_standards", ())),
        mandatory_standards=tuple(str(s) for s in conformity.get("mandatory_standards", ())),
        illustrative=bool(document.get("illustrative", False)),
    )


def _indicator(raw: Mapping[str, object]) -> Indicator:
    direction = DIRECTIONS[str(raw["direction"])]
    thresholds = raw.get("thresholds")
    return Indicator(
        key=str(raw["key"]),
        name=str(raw["name"]),
        direction=direction,
        thresholds={g: _decimal(thresholds[g]) for g in GRADES}
        if isinstance(thresholds, Mapping)
        else {},
        unit=str(raw.get("unit", "")),
        method=str(raw.get("method", "")),
        weight=_decimal(raw["weight"]) if "weight" in raw else Decimal(0),
        name_en=str(raw.get("name_en", "")),
        illustrative=bool(raw.get("illustrative", False)),
        source=str(raw.get("source", "")),
    )


def measured_value(indicator: Indicator, text: str) -> Decimal:
    """A measured value as a lab report states it: a decimal, or pass/fail for pass/fail
    indicators; ``ValueError`` otherwise."""
    if indicator.direction == "pass_fail":
        if text in ("pass", "fail"):
            return PASS if text == "pass" else FAIL
        raise ValueError(f"{indicator.key} is pass or fail")
    try:
        return _decimal(text)
    except InvalidOperation:
        raise ValueError(f"{indicator.key} is a decimal number") from None

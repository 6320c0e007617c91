"""Grade computation: from measured values to a grade, the indicator that limited it, and how far
each indicator is from the next grade up.

Two ways of combining indicators are published in rule sets (G2): the lowest indicator decides
(a product earns the best grade that every indicator reaches), or a weighted score with grade
bands. A ``Grader`` compiles a rule set once (thresholds as sorted lists, so each indicator is one
binary search) and then grades any number of products; ``grade_of`` is the one-off form.
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from zhiliang.core.grading.grades import GRADES, grade_at
from zhiliang.core.grading.rules import PASS, POINTS_PER_GRADE, Indicator, RuleSet

TOP: Final = len(GRADES)


class MissingIndicator(ValueError):
    """Measured values that do not cover every indicator of the rule set."""

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__("no measured value for " + ", ".join(keys))
        self.keys = tuple(keys)


@dataclass(frozen=True, slots=True)
class Gap:
    """How far one indicator is from ``target``, the next grade up that it has to reach."""

    key: str
    target: str
    threshold: Decimal  # the value the target grade needs (1 = pass for pass/fail indicators)
    measured: Decimal
    missing: Decimal  # how much better the value must become; 0 when it already reaches target


@dataclass(frozen=True, slots=True)
class Graded:
    grade: str | None  # None: not even grade A
    limited_by: str | None  # the indicator that held the grade down; None at AAAAA
    gaps: tuple[Gap, ...]  # one per indicator, towards the next grade up (empty at AAAAA)
    levels: Mapping[str, int]  # indicator -> grades it reaches on its own (0 … 5)
    score: Decimal | None = None  # weighted mode only: 0 … 100


def _ascending(indicator: Indicator) -> list[Decimal]:
    """Thresholds from A up to AAAAA, in the order ``bisect`` needs (signs flipped for
    lower-is-better indicators, so that "reaches" is always "greater or equal")."""
    if indicator.direction == "pass_fail":
        return [PASS] * TOP
    limits = [indicator.thresholds[g] for g in reversed(GRADES)]
    return limits if indicator.direction == "higher_is_better" else [-v for v in limits]


class Grader:
    """A rule set compiled for grading many products."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._keys = rules.keys
        self._steps = [
            (i.key, i.direction == "lower_is_better", _ascending(i)) for i in rules.indicators
        ]
        self._weights = [i.weight for i in rules.indicators]
        self._bands = [(rules.bands[g], g) for g in GRADES] if rules.method == "weighted" else []

    def missing(self, measured: Mapping[str, Decimal]) -> list[str]:
        return [key for key in self._keys if key not in measured]

    def levels(self, measured: Mapping[str, Decimal]) -> list[int]:
        try:
            return [
                bisect_right(steps, -measured[key] if flip else measured[key])
                for key, flip, steps in self._steps
            ]
        except KeyError:
            raise MissingIndicator(self.missing(measured)) from None

    def grade(self, measured: Mapping[str, Decimal]) -> str | None:
        """The grade alone: the fast path for bulk grading."""
        if self._bands:
            return self._band(self.levels(measured))[0]
        lowest = TOP
        try:
            for key, flip, steps in self._steps:
                level = bisect_right(steps, -measured[key] if flip else measured[key])
                if level < lowest:
                    if level == 0:
                        return None
                    lowest = level
        except KeyError:
            raise MissingIndicator(self.missing(measured)) from None
        return GRADES[TOP - lowest]

    def grade_many(self, rows: Iterable[Mapping[str, Decimal]]) -> list[str | None]:
        grade = self.grade
        return [grade(row) for row in rows]

    def _band(self, levels: Sequence[int]) -> tuple[str | None, Decimal]:
        score = sum(
            (w * POINTS_PER_GRADE * level for w, level in zip(self._weights, levels, strict=True)),
            Decimal(0),
        )
        if min(levels) == 0:  # an indicator below grade A leaves the product ungraded
            return None, score
        return next((g for least, g in self._bands if score >= least), None), score

    def explain(self, measured: Mapping[str, Decimal]) -> Graded:
        """The grade with its reasons: the limiting indicator and each indicator's gap."""
        levels = self.levels(measured)
        by_key = dict(zip(self._keys, levels, strict=True))
        if self._bands:
            grade, score = self._band(levels)
            shortfall = [w * (TOP - level) for w, level in zip(self._weights, levels, strict=True)]
            worst = max(range(len(levels)), key=lambda n: (shortfall[n], -n))
            limited_by = self._keys[worst] if shortfall[worst] > 0 else None
            targets = [grade_at(level + 1) if level < TOP else None for level in levels]
            return Graded(grade, limited_by, self._gaps(measured, targets), by_key, score)
        lowest = min(levels)
        grade = grade_at(lowest)
        limited_by = None if lowest == TOP else self._keys[levels.index(lowest)]
        target = grade_at(lowest + 1) if lowest < TOP else None
        return Graded(grade, limited_by, self._gaps(measured, [target] * len(levels)), by_key)

    def _gaps(
        self, measured: Mapping[str, Decimal], targets: Sequence[str | None]
    ) -> tuple[Gap, ...]:
        gaps = []
        for indicator, target in zip(self.rules.indicators, targets, strict=True):
            if target is None:
                continue
            value = measured[indicator.key]
            if indicator.direction == "pass_fail":
                needed, missing = PASS, Decimal(0) if value == PASS else Decimal(1)
            else:
                needed = indicator.thresholds[target]
                distance = (
                    needed - value
                    if indicator.direction == "higher_is_better"
                    else (value - needed)
                )
                missing = max(distance, Decimal(0))
            gaps.append(Gap(indicator.key, target, needed, value, missing))
        return tuple(gaps)


def grade_of(rules: RuleSet, measured: Mapping[str, Decimal]) -> Graded:
    """Grade one product: ``Grader(rules).explain(measured)``."""
    return Grader(rules).explain(measured)

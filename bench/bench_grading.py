"""Grade computation for --reports test reports (goal: at least 100,000 grades/s).

Ours: a rule set compiled once (``Grader``: thresholds as sorted lists, one binary search per
indicator, early exit below grade A), graded in bulk, and the full explanation (limiting
indicator and gaps) for the same reports. Baseline: the plain loop a first version would write,
comparing every indicator with every grade's threshold (STYLE §5), on the same Decimal values.

    uv run python bench/bench_grading.py [--reports 100000]
"""

import argparse
import json
import random
from decimal import Decimal
from pathlib import Path

from _common import ROOT, best_of, report

from zhiliang.core.grading import GRADES, Grader, RuleSet, parse

RULES = ROOT / "zhiliang" / "grading" / "reference" / "rulesets" / "power_bank.json"


def reports(rules: RuleSet, count: int, seed: int = 7) -> list[dict[str, Decimal]]:
    """Measurements from a little below grade A to a little above AAAAA on every indicator, so
    every grade occurs and most reports (about three in four) earn one."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        row = {}
        for indicator in rules.indicators:
            low, high = indicator.thresholds["A"], indicator.thresholds["AAAAA"]
            span = abs(high - low) or Decimal(1)
            margin = span / 14
            lowest, highest = min(low, high) - margin, max(low, high) + margin
            row[indicator.key] = Decimal(rng.randint(int(lowest * 10), int(highest * 10))) / 10
        rows.append(row)
    return rows


def naive(rules: RuleSet, rows: list[dict[str, Decimal]]) -> list[str | None]:
    grades: list[str | None] = []
    for row in rows:
        worst = 0
        for indicator in rules.indicators:
            value = row[indicator.key]
            reached = next(
                (
                    rank
                    for rank, grade in enumerate(GRADES)
                    if (
                        value >= indicator.thresholds[grade]
                        if indicator.direction == "higher_is_better"
                        else value <= indicator.thresholds[grade]
                    )
                ),
                None,
            )
            if reached is None:
                worst = len(GRADES)
                break
            worst = max(worst, reached)
        grades.append(GRADES[worst] if worst < len(GRADES) else None)
    return grades


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
    args = parser.parse_args()
    rules = parse(json.loads(Path(RULES).read_text(encoding="utf-8")))
    rows = reports(rules, args.reports)
    grader = Grader(rules)
    answers = grader.grade_many(rows)
    assert answers == naive(rules, rows)  # the same answers, then the times
    graded = sum(1 for grade in answers if grade is not None)
    print(f"# {graded:,} of {args.reports:,} reports earn a grade")
    baseline = best_of(3, lambda: naive(rules, rows))
    ours = best_of(3, lambda: grader.grade_many(rows))
    explained = best_of(3, lambda: [grader.explain(row) for row in rows])
    report("grade computation", args.reports, ours, baseline, what="naive loop")
    report("grade with limit and gaps", args.reports, explained, baseline, what="naive loop")


if __name__ == "__main__":
    main()

"""The pure core of product quality grading (G1–G6): rule sets, grade computation, the
precedence of standards over time, the checks a declaration must pass, and the signed label.

Plain values in, plain values out: no Django, no clock (``today`` is passed in), no I/O beyond
reading the published JSON Schema that ships beside this file.
"""

from zhiliang.core.grading.engine import Gap, Graded, Grader, MissingIndicator, grade_of
from zhiliang.core.grading.grades import GRADES, grade_at, is_grade, level_of, next_grade_up
from zhiliang.core.grading.rules import (
    FORMAT,
    Indicator,
    RuleProblem,
    RuleSet,
    RuleSetError,
    measured_value,
    parse,
    schema,
    schema_text,
    validate,
)

__all__ = [
    "FORMAT",
    "GRADES",
    "Gap",
    "Graded",
    "Grader",
    "Indicator",
    "MissingIndicator",
    "RuleProblem",
    "RuleSet",
    "RuleSetError",
    "grade_at",
    "grade_of",
    "is_grade",
    "level_of",
    "measured_value",
    "next_grade_up",
    "parse",
    "schema",
    "schema_text",
    "validate",
]

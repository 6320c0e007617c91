"""The grade scale of product quality grading: AAAAA (best) to A (SAMR draft opinion, G4)."""

from typing import Final

GRADES: Final = ("AAAAA", "AAAA", "AAA", "AA", "A")  # best first
# How many grades a value reaches, counted from A: A = 1 … AAAAA = 5; 0 means not even A.
LEVEL: Final = {grade: len(GRADES) - rank for rank, grade in enumerate(GRADES)}


def level_of(grade: str | None) -> int:
    """1 for A … 5 for AAAAA, 0 for no grade: comparable, higher is better."""
    return 0 if grade is None else LEVEL[grade]


def grade_at(level: int) -> str | None:
    """The grade reached at ``level`` (0 … 5); None below A."""
    return GRADES[len(GRADES) - level] if level > 0 else None


def next_grade_up(grade: str | None) -> str | None:
    """The grade above ``grade`` (A above nothing); None above AAAAA."""
    return grade_at(level_of(grade) + 1) if level_of(grade) < len(GRADES) else None


def is_grade(text: object) -> bool:
    return isinstance(text, str) and text in LEVEL

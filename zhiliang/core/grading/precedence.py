"""Which grading standard is in force for a product on a date (G2: 唯一性、统一性).

The SAMR draft opinion fixes the order national > industry > group standard (国标 > 行标 > 团标):
a higher-level standard supersedes a lower one from its own effective date, and for each
catalogue product exactly one standard is in force at any date. Two standards of the same level
for the same product may therefore never overlap in time: that is refused when the second is
registered, which keeps "the one in force" well defined by level alone.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

LEVELS: Final = ("national", "industry", "group")  # strongest first
RANK: Final = {level: len(LEVELS) - n for n, level in enumerate(LEVELS)}  # national = 3


@dataclass(frozen=True, slots=True)
class StandardSpan:
    """One standard of one product and the days it may apply (``until`` inclusive, or open)."""

    id: int
    product: str
    number: str
    level: str
    effective_from: date
    until: date | None = None

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.until is None or on <= self.until)


@dataclass(frozen=True, slots=True)
class Period:
    """``standard`` is the one in force from ``start`` to ``end`` (inclusive; None: open)."""

    start: date
    end: date | None
    standard: StandardSpan


@dataclass(frozen=True, slots=True)
class Overlap:
    """A refusal: ``new`` would share days with ``other`` at the same level."""

    code: str  # "same_level_overlap" | "ends_before_start" | "unknown_level"
    other: StandardSpan | None


class AmbiguousStandards(ValueError):
    """Stored standards that break uniqueness (two of one level on one day): a data fault."""


def in_force(standards: Iterable[StandardSpan], product: str, on: date) -> StandardSpan | None:
    """The one standard of ``product`` in force ``on`` that date, or None."""
    covering = [s for s in standards if s.product == product and s.covers(on)]
    if not covering:
        return None
    best = max(RANK[s.level] for s in covering)
    strongest = [s for s in covering if RANK[s.level] == best]
    if len(strongest) > 1:
        numbers = ", ".join(sorted(s.number for s in strongest))
        raise AmbiguousStandards(f"{product} on {on}: {numbers}")
    return strongest[0]


def overlaps(existing: Iterable[StandardSpan], new: StandardSpan) -> list[Overlap]:
    """Why ``new`` cannot join ``existing``: an empty list means it may."""
    if new.level not in RANK:
        return [Overlap("unknown_level", None)]
    if new.until is not None and new.until < new.effective_from:
        return [Overlap("ends_before_start", None)]
    return [
        Overlap("same_level_overlap", other)
        for other in existing
        if other.id != new.id
        and other.product == new.product
        and other.level == new.level
        and _share_days(other, new)
    ]


def _share_days(a: StandardSpan, b: StandardSpan) -> bool:
    a_end = a.until or date.max
    b_end = b.until or date.max
    return a.effective_from <= b_end and b.effective_from <= a_end


def timeline(standards: Sequence[StandardSpan], product: str) -> list[Period]:
    """The standard in force for ``product`` over time, as consecutive periods.

    The answer can change only on a day some standard starts or the day after one ends, so the
    in-force standard is evaluated on those days alone.
    """
    own = [s for s in standards if s.product == product]
    days = sorted(
        {s.effective_from for s in own}
        | {s.until + timedelta(days=1) for s in own if s.until is not None and s.until < date.max}
    )
    periods: list[Period] = []
    for n, day in enumerate(days):
        current = in_force(own, product, day)
        end = days[n + 1] - timedelta(days=1) if n + 1 < len(days) else None
        if current is None:
            continue
        if periods and periods[-1].standard == current and periods[-1].end == day - timedelta(1):
            periods[-1] = Period(periods[-1].start, end, current)
        else:
            periods.append(Period(day, end, current))
    return periods


def superseded(standards: Iterable[StandardSpan], product: str, on: date) -> list[StandardSpan]:
    """Standards of ``product`` that have been in force before ``on`` and are not now."""
    own = list(standards)
    current = in_force(own, product, on)
    history = timeline(own, product)
    return [
        p.standard
        for p in history
        if p.start <= on and p.standard != current and p.standard.product == product
    ]

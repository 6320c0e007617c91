"""Standards over time: national > industry > group, one in force per product and day."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.grading.precedence import (
    LEVELS,
    AmbiguousStandards,
    StandardSpan,
    in_force,
    overlaps,
    superseded,
    timeline,
)

GROUP = StandardSpan(1, "P0101", "T/SZBIA 0002-2025", "group", date(2025, 3, 1))
NATIONAL = StandardSpan(2, "P0101", "GB/T 99999-2026", "national", date(2026, 7, 1))
OTHER_PRODUCT = StandardSpan(3, "P0102", "T/CZGX 002-2025", "group", date(2025, 12, 8))
ALL = [GROUP, NATIONAL, OTHER_PRODUCT]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 2, 28), None),
        (date(2025, 3, 1), GROUP),
        (date(2026, 6, 30), GROUP),
        (date(2026, 7, 1), NATIONAL),  # the higher level supersedes from its effective date
        (date(2030, 1, 1), NATIONAL),
    ],
)
def test_a_higher_level_supersedes_a_lower_one_from_its_effective_date(on, expected) -> None:
    assert in_force(ALL, "P0101", on) == expected


def test_a_lower_standard_returns_when_the_higher_one_is_withdrawn() -> None:
    withdrawn = StandardSpan(
        2, "P0101", "GB/T 99999-2026", "national", date(2026, 7, 1), date(2027, 6, 30)
    )
    assert in_force([GROUP, withdrawn], "P0101", date(2027, 7, 1)) == GROUP


def test_the_timeline_lists_each_period_once() -> None:
    periods = timeline(ALL, "P0101")
    assert [(p.start, p.end, p.standard.number) for p in periods] == [
        (date(2025, 3, 1), date(2026, 6, 30), "T/SZBIA 0002-2025"),
        (date(2026, 7, 1), None, "GB/T 99999-2026"),
    ]
    assert superseded(ALL, "P0101", date(2026, 8, 1)) == [GROUP]


def test_a_second_standard_of_the_same_level_and_period_is_refused() -> None:
    rival = StandardSpan(9, "P0101", "T/OTHER 1-2026", "group", date(2026, 1, 1))
    [problem] = overlaps(ALL, rival)
    assert (problem.code, problem.other) == ("same_level_overlap", GROUP)


def test_successive_standards_of_one_level_are_accepted() -> None:
    old = StandardSpan(1, "P0101", "T/A 1-2023", "group", date(2023, 1, 1), date(2025, 2, 28))
    assert overlaps([old], GROUP) == []
    assert in_force([old, GROUP], "P0101", date(2025, 2, 28)) == old


def test_an_end_before_the_start_is_refused() -> None:
    bad = StandardSpan(9, "P0101", "T/B 1-2026", "group", date(2026, 1, 1), date(2025, 1, 1))
    assert [o.code for o in overlaps([], bad)] == ["ends_before_start"]


def test_stored_rivals_are_a_data_fault_not_a_silent_pick() -> None:
    rival = StandardSpan(9, "P0101", "T/OTHER 1-2026", "group", date(2026, 1, 1))
    with pytest.raises(AmbiguousStandards):
        in_force([GROUP, rival], "P0101", date(2026, 2, 1))


spans = st.lists(
    st.tuples(
        st.sampled_from(LEVELS),
        st.integers(min_value=0, max_value=2000),
        st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
    ),
    max_size=8,
)


@given(spans, st.integers(min_value=0, max_value=2500))
def test_accepted_standards_leave_exactly_one_in_force_whenever_any_covers(raw, day) -> None:
    epoch = date(2020, 1, 1)
    accepted: list[StandardSpan] = []
    for n, (level, start, length) in enumerate(raw):
        until = None if length is None else epoch + timedelta(days=start + length)
        span = StandardSpan(n, "P", f"S{n}", level, epoch + timedelta(days=start), until)
        if not overlaps(accepted, span):
            accepted.append(span)
    on = epoch + timedelta(days=day)
    covering = [s for s in accepted if s.covers(on)]
    chosen = in_force(accepted, "P", on)
    assert (chosen is None) == (not covering)
    if chosen is not None:
        assert all(LEVELS.index(chosen.level) <= LEVELS.index(s.level) for s in covering)
        periods = [
            p for p in timeline(accepted, "P") if p.start <= on and (p.end is None or on <= p.end)
        ]
        assert [p.standard for p in periods] == [chosen]

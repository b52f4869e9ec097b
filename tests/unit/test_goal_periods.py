"""Goal periods: every day in exactly one period, periods contiguous, rests judged by majority."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circlekeeper.algorithms.goal_periods import (
    MONTH,
    WEEK,
    Period,
    is_rest_period,
    period_of,
    periods_back,
    periods_between,
    previous_period,
    rest_days,
)

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
pers = st.sampled_from([WEEK, MONTH])
week_starts = st.integers(min_value=0, max_value=6)


@given(day=days, per=pers, week_start=week_starts)
def test_the_period_of_a_day_holds_it_and_has_the_right_shape(
    day: dt.date, per: str, week_start: int
) -> None:
    period = period_of(day, per, week_start)
    assert period.contains(day)
    if per == WEEK:
        assert period.days == 7
        assert period.start.weekday() == week_start
    else:
        assert period.start == day.replace(day=1)
        assert (period.end + dt.timedelta(days=1)).day == 1
        assert period.end.month == day.month


@given(first=days, span=st.integers(min_value=0, max_value=400), per=pers, week_start=week_starts)
def test_periods_between_are_contiguous_and_every_day_is_in_exactly_one(
    first: dt.date, span: int, per: str, week_start: int
) -> None:
    last = first + dt.timedelta(days=span)
    periods = list(periods_between(first, last, per, week_start))
    assert periods[0].contains(first)
    assert periods[-1].contains(last)
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + dt.timedelta(days=1)
    for offset in range(span + 1):
        day = first + dt.timedelta(days=offset)
        holding = [period for period in periods if period.contains(day)]
        assert holding == [period_of(day, per, week_start)]


@given(day=days, per=pers, week_start=week_starts, count=st.integers(min_value=1, max_value=60))
def test_periods_back_ends_with_the_day_and_steps_back_one_period_at_a_time(
    day: dt.date, per: str, week_start: int, count: int
) -> None:
    periods = periods_back(day, per, count, week_start)
    assert len(periods) == count
    assert periods[-1] == period_of(day, per, week_start)
    for before, after in itertools.pairwise(periods):
        assert previous_period(after, per, week_start) == before
        assert after.start == before.end + dt.timedelta(days=1)


def test_periods_back_of_zero_is_empty() -> None:
    assert periods_back(dt.date(2026, 11, 21), WEEK, 0) == []


@pytest.mark.parametrize(
    ("week_start", "expected_start"),
    [(0, dt.date(2026, 11, 16)), (6, dt.date(2026, 11, 15)), (5, dt.date(2026, 11, 21))],
)
def test_the_week_start_moves_the_boundary(week_start: int, expected_start: dt.date) -> None:
    saturday = dt.date(2026, 11, 21)
    assert period_of(saturday, WEEK, week_start).start == expected_start


def test_february_in_a_leap_year_and_december_roll_over() -> None:
    assert period_of(dt.date(2028, 2, 10), MONTH) == Period(
        dt.date(2028, 2, 1), dt.date(2028, 2, 29)
    )
    december = period_of(dt.date(2026, 12, 31), MONTH)
    assert december == Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert previous_period(period_of(dt.date(2027, 1, 5), MONTH), MONTH) == december


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown period"):
        period_of(dt.date(2026, 1, 1), "fortnight")


WEEK_OF = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))


@pytest.mark.parametrize(
    ("rests", "covered", "resting"),
    [
        ([], 0, False),
        ([(dt.date(2026, 11, 10), dt.date(2026, 11, 18))], 3, False),
        ([(dt.date(2026, 11, 10), dt.date(2026, 11, 19))], 4, True),
        ([(dt.date(2026, 11, 20), dt.date(2026, 12, 30))], 3, False),
        ([(dt.date(2026, 11, 1), dt.date(2026, 11, 30))], 7, True),
        # Overlapping rests are not counted twice.
        (
            [
                (dt.date(2026, 11, 16), dt.date(2026, 11, 18)),
                (dt.date(2026, 11, 17), dt.date(2026, 11, 18)),
            ],
            3,
            False,
        ),
        (
            [
                (dt.date(2026, 11, 16), dt.date(2026, 11, 17)),
                (dt.date(2026, 11, 21), dt.date(2026, 11, 22)),
            ],
            4,
            True,
        ),
        ([(dt.date(2026, 10, 1), dt.date(2026, 10, 31))], 0, False),
    ],
)
def test_a_period_rests_when_rests_cover_at_least_half_of_it(
    rests: list[tuple[dt.date, dt.date]], covered: int, resting: bool
) -> None:
    assert rest_days(WEEK_OF, rests) == covered
    assert is_rest_period(WEEK_OF, rests) is resting


def test_half_a_thirty_day_month_is_a_rest_month() -> None:
    november = period_of(dt.date(2026, 11, 1), MONTH)
    assert is_rest_period(november, [(dt.date(2026, 11, 16), dt.date(2026, 11, 30))])
    assert not is_rest_period(november, [(dt.date(2026, 11, 17), dt.date(2026, 11, 30))])

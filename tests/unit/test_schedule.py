"""Schedule expansion: cadences, bounds, holidays, daylight-saving changes and descriptions."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circlekeeper.algorithms.schedule import (
    MAX_SLOTS,
    Frequency,
    Rhythm,
    Slot,
    describe,
    expand,
    in_timezone,
    nth_weekday,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"


def weekly(weekday: int, hour: int, minute: int = 0, timezone: str = BERLIN) -> Rhythm:
    return Rhythm(Frequency.WEEKLY, timezone, dt.time(hour, minute), weekday=weekday)


def monthly(weekday: int, week_of_month: int, timezone: str = BERLIN) -> Rhythm:
    return Rhythm(
        Frequency.MONTHLY, timezone, dt.time(18), weekday=weekday, week_of_month=week_of_month
    )


def explicit(*dates: dt.date, timezone: str = BERLIN) -> Rhythm:
    return Rhythm(Frequency.EXPLICIT, timezone, dt.time(18, 30), dates=dates)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def days(slots: list[Slot]) -> list[dt.date]:
    return [slot.local_date for slot in slots]


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


class TestWeekly:
    def test_start_on_the_weekday_itself_is_included(self) -> None:
        slots = expand(weekly(TUE, 18, 30), start=d(2026, 1, 6), count=3)
        assert days(slots) == [d(2026, 1, 6), d(2026, 1, 13), d(2026, 1, 20)]

    def test_start_after_the_weekday_waits_for_the_next_week(self) -> None:
        slots = expand(weekly(TUE, 18, 30), start=d(2026, 1, 7), count=1)
        assert days(slots) == [d(2026, 1, 13)]

    def test_slot_carries_utc_and_local_start(self) -> None:
        (slot,) = expand(weekly(TUE, 18, 30), start=d(2026, 1, 6), count=1)
        assert slot.starts_at == utc(2026, 1, 6, 17, 30)
        assert slot.starts_at.tzinfo is dt.UTC
        assert slot.local_start == dt.datetime(2026, 1, 6, 18, 30, tzinfo=ZoneInfo(BERLIN))
        assert slot.local_start.tzinfo == ZoneInfo(BERLIN)

    def test_until_is_inclusive(self) -> None:
        slots = expand(weekly(TUE, 18, 30), start=d(2026, 1, 1), until=d(2026, 1, 20))
        assert days(slots) == [d(2026, 1, 6), d(2026, 1, 13), d(2026, 1, 20)]

    def test_ends_on_is_inclusive(self) -> None:
        slots = expand(weekly(TUE, 18, 30), start=d(2026, 1, 1), ends_on=d(2026, 1, 13))
        assert days(slots) == [d(2026, 1, 6), d(2026, 1, 13)]

    def test_the_earlier_of_until_and_ends_on_wins(self) -> None:
        rhythm = weekly(TUE, 18, 30)
        early_end = expand(rhythm, start=d(2026, 1, 1), until=d(2026, 2, 1), ends_on=d(2026, 1, 6))
        early_until = expand(
            rhythm, start=d(2026, 1, 1), until=d(2026, 1, 6), ends_on=d(2026, 2, 1)
        )
        assert days(early_end) == days(early_until) == [d(2026, 1, 6)]

    def test_ends_on_stops_a_count(self) -> None:
        slots = expand(weekly(TUE, 18, 30), start=d(2026, 1, 1), count=10, ends_on=d(2026, 1, 20))
        assert len(slots) == 3

    def test_count_stops_before_until(self) -> None:
        slots = expand(weekly(TUE, 18, 30), start=d(2026, 1, 1), count=2, until=d(2026, 12, 31))
        assert days(slots) == [d(2026, 1, 6), d(2026, 1, 13)]

    def test_count_zero_gives_nothing(self) -> None:
        assert expand(weekly(TUE, 18, 30), start=d(2026, 1, 1), count=0) == []

    def test_end_before_start_gives_nothing(self) -> None:
        assert expand(weekly(TUE, 18, 30), start=d(2026, 2, 1), until=d(2026, 1, 1)) == []

    def test_skipped_dates_do_not_count(self) -> None:
        slots = expand(weekly(TUE, 18, 30), start=d(2026, 12, 15), count=3, skip=[d(2026, 12, 22)])
        assert days(slots) == [d(2026, 12, 15), d(2026, 12, 29), d(2027, 1, 5)]

    def test_skip_accepts_any_iterable_including_off_rhythm_days(self) -> None:
        holidays = (day for day in [d(2026, 12, 25), d(2026, 12, 29)])
        slots = expand(
            weekly(TUE, 18, 30), start=d(2026, 12, 20), until=d(2027, 1, 6), skip=holidays
        )
        assert days(slots) == [d(2026, 12, 22), d(2027, 1, 5)]

    def test_anchor_does_not_shift_a_weekly_rhythm(self) -> None:
        rhythm = Rhythm(
            Frequency.WEEKLY, BERLIN, dt.time(9), weekday=MON, anchor=d(2026, 1, 5), interval=1
        )
        assert days(expand(rhythm, start=d(2026, 1, 12), count=2)) == [
            d(2026, 1, 12),
            d(2026, 1, 19),
        ]


ANCHOR = dt.date(2026, 1, 5)


class TestEveryNWeeks:
    def rhythm(self, interval: int = 2, anchor: dt.date | None = ANCHOR) -> Rhythm:
        return Rhythm(
            Frequency.EVERY_N_WEEKS,
            "UTC",
            dt.time(19),
            weekday=MON,
            interval=interval,
            anchor=anchor,
        )

    def test_keeps_its_phase_when_start_is_later_than_the_anchor(self) -> None:
        slots = expand(self.rhythm(), start=d(2026, 1, 12), count=3)
        assert days(slots) == [d(2026, 1, 19), d(2026, 2, 2), d(2026, 2, 16)]

    def test_starts_on_the_anchor_week(self) -> None:
        slots = expand(self.rhythm(), start=d(2026, 1, 5), count=2)
        assert days(slots) == [d(2026, 1, 5), d(2026, 1, 19)]

    def test_anchor_off_the_weekday_counts_from_the_next_such_day(self) -> None:
        slots = expand(self.rhythm(anchor=d(2026, 1, 7)), start=d(2026, 1, 1), count=2)
        assert days(slots) == [d(2026, 1, 12), d(2026, 1, 26)]

    def test_anchor_only_sets_the_phase_start_bounds(self) -> None:
        slots = expand(self.rhythm(anchor=d(2026, 3, 2)), start=d(2026, 1, 1), count=2)
        assert days(slots) == [d(2026, 1, 5), d(2026, 1, 19)]

    def test_without_anchor_counts_from_start(self) -> None:
        slots = expand(self.rhythm(interval=3, anchor=None), start=d(2026, 1, 6), count=3)
        assert days(slots) == [d(2026, 1, 12), d(2026, 2, 2), d(2026, 2, 23)]

    def test_far_later_start_stays_in_phase(self) -> None:
        slots = expand(self.rhythm(interval=4), start=d(2030, 6, 1), count=5)
        assert all((day - d(2026, 1, 5)).days % 28 == 0 for day in days(slots))
        assert days(slots)[0] - d(2030, 6, 1) < dt.timedelta(weeks=4)

    def test_skip_keeps_the_phase(self) -> None:
        slots = expand(self.rhythm(), start=d(2026, 1, 5), count=2, skip=[d(2026, 1, 19)])
        assert days(slots) == [d(2026, 1, 5), d(2026, 2, 2)]


class TestMonthly:
    def test_fifth_monday_of_2026_happens_four_times(self) -> None:
        slots = expand(monthly(MON, 5), start=d(2026, 1, 1), until=d(2026, 12, 31))
        mondays = {
            month: [week[MON] for week in calendar.monthcalendar(2026, month) if week[MON]]
            for month in range(1, 13)
        }
        expected = [d(2026, month, found[4]) for month, found in mondays.items() if len(found) == 5]
        assert days(slots) == expected
        assert days(slots) == [d(2026, 3, 30), d(2026, 6, 29), d(2026, 8, 31), d(2026, 11, 30)]

    def test_count_looks_past_months_without_a_fifth_weekday(self) -> None:
        slots = expand(monthly(MON, 5), start=d(2026, 1, 1), count=2)
        assert days(slots) == [d(2026, 3, 30), d(2026, 6, 29)]

    def test_last_friday_in_every_month_length(self) -> None:
        slots = expand(monthly(FRI, -1), start=d(2026, 1, 1), until=d(2026, 12, 31))
        expected = [
            d(2026, month, max(week[FRI] for week in calendar.monthcalendar(2026, month)))
            for month in range(1, 13)
        ]
        assert days(slots) == expected
        assert days(slots)[:4] == [d(2026, 1, 30), d(2026, 2, 27), d(2026, 3, 27), d(2026, 4, 24)]

    def test_last_weekday_on_a_leap_day(self) -> None:
        leap = expand(monthly(TUE, -1), start=d(2028, 2, 1), count=1)
        common = expand(monthly(TUE, -1), start=d(2027, 2, 1), count=1)
        assert days(leap) == [d(2028, 2, 29)]
        assert days(common) == [d(2027, 2, 23)]

    @pytest.mark.parametrize("week_of_month", [1, 2, 3, 4, 5, -1])
    @pytest.mark.parametrize("weekday", range(7))
    def test_nth_weekday_agrees_with_calendar(self, weekday: int, week_of_month: int) -> None:
        for year in (2023, 2024, 2028, 2100):
            for month in range(1, 13):
                found = [w[weekday] for w in calendar.monthcalendar(year, month) if w[weekday]]
                index = week_of_month - 1 if week_of_month > 0 else -1
                want = d(year, month, found[index]) if week_of_month <= len(found) else None
                assert nth_weekday(year, month, weekday, week_of_month) == want

    def test_first_weekday_before_start_moves_to_next_month(self) -> None:
        slots = expand(monthly(WED, 1), start=d(2026, 1, 8), count=2)
        assert days(slots) == [d(2026, 2, 4), d(2026, 3, 4)]

    def test_start_on_the_day_includes_it(self) -> None:
        slots = expand(monthly(WED, 1), start=d(2026, 1, 7), count=1)
        assert days(slots) == [d(2026, 1, 7)]


class TestExplicit:
    def test_dates_are_sorted_deduplicated_and_filtered(self) -> None:
        rhythm = explicit(
            d(2026, 5, 4),
            d(2026, 1, 2),
            d(2026, 3, 3),
            d(2026, 1, 2),
            d(2026, 4, 1),
            d(2025, 12, 1),
        )
        slots = expand(
            rhythm, start=d(2026, 1, 1), until=d(2026, 4, 30), skip=[d(2026, 3, 3)], count=10
        )
        assert days(slots) == [d(2026, 1, 2), d(2026, 4, 1)]

    def test_ends_on_filters(self) -> None:
        slots = expand(
            explicit(d(2026, 1, 2), d(2026, 2, 2)), start=d(2026, 1, 1), ends_on=d(2026, 2, 1)
        )
        assert days(slots) == [d(2026, 1, 2)]

    def test_count_alone_bounds_explicit_dates(self) -> None:
        rhythm = explicit(d(2026, 1, 2), d(2026, 2, 2), d(2026, 3, 2))
        assert days(expand(rhythm, start=d(2026, 1, 1), count=2)) == [
            d(2026, 1, 2),
            d(2026, 2, 2),
        ]

    def test_no_dates_gives_nothing(self) -> None:
        assert expand(explicit(), start=d(2026, 1, 1), count=5) == []

    def test_list_of_dates_is_kept_as_a_tuple(self) -> None:
        rhythm = Rhythm(Frequency.EXPLICIT, "UTC", dt.time(9), dates=[d(2026, 1, 2)])  # type: ignore[arg-type]
        assert rhythm.dates == (d(2026, 1, 2),)


class TestDaylightSaving:
    def test_berlin_keeps_local_time_across_march_and_october(self) -> None:
        spring = expand(weekly(TUE, 18, 30), start=d(2026, 3, 17), count=4)
        autumn = expand(weekly(TUE, 18, 30), start=d(2026, 10, 20), count=2)
        assert [s.starts_at for s in spring] == [
            utc(2026, 3, 17, 17, 30),
            utc(2026, 3, 24, 17, 30),
            utc(2026, 3, 31, 16, 30),
            utc(2026, 4, 7, 16, 30),
        ]
        assert [s.starts_at for s in autumn] == [
            utc(2026, 10, 20, 16, 30),
            utc(2026, 10, 27, 17, 30),
        ]
        assert {s.local_start.time() for s in spring + autumn} == {dt.time(18, 30)}

    def test_time_in_the_spring_gap_moves_forward_by_the_gap(self) -> None:
        slots = expand(weekly(SUN, 2, 30), start=d(2027, 3, 21), count=3)
        assert [s.local_start.time() for s in slots] == [
            dt.time(2, 30),
            dt.time(3, 30),
            dt.time(2, 30),
        ]
        assert slots[1].local_date == d(2027, 3, 28)
        assert slots[1].starts_at == utc(2027, 3, 28, 1, 30)
        assert slots[1].local_start.utcoffset() == dt.timedelta(hours=2)

    def test_ambiguous_fall_back_time_takes_the_first_occurrence(self) -> None:
        (slot,) = expand(weekly(SUN, 2, 30), start=d(2026, 10, 25), count=1)
        assert slot.starts_at == utc(2026, 10, 25, 0, 30)
        assert slot.local_start.utcoffset() == dt.timedelta(hours=2)
        assert slot.local_start.time() == dt.time(2, 30)

    def test_new_york_changes_in_march_and_november(self) -> None:
        rhythm = weekly(WED, 18, 0, NEW_YORK)
        slots = expand(rhythm, start=d(2026, 3, 4), count=2)
        autumn = expand(rhythm, start=d(2026, 10, 28), count=2)
        assert [s.starts_at for s in slots] == [utc(2026, 3, 4, 23), utc(2026, 3, 11, 22)]
        assert [s.starts_at for s in autumn] == [utc(2026, 10, 28, 22), utc(2026, 11, 4, 23)]

    def test_new_york_gap_and_overlap(self) -> None:
        (gap,) = expand(weekly(SUN, 2, 30, NEW_YORK), start=d(2026, 3, 8), count=1)
        (overlap,) = expand(weekly(SUN, 1, 30, NEW_YORK), start=d(2026, 11, 1), count=1)
        assert gap.local_start.time() == dt.time(3, 30)
        assert gap.starts_at == utc(2026, 3, 8, 7, 30)
        assert overlap.starts_at == utc(2026, 11, 1, 5, 30)

    def test_sydney_changes_in_the_opposite_months(self) -> None:
        rhythm = weekly(MON, 18, 30, SYDNEY)
        april = expand(rhythm, start=d(2026, 3, 30), count=2)
        october = expand(rhythm, start=d(2026, 9, 28), count=2)
        assert [s.starts_at for s in april] == [utc(2026, 3, 30, 7, 30), utc(2026, 4, 6, 8, 30)]
        assert [s.starts_at for s in october] == [utc(2026, 9, 28, 8, 30), utc(2026, 10, 5, 7, 30)]
        assert {s.local_start.time() for s in april + october} == {dt.time(18, 30)}

    def test_sydney_gap_and_overlap(self) -> None:
        (gap,) = expand(weekly(SUN, 2, 30, SYDNEY), start=d(2026, 10, 4), count=1)
        (overlap,) = expand(weekly(SUN, 2, 30, SYDNEY), start=d(2026, 4, 5), count=1)
        assert gap.local_start.time() == dt.time(3, 30)
        assert overlap.starts_at == utc(2026, 4, 4, 15, 30)
        assert overlap.local_start.utcoffset() == dt.timedelta(hours=11)

    def test_a_day_the_zone_skipped_gives_one_slot_not_two(self) -> None:
        rhythm = explicit(
            d(2011, 12, 29), d(2011, 12, 30), d(2011, 12, 31), timezone="Pacific/Apia"
        )
        slots = expand(rhythm, start=d(2011, 12, 1), count=5)
        starts = [s.starts_at for s in slots]
        assert starts == sorted(set(starts))
        assert len(slots) == 2


class TestInTimezone:
    def test_same_instant_in_another_zone(self) -> None:
        (slot,) = expand(weekly(TUE, 18, 30), start=d(2026, 1, 6), count=1)
        there = in_timezone(slot, NEW_YORK)
        assert there == slot.starts_at
        assert there.replace(tzinfo=None) == dt.datetime(2026, 1, 6, 12, 30)

    def test_another_zone_can_be_on_another_date(self) -> None:
        (slot,) = expand(weekly(TUE, 18, 30), start=d(2026, 1, 6), count=1)
        assert in_timezone(slot, SYDNEY).replace(tzinfo=None) == dt.datetime(2026, 1, 7, 4, 30)

    def test_unknown_zone_is_refused(self) -> None:
        (slot,) = expand(weekly(TUE, 18, 30), start=d(2026, 1, 6), count=1)
        with pytest.raises(ValueError, match="unknown timezone"):
            in_timezone(slot, "Mars/Olympus")


class TestDescribe:
    @pytest.mark.parametrize(
        ("rhythm", "text"),
        [
            (weekly(TUE, 18, 30), "every Tuesday at 18:30 (Europe/Berlin)"),
            (
                Rhythm(Frequency.EVERY_N_WEEKS, "UTC", dt.time(19), weekday=MON, interval=2),
                "every 2 weeks on Monday at 19:00 (UTC)",
            ),
            (
                Rhythm(Frequency.EVERY_N_WEEKS, "UTC", dt.time(19), weekday=MON),
                "every Monday at 19:00 (UTC)",
            ),
            (monthly(MON, 5, NEW_YORK), "monthly on the 5th Monday at 18:00 (America/New_York)"),
            (monthly(FRI, -1), "monthly on the last Friday at 18:00 (Europe/Berlin)"),
            (monthly(SUN, 1), "monthly on the 1st Sunday at 18:00 (Europe/Berlin)"),
            (
                explicit(d(2026, 1, 2), d(2026, 1, 9), d(2026, 1, 2), d(2026, 2, 1)),
                "on 3 chosen dates at 18:30 (Europe/Berlin)",
            ),
            (explicit(d(2026, 1, 2)), "on 1 chosen date at 18:30 (Europe/Berlin)"),
            (explicit(), "on no chosen dates yet at 18:30 (Europe/Berlin)"),
            (weekly(SAT, 9, 5), "every Saturday at 09:05 (Europe/Berlin)"),
        ],
    )
    def test_describes(self, rhythm: Rhythm, text: str) -> None:
        assert describe(rhythm) == text


class TestInvalid:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"frequency": "fortnightly"}, "unknown meeting frequency"),
            ({"timezone": "Europe/Atlantis"}, "unknown timezone 'Europe/Atlantis'"),
            ({"timezone": ""}, "a timezone is needed"),
            ({"timezone": "/etc/passwd"}, "unknown timezone"),
            ({"timezone": "../UTC"}, "unknown timezone"),
            ({"local_time": dt.time(18, tzinfo=dt.UTC)}, "plain local time"),
            ({"weekday": None}, "needs a weekday"),
            ({"weekday": 7}, "weekday must be 0"),
            ({"weekday": -1}, "weekday must be 0"),
            ({"interval": 0}, "every 1 to 52 weeks"),
            ({"interval": 53}, "every 1 to 52 weeks"),
        ],
    )
    def test_bad_rhythm(self, kwargs: dict[str, object], message: str) -> None:
        values: dict[str, object] = {
            "frequency": Frequency.EVERY_N_WEEKS,
            "timezone": BERLIN,
            "local_time": dt.time(18, 30),
            "weekday": MON,
            "interval": 2,
        }
        with pytest.raises(ValueError, match=message):
            Rhythm(**(values | kwargs))  # type: ignore[arg-type]

    @pytest.mark.parametrize("week_of_month", [None, 0, 6, -2])
    def test_bad_week_of_month(self, week_of_month: int | None) -> None:
        with pytest.raises(ValueError, match="which week of the month"):
            Rhythm(Frequency.MONTHLY, BERLIN, dt.time(18), weekday=MON, week_of_month=week_of_month)

    def test_frequency_given_as_text_is_accepted(self) -> None:
        rhythm = Rhythm("weekly", BERLIN, dt.time(18), weekday=MON)  # type: ignore[arg-type]
        assert rhythm.frequency is Frequency.WEEKLY

    def test_unbounded_expansion_is_refused(self) -> None:
        with pytest.raises(ValueError, match="give an end date or a number of meetings"):
            expand(weekly(TUE, 18), start=d(2026, 1, 1))

    @pytest.mark.parametrize("count", [-1, MAX_SLOTS + 1])
    def test_bad_count(self, count: int) -> None:
        with pytest.raises(ValueError, match="meetings"):
            expand(weekly(TUE, 18), start=d(2026, 1, 1), count=count)

    def test_too_many_slots_are_refused_not_cut_short(self) -> None:
        with pytest.raises(ValueError, match="more than 1,000 meetings"):
            expand(weekly(TUE, 18), start=d(2026, 1, 1), until=d(2050, 1, 1))

    def test_exactly_the_cap_is_allowed(self) -> None:
        slots = expand(weekly(TUE, 18), start=d(2026, 1, 1), count=MAX_SLOTS)
        assert len(slots) == MAX_SLOTS
        again = expand(weekly(TUE, 18), start=d(2026, 1, 1), until=slots[-1].local_date)
        assert again == slots

    def test_datetime_instead_of_date_is_refused(self) -> None:
        with pytest.raises(TypeError, match="start must be a date"):
            expand(weekly(TUE, 18), start=dt.datetime(2026, 1, 1), count=1)

    def test_end_of_the_calendar_stops_quietly(self) -> None:
        slots = expand(weekly(FRI, 23, 0, "Pacific/Kiritimati"), start=d(9999, 12, 1), count=10)
        assert days(slots) == [
            d(9999, 12, 3),
            d(9999, 12, 10),
            d(9999, 12, 17),
            d(9999, 12, 24),
            d(9999, 12, 31),
        ]
        assert expand(monthly(FRI, -1), start=d(9999, 12, 1), count=5) == expand(
            monthly(FRI, -1), start=d(9999, 12, 1), until=d(9999, 12, 31)
        )


# Property tests: the expansion agrees with a day-by-day brute force and keeps its invariants.

ZONES = [
    "UTC",
    BERLIN,
    NEW_YORK,
    SYDNEY,
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",
    "America/St_Johns",
    "Asia/Tehran",
    "Africa/Casablanca",
    "Europe/London",
]


@st.composite
def rhythms(draw: st.DrawFn) -> Rhythm:
    frequency = draw(st.sampled_from(Frequency))
    timezone = draw(st.sampled_from(ZONES))
    local_time = draw(st.times())
    if frequency is Frequency.EXPLICIT:
        dates = draw(st.lists(st.dates(d(1995, 1, 1), d(2045, 12, 31)), max_size=20).map(tuple))
        return Rhythm(frequency, timezone, local_time, dates=dates)
    return Rhythm(
        frequency,
        timezone,
        local_time,
        weekday=draw(st.integers(0, 6)),
        interval=draw(st.integers(1, 52)),
        week_of_month=draw(st.sampled_from([1, 2, 3, 4, 5, -1])),
        anchor=draw(st.none() | st.dates(d(1995, 1, 1), d(2045, 12, 31))),
    )


def matches(rhythm: Rhythm, day: dt.date, start: dt.date) -> bool:
    """Whether `day` is a meeting day of `rhythm`, checked the slow, obvious way."""
    if rhythm.frequency is Frequency.EXPLICIT:
        return day in rhythm.dates
    if day.weekday() != rhythm.weekday:
        return False
    if rhythm.frequency is Frequency.MONTHLY:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        if rhythm.week_of_month == -1:
            return day.day + 7 > days_in_month
        return (day.day - 1) // 7 + 1 == rhythm.week_of_month
    if rhythm.frequency is Frequency.EVERY_N_WEEKS:
        anchor = rhythm.anchor or start
        first = anchor + dt.timedelta(days=(day.weekday() - anchor.weekday()) % 7)
        return (day - first).days % (7 * rhythm.interval) == 0
    return True


def wall_time_exists(day: dt.date, local_time: dt.time, zone: ZoneInfo) -> bool:
    wall = dt.datetime.combine(day, local_time)
    round_trip = wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == wall


@settings(max_examples=300, deadline=None)
@given(
    rhythm=rhythms(),
    start=st.dates(d(1996, 1, 1), d(2044, 1, 1)),
    span=st.none() | st.integers(0, 800),
    ends_in=st.none() | st.integers(0, 800),
    count=st.none() | st.integers(0, 25),
    skip_offsets=st.sets(st.integers(-10, 800), max_size=30),
)
def test_expansion_properties(
    rhythm: Rhythm,
    start: dt.date,
    span: int | None,
    ends_in: int | None,
    count: int | None,
    skip_offsets: set[int],
) -> None:
    if span is None and ends_in is None and count is None:
        count = 5
    until = None if span is None else start + dt.timedelta(days=span)
    ends_on = None if ends_in is None else start + dt.timedelta(days=ends_in)
    skip = {start + dt.timedelta(days=offset) for offset in skip_offsets}
    slots = expand(rhythm, start=start, until=until, count=count, ends_on=ends_on, skip=skip)

    zone = ZoneInfo(rhythm.timezone)
    last = min((b for b in (until, ends_on) if b is not None), default=None)
    starts = [slot.starts_at for slot in slots]
    assert all(a < b for a, b in itertools.pairwise(starts))
    assert count is None or len(slots) <= count
    for slot in slots:
        assert start <= slot.local_date
        assert last is None or slot.local_date <= last
        assert slot.local_date not in skip
        assert slot.starts_at.utcoffset() == dt.timedelta(0)
        assert slot.local_start.astimezone(dt.UTC) == slot.starts_at
        assert slot.local_start.tzinfo == zone
        if rhythm.frequency is not Frequency.EXPLICIT:
            assert slot.local_date.weekday() == rhythm.weekday
        if wall_time_exists(slot.local_date, rhythm.local_time, zone):
            assert slot.local_start.date() == slot.local_date
            assert slot.local_start.time() == rhythm.local_time
            assert slot.local_start.fold == 0
        else:
            wall = dt.datetime.combine(slot.local_date, rhythm.local_time)
            assert slot.local_start.replace(tzinfo=None) > wall

    horizon = last
    if horizon is None and slots and len(slots) == count:
        horizon = slots[-1].local_date
    if horizon is None and rhythm.frequency is Frequency.EXPLICIT:
        horizon = max(rhythm.dates, default=start)
    if horizon is not None:
        brute = [
            day
            for offset in range((horizon - start).days + 1)
            if (day := start + dt.timedelta(days=offset)) not in skip
            and matches(rhythm, day, start)
        ]
        assert days(slots) == (brute if count is None else brute[:count])


@settings(max_examples=100, deadline=None)
@given(rhythm=rhythms(), start=st.dates(d(1996, 1, 1), d(2044, 1, 1)))
def test_expansion_is_deterministic_and_describable(rhythm: Rhythm, start: dt.date) -> None:
    first = expand(rhythm, start=start, count=12)
    assert first == expand(rhythm, start=start, count=12)
    assert describe(rhythm).endswith(f"({rhythm.timezone})")


def test_an_ambiguous_wall_time_takes_its_first_occurrence_in_casablanca() -> None:
    """Morocco turns clocks back for Ramadan (2024-03-10 03:00 → 02:00): 02:00 happens twice.

    The slot is the first 02:00 (01:00 UTC). Its local and UTC forms are the same instant, even
    though PEP 495 makes an ambiguous time compare unequal to any time in another zone.
    """
    rhythm = Rhythm(
        frequency=Frequency.WEEKLY,
        timezone="Africa/Casablanca",
        local_time=dt.time(2, 0),
        weekday=6,
    )
    [slot] = expand(rhythm, start=d(2024, 3, 10), until=d(2024, 3, 10))
    assert slot.starts_at == dt.datetime(2024, 3, 10, 1, 0, tzinfo=dt.UTC)
    assert slot.local_start.astimezone(dt.UTC) == slot.starts_at
    assert slot.local_start.fold == 0

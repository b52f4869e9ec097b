"""Programme health: the arithmetic on hand-made numbers, then small communities with known
coverage, overload, over-reliance and diversity, and the query plans behind them."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from typing import Any

import pytest
from tests.sql_capture import captured, plan

from circlekeeper import clock
from circlekeeper.algorithms import programme_health as health
from circlekeeper.db import Database
from circlekeeper.models import (
    Ambassador,
    AmbassadorRest,
    Circle,
    CircleSession,
    Goal,
    GoalProgress,
    Member,
    MemberTag,
    Role,
    RoleAssignment,
)
from circlekeeper.services import goals
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.programme_health import programme_health
from circlekeeper.services.programme_settings import ProgrammeSettings
from circlekeeper.text import identity_key, sort_key

UTC = ProgrammeSettings(timezone="UTC")
TODAY = dt.date(2026, 11, 21)
"""A Saturday: with weeks starting on Monday, this week is 16 to 22 November."""
MONDAY = dt.date(2026, 11, 16)
LONG_AGO = dt.date(2026, 1, 5)


# --- the arithmetic ------------------------------------------------------------------------


def test_coverage_above_the_band_is_a_gap_that_asks_for_ambassadors() -> None:
    assert health.members_per_ambassador(240, 2) == 120.0
    assert health.coverage_flag(240, 2, 50, 100) == (
        "coverage gap: 120 members per ambassador (aim for at most 100) — "
        "nominate or recruit ambassadors"
    )
    assert health.coverage_flag(250, 3, 50, 80) == (
        "coverage gap: 83.3 members per ambassador (aim for at most 80) — "
        "nominate or recruit ambassadors"
    )


def test_coverage_below_the_band_is_a_thin_load_worth_knowing() -> None:
    flag = health.coverage_flag(40, 1, 50, 100)
    assert flag is not None
    assert flag.startswith("thin load: 40 members per ambassador (the band starts at 50)")
    assert "fine, but worth knowing" in flag


@pytest.mark.parametrize(("members", "ambassadors"), [(50, 1), (100, 1), (150, 2), (0, 0)])
def test_coverage_inside_the_band_or_with_nobody_has_no_flag(
    members: int, ambassadors: int
) -> None:
    assert health.coverage_flag(members, ambassadors, 50, 100) is None


def test_members_without_any_ambassador_are_a_gap_and_have_no_ratio() -> None:
    assert health.members_per_ambassador(7, 0) is None
    assert health.coverage_flag(7, 0, 50, 100) == (
        "coverage gap: 7 active members and no active ambassador — nominate or recruit ambassadors"
    )
    assert health.coverage_flag(1, 0, 50, 100) == (
        "coverage gap: 1 active member and no active ambassador — nominate or recruit ambassadors"
    )


def test_a_load_over_capacity_is_a_prompt_to_talk_with_the_numbers() -> None:
    [reason] = health.overload_reasons(capacity=5, goal_load=5, role_load=2, behind_streak=0)
    assert reason.startswith(
        "this week's load is 7 (5 from goals, 2 from roles), more than the 5 a week"
    )
    assert "ask how it feels" in reason
    assert health.overload_reasons(capacity=5, goal_load=3, role_load=2, behind_streak=2) == []


def test_behind_three_periods_running_is_a_conversation_not_a_penalty() -> None:
    [reason] = health.overload_reasons(capacity=5, goal_load=1, role_load=0, behind_streak=3)
    assert reason.startswith("behind on goals 3 periods in a row")
    assert reason.endswith("a prompt to talk, not a penalty")
    both = health.overload_reasons(capacity=1, goal_load=1, role_load=1, behind_streak=4)
    assert [r.split(" ", 2)[:2] for r in both] == [["this", "week's"], ["behind", "on"]]


def test_the_top_three_share_of_the_work() -> None:
    assert health.top_share([10, 5, 3, 1, 1]) == pytest.approx(0.9)
    assert health.top_share([1, 1, 3, 10, 5]) == pytest.approx(0.9)
    assert health.top_share([4, 4]) == 1.0
    assert health.top_share([]) is None
    assert health.reliance_share([10, 5, 3], 20) == pytest.approx(0.9)
    assert health.reliance_share([], 0) is None


def test_a_distribution_puts_both_sides_together_most_members_first() -> None:
    rows = health.distribution(
        {"Europe": 1, "Asia": 1, "Oceania": 2}, {"Europe": 6, "asia": 2, "Asia": 2}
    )
    assert [(r.value, r.ambassadors, r.members) for r in rows] == [
        ("Europe", 1, 6),
        ("Asia", 1, 2),
        ("asia", 0, 2),
        ("Oceania", 2, 0),
    ]
    europe = rows[0]
    assert (europe.ambassador_share, europe.member_share) == (0.25, 0.6)
    assert health.distribution({}, {"x": 0})[0].member_share == 0.0


# --- a small community, built row by row --------------------------------------------------


class Community:
    """Writes members, ambassadors, goals, progress, rests and roles straight into the database,
    so that a test can set up weeks of history with known answers."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.numbers = itertools.count(1)
        self.circle_id: int | None = None
        self.roles: dict[str, int] = {}
        self.sessions: dict[dt.date, int] = {}

    def members(
        self, count: int, *, status: str = "active", tags: dict[str, str] | None = None
    ) -> list[int]:
        """`count` new members with `status` and `tags`; their ids."""
        now = clock.now()
        with self.db.write() as session:
            rows = []
            for _ in range(count):
                number = next(self.numbers)
                rows.append(
                    Member(
                        name=f"Person {number:05}",
                        name_key=f"person {number:05}",
                        handle=f"p{number}",
                        handle_key=f"p{number}",
                        joined_on=LONG_AGO,
                        status=status,
                        created_at=now,
                        updated_at=now,
                    )
                )
            session.add_all(rows)
            session.flush()
            for row in rows:
                for key, value in (tags or {}).items():
                    session.add(
                        MemberTag(
                            member_id=row.id, key=key, value=value, value_key=identity_key(value)
                        )
                    )
            return [row.id for row in rows if row.id is not None]

    def ambassador(
        self,
        name: str,
        *,
        status: str = "active",
        resting_until: dt.date | None = None,
        capacity: int = 5,
        tags: dict[str, str] | None = None,
        member_status: str = "active",
    ) -> int:
        """A new member called `name` who is an ambassador; the ambassador's id."""
        [member_id] = self.members(1, status=member_status, tags=tags)
        now = clock.now()
        with self.db.write() as session:
            member = session.get(Member, member_id)
            assert member is not None
            member.name, member.name_key = name, sort_key(name)
            ambassador = Ambassador(
                member_id=member_id,
                status=status,
                resting_until=resting_until,
                retired_on=TODAY if status == "alumni" else None,
                capacity_per_week=capacity,
                started_on=LONG_AGO,
                created_at=now,
                updated_at=now,
            )
            session.add(ambassador)
            session.flush()
            assert ambassador.id is not None
            return ambassador.id

    def goal(
        self,
        ambassador_id: int,
        target: int,
        *,
        per: str = "week",
        metric: str = "welcome",
        starts_on: dt.date = MONDAY,
        ends_on: dt.date | None = None,
    ) -> None:
        """A goal for the ambassador."""
        with self.db.write() as session:
            session.add(
                Goal(
                    ambassador_id=ambassador_id,
                    metric=metric,
                    metric_key=metric,
                    target=target,
                    per=per,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    created_at=clock.now(),
                )
            )

    def log(self, ambassador_id: int, day: dt.date, count: int, metric: str = "welcome") -> None:
        """Progress logged by the ambassador on `day`."""
        with self.db.write() as session:
            session.add(
                GoalProgress(
                    ambassador_id=ambassador_id,
                    metric=metric,
                    metric_key=metric,
                    day=day,
                    count=count,
                    created_at=clock.now(),
                )
            )

    def rest(self, ambassador_id: int, starts_on: dt.date, ends_on: dt.date) -> None:
        """A rest row for the ambassador (both dates inclusive)."""
        with self.db.write() as session:
            session.add(
                AmbassadorRest(
                    ambassador_id=ambassador_id,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    created_at=clock.now(),
                )
            )

    def session_role(
        self, ambassador_id: int, day: dt.date, role: str, *, status: str = "held"
    ) -> None:
        """The ambassador's member holds `role` at the circle's session on `day`."""
        with self.db.write() as session:
            member_id = self._member_of(session, ambassador_id)
            session_id = self.sessions.get(day)
            if session_id is None:
                meeting = CircleSession(
                    circle_id=self._circle(session),
                    local_date=day,
                    starts_at=dt.datetime.combine(day, dt.time(18), dt.UTC),
                    status=status,
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
                session.add(meeting)
                session.flush()
                assert meeting.id is not None
                session_id = self.sessions[day] = meeting.id
            session.add(self._assignment(session, role, member_id, session_id=session_id))

    def term_role(
        self, ambassador_id: int, role: str, starts_on: dt.date, ends_on: dt.date | None = None
    ) -> None:
        """The ambassador's member holds `role` for a term."""
        with self.db.write() as session:
            member_id = self._member_of(session, ambassador_id)
            session.add(
                self._assignment(
                    session, role, member_id, starts_on=starts_on, ends_on=ends_on, rotating=False
                )
            )

    def _member_of(self, session: Any, ambassador_id: int) -> int:
        ambassador = session.get(Ambassador, ambassador_id)
        assert ambassador is not None
        return int(ambassador.member_id)

    def _circle(self, session: Any) -> int:
        if self.circle_id is None:
            circle = Circle(
                name="Builders",
                name_key="builders",
                status="active",
                created_at=clock.now(),
                updated_at=clock.now(),
            )
            session.add(circle)
            session.flush()
            self.circle_id = circle.id
        assert self.circle_id is not None
        return self.circle_id

    def _assignment(
        self,
        session: Any,
        role: str,
        member_id: int,
        *,
        session_id: int | None = None,
        starts_on: dt.date | None = None,
        ends_on: dt.date | None = None,
        rotating: bool = True,
    ) -> RoleAssignment:
        if role not in self.roles:
            row = Role(
                circle_id=self._circle(session),
                name=role,
                name_key=role,
                rotating=rotating,
                created_at=clock.now(),
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            self.roles[role] = row.id
        return RoleAssignment(
            role_id=self.roles[role],
            session_id=session_id,
            member_id=member_id,
            starts_on=starts_on,
            ends_on=ends_on,
            created_at=clock.now(),
            updated_at=clock.now(),
        )


@pytest.fixture
def town(db: Database) -> Community:
    """An empty community to build in."""
    return Community(db)


def _health(town: Community, **kwargs: Any) -> Any:
    kwargs.setdefault("settings", UTC)
    return programme_health(town.db, **kwargs)


# --- coverage ------------------------------------------------------------------------------


def test_coverage_counts_active_members_per_active_ambassador(town: Community) -> None:
    town.members(235)
    town.members(20, status="paused")
    town.members(10, status="left")
    town.ambassador("Ana")
    town.ambassador("Bo")
    town.ambassador("Old Hand", status="alumni")
    town.ambassador("Sleepy", status="resting", resting_until=dt.date(2026, 12, 1))
    town.rest(town.ambassador("Away Today"), TODAY - dt.timedelta(days=2), TODAY)

    found = _health(town)

    overall = found.coverage
    assert (overall.tag_value, overall.active_members, overall.active_ambassadors) == (
        None,
        240,
        2,
    )
    assert overall.members_per_ambassador == 120.0
    assert overall.flag == (
        "coverage gap: 120 members per ambassador (aim for at most 100) — "
        "nominate or recruit ambassadors"
    )
    assert (found.band_min, found.band_max, found.tag) == (50, 100, None)
    assert found.coverage_by_tag == []
    assert found.diversity == []


def test_a_rest_that_ended_yesterday_counts_the_ambassador_as_active(town: Community) -> None:
    town.members(237)
    town.ambassador("Ana")
    town.ambassador("Bo")
    town.ambassador("Back", status="resting", resting_until=TODAY - dt.timedelta(days=1))

    overall = _health(town).coverage

    assert (overall.active_members, overall.active_ambassadors) == (240, 3)
    assert (overall.members_per_ambassador, overall.flag) == (80.0, None)


def test_the_band_comes_from_the_settings(town: Community) -> None:
    town.members(39)
    town.ambassador("Ana")
    roomy = ProgrammeSettings(timezone="UTC", coverage_min=10, coverage_max=30)

    found = _health(town, settings=roomy)

    assert (found.band_min, found.band_max) == (10, 30)
    assert (found.coverage.flag or "").startswith("coverage gap: 40 members per ambassador")
    assert (_health(town).coverage.flag or "").startswith("thin load: 40 members")


def test_members_and_no_ambassador_is_a_gap(town: Community) -> None:
    town.members(12)
    town.ambassador("Gone", status="alumni")

    overall = _health(town).coverage

    assert (overall.active_members, overall.active_ambassadors) == (13, 0)
    assert overall.members_per_ambassador is None
    assert "no active ambassador" in (overall.flag or "")


@pytest.fixture
def regions(town: Community) -> Community:
    """150 active members in Europe (some spelled "europe"), 30 in Asia and 20 untagged, with
    one ambassador in Europe, one untagged, an alumna in Asia and paused Europeans."""
    town.members(119, tags={"region": "Europe"})
    town.members(30, tags={"region": "europe"})
    town.members(29, tags={"region": "Asia", "lang": "ja"})
    town.members(19)
    town.members(50, status="paused", tags={"region": "Europe"})
    town.ambassador("Eu", tags={"region": "europe"})
    town.ambassador("Nowhere")
    town.ambassador("Asia Alumna", status="alumni", tags={"region": "Asia"})
    return town


def test_coverage_per_tag_value_flags_each_region(regions: Community) -> None:
    found = _health(regions, tag=" Region ")

    assert found.tag == "region"
    assert (found.coverage.active_members, found.coverage.active_ambassadors) == (200, 2)
    assert found.coverage.flag is None
    rows = [
        (c.tag_value, c.active_members, c.active_ambassadors, c.members_per_ambassador)
        for c in found.coverage_by_tag
    ]
    assert rows == [
        ("Europe", 150, 1, 150.0),
        ("Asia", 30, 0, None),
        ("(no region)", 20, 1, 20.0),
    ]
    europe, asia, untagged = (c.flag or "" for c in found.coverage_by_tag)
    assert europe.startswith("coverage gap: 150 members per ambassador (aim for at most 100)")
    assert asia.startswith("coverage gap: 30 active members and no active ambassador")
    assert untagged.startswith("thin load: 20 members per ambassador")


def test_diversity_sets_ambassadors_beside_the_membership(regions: Community) -> None:
    rows = _health(regions, tag="region").diversity

    assert [
        (r.value, r.ambassadors, r.ambassador_share, r.members, r.member_share) for r in rows
    ] == [
        ("Europe", 1, 0.5, 150, 0.75),
        ("Asia", 0, 0.0, 30, 0.15),
        ("(no region)", 1, 0.5, 20, 0.1),
    ]


def test_a_tag_nobody_has_puts_everyone_under_no_tag(regions: Community) -> None:
    found = _health(regions, tag="pronouns")

    [row] = found.diversity
    assert (row.value, row.ambassadors, row.members) == ("(no pronouns)", 2, 200)
    [coverage] = found.coverage_by_tag
    assert (coverage.tag_value, coverage.members_per_ambassador) == ("(no pronouns)", 100.0)


def test_an_ambassador_whose_value_has_no_active_members_shows_it(town: Community) -> None:
    town.members(60, tags={"region": "Asia"})
    town.ambassador("Traveller", tags={"region": "Oceania"}, member_status="paused")
    town.ambassador("Local", tags={"region": "Asia"})

    by_value = {c.tag_value: c for c in _health(town, tag="region").coverage_by_tag}

    assert set(by_value) == {"Asia", "Oceania"}
    assert (by_value["Oceania"].active_members, by_value["Oceania"].active_ambassadors) == (0, 1)
    assert (by_value["Oceania"].flag or "").startswith("thin load: 0 members per ambassador")
    assert by_value["Asia"].flag is None


@pytest.mark.parametrize("tag", ["two words", "a=b", "x" * 41])
def test_a_tag_no_member_could_have_is_refused(town: Community, tag: str) -> None:
    with pytest.raises(InvalidInput, match=r"^tag: .* — e\.g\. region or timezone$"):
        _health(town, tag=tag)


# --- overload ------------------------------------------------------------------------------


def test_goals_and_roles_over_capacity_are_overload(town: Community) -> None:
    ana = town.ambassador("Ana", capacity=5)
    town.goal(ana, 3)
    town.goal(ana, 6, per="month", metric="threads")
    town.goal(
        ana, 9, metric="answers", starts_on=dt.date(2026, 11, 9), ends_on=dt.date(2026, 11, 10)
    )
    town.session_role(ana, dt.date(2026, 11, 17), "facilitator")
    town.session_role(ana, dt.date(2026, 11, 19), "timekeeper", status="cancelled")
    town.session_role(ana, dt.date(2026, 11, 10), "facilitator")
    town.session_role(ana, dt.date(2026, 11, 24), "facilitator", status="planned")
    town.term_role(ana, "steward", dt.date(2026, 10, 1))
    town.term_role(ana, "treasurer", dt.date(2026, 6, 1), dt.date(2026, 11, 1))
    bea = town.ambassador("Bea", capacity=5)
    town.goal(bea, 4)
    town.session_role(bea, dt.date(2026, 11, 17), "timekeeper")
    town.ambassador("Cy", capacity=1)

    [row] = _health(town).overload

    assert (row.ambassador_id, row.member_name, row.capacity_per_week) == (ana, "Ana", 5)
    assert (row.goal_load, row.role_load, row.behind_streak) == (3 + 2, 2, 1)
    [reason] = row.reasons
    assert reason.startswith("this week's load is 7 (5 from goals, 2 from roles), more than the 5")


def test_the_week_follows_the_week_start_setting(town: Community) -> None:
    ana = town.ambassador("Ana", capacity=1)
    town.session_role(ana, dt.date(2026, 11, 15), "facilitator")
    town.session_role(ana, dt.date(2026, 11, 18), "facilitator")

    assert _health(town).overload == []
    [row] = _health(town, settings=ProgrammeSettings(timezone="UTC", week_start=6)).overload
    assert row.role_load == 2


def test_a_week_mostly_spent_resting_carries_no_goal_load(town: Community) -> None:
    rested = town.ambassador("Rested", capacity=2)
    town.goal(rested, 3)
    town.rest(rested, MONDAY, MONDAY + dt.timedelta(days=3))
    busy = town.ambassador("Busy", capacity=2)
    town.goal(busy, 3)

    assert [(o.member_name, o.goal_load) for o in _health(town).overload] == [("Busy", 3)]


def test_only_active_ambassadors_can_be_overloaded(town: Community) -> None:
    for name, status, until in [
        ("Gone", "alumni", None),
        ("Resting", "resting", dt.date(2026, 12, 1)),
        ("Back", "resting", dt.date(2026, 11, 1)),
    ]:
        town.goal(town.ambassador(name, capacity=1, status=status, resting_until=until), 2)

    assert [o.member_name for o in _health(town).overload] == ["Back"]


def test_behind_three_periods_in_a_row_is_overload_even_within_capacity(town: Community) -> None:
    started = dt.date(2026, 9, 7)
    three = town.ambassador("Three Behind", capacity=10)
    town.goal(three, 3, starts_on=started)
    town.log(three, dt.date(2026, 10, 20), 3)
    two = town.ambassador("Two Behind", capacity=10)
    town.goal(two, 3, starts_on=started)
    town.log(two, dt.date(2026, 10, 27), 3)

    streaks = goals_streaks(town, [three, two])
    assert streaks == {three: 3, two: 2}
    [row] = _health(town).overload
    assert (row.member_name, row.goal_load, row.role_load, row.behind_streak) == (
        "Three Behind",
        3,
        0,
        3,
    )
    [reason] = row.reasons
    assert reason.startswith("behind on goals 3 periods in a row")
    assert reason.endswith("a prompt to talk, not a penalty")


def goals_streaks(town: Community, ids: Sequence[int]) -> dict[int, int]:
    """The behind streaks as services.goals reports them (what overload relies on)."""
    with town.db.read() as session:
        return goals.behind_streaks(session, as_of=TODAY, settings=UTC, ambassador_ids=ids)


def test_overload_is_listed_by_name(town: Community) -> None:
    for name in ("zoë", "Émile", "adam"):
        town.goal(town.ambassador(name, capacity=1), 2)

    assert [o.member_name for o in _health(town).overload] == ["adam", "Émile", "zoë"]


def test_a_programme_past_a_few_dozen_judges_everyone_from_one_read(town: Community) -> None:
    """Seventy active ambassadors (their ids go to SQL as one JSON list), one resting today, one
    whose rest ended yesterday and an alumna: the keen half log every week and are not flagged,
    the idle half are behind every week since their goal began, and capacity counts too."""
    keen = [town.ambassador(f"Keen {n:02}") for n in range(35)]
    idle = [town.ambassador(f"Idle {n:02}", capacity=9) for n in range(35)]
    resting = town.ambassador("Resting Today", resting_until=TODAY, status="resting")
    back = town.ambassador("Back Today")
    gone = town.ambassador("Gone", status="alumni")
    town.rest(back, dt.date(2026, 10, 1), TODAY - dt.timedelta(days=1))
    for ambassador_id in (*keen, *idle, resting, back, gone):
        town.goal(ambassador_id, 1, starts_on=LONG_AGO)
    with town.db.write() as session:
        for week in range(46):
            for ambassador_id in (*keen, back):
                session.add(
                    GoalProgress(
                        ambassador_id=ambassador_id,
                        metric="welcome",
                        metric_key="welcome",
                        day=LONG_AGO + dt.timedelta(weeks=week),
                        count=1,
                        created_at=clock.now(),
                    )
                )

    found = _health(town)

    # 5 Jan to the week of 9 Nov: 45 finished weeks, all missed.
    assert [(o.member_name, o.behind_streak) for o in found.overload] == [
        (f"Idle {n:02}", 45) for n in range(35)
    ]
    assert found.coverage.active_ambassadors == 71
    assert goals_streaks(town, [idle[0], keen[0], back, resting]) == {
        idle[0]: 45,
        keen[0]: 0,
        back: 0,
        resting: 45,
    }


# --- over-reliance -------------------------------------------------------------------------


@pytest.fixture
def workers(town: Community) -> dict[str, int]:
    """Five ambassadors who logged 10, 5, 3, 1 and 1 in the last 12 weeks (Dee as alumna), and
    a lot more long before."""
    ids = {}
    for name, counts in [
        ("Ana", (6, 4)),
        ("Bo", (5,)),
        ("Cy", (1, 1, 1)),
        ("Dee", (1,)),
        ("Eve", (1,)),
    ]:
        ids[name] = town.ambassador(name, status="alumni" if name == "Dee" else "active")
        for offset, count in enumerate(counts):
            town.log(ids[name], dt.date(2026, 11, 2) + dt.timedelta(days=offset), count)
    town.log(ids["Eve"], dt.date(2026, 8, 29), 100)
    town.log(ids["Eve"], TODAY + dt.timedelta(days=1), 100)
    return ids


def test_over_reliance_is_the_top_three_share_of_the_period(
    town: Community, workers: dict[str, int]
) -> None:
    found = _health(town)

    assert (found.period_start, found.period_end, found.as_of) == (
        dt.date(2026, 8, 30),
        TODAY,
        TODAY,
    )
    reliance = found.over_reliance
    assert reliance.total == 20
    assert [(c.member_name, c.count, c.ambassador_id) for c in reliance.top] == [
        ("Ana", 10, workers["Ana"]),
        ("Bo", 5, workers["Bo"]),
        ("Cy", 3, workers["Cy"]),
    ]
    assert reliance.share == pytest.approx(0.9)


def test_over_reliance_takes_the_period_asked_for(town: Community, workers: dict[str, int]) -> None:
    found = _health(town, since=dt.date(2026, 11, 3), until=dt.date(2026, 11, 4))

    assert (found.period_start, found.period_end) == (dt.date(2026, 11, 3), dt.date(2026, 11, 4))
    reliance = found.over_reliance
    assert reliance.total == 4 + 1 + 1
    assert [(c.member_name, c.count) for c in reliance.top] == [("Ana", 4), ("Cy", 2)]
    assert reliance.share == 1.0
    wide = _health(town, since=dt.date(2026, 8, 1)).over_reliance
    assert (wide.total, wide.top[0].member_name, wide.top[0].count) == (120, "Eve", 101)


def test_an_end_alone_means_the_twelve_weeks_before_it(town: Community) -> None:
    found = _health(town, until=dt.date(2026, 11, 1))

    assert (found.period_start, found.period_end) == (dt.date(2026, 8, 10), dt.date(2026, 11, 1))


def test_nothing_logged_has_no_share(town: Community) -> None:
    town.ambassador("Ana")

    reliance = _health(town).over_reliance

    assert (reliance.total, reliance.top, reliance.share) == (0, [], None)


def test_a_period_that_ends_before_it_starts_is_refused(town: Community) -> None:
    with pytest.raises(InvalidInput, match="starts on 2026-11-10 after it ends on 2026-11-01"):
        _health(town, since=dt.date(2026, 11, 10), until=dt.date(2026, 11, 1))


def test_the_default_settings_come_from_the_config(town: Community) -> None:
    town.members(10)

    found = programme_health(town.db)

    assert (found.band_min, found.band_max, found.as_of) == (50, 100, clock.today_in(None))


# --- query plans ---------------------------------------------------------------------------

FULL_SCAN = re.compile(
    r"\bSCAN (member|member_tag|goal|goal_progress|role_assignment|circle_session)\b"
)


def test_every_figure_is_counted_through_an_index(
    regions: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = regions.ambassador("Ana", capacity=1, tags={"region": "Asia"})
    regions.goal(ana, 2)
    regions.session_role(ana, MONDAY, "facilitator")
    regions.term_role(ana, "steward", MONDAY)
    regions.log(ana, MONDAY, 3)
    # Streaks are services.goals' queries (tested there); only this module's are checked here.
    monkeypatch.setattr(goals, "behind_streaks", lambda session, **kwargs: {})

    with captured(regions.db) as statements:
        found = _health(regions, tag="region")

    assert [o.member_name for o in found.overload] == ["Ana"]
    plans = {
        sql: plan(regions.db, sql, params)
        for sql, params in statements
        if sql.lstrip().upper().startswith("SELECT")
    }
    assert len(plans) >= 8
    for sql, steps in plans.items():
        assert not FULL_SCAN.search(steps), f"{sql}\n--\n{steps}"
    every = "\n".join(plans.values())
    for index in (
        "COVERING INDEX ix_member_status_name_key_id",
        "INDEX ix_member_tag_key_value_key",
        "INDEX ix_ambassador_status",
        "INDEX ix_goal_ambassador",
        "COVERING INDEX ix_role_assignment_member",
        "INDEX ix_role_assignment_member (member_id=? AND session_id=?)",
        "COVERING INDEX ix_goal_progress_day",
    ):
        assert index in every, index

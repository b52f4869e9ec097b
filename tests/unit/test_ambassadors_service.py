"""Ambassadors through the services: focus areas, rests and effective status, retiring and
coming back, the list and the detail with its load and warnings, and every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    AmbassadorStatus,
    CircleCreate,
    CircleSession,
    GoalPer,
    MemberCreate,
    RoleAssignment,
    SessionStatus,
)
from circlekeeper.services import ambassadors, circles, goals, members, roles, sessions
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound, StaleEdit
from circlekeeper.services.programme_settings import ProgrammeSettings

UTC = ProgrammeSettings(timezone="UTC")
TODAY = dt.date(2026, 11, 21)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _member(db: Database, handle: str, name: str | None = None) -> None:
    members.add_member(db, data=MemberCreate(name=name or handle.title(), handle=handle))


def _add(
    db: Database, handle: str, name: str | None = None, **kw: Any
) -> ambassadors.AmbassadorRead:
    _member(db, handle, name)
    values: dict[str, Any] = {"focus": ["welcome team"], "started_on": _day("2026-01-05")} | kw
    return ambassadors.add_ambassador(db, member_ref=handle, settings=UTC, **values)


def _freeze(day: str) -> None:
    clock.freeze(dt.datetime.combine(_day(day), dt.time(12), tzinfo=dt.UTC))


# --- adding --------------------------------------------------------------------------------


def test_focus_presets_match_case_insensitively_and_duplicates_collapse(db: Database) -> None:
    made = _add(
        db,
        "ana",
        focus=[
            "Welcome TEAM",
            "  culture   keeper",
            "welcome team",
            "Sunday\tpicnics",
            "CULTURE KEEPER",
        ],
        capacity_per_week=4,
        note="  loves\nnewcomers ",
    )
    assert made.focus == ["welcome team", "culture keeper", "Sunday picnics"]
    assert (made.status, made.capacity_per_week, made.note) == (
        AmbassadorStatus.ACTIVE,
        4,
        "loves\nnewcomers",
    )
    assert (made.member_name, made.started_on, made.version) == ("Ana", _day("2026-01-05"), 1)


def test_started_on_defaults_to_the_facilitators_today(db: Database) -> None:
    _member(db, "ana")
    auckland = ProgrammeSettings(timezone="Pacific/Auckland")
    made = ambassadors.add_ambassador(
        db, member_ref="ana", focus=["event promoter"], settings=auckland
    )
    assert made.started_on == _day("2026-11-22")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"focus": []}, "at least one focus"),
        ({"focus": ["  ", "\x1b[31m"]}, "at least one focus"),
        ({"focus": ["x" * 41]}, "longer than 40"),
        ({"capacity_per_week": 0}, "capacity"),
        ({"capacity_per_week": 101}, "capacity"),
        ({"capacity_per_week": True}, "capacity"),
        ({"note": "n" * 501}, "note"),
        ({"started_on": _day("2026-11-22")}, "in the future"),
    ],
)
def test_add_refuses_bad_input(db: Database, changes: dict[str, Any], error: str) -> None:
    _member(db, "ana")
    values: dict[str, Any] = {"focus": ["welcome team"]} | changes
    with pytest.raises(InvalidInput, match=error):
        ambassadors.add_ambassador(db, member_ref="ana", settings=UTC, **values)
    assert ambassadors.list_ambassadors(db, include_alumni=True, settings=UTC) == []


def test_a_focus_of_forty_characters_is_kept(db: Database) -> None:
    made = _add(db, "ana", focus=["f" * 40])
    assert made.focus == ["f" * 40]


def test_add_refuses_members_who_left_current_ambassadors_and_strangers(db: Database) -> None:
    _member(db, "gone")
    members.leave_member(db, ref="gone")
    with pytest.raises(Conflict, match="left the community"):
        ambassadors.add_ambassador(db, member_ref="gone", focus=["welcome team"], settings=UTC)
    _add(db, "ana")
    with pytest.raises(Conflict, match="already an ambassador"):
        ambassadors.add_ambassador(db, member_ref="ana", focus=["welcome team"], settings=UTC)
    ambassadors.rest_ambassador(db, ref="ana", until=_day("2026-12-01"), settings=UTC)
    with pytest.raises(Conflict, match=r"already an ambassador \(resting\)"):
        ambassadors.add_ambassador(db, member_ref="ana", focus=["welcome team"], settings=UTC)
    with pytest.raises(NotFound):
        ambassadors.add_ambassador(db, member_ref="nobody", focus=["welcome team"], settings=UTC)


def test_alumni_come_back_active_with_their_history(db: Database) -> None:
    first = _add(db, "ana", focus=["welcome team"], note="first stint")
    _freeze("2026-11-04")
    goals.set_goal(db, ref="ana", metric="start threads", target=2, settings=UTC)
    goals.log_progress(
        db, ref="ana", metric="start threads", count=1, day=_day("2026-11-02"), settings=UTC
    )
    _freeze("2026-11-10")
    ambassadors.retire_ambassador(db, ref="ana", reason="moving house", settings=UTC)
    _freeze("2026-11-21")
    back = ambassadors.add_ambassador(
        db, member_ref="ana", focus=["event promoter"], capacity_per_week=2, settings=UTC
    )
    assert back.id == first.id
    assert (back.status, back.retired_on, back.started_on) == (
        AmbassadorStatus.ACTIVE,
        None,
        _day("2026-01-05"),
    )
    assert (back.focus, back.capacity_per_week) == (["event promoter"], 2)
    assert back.note == "first stint\nRetired 2026-11-10: moving house"
    assert back.version > first.version
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert [p.day for p in detail.history] == [_day("2026-11-02")]
    assert [(g.metric, g.ends_on) for g in detail.all_goals] == [
        ("start threads", _day("2026-11-08"))
    ]


# --- editing -------------------------------------------------------------------------------


def test_edit_changes_only_what_is_given(db: Database) -> None:
    made = _add(db, "ana", focus=["welcome team", "culture keeper"], note="hi")
    edited = ambassadors.edit_ambassador(db, ref="ana", capacity_per_week=7, settings=UTC)
    assert (edited.capacity_per_week, edited.focus, edited.note) == (
        7,
        ["welcome team", "culture keeper"],
        "hi",
    )
    assert edited.version == made.version + 1
    refocused = ambassadors.edit_ambassador(
        db, ref="ana", focus=["Event Promoter", "welcome team"], note="", settings=UTC
    )
    assert (refocused.focus, refocused.note, refocused.capacity_per_week) == (
        ["event promoter", "welcome team"],
        "",
        7,
    )


def test_a_stale_edit_is_refused_and_changes_nothing(db: Database) -> None:
    made = _add(db, "ana")
    ambassadors.edit_ambassador(db, ref="ana", capacity_per_week=3, settings=UTC)
    with pytest.raises(StaleEdit, match="changed elsewhere"):
        ambassadors.edit_ambassador(
            db,
            ref="ana",
            focus=["culture keeper"],
            capacity_per_week=9,
            expected_version=made.version,
            settings=UTC,
        )
    [row] = ambassadors.list_ambassadors(db, settings=UTC)
    assert (row.capacity_per_week, row.focus) == (3, ["welcome team"])


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"focus": []}, "focus"),
        ({"capacity_per_week": 0}, "capacity"),
        ({"note": "n" * 501}, "note"),
    ],
)
def test_edit_refuses_bad_input(db: Database, changes: dict[str, Any], error: str) -> None:
    _add(db, "ana")
    with pytest.raises(InvalidInput, match=error):
        ambassadors.edit_ambassador(db, ref="ana", settings=UTC, **changes)


# --- resting -------------------------------------------------------------------------------


def test_a_rest_under_way_makes_them_resting_until_the_date(db: Database) -> None:
    _add(db, "ana")
    resting = ambassadors.rest_ambassador(
        db, ref="ana", until=_day("2026-12-06"), reason="exams", settings=UTC
    )
    assert (resting.status, resting.resting_until) == (AmbassadorStatus.RESTING, _day("2026-12-06"))
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert [(r.starts_on, r.ends_on, r.reason) for r in detail.rests] == [
        (TODAY, _day("2026-12-06"), "exams")
    ]
    assert "resting until 2026-12-06" in detail.warnings


def test_a_rest_whose_date_has_passed_is_reported_active(db: Database) -> None:
    _add(db, "ana")
    ambassadors.rest_ambassador(db, ref="ana", until=_day("2026-11-25"), settings=UTC)
    _freeze("2026-11-26")
    [row] = ambassadors.list_ambassadors(db, settings=UTC)
    assert (row.status, row.resting_until) == (AmbassadorStatus.ACTIVE, None)
    assert [
        r.member_name
        for r in ambassadors.list_ambassadors(db, status=AmbassadorStatus.ACTIVE, settings=UTC)
    ] == ["Ana"]
    assert ambassadors.list_ambassadors(db, status=AmbassadorStatus.RESTING, settings=UTC) == []


def test_a_planned_rest_shows_once_it_begins(db: Database) -> None:
    _add(db, "ana")
    planned = ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-12-01"), until=_day("2026-12-10"), settings=UTC
    )
    assert planned.status == AmbassadorStatus.ACTIVE
    _freeze("2026-12-02")
    [row] = ambassadors.list_ambassadors(db, status=AmbassadorStatus.RESTING, settings=UTC)
    assert row.resting_until == _day("2026-12-10")


def test_a_past_rest_only_excuses_those_periods(db: Database) -> None:
    _add(db, "ana")
    past = ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-10-01"), until=_day("2026-10-20"), settings=UTC
    )
    assert past.status == AmbassadorStatus.ACTIVE


def test_rest_refusals(db: Database) -> None:
    _add(db, "ana")
    with pytest.raises(InvalidInput, match="ends on or after"):
        ambassadors.rest_ambassador(
            db, ref="ana", starts_on=_day("2026-12-05"), until=_day("2026-12-01"), settings=UTC
        )
    with pytest.raises(InvalidInput, match="reason"):
        ambassadors.rest_ambassador(
            db, ref="ana", until=_day("2026-12-01"), reason="r" * 501, settings=UTC
        )
    ambassadors.rest_ambassador(db, ref="ana", until=_day("2026-12-01"), settings=UTC)
    with pytest.raises(Conflict, match="already rests from 2026-11-21 to 2026-12-01"):
        ambassadors.rest_ambassador(
            db, ref="ana", starts_on=_day("2026-11-30"), until=_day("2026-12-09"), settings=UTC
        )
    _add(db, "gone")
    ambassadors.retire_ambassador(db, ref="gone", settings=UTC)
    with pytest.raises(Conflict, match="alumni"):
        ambassadors.rest_ambassador(db, ref="gone", until=_day("2026-12-01"), settings=UTC)


def test_end_rest_ends_it_yesterday_and_keeps_planned_rests(db: Database) -> None:
    _add(db, "ana")
    ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-11-10"), until=_day("2026-11-30"), settings=UTC
    )
    ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-12-20"), until=_day("2026-12-31"), settings=UTC
    )
    back = ambassadors.end_rest(db, ref="ana", settings=UTC)
    assert (back.status, back.resting_until) == (AmbassadorStatus.ACTIVE, None)
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert [(r.starts_on, r.ends_on) for r in detail.rests] == [
        (_day("2026-12-20"), _day("2026-12-31")),
        (_day("2026-11-10"), _day("2026-11-20")),
    ]
    with pytest.raises(Conflict, match="not resting"):
        ambassadors.end_rest(db, ref="ana", settings=UTC)


def test_a_rest_begun_today_is_undone_and_they_are_active_today(db: Database) -> None:
    _add(db, "ana")
    ambassadors.rest_ambassador(db, ref="ana", until=_day("2026-11-30"), settings=UTC)
    back = ambassadors.end_rest(db, ref="ana", settings=UTC)
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert (back.status, detail.status, detail.rests) == (
        AmbassadorStatus.ACTIVE,
        AmbassadorStatus.ACTIVE,
        [],
    )
    [row] = ambassadors.list_ambassadors(db, status=AmbassadorStatus.ACTIVE, settings=UTC)
    assert row.member_name == detail.member_name


# --- retiring ------------------------------------------------------------------------------


def test_retiring_ends_goals_keeps_history_and_hides_them_from_the_list(db: Database) -> None:
    _add(db, "ana")
    _add(db, "bea")
    _freeze("2026-11-04")
    goals.set_goal(db, ref="ana", metric="start threads", target=2, settings=UTC)
    _freeze("2026-11-21")
    goals.set_goal(db, ref="ana", metric="host an event", target=1, per=GoalPer.MONTH, settings=UTC)
    goals.log_progress(db, ref="ana", metric="start threads", count=1, settings=UTC)
    ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-12-20"), until=_day("2026-12-31"), settings=UTC
    )
    retired = ambassadors.retire_ambassador(db, ref="ana", reason="moved on", settings=UTC)
    assert (retired.status, retired.retired_on, retired.note) == (
        AmbassadorStatus.ALUMNI,
        TODAY,
        "Retired 2026-11-21: moved on",
    )
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    # The monthly goal began this month and never applied to a finished one: it is gone.
    assert [(g.metric, g.ends_on) for g in detail.all_goals] == [
        ("start threads", _day("2026-11-15"))
    ]
    assert len(detail.history) == 1
    assert detail.rests == []
    assert [r.member_name for r in ambassadors.list_ambassadors(db, settings=UTC)] == ["Bea"]
    everyone = ambassadors.list_ambassadors(db, include_alumni=True, settings=UTC)
    assert [r.member_name for r in everyone] == ["Ana", "Bea"]
    alumni = ambassadors.list_ambassadors(db, status=AmbassadorStatus.ALUMNI, settings=UTC)
    assert [r.member_name for r in alumni] == ["Ana"]
    with pytest.raises(Conflict, match="already alumni"):
        ambassadors.retire_ambassador(db, ref="ana", settings=UTC)


# --- listing -------------------------------------------------------------------------------


def test_list_is_in_name_order_and_filters_by_focus_and_search(db: Database) -> None:
    _add(db, "z", "Zoë", focus=["culture keeper"])
    _add(db, "a", "Ámbar", focus=["welcome team", "culture keeper"])
    _add(db, "b", "bo", focus=["Welcome team"])
    _add(db, "h", "[b]Bo[/b] \x1b[31mRed", focus=["[red]custom[/red]"])
    names = [r.member_name for r in ambassadors.list_ambassadors(db, settings=UTC)]
    # The sort key ignores punctuation: "[b]Bo[/b] Red" sorts as "b bo b red".
    assert names == ["Ámbar", "[b]Bo[/b] Red", "bo", "Zoë"]
    keepers = ambassadors.list_ambassadors(db, focus="CULTURE keeper", settings=UTC)
    assert [r.member_name for r in keepers] == ["Ámbar", "Zoë"]
    custom = ambassadors.list_ambassadors(db, focus="[RED]custom[/red]", settings=UTC)
    assert [r.focus for r in custom] == [["[red]custom[/red]"]]
    assert [
        r.member_name for r in ambassadors.list_ambassadors(db, search="amb", settings=UTC)
    ] == ["Ámbar"]
    assert ambassadors.list_ambassadors(db, search="nobody", settings=UTC) == []


def test_each_row_has_this_periods_goals_and_behind_streak(db: Database) -> None:
    _add(db, "ana")
    _freeze("2026-10-28")
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    _freeze("2026-11-21")
    goals.log_progress(db, ref="ana", metric="start threads", count=1, settings=UTC)
    [row] = ambassadors.list_ambassadors(db, settings=UTC)
    assert [(g.metric, g.done, g.target, g.met) for g in row.goals] == [
        ("start threads", 1, 1, True)
    ]
    assert row.behind_streak == 3


def test_the_list_reads_status_goals_and_streaks_as_the_goal_services_do(db: Database) -> None:
    """Resting today, a rest that ended yesterday, alumni, several goals, focus and search:
    each row agrees with goal status and the behind streaks asked for on their own."""
    _add(db, "ana", "Ana", focus=["welcome team", "culture keeper"])
    _add(db, "bo", "Bo")
    _add(db, "cy", "Cy")
    _add(db, "dee", "Dee")
    _freeze("2026-10-28")
    for handle in ("ana", "bo", "cy", "dee"):
        goals.set_goal(db, ref=handle, metric="start threads", target=1, settings=UTC)
    goals.set_goal(db, ref="ana", metric="host an event", target=2, per=GoalPer.MONTH, settings=UTC)
    _freeze("2026-11-21")
    for day in ("2026-11-02", "2026-11-10", "2026-11-20"):
        goals.log_progress(
            db, ref="ana", metric="start threads", count=1, day=_day(day), settings=UTC
        )
    goals.log_progress(db, ref="ana", metric="host an event", count=2, settings=UTC)
    ambassadors.rest_ambassador(db, ref="bo", until=_day("2026-11-30"), settings=UTC)
    ambassadors.rest_ambassador(
        db, ref="cy", starts_on=_day("2026-11-09"), until=_day("2026-11-20"), settings=UTC
    )
    ambassadors.retire_ambassador(db, ref="dee", settings=UTC)

    rows = ambassadors.list_ambassadors(db, settings=UTC)

    assert [(r.member_name, r.status, r.resting_until) for r in rows] == [
        ("Ana", AmbassadorStatus.ACTIVE, None),
        ("Bo", AmbassadorStatus.RESTING, _day("2026-11-30")),
        ("Cy", AmbassadorStatus.ACTIVE, None),
    ]
    with db.read() as session:
        behind = goals.behind_streaks(session, as_of=TODAY, settings=UTC)
    for row in rows:
        assert row.goals == goals.goal_status(db, ref=row.member_id, settings=UTC)
        assert row.behind_streak == behind[row.id]
    ana, bo, cy = rows
    assert [(g.metric, g.done, g.met) for g in ana.goals] == [
        ("host an event", 2, True),
        ("start threads", 1, True),
    ]
    assert (ana.behind_streak, bo.behind_streak, cy.behind_streak) == (0, 3, 2)
    assert ana.focus == ["welcome team", "culture keeper"]
    everyone = ambassadors.list_ambassadors(db, include_alumni=True, settings=UTC)
    assert [(r.member_name, r.status) for r in everyone][-1] == ("Dee", AmbassadorStatus.ALUMNI)
    resting = ambassadors.list_ambassadors(db, status=AmbassadorStatus.RESTING, settings=UTC)
    assert [r.member_name for r in resting] == ["Bo"]
    keepers = ambassadors.list_ambassadors(db, focus="Culture Keeper", settings=UTC)
    assert [r.member_name for r in keepers] == ["Ana"]
    assert [r.id for r in ambassadors.list_ambassadors(db, search="cy", settings=UTC)] == [cy.id]


# --- detail --------------------------------------------------------------------------------


def _roles_this_week(db: Database, handle: str) -> None:
    """Give the member two roles at sessions this week, one at a cancelled session, one at
    next week's session, a term ending this week and a term starting next week: three count."""
    circles.create_circle(
        db, data=CircleCreate(name="Builders", weekday="tue", meeting_time="18:00")
    )
    circles.add_member_to_circle(db, circle_ref="Builders", member_ref=handle)
    sessions.plan_sessions(
        db,
        circle_ref="Builders",
        dates=[_day("2026-11-21"), _day("2026-11-22"), _day("2026-11-24")],
    )
    member = members.get_member(db, ref=handle)
    with db.write() as session:
        circle = circles.find_circle(session, "Builders")
        [facilitator, timekeeper, _] = roles.ensure_default_roles(session, circle)
        planned = session.exec(select(CircleSession).order_by(col(CircleSession.local_date))).all()
        moment = clock.now()
        for circle_session, role in (
            (planned[0], facilitator),
            (planned[0], timekeeper),
            (planned[1], facilitator),
            (planned[2], facilitator),
        ):
            session.add(
                RoleAssignment(
                    role_id=role.id,
                    session_id=circle_session.id,
                    member_id=member.id,
                    created_at=moment,
                    updated_at=moment,
                )
            )
        planned[1].status = SessionStatus.CANCELLED.value
        session.add(planned[1])
        for first, last in (("2026-11-01", "2026-11-17"), ("2026-11-23", "2026-12-31")):
            session.add(
                RoleAssignment(
                    role_id=timekeeper.id,
                    member_id=member.id,
                    starts_on=_day(first),
                    ends_on=_day(last),
                    created_at=moment,
                    updated_at=moment,
                )
            )


def test_detail_load_counts_goal_units_and_roles_this_week(db: Database) -> None:
    _add(db, "ana", capacity_per_week=4)
    goals.set_goal(db, ref="ana", metric="start threads", target=2, settings=UTC)
    goals.set_goal(db, ref="ana", metric="host an event", target=5, per=GoalPer.MONTH, settings=UTC)
    _roles_this_week(db, "ana")
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    # 2 weekly units + ceil(5 / 4) = 2 monthly units + 2 session roles + 1 term role.
    assert detail.load == 7
    assert any("load of 7 is over the 4 a week" in warning for warning in detail.warnings)
    with db.read() as session:
        loads = ambassadors.week_loads(
            session, ambassador_ids=[detail.id], today=TODAY, settings=UTC
        )
    assert loads == {detail.id: (4, 3)}


def test_a_rest_week_carries_no_goal_load(db: Database) -> None:
    made = _add(db, "ana", capacity_per_week=1)
    goals.set_goal(db, ref="ana", metric="start threads", target=3, settings=UTC)
    ambassadors.rest_ambassador(
        db, ref="ana", starts_on=_day("2026-11-16"), until=_day("2026-11-30"), settings=UTC
    )
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert detail.load == 0
    assert detail.warnings == ["resting until 2026-11-30"]
    assert made.id == detail.id


def test_detail_warns_after_three_periods_behind_and_lists_past_periods(db: Database) -> None:
    _add(db, "ana")
    _freeze("2026-09-02")
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    goals.set_goal(db, ref="ana", metric="host an event", target=1, per=GoalPer.MONTH, settings=UTC)
    _freeze("2026-11-21")
    goals.log_progress(
        db, ref="ana", metric="start threads", count=1, day=_day("2026-10-20"), settings=UTC
    )
    goals.log_progress(
        db, ref="ana", metric="host an event", count=1, day=_day("2026-10-20"), settings=UTC
    )
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert detail.behind_streak == 3
    assert any("3 periods in a row — a prompt to talk, not a penalty" in w for w in detail.warnings)
    weekly = [p for p in detail.past_periods if p.per == GoalPer.WEEK]
    monthly = [p for p in detail.past_periods if p.per == GoalPer.MONTH]
    assert [p.period_start for p in weekly] == [
        _day("2026-11-09") - dt.timedelta(weeks=n) for n in range(8)
    ]
    assert [p.met for p in weekly].count(True) == 1
    assert [(p.period_start, p.met) for p in monthly] == [
        (_day("2026-10-01"), True),
        (_day("2026-09-01"), False),
    ]
    assert detail.past_periods[0].period_start == _day("2026-11-09")


def test_behind_two_periods_does_not_warn(db: Database) -> None:
    _add(db, "ana")
    _freeze("2026-11-04")
    goals.set_goal(db, ref="ana", metric="start threads", target=1, settings=UTC)
    _freeze("2026-11-21")
    detail = ambassadors.ambassador_detail(db, ref="ana", settings=UTC)
    assert detail.behind_streak == 2
    assert detail.warnings == []


def test_effective_status_rules() -> None:
    day = TODAY
    later = _day("2026-12-01")
    earlier = _day("2026-11-01")
    assert ambassadors.effective_status("alumni", None, later, day) == (
        AmbassadorStatus.ALUMNI,
        None,
    )
    assert ambassadors.effective_status("resting", earlier, None, day) == (
        AmbassadorStatus.ACTIVE,
        None,
    )
    assert ambassadors.effective_status("resting", later, None, day) == (
        AmbassadorStatus.RESTING,
        later,
    )
    assert ambassadors.effective_status("active", None, later, day) == (
        AmbassadorStatus.RESTING,
        later,
    )
    assert ambassadors.effective_status("resting", day, later, day) == (
        AmbassadorStatus.RESTING,
        later,
    )

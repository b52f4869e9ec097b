"""Term roles: held for a period, never overlapping, flagged before they end, kept on re-plan."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from circlekeeper.db import Database
from circlekeeper.models import AssignmentRead, CircleCreate, CircleStatus, MemberCreate
from circlekeeper.services import circles, members, roles, rota, sessions
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound

TODAY = dt.date(2026, 11, 21)
PEOPLE = ("ana", "bea", "cy", "dev")


def _day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def _circle(
    db: Database, name: str = "Builders", people: tuple[str, ...] = PEOPLE, *, steward: bool = True
) -> None:
    circles.create_circle(
        db, data=CircleCreate(name=name, weekday="tue", meeting_time="18:00", max_size=12)
    )
    for handle in people:
        with contextlib.suppress(Conflict):
            members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
        circles.add_member_to_circle(db, circle_ref=name, member_ref=handle)
    if steward:
        roles.add_role(db, circle_ref=name, name="steward", rotating=False)


def _term(
    db: Database,
    who: str,
    start: int,
    end: int,
    *,
    circle: str = "Builders",
    role: str = "steward",
    deputy: str | None = None,
) -> AssignmentRead:
    return roles.assign_term(
        db,
        circle_ref=circle,
        role=role,
        member_ref=who,
        starts_on=_day(start),
        ends_on=_day(end),
        deputy_ref=deputy,
    )


def test_a_term_is_stored_without_a_session_and_recorded_with_who_and_why(db: Database) -> None:
    _circle(db)
    _term(db, "bea", -90, -1)

    term = roles.assign_term(
        db,
        circle_ref="Builders",
        role="Steward",
        member_ref="ana",
        starts_on=_day(0),
        ends_on=_day(90),
        deputy_ref="cy",
        reason="elected at the retro",
        by="sam",
    )

    assert (term.role, term.rotating, term.session_id, term.day) == ("steward", False, None, None)
    assert (term.starts_on, term.ends_on) == (_day(0), _day(90))
    assert (term.member_name, term.deputy_name) == ("Ana", "Cy")
    [event, _] = [e for e in roles.role_events(db, circle_ref="Builders") if e.kind == "term"]
    assert (event.role_name, event.member_name, event.by, event.reason) == (
        "steward",
        "Ana",
        "sam",
        "elected at the retro",
    )
    assert event.other_member_name == "Bea"


def test_a_term_event_without_by_names_this_computers_user(db: Database) -> None:
    _circle(db)
    _term(db, "ana", 0, 30)

    [event] = roles.role_events(db, member_ref="ana")

    assert event.by == roles.current_actor()
    assert event.other_member_name is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 90), (-10, 0), (90, 120), (10, 20), (-30, 200)],
    ids=["same", "ends-on-its-first-day", "starts-on-its-last-day", "inside", "around"],
)
def test_terms_of_one_role_never_overlap(db: Database, start: int, end: int) -> None:
    _circle(db)
    _term(db, "ana", 0, 90)

    with pytest.raises(Conflict, match="held by Ana from 2026-11-21 to 2027-02-19"):
        _term(db, "bea", start, end)


def test_back_to_back_terms_and_terms_of_other_roles_are_fine(db: Database) -> None:
    _circle(db)
    roles.add_role(db, circle_ref="Builders", name="treasurer", rotating=False)
    _term(db, "ana", 0, 90)

    _term(db, "bea", 91, 180)
    _term(db, "cy", -30, -1)
    _term(db, "dev", 0, 90, role="treasurer")

    holders = roles.term_holders(db, circle_ref="Builders", role="steward")
    assert [(h.member_name, h.starts_on) for h in holders] == [
        ("Bea", _day(91)),
        ("Ana", _day(0)),
        ("Cy", _day(-30)),
    ]


def test_the_same_term_role_in_another_circle_is_independent(db: Database) -> None:
    _circle(db)
    _circle(db, "Makers", ("ana", "bea"))
    _term(db, "ana", 0, 90)

    made = _term(db, "bea", 0, 90, circle="Makers")

    assert made.circle_name == "Makers"


def test_a_term_must_end_on_or_after_its_first_day(db: Database) -> None:
    _circle(db)

    with pytest.raises(InvalidInput, match="ends on or after its first day"):
        _term(db, "ana", 10, 9)
    assert _term(db, "ana", 10, 10) is not None


def test_a_datetime_is_not_a_term_day(db: Database) -> None:
    _circle(db)

    with pytest.raises(InvalidInput, match="must be a date"):
        roles.assign_term(
            db,
            circle_ref="Builders",
            role="steward",
            member_ref="ana",
            starts_on=dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC),
            ends_on=_day(30),
        )


def test_a_rotating_role_is_not_held_for_a_term(db: Database) -> None:
    _circle(db)

    with pytest.raises(InvalidInput, match="rotates per session"):
        _term(db, "ana", 0, 30, role="facilitator")
    with pytest.raises(InvalidInput, match="rotates per session"):
        roles.term_holders(db, circle_ref="Builders", role="facilitator")


def test_unknown_circle_role_and_member_are_named(db: Database) -> None:
    _circle(db)

    with pytest.raises(NotFound, match="no role 'mayor'"):
        _term(db, "ana", 0, 30, role="mayor")
    with pytest.raises(NotFound, match="no member matches 'zed'"):
        _term(db, "zed", 0, 30)
    with pytest.raises(NotFound):
        _term(db, "ana", 0, 30, circle="Nowhere")


def test_holder_and_deputy_must_sit_in_the_circle_and_differ(db: Database) -> None:
    _circle(db)
    members.add_member(db, data=MemberCreate(name="Outsider", handle="out"))

    with pytest.raises(Conflict, match="Outsider does not sit in Builders"):
        _term(db, "out", 0, 30)
    with pytest.raises(Conflict, match="Outsider does not sit in Builders"):
        _term(db, "ana", 0, 30, deputy="out")
    with pytest.raises(InvalidInput, match="deputy must be someone other"):
        _term(db, "ana", 0, 30, deputy="ana")
    circles.remove_member_from_circle(db, circle_ref="Builders", member_ref="dev")
    with pytest.raises(Conflict, match="Dev does not sit in Builders"):
        _term(db, "dev", 0, 30)


def test_a_term_ending_within_14_days_warns_and_names_who_held_it_before(db: Database) -> None:
    _circle(db)
    _term(db, "bea", -200, -15)
    _term(db, "ana", -14, 14)

    [warning] = roles.term_warnings(db)

    assert (warning.circle_name, warning.role, warning.member_name) == (
        "Builders",
        "steward",
        "Ana",
    )
    assert (warning.ends_on, warning.days_left) == (_day(14), 14)
    assert warning.previous_member_name == "Bea"
    assert "in 14 days" in warning.message
    assert "before: Bea" in warning.message


def test_a_term_ending_in_15_days_does_not_warn_yet(db: Database) -> None:
    _circle(db)
    _term(db, "ana", -14, 15)

    assert roles.term_warnings(db) == []
    assert [w.days_left for w in roles.term_warnings(db, within_days=15)] == [15]


@pytest.mark.parametrize(
    ("end", "words"),
    [(1, "ends tomorrow"), (0, "ends today"), (-1, "1 day ago"), (-30, "30 days ago")],
)
def test_the_message_says_how_close_the_end_is(db: Database, end: int, words: str) -> None:
    _circle(db)
    _term(db, "ana", -60, end)

    [warning] = roles.term_warnings(db, circle_ref="Builders")

    assert warning.days_left == end
    assert words in warning.message
    assert warning.previous_member_name is None


def test_an_ended_term_without_a_successor_keeps_warning(db: Database) -> None:
    _circle(db)
    _term(db, "ana", -100, -40)

    [warning] = roles.term_warnings(db)

    assert warning.days_left == -40
    assert "nobody holds the role now" in warning.message


def test_a_successor_lined_up_silences_the_warning(db: Database) -> None:
    _circle(db)
    _term(db, "ana", -60, 5)
    assert len(roles.term_warnings(db)) == 1

    _term(db, "bea", 6, 100)

    assert roles.term_warnings(db) == []


def test_warnings_are_sorted_most_urgent_first_and_filter_by_circle(db: Database) -> None:
    _circle(db)
    _circle(db, "Makers", ("ana", "bea"))
    _term(db, "ana", -60, 10)
    _term(db, "bea", -60, -3, circle="Makers")

    found = roles.term_warnings(db)

    assert [(w.circle_name, w.days_left) for w in found] == [("Makers", -3), ("Builders", 10)]
    assert [w.circle_name for w in roles.term_warnings(db, circle_ref="Builders")] == ["Builders"]


def test_closed_circles_are_left_out_unless_asked_for(db: Database) -> None:
    _circle(db)
    _term(db, "ana", -60, -3)
    circles.set_circle_status(db, ref="Builders", status=CircleStatus.CLOSED)

    assert roles.term_warnings(db) == []
    assert len(roles.term_warnings(db, circle_ref="Builders")) == 1


def test_warning_days_must_be_sensible(db: Database) -> None:
    with pytest.raises(InvalidInput, match="between 0 and 366"):
        roles.term_warnings(db, within_days=-1)


def test_term_holders_of_an_unassigned_role_is_empty(db: Database) -> None:
    _circle(db)

    assert roles.term_holders(db, circle_ref="Builders", role="steward") == []
    assert roles.term_warnings(db) == []


def test_terms_survive_replanning_and_show_on_the_rota(db: Database) -> None:
    _circle(db)
    sessions.plan_sessions(db, circle_ref="Builders", count=4)
    term = roles.assign_term(
        db,
        circle_ref="Builders",
        role="steward",
        member_ref="ana",
        starts_on=_day(-10),
        ends_on=_day(80),
    )

    rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    again = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)

    terms = [a for a in again.assignments if not a.rotating]
    assert [(a.id, a.member_name) for a in terms] == [(term.id, "Ana")]
    assert [a.id for a in roles.member_history(db, member_ref="ana") if not a.rotating] == [term.id]


def test_a_term_cannot_be_swapped_with_a_session_role(db: Database) -> None:
    _circle(db)
    sessions.plan_sessions(db, circle_ref="Builders", count=2)
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=1, cap=10)
    term = roles.assign_term(
        db, circle_ref="Builders", role="steward", member_ref="ana", starts_on=TODAY, ends_on=TODAY
    )

    with pytest.raises(Conflict, match="only be swapped with another term"):
        roles.swap_assignments(db, first_id=term.id, second_id=plan.assignments[0].id)


def test_two_terms_can_be_swapped(db: Database) -> None:
    _circle(db)
    first = _term(db, "ana", 0, 30)
    second = _term(db, "bea", 31, 60)

    one, two = roles.swap_assignments(db, first_id=first.id, second_id=second.id, reason="trade")

    assert (one.member_name, two.member_name) == ("Bea", "Ana")


def test_a_skip_returns_the_assignments_that_still_name_the_member(db: Database) -> None:
    _circle(db)
    sessions.plan_sessions(db, circle_ref="Builders", count=2)
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=1, cap=10)
    held = plan.assignments[0]
    assert held.member_id is not None
    assert held.day is not None

    still = roles.skip_member(
        db,
        circle_ref="Builders",
        member_ref=f"#{held.member_id}",
        day=held.day,
        reason="away",
    )

    assert held.id in [a.id for a in still]
    assert all(held.member_id in (a.member_id, a.deputy_id) for a in still)


def test_a_skip_on_a_day_without_roles_returns_nothing(db: Database) -> None:
    _circle(db)

    assert (
        roles.skip_member(db, circle_ref="Builders", member_ref="ana", day=TODAY, reason="x") == []
    )


def test_a_skip_is_for_upcoming_days_and_circle_members(db: Database) -> None:
    _circle(db)
    members.add_member(db, data=MemberCreate(name="Outsider", handle="out"))

    with pytest.raises(InvalidInput, match="in the past"):
        roles.skip_member(db, circle_ref="Builders", member_ref="ana", day=_day(-1), reason="x")
    with pytest.raises(Conflict, match="does not sit in Builders"):
        roles.skip_member(db, circle_ref="Builders", member_ref="out", day=_day(3), reason="x")

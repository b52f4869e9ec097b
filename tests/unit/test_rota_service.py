"""The rota through the services: planned fairly, kept across re-planning, capped across circles."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter

import pytest

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members, roles, rota, sessions
from circlekeeper.services.errors import Conflict, InvalidInput

PEOPLE = ("ana", "bea", "cy", "dev", "eli")


def _circle(db: Database, name: str, people: tuple[str, ...], weekday: str = "tue") -> None:
    circles.create_circle(
        db, data=CircleCreate(name=name, weekday=weekday, meeting_time="18:00", max_size=12)
    )
    for handle in people:
        with contextlib.suppress(Conflict):
            members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
        circles.add_member_to_circle(db, circle_ref=name, member_ref=handle)
    sessions.plan_sessions(db, circle_ref=name, count=6)


def test_every_rotating_role_is_filled_with_a_distinct_person_and_a_deputy(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=4, cap=10)
    assert len(plan.assignments) == 4 * 3
    by_session: dict[int | None, list[int | None]] = {}
    for line in plan.assignments:
        assert line.member_id is not None
        assert line.deputy_id is not None
        assert line.deputy_id != line.member_id
        by_session.setdefault(line.session_id, []).append(line.member_id)
    for holders in by_session.values():
        assert len(set(holders)) == len(holders)
    counts = Counter(line.member_id for line in plan.assignments)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert set(counts) == {m.id for m in members.list_members(db).items}


def test_replanning_keeps_a_swap_and_records_who_and_why(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    first = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    facilitators = [a for a in first.assignments if a.role == "facilitator"]
    one, two = facilitators[0], facilitators[1]
    roles.swap_assignments(db, first_id=one.id, second_id=two.id, reason="Ana travels", by="sam")
    again = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    kept = {a.session_id: a for a in again.assignments if a.role == "facilitator"}
    assert kept[one.session_id].member_id == two.member_id
    assert kept[two.session_id].member_id == one.member_id
    [swap] = [e for e in roles.role_events(db, circle_ref="Builders") if e.kind == "swap"]
    assert (swap.by, swap.reason) == ("sam", "Ana travels")


def test_a_skipped_member_is_not_given_a_role_that_day(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    upcoming = sessions.list_sessions(db, circle_ref="Builders")
    day = upcoming[0].local_date
    roles.skip_member(db, circle_ref="Builders", member_ref="ana", day=day, reason="dentist")
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=2, cap=10)
    ana = members.get_member(db, ref="ana").id
    that_day = [a for a in plan.assignments if a.day == day]
    assert that_day
    assert all(ana not in (a.member_id, a.deputy_id) for a in that_day)


def test_an_opt_out_is_respected(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    roles.set_opt_out(db, circle_ref="Builders", member_ref="bea", role="facilitator")
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=5, cap=10)
    bea = members.get_member(db, ref="bea").id
    assert all(a.member_id != bea for a in plan.assignments if a.role == "facilitator")


def test_the_load_cap_counts_other_circles_and_warns_when_it_cannot_hold(db: Database) -> None:
    _circle(db, "Mondays", ("ana", "bea"), weekday="mon")
    _circle(db, "Tuesdays", ("ana", "bea"), weekday="tue")
    roles.add_role(db, circle_ref="Mondays", name="host")
    rota.plan_roles(db, circle_ref="Mondays", sessions=4, cap=2)
    second = rota.plan_roles(db, circle_ref="Tuesdays", sessions=4, cap=2)
    assert second.warnings
    assert any("cap" in warning or "at most" in warning for warning in second.warnings)
    assert max(second.load.values()) > second.cap


def test_history_survives_replanning_and_shows_per_member(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    rota.plan_roles(db, circle_ref="Builders", sessions=2, cap=10)
    ana_before = roles.member_history(db, member_ref="ana")
    rota.plan_roles(db, circle_ref="Builders", sessions=2, cap=10)
    ana_after = roles.member_history(db, member_ref="ana")
    assert {(a.day, a.role) for a in ana_after} == {(a.day, a.role) for a in ana_before}


def test_planning_needs_planned_sessions(db: Database) -> None:
    circles.create_circle(db, data=CircleCreate(name="Empty"))
    with pytest.raises(InvalidInput, match="no planned sessions"):
        rota.plan_roles(db, circle_ref="Empty")


def test_custom_roles_and_term_roles(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    roles.add_role(db, circle_ref="Builders", name="steward", rotating=False)
    roles.add_role(db, circle_ref="Builders", name="greeter")
    names = [(r.name, r.rotating) for r in roles.list_roles(db, circle_ref="Builders")]
    assert names == [
        ("facilitator", True),
        ("timekeeper", True),
        ("note-taker", True),
        ("steward", False),
        ("greeter", True),
    ]
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=1, cap=10)
    assert {a.role for a in plan.assignments} == {
        "facilitator",
        "timekeeper",
        "note-taker",
        "greeter",
    }


def test_roles_for_many_sessions_come_back_grouped(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    ids = sorted({a.session_id for a in plan.assignments if a.session_id is not None})
    grouped = rota.roles_for_sessions(db, session_ids=ids)
    assert sorted(grouped) == ids
    assert all(len(lines) == 3 for lines in grouped.values())
    assert rota.roles_for_sessions(db, session_ids=[]) == {}


def test_load_keeps_two_people_with_the_same_name_apart(db: Database) -> None:
    circles.create_circle(
        db, data=CircleCreate(name="Twins", weekday="tue", meeting_time="18:00", max_size=12)
    )
    for handle in ("sam1", "sam2", "x"):
        name = "X" if handle == "x" else "Sam"
        members.add_member(db, data=MemberCreate(name=name, handle=handle))
        circles.add_member_to_circle(db, circle_ref="Twins", member_ref=handle)
    sessions.plan_sessions(db, circle_ref="Twins", count=4)
    plan = rota.plan_roles(db, circle_ref="Twins", sessions=4, cap=9)
    assert sum(plan.load.values()) == 12
    assert len(plan.load) == 3


def test_turns_held_by_someone_who_left_or_is_paused_are_flagged_until_planned_again(
    db: Database,
) -> None:
    import datetime as dt

    _circle(db, "Builders", PEOPLE)
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    assert rota.rota(db, circle_ref="Builders").warnings == []
    holder = next(a for a in plan.assignments if a.role == "facilitator")
    paused = next(a for a in plan.assignments if a.member_id != holder.member_id)
    circles.remove_member_from_circle(
        db, circle_ref="Builders", member_ref=holder.member_id, reason="moved"
    )
    members.pause_member(db, ref=paused.member_id, until=dt.date(2027, 1, 31))

    warnings = rota.rota(db, circle_ref="Builders").warnings

    left = f"{holder.member_name} has left the circle but is facilitator on {holder.day:%a %d %b}"
    assert any(w.startswith(left) for w in warnings), warnings
    assert any(
        w.startswith(f"{paused.member_name} is paused until 2027-01-31 but is {paused.role}")
        for w in warnings
    ), warnings
    assert all(w.endswith("plan the rota again to give the turn to someone else") for w in warnings)
    rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    assert rota.rota(db, circle_ref="Builders").warnings == []


def _hold_first_session_without(db: Database, marked: str, missing: str) -> tuple[int, int]:
    """Plan one session's rota, move past it and record it with its facilitator marked
    `missing` (absent or excused) and their deputy `marked`; returns (facilitator, deputy)."""
    _circle(db, "Builders", PEOPLE)
    first = rota.plan_roles(db, circle_ref="Builders", sessions=1, cap=10)
    [turn] = [a for a in first.assignments if a.role == "facilitator"]
    assert turn.member_id is not None
    assert turn.deputy_id is not None
    assert turn.day is not None
    clock.freeze(dt.datetime.combine(turn.day + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC))
    everyone = {m.id: m.handle for m in members.list_members(db).items}
    lists: dict[str, list[str | int]] = {"present": [], "absent": [], "excused": []}
    for member_id in everyone:
        if member_id == turn.member_id:
            lists[missing].append(member_id)
        elif member_id == turn.deputy_id:
            lists[marked].append(member_id)
        else:
            lists["present"].append(member_id)
    sessions.record_session(db, circle_ref="Builders", day=turn.day, **lists)
    return turn.member_id, turn.deputy_id


def _facilitators(db: Database, count: int) -> list[int | None]:
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=count, cap=10)
    return [
        a.member_id
        for a in sorted(plan.assignments, key=lambda a: a.day or 0)
        if a.role == "facilitator"
    ]


@pytest.mark.parametrize("missing", ["absent", "excused"])
def test_a_facilitator_who_missed_their_turn_is_due_again_and_the_deputy_is_credited(
    db: Database, missing: str
) -> None:
    facilitator, deputy = _hold_first_session_without(db, "present", missing)
    upcoming = _facilitators(db, len(PEOPLE) - 1)
    assert facilitator in upcoming[:2]
    assert deputy not in upcoming


def test_a_missed_turn_with_no_deputy_there_counts_for_nobody(db: Database) -> None:
    facilitator, deputy = _hold_first_session_without(db, "absent", "excused")
    upcoming = _facilitators(db, len(PEOPLE))
    assert facilitator in upcoming[:3]
    assert deputy in upcoming[:3]


def test_planning_again_lists_every_turn_that_moved_and_nothing_else(db: Database) -> None:
    _circle(db, "Builders", PEOPLE)
    first = rota.plan_roles(db, circle_ref="Builders", sessions=2, cap=10)
    assert first.changes == []
    [turn] = [
        a
        for a in first.assignments
        if a.role == "facilitator" and a.day == first.assignments[0].day
    ]
    assert turn.member_id is not None
    assert turn.day is not None
    roles.skip_member(
        db, circle_ref="Builders", member_ref=turn.member_id, day=turn.day, reason="ill"
    )
    again = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    before = {(a.session_id, a.role): (a.member_name, a.deputy_name) for a in first.assignments}
    expected = []
    for line in again.assignments:
        if (line.session_id, line.role) not in before:
            continue
        was, was_deputy = before[(line.session_id, line.role)]
        if was != line.member_name:
            expected.append((line.day, line.role, False, was, line.member_name))
        if was_deputy != line.deputy_name:
            expected.append((line.day, line.role, True, was_deputy, line.deputy_name))
    got = [(c.day, c.role, c.deputy, c.before, c.after) for c in again.changes]
    assert sorted(got, key=str) == sorted(expected, key=str)
    assert (turn.day, "facilitator", False, turn.member_name) in [g[:4] for g in got]
    moved = next(c for c in again.changes if c.role == "facilitator" and not c.deputy)
    assert moved.message == f"{turn.day:%a %d %b} facilitator: {turn.member_name} → {moved.after}"
    third = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    assert third.changes == []

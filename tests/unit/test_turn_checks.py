"""Overriding a rota line by hand: made as asked, with a warning for every rota rule it breaks."""

from __future__ import annotations

import datetime as dt

import pytest

from circlekeeper.db import Database
from circlekeeper.models import AssignmentRead, CircleCreate, MemberCreate
from circlekeeper.services import circles, members, roles, rota, sessions
from circlekeeper.services.errors import Conflict

PEOPLE = ("ana", "bea", "cy", "dev", "eli", "fay", "gus")


@pytest.fixture
def planned(db: Database) -> list[AssignmentRead]:
    """Builders (seven members, weekly on Tuesdays) with the roles of four sessions planned."""
    circles.create_circle(
        db, data=CircleCreate(name="Builders", weekday="tue", meeting_time="18:00", max_size=12)
    )
    for handle in PEOPLE:
        members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
        circles.add_member_to_circle(db, circle_ref="Builders", member_ref=handle)
    sessions.plan_sessions(db, circle_ref="Builders", count=4)
    return rota.plan_roles(db, circle_ref="Builders", sessions=4, cap=10).assignments


def _first(lines: list[AssignmentRead], role: str = "facilitator") -> AssignmentRead:
    return next(line for line in lines if line.role == role)


def _idle_on(db: Database, lines: list[AssignmentRead], day: dt.date | None) -> str:
    """Someone with no role and no deputyship that day."""
    busy = {p for line in lines if line.day == day for p in (line.member_id, line.deputy_id)}
    return next(h for h in PEOPLE if members.get_member(db, ref=h).id not in busy)


def test_a_clean_override_has_no_warnings_and_is_kept(
    db: Database, planned: list[AssignmentRead]
) -> None:
    line = _first(planned)
    who = _idle_on(db, planned, line.day)

    done = roles.override_assignment(db, assignment_id=line.id, member_ref=who, reason="asked")

    assert done.warnings == []
    assert done.line.member_name == who.title()
    assert done.line.version == line.version + 1


def test_an_excused_member_is_put_in_with_a_warning(
    db: Database, planned: list[AssignmentRead]
) -> None:
    line = _first(planned)
    assert line.day is not None
    who = _idle_on(db, planned, line.day)
    roles.skip_member(db, circle_ref="Builders", member_ref=who, day=line.day, reason="dentist")

    done = roles.override_assignment(db, assignment_id=line.id, member_ref=who, reason="asked")

    assert done.line.member_name == who.title()
    assert done.warnings == [
        f"{who.title()} (facilitator on {line.day:%a %d %b}) was excused from roles that day "
        "(dentist)"
    ]


def test_a_paused_deputy_is_warned_of(db: Database, planned: list[AssignmentRead]) -> None:
    line = _first(planned)
    assert line.day is not None
    who = _idle_on(db, planned, line.day)
    members.pause_member(db, ref=who, until=line.day + dt.timedelta(days=7))

    done = roles.override_assignment(
        db, assignment_id=line.id, member_ref=line.member_id, deputy_ref=who, reason="cover"
    )

    assert done.line.deputy_name == who.title()
    assert len(done.warnings) == 1
    assert done.warnings[0].startswith(f"{who.title()} (deputy on {line.day:%a %d %b}) is paused")


def test_an_opt_out_and_a_second_role_that_session_are_warned_of(
    db: Database, planned: list[AssignmentRead]
) -> None:
    line = _first(planned)
    other = next(a for a in planned if a.day == line.day and a.role == "timekeeper")
    assert other.member_name is not None
    roles.set_opt_out(db, circle_ref="Builders", member_ref=other.member_id, role="facilitator")

    done = roles.override_assignment(
        db, assignment_id=line.id, member_ref=other.member_id, reason="nobody else"
    )

    assert f"{other.member_name} asked not to be facilitator (role opt-out)" in done.warnings
    assert f"{other.member_name} is also timekeeper on {line.day:%a %d %b}" in done.warnings


def test_going_over_the_cap_is_warned_of_and_a_lower_cap_counts(
    db: Database, planned: list[AssignmentRead]
) -> None:
    facilitators = [line for line in planned if line.role == "facilitator"]
    who = next(line.member_id for line in planned if line.role == "timekeeper")
    counts = []
    for line in facilitators[:3]:
        done = roles.override_assignment(
            db, assignment_id=line.id, member_ref=who, reason="keen", cap=2
        )
        counts.append([w for w in done.warnings if "over the cap of 2" in w])
    held = len(roles.member_history(db, member_ref=who))
    assert held > 2
    assert counts[-1]
    assert "roles within 4 weeks around" in counts[-1][0]


def test_only_members_of_the_circle_can_be_put_in(
    db: Database, planned: list[AssignmentRead]
) -> None:
    members.add_member(db, data=MemberCreate(name="Outsider", handle="out"))
    line = _first(planned)

    with pytest.raises(Conflict, match="does not sit in Builders"):
        roles.override_assignment(db, assignment_id=line.id, member_ref="out", reason="x")

    kept = next(a for a in rota.rota(db, circle_ref="Builders").assignments if a.id == line.id)
    assert kept.member_id == line.member_id


def test_nobody_can_be_put_in_without_warnings(db: Database, planned: list[AssignmentRead]) -> None:
    line = _first(planned)

    done = roles.override_assignment(db, assignment_id=line.id, member_ref=None, reason="open")

    assert done.line.member_id is None
    assert done.warnings == []

"""Another ritual for one session; a member's upcoming sessions in their own timezone."""

from __future__ import annotations

import datetime as dt

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.models.enums import SessionStatus
from circlekeeper.services import circles, members, rituals, sessions
from circlekeeper.services.errors import Conflict, StaleEdit
from circlekeeper.services.session_choices import upcoming_for_member, use_ritual_for_session


def _berlin_circle(db: Database, name: str = "Builders") -> int:
    circle = circles.create_circle(
        db,
        data=CircleCreate(name=name, weekday="tue", meeting_time="18:30", timezone="Europe/Berlin"),
    )
    return circle.id


def test_one_planned_session_can_use_another_ritual(db: Database) -> None:
    _berlin_circle(db)
    plan = sessions.plan_sessions(db, circle_ref="Builders", count=2)
    first, second = plan.added
    changed = use_ritual_for_session(db, session_id=first.id, ritual_ref="rose · bud · thorn")
    assert changed.ritual_name == "Rose · Bud · Thorn"
    assert sessions.get_session(db, session_id=second.id).ritual_name is None
    assert sessions.get_session(db, session_id=first.id).prompts[0].startswith("Rose")


def test_only_planned_sessions_change_ritual_and_stale_versions_are_refused(db: Database) -> None:
    _berlin_circle(db)
    first, second = sessions.plan_sessions(db, circle_ref="Builders", count=2).added
    sessions.set_session_status(
        db, session_id=first.id, status=SessionStatus.CANCELLED, reason="holiday"
    )
    with pytest.raises(Conflict, match="only a planned one"):
        use_ritual_for_session(db, session_id=first.id, ritual_ref="Seasonal review")
    with pytest.raises(StaleEdit):
        use_ritual_for_session(
            db, session_id=second.id, ritual_ref="Seasonal review", expected_version=99
        )


def test_a_member_sees_upcoming_sessions_in_their_own_time(db: Database) -> None:
    _berlin_circle(db)
    _berlin_circle(db, "Left Behind")
    members.add_member(
        db, data=MemberCreate(name="Ana", email="ana@x.org", timezone="America/New_York")
    )
    circles.add_member_to_circle(db, circle_ref="Builders", member_ref="ana@x.org")
    circles.add_member_to_circle(db, circle_ref="Left Behind", member_ref="ana@x.org")
    circles.remove_member_from_circle(db, circle_ref="Left Behind", member_ref="ana@x.org")
    sessions.plan_sessions(db, circle_ref="Builders", count=10)
    sessions.plan_sessions(db, circle_ref="Left Behind", count=3)

    upcoming = upcoming_for_member(db, member_ref="ana@x.org", days=28)

    assert [s.circle_name for s in upcoming] == ["Builders"] * 4
    first = upcoming[0]
    assert first.local_start.time() == dt.time(18, 30)
    assert first.member_timezone == "America/New_York"
    assert first.member_local_start.time() == dt.time(12, 30)
    assert first.member_local_start == first.starts_at


def test_rituals_can_be_listed_with_builtins_first(db: Database) -> None:
    from circlekeeper.models import RitualCreate

    rituals.add_ritual(db, data=RitualCreate(name="Aardvark check", prompts=["How are you?"]))
    names = [r.name for r in rituals.list_rituals(db)]
    assert names[-1] == "Aardvark check"
    assert len(names) == 6

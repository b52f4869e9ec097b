"""Correcting a check-in: only what is given changes, answers prompt by prompt, same rules as
adding one, and a stale edit changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from circlekeeper.db import Database
from circlekeeper.models import (
    CheckInCreate,
    CheckInRead,
    CheckInUpdate,
    CircleCreate,
    MemberCreate,
)
from circlekeeper.models.enums import Attendance, Visibility
from circlekeeper.services import checkins, circles, members, rituals, sessions
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound, StaleEdit

RITUAL = "Rose · Bud · Thorn"


@pytest.fixture
def written(db: Database) -> CheckInRead:
    """Ana's check-in at a held session of Builders: two answers, mood 4, shared with the circle."""
    ritual = rituals.get_ritual(db, ref=RITUAL)
    circles.create_circle(
        db,
        data=CircleCreate(
            name="Builders",
            weekday="tue",
            meeting_time="18:30",
            timezone="UTC",
            ritual_id=ritual.id,
        ),
    )
    members.add_member(db, data=MemberCreate(name="Ana", handle="ana"))
    circles.add_member_to_circle(db, circle_ref="Builders", member_ref="@ana")
    held = sessions.record_session(db, circle_ref="Builders", day=dt.date(2026, 11, 17))
    first, second = ritual.prompts[0], ritual.prompts[1]
    return checkins.add_checkin(
        db,
        session_id=held.id,
        member_ref="@ana",
        data=CheckInCreate(
            answers={first: "shipped the site", second: "moving house"},
            mood=4,
            visibility=Visibility.CIRCLE,
        ),
    )


def _prompts(db: Database) -> list[str]:
    return rituals.get_ritual(db, ref=RITUAL).prompts


def test_lowering_the_visibility_keeps_everything_else(db: Database, written: CheckInRead) -> None:
    changed = checkins.edit_checkin(
        db, checkin_id=written.id, data=CheckInUpdate(visibility=Visibility.PRIVATE)
    )

    assert changed.visibility == Visibility.PRIVATE
    assert (changed.answers, changed.mood, changed.attendance) == (
        written.answers,
        written.mood,
        written.attendance,
    )
    assert changed.version == written.version + 1
    assert checkins.list_checkins(db, visibility=Visibility.CIRCLE) == []


def test_answers_change_one_prompt_at_a_time_and_an_empty_one_is_removed(
    db: Database, written: CheckInRead
) -> None:
    first, second, third = _prompts(db)[:3]

    changed = checkins.edit_checkin(
        db,
        checkin_id=written.id,
        data=CheckInUpdate(
            answers={first.upper(): "shipped the new site", second: "  ", third: "x"}
        ),
    )

    assert changed.answers == {first: "shipped the new site", third: "x"}


def test_mood_can_be_cleared_and_set(db: Database, written: CheckInRead) -> None:
    cleared = checkins.edit_checkin(db, checkin_id=written.id, data=CheckInUpdate(mood=None))
    again = checkins.edit_checkin(db, checkin_id=written.id, data=CheckInUpdate(mood=2))

    assert cleared.mood is None
    assert again.mood == 2


def test_marking_absent_while_answers_stay_is_refused(db: Database, written: CheckInRead) -> None:
    with pytest.raises(Conflict, match="mark them present, or remove what they said first"):
        checkins.edit_checkin(
            db, checkin_id=written.id, data=CheckInUpdate(attendance=Attendance.ABSENT)
        )
    first, second = _prompts(db)[:2]

    emptied = checkins.edit_checkin(
        db,
        checkin_id=written.id,
        data=CheckInUpdate(
            answers={first: "", second: ""}, mood=None, attendance=Attendance.ABSENT
        ),
    )

    assert (emptied.attendance, emptied.answers, emptied.mood) == (Attendance.ABSENT, {}, None)


@pytest.mark.parametrize(
    ("update", "error", "message"),
    [
        (lambda prompts: CheckInUpdate(), InvalidInput, "nothing to change"),
        (
            lambda prompts: CheckInUpdate(answers={"What did you eat": "soup"}),
            InvalidInput,
            "is not one of this ritual's prompts",
        ),
        (
            lambda prompts: CheckInUpdate(answers={prompts[0]: "x" * 4001}),
            InvalidInput,
            "more than 4000 characters",
        ),
    ],
)
def test_bad_edits_change_nothing(
    db: Database,
    written: CheckInRead,
    update: Callable[[list[str]], CheckInUpdate],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        checkins.edit_checkin(db, checkin_id=written.id, data=update(_prompts(db)))

    assert checkins.list_checkins(db) == [written]


def test_a_stale_edit_and_an_unknown_checkin_are_refused(
    db: Database, written: CheckInRead
) -> None:
    checkins.edit_checkin(db, checkin_id=written.id, data=CheckInUpdate(mood=3))

    with pytest.raises(StaleEdit):
        checkins.edit_checkin(
            db,
            checkin_id=written.id,
            data=CheckInUpdate(visibility=Visibility.COMMUNITY),
            expected_version=written.version,
        )
    with pytest.raises(NotFound, match="no check-in #999"):
        checkins.edit_checkin(db, checkin_id=999, data=CheckInUpdate(mood=3))
    assert checkins.list_checkins(db)[0].visibility == Visibility.CIRCLE

"""Check-ins through the service: visibility, answers to the ritual's prompts, written check-ins
for async circles, and history per circle and per member over a date range."""

from __future__ import annotations

import datetime as dt

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CheckInCreate, CircleCreate, MemberCreate
from circlekeeper.models.enums import Attendance, SessionStatus, Visibility
from circlekeeper.services import checkins, circles, members, rituals, sessions
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.validation import parse

ROSE = "Rose: something that went well"
WRITTEN = "Weekly written check-in"


def _circle(db: Database, name: str = "Builders", ritual: str | None = "Rose · Bud · Thorn") -> int:
    ritual_id = rituals.get_ritual(db, ref=ritual).id if ritual else None
    return circles.create_circle(
        db,
        data=CircleCreate(
            name=name, weekday="tue", meeting_time="18:30", timezone="UTC", ritual_id=ritual_id
        ),
    ).id


def _member(db: Database, handle: str, *circle_names: str) -> int:
    member = members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
    for name in circle_names:
        circles.add_member_to_circle(db, circle_ref=name, member_ref=member.id)
    return member.id


def _session(db: Database, circle: str = "Builders", day: int = 17) -> int:
    return sessions.record_session(db, circle_ref=circle, day=dt.date(2026, 11, day)).id


# visibility


def test_visibility_defaults_to_private(db: Database) -> None:
    _circle(db)
    _member(db, "ana", "Builders")

    checkin = checkins.add_checkin(
        db, session_id=_session(db), member_ref="@ana", data=CheckInCreate(answers={ROSE: "x"})
    )

    assert CheckInCreate().visibility == Visibility.PRIVATE
    assert checkin.visibility == Visibility.PRIVATE
    assert checkins.list_checkins(db, visibility=Visibility.PRIVATE) == [checkin]
    assert checkins.list_checkins(db, visibility=Visibility.COMMUNITY) == []


@pytest.mark.parametrize("value", ["public", "PRIVATE ", "", "everyone"])
def test_an_unknown_visibility_is_rejected(value: str) -> None:
    with pytest.raises(InvalidInput, match="visibility"):
        parse(CheckInCreate, visibility=value)


@pytest.mark.parametrize(("mood", "ok"), [(1, True), (5, True), (0, False), (6, False)])
def test_mood_is_one_to_five(mood: int, ok: bool) -> None:
    if ok:
        assert parse(CheckInCreate, mood=mood).mood == mood
    else:
        with pytest.raises(InvalidInput, match="mood"):
            parse(CheckInCreate, mood=mood)


# at a session


def test_answers_are_keyed_by_the_rituals_prompts_whatever_the_case(db: Database) -> None:
    _circle(db)
    _member(db, "ana", "Builders")

    checkin = checkins.add_checkin(
        db,
        session_id=_session(db),
        member_ref="@ana",
        data=CheckInCreate(
            answers={
                ROSE.upper(): "shipped\n\x1b[31mit",
                "thorn: something that was difficult": "",
            },
            mood=4,
            visibility="circle",
        ),
    )

    assert checkin.answers == {ROSE: "shipped\nit"}
    assert (checkin.mood, checkin.visibility, checkin.attendance) == (4, "circle", "present")
    assert checkin.day == dt.date(2026, 11, 17)


def test_an_answer_to_another_prompt_is_refused(db: Database) -> None:
    _circle(db)
    _member(db, "ana", "Builders")

    with pytest.raises(InvalidInput, match=r"'Wins' is not one of this ritual's prompts: 1\. Rose"):
        checkins.add_checkin(
            db,
            session_id=_session(db),
            member_ref="@ana",
            data=CheckInCreate(answers={"Wins": "x"}),
        )


def test_a_session_without_a_ritual_takes_any_prompt(db: Database) -> None:
    _circle(db, ritual=None)
    _member(db, "ana", "Builders")

    checkin = checkins.add_checkin(
        db,
        session_id=_session(db),
        member_ref="@ana",
        data=CheckInCreate(answers={"Notes": "fine"}),
    )

    assert checkin.answers == {"Notes": "fine"}


def test_attendance_recorded_earlier_is_filled_in_but_answers_are_not_overwritten(
    db: Database,
) -> None:
    _circle(db)
    _member(db, "ana", "Builders")
    session_id = sessions.record_session(
        db, circle_ref="Builders", day=dt.date(2026, 11, 17), present=["@ana"]
    ).id

    filled = checkins.add_checkin(
        db, session_id=session_id, member_ref="@ana", data=CheckInCreate(answers={ROSE: "a"})
    )
    with pytest.raises(Conflict, match="Ana already has a check-in at session"):
        checkins.add_checkin(
            db, session_id=session_id, member_ref="@ana", data=CheckInCreate(answers={ROSE: "b"})
        )

    assert filled.answers == {ROSE: "a"}
    assert len(checkins.list_checkins(db)) == 1


def test_answers_added_later_keep_the_attendance_recorded_unless_it_is_given(
    db: Database,
) -> None:
    _circle(db)
    for handle in ("ana", "bo", "cy"):
        _member(db, handle, "Builders")
    session_id = sessions.record_session(
        db,
        circle_ref="Builders",
        day=dt.date(2026, 11, 17),
        present=["@ana"],
        absent=["@bo"],
        excused=["@cy"],
    ).id
    said = {ROSE: "sent a message afterwards"}

    ana = checkins.add_checkin(
        db, session_id=session_id, member_ref="@ana", data=parse(CheckInCreate, answers=said)
    )
    with pytest.raises(Conflict, match="Bo is marked absent at session #1: mark them present"):
        checkins.add_checkin(
            db, session_id=session_id, member_ref="@bo", data=parse(CheckInCreate, answers=said)
        )
    cy = checkins.add_checkin(
        db, session_id=session_id, member_ref="@cy", data=parse(CheckInCreate, visibility="circle")
    )
    bo = checkins.add_checkin(
        db,
        session_id=session_id,
        member_ref="@bo",
        data=parse(CheckInCreate, attendance="present", answers=said),
    )

    assert (ana.attendance, ana.answers) == (Attendance.PRESENT, said)
    assert (cy.attendance, cy.visibility) == (Attendance.EXCUSED, Visibility.CIRCLE)
    assert (bo.attendance, bo.answers) == (Attendance.PRESENT, said)


def test_before_its_day_a_session_takes_only_excused_marks(db: Database) -> None:
    _circle(db)
    _member(db, "ana", "Builders")
    ahead = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]

    for early in (
        CheckInCreate(),
        CheckInCreate(attendance="absent"),
        CheckInCreate(attendance="excused", mood=3),
    ):
        with pytest.raises(InvalidInput, match="2026-11-24 is still ahead in UTC — until then"):
            checkins.add_checkin(db, session_id=ahead.id, member_ref="@ana", data=early)
    assert checkins.list_checkins(db) == []

    away = checkins.add_checkin(
        db, session_id=ahead.id, member_ref="@ana", data=CheckInCreate(attendance="excused")
    )
    assert away.attendance == Attendance.EXCUSED


def test_check_ins_are_refused_for_missing_cancelled_and_foreign_cases(db: Database) -> None:
    _circle(db)
    _circle(db, "Other")
    _member(db, "ana", "Builders")
    _member(db, "bo", "Other")
    planned = sessions.plan_sessions(db, circle_ref="Builders", count=1).added[0]
    sessions.set_session_status(
        db, session_id=planned.id, status=SessionStatus.CANCELLED, reason="holiday"
    )

    with pytest.raises(NotFound, match="no session #99"):
        checkins.add_checkin(db, session_id=99, member_ref="@ana", data=CheckInCreate())
    with pytest.raises(Conflict, match="is cancelled"):
        checkins.add_checkin(db, session_id=planned.id, member_ref="@ana", data=CheckInCreate())
    with pytest.raises(Conflict, match="Bo has never been in this circle"):
        checkins.add_checkin(db, session_id=_session(db), member_ref="@bo", data=CheckInCreate())
    with pytest.raises(NotFound, match="no member matches"):
        checkins.add_checkin(db, session_id=_session(db), member_ref="@x", data=CheckInCreate())


# written check-ins


def test_an_async_circle_takes_written_check_ins_without_a_session(db: Database) -> None:
    _circle(db, "Writers", ritual=WRITTEN)
    _member(db, "ana", "Writers")
    prompt = rituals.get_ritual(db, ref=WRITTEN).prompts[0]

    checkin = checkins.add_written_checkin(
        db,
        circle_ref="Writers",
        member_ref="@ana",
        day=dt.date(2026, 11, 20),
        data=CheckInCreate(answers={prompt: "wrote 500 words"}, visibility="community"),
    )

    assert checkin.session_id is None
    assert checkin.day == dt.date(2026, 11, 20)
    assert checkin.circle_name == "Writers"
    assert checkin.answers == {prompt: "wrote 500 words"}
    assert sessions.list_sessions(db) == []


def test_written_check_ins_are_refused_where_they_do_not_belong(db: Database) -> None:
    _circle(db, "Live")
    _circle(db, "Bare", ritual=None)
    _circle(db, "Writers", ritual=WRITTEN)
    _member(db, "ana", "Live", "Bare", "Writers")
    day = dt.date(2026, 11, 20)
    data = CheckInCreate()

    with pytest.raises(Conflict, match="its ritual 'Rose · Bud · Thorn' is run live"):
        checkins.add_written_checkin(db, circle_ref="Live", member_ref="@ana", day=day, data=data)
    with pytest.raises(Conflict, match="it has no ritual"):
        checkins.add_written_checkin(db, circle_ref="Bare", member_ref="@ana", day=day, data=data)
    with pytest.raises(InvalidInput, match="still ahead"):
        checkins.add_written_checkin(
            db, circle_ref="Writers", member_ref="@ana", day=dt.date(2026, 11, 22), data=data
        )
    checkins.add_written_checkin(db, circle_ref="Writers", member_ref="@ana", day=day, data=data)
    with pytest.raises(Conflict, match="already has a written check-in on 2026-11-20"):
        checkins.add_written_checkin(
            db, circle_ref="Writers", member_ref="@ana", day=day, data=data
        )


# history


def test_history_per_circle_and_per_member_over_a_date_range(db: Database) -> None:
    _circle(db)
    _circle(db, "Writers", ritual=WRITTEN)
    _member(db, "ana", "Builders", "Writers")
    _member(db, "bo", "Builders")
    for day in (3, 10, 17):
        sessions.record_session(
            db,
            circle_ref="Builders",
            day=dt.date(2026, 11, day),
            present=["@ana"],
            absent=["@bo"],
        )
    checkins.add_written_checkin(
        db,
        circle_ref="Writers",
        member_ref="@ana",
        day=dt.date(2026, 11, 12),
        data=CheckInCreate(),
    )

    anas = checkins.list_checkins(db, member_ref="@ana")
    builders = checkins.list_checkins(
        db, circle_ref="Builders", start=dt.date(2026, 11, 10), end=dt.date(2026, 11, 17)
    )
    bos_window = checkins.list_checkins(
        db, member_ref="@bo", start=dt.date(2026, 11, 4), end=dt.date(2026, 11, 16)
    )

    assert [(c.day.day, c.circle_name) for c in anas] == [
        (17, "Builders"),
        (12, "Writers"),
        (10, "Builders"),
        (3, "Builders"),
    ]
    assert [(c.day.day, c.member_name) for c in builders] == [
        (17, "Ana"),
        (17, "Bo"),
        (10, "Ana"),
        (10, "Bo"),
    ]
    assert [(c.day.day, c.attendance) for c in bos_window] == [(10, Attendance.ABSENT)]
    assert len(checkins.list_checkins(db, limit=2, offset=6)) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"limit": 0}, "limit"), ({"offset": -1}, "offset")]
)
def test_history_refuses_a_bad_window(db: Database, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        checkins.list_checkins(db, **kwargs)

"""Where circle health's windows begin and end, at the edges its per-circle counting could get
wrong: two sessions on the day a window begins (told apart by their start, not their id or day),
a cancelled or still-planned session on that day with check-ins of its own, written check-ins
without a session, check-ins without answers, and circles with fewer sessions than a window."""

from __future__ import annotations

import datetime as dt

from tests.health_helpers import LAST_TUESDAY, make_circle, person, seat, tuesdays, weeks_held

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import CheckIn, CircleSession
from circlekeeper.models.enums import Attendance, SessionStatus
from circlekeeper.services.health import circle_health
from circlekeeper.services.health_models import CircleHealth
from circlekeeper.services.health_settings import HealthSettings

FOUR = ("ana", "bo", "cy", "dee")
ANSWERED = {"How are you?": "well, thanks"}


def one(db: Database, name: str) -> CircleHealth:
    """The health of the circle named `name`."""
    [found] = circle_health(db, circle_ref=name, settings=HealthSettings())
    return found


def session_at(
    db: Database,
    circle_id: int,
    day: dt.date,
    hour: int,
    status: SessionStatus = SessionStatus.HELD,
    *,
    marks: dict[str, Attendance],
    answered: tuple[str, ...] = (),
) -> int:
    """A session of the circle on `day` starting at `hour` UTC, with a check-in per member in
    `marks` (those in `answered` also answered a prompt), written as the services store them."""
    now = clock.now()
    member_ids = {handle: person(db, handle) for handle in marks}
    with db.write() as session:
        row = CircleSession(
            circle_id=circle_id,
            local_date=day,
            starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC),
            status=status.value,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        for handle, attendance in marks.items():
            session.add(
                CheckIn(
                    session_id=row.id,
                    circle_id=circle_id,
                    member_id=member_ids[handle],
                    day=day,
                    attendance=attendance.value,
                    answers=dict(ANSWERED) if handle in answered else {},
                    created_at=now,
                    updated_at=now,
                )
            )
        assert row.id is not None
        return row.id


def everyone(attendance: Attendance, handles: tuple[str, ...] = FOUR) -> dict[str, Attendance]:
    return dict.fromkeys(handles, attendance)


def circle_with_three_recent_weeks(db: Database, name: str) -> tuple[int, dt.date]:
    """A circle of four whose three newest held sessions (the last three Tuesdays) everyone came
    to, and the Tuesday before those, where its recent window begins."""
    circle_id = make_circle(db, name)
    seat(db, name, *FOUR)
    weeks_held(db, name, tuesdays(3), FOUR)
    return circle_id, tuesdays(4)[0]


def test_two_held_sessions_on_the_boundary_day_are_split_by_their_start(db: Database) -> None:
    """The evening session is the 4th newest (recent), the morning one the 5th (earlier), even
    though the evening one was recorded first and has the lower id."""
    circle_id, boundary = circle_with_three_recent_weeks(db, "Dusk")
    session_at(db, circle_id, boundary, 18, marks=everyone(Attendance.ABSENT))
    session_at(db, circle_id, boundary, 9, marks=everyone(Attendance.PRESENT))

    figures = one(db, "Dusk").figures

    assert (figures.recent_sessions, figures.earlier_sessions) == (4, 1)
    assert figures.recent_attendance == 12 / 16
    assert figures.earlier_attendance == 1.0
    assert (figures.window_sessions, figures.missed_sessions) == (4, 0)


def test_two_held_sessions_on_the_day_the_earlier_window_begins_are_split_too(
    db: Database,
) -> None:
    """Eight held sessions before a morning one on the same day: that morning is the 9th newest
    and counts nowhere."""
    circle_id = make_circle(db, "Dawn")
    seat(db, "Dawn", *FOUR)
    days = tuesdays(8)
    weeks_held(db, "Dawn", days[1:], FOUR)
    session_at(db, circle_id, days[0], 18, marks=everyone(Attendance.PRESENT))
    session_at(db, circle_id, days[0], 9, marks=everyone(Attendance.ABSENT))

    figures = one(db, "Dawn").figures

    assert (figures.recent_sessions, figures.earlier_sessions) == (4, 4)
    assert (figures.recent_attendance, figures.earlier_attendance) == (1.0, 1.0)


def test_a_cancelled_session_on_the_boundary_day_is_missed_but_its_check_ins_not_counted(
    db: Database,
) -> None:
    circle_id, boundary = circle_with_three_recent_weeks(db, "Snow")
    session_at(db, circle_id, boundary, 9, marks=everyone(Attendance.PRESENT))
    session_at(
        db,
        circle_id,
        boundary,
        18,
        SessionStatus.CANCELLED,
        marks=everyone(Attendance.ABSENT),
        answered=FOUR,
    )

    found = one(db, "Snow")
    figures = found.figures

    assert (figures.recent_sessions, figures.earlier_sessions) == (4, 0)
    assert figures.recent_attendance == 1.0
    assert figures.earlier_attendance is None
    assert (figures.window_sessions, figures.missed_sessions) == (4, 1)
    assert figures.speaking_share is None


def test_check_ins_at_a_past_planned_session_and_written_ones_are_not_counted(
    db: Database,
) -> None:
    """A planned session dated before today is not decided: its check-ins, like written
    check-ins on a day of their own, count for neither attendance nor speaking."""
    circle_id, boundary = circle_with_three_recent_weeks(db, "Draft")
    session_at(db, circle_id, boundary, 9, marks=everyone(Attendance.PRESENT, FOUR[:2]))
    session_at(
        db,
        circle_id,
        LAST_TUESDAY,
        20,
        SessionStatus.PLANNED,
        marks=everyone(Attendance.ABSENT),
        answered=FOUR,
    )
    now, ana = clock.now(), person(db, "ana")
    with db.write() as session:
        session.add(
            CheckIn(
                session_id=None,
                circle_id=circle_id,
                member_id=ana,
                day=LAST_TUESDAY,
                attendance=Attendance.ABSENT.value,
                answers=dict(ANSWERED),
                created_at=now,
                updated_at=now,
            )
        )

    figures = one(db, "Draft").figures

    assert figures.recent_attendance == 1.0
    assert (figures.window_sessions, figures.missed_sessions) == (4, 0)
    assert figures.speaking_share is None


def test_check_ins_without_an_answer_are_attendees_but_not_speakers(db: Database) -> None:
    """Speaking share: different members who answered over different members who came, each
    counted once however many of the last four sessions they came to."""
    circle_id = make_circle(db, "Talk")
    seat(db, "Talk", *FOUR)
    for week, day in enumerate(tuesdays(4)):
        answered = ("ana",) if week % 2 else ("ana", "bo")
        session_at(db, circle_id, day, 18, marks=everyone(Attendance.PRESENT), answered=answered)

    assert one(db, "Talk").figures.speaking_share == 2 / 4


def test_a_circle_with_fewer_held_sessions_than_a_window_counts_what_it_has(
    db: Database,
) -> None:
    make_circle(db, "Young")
    seat(db, "Young", *FOUR)
    weeks_held(db, "Young", tuesdays(2), FOUR[:3], absent=FOUR[3:])

    figures = one(db, "Young").figures

    assert (figures.recent_sessions, figures.earlier_sessions) == (2, 0)
    assert (figures.window_sessions, figures.missed_sessions) == (2, 0)
    assert figures.recent_attendance == 6 / 8
    assert figures.earlier_attendance is None
    assert figures.last_held_on == LAST_TUESDAY


def test_a_circle_with_fewer_held_sessions_than_two_windows_has_a_short_earlier_one(
    db: Database,
) -> None:
    make_circle(db, "Teen")
    seat(db, "Teen", *FOUR)
    days = tuesdays(6)
    weeks_held(db, "Teen", days[:2], FOUR[:1], absent=FOUR[1:])
    weeks_held(db, "Teen", days[2:], FOUR)

    figures = one(db, "Teen").figures

    assert (figures.recent_sessions, figures.earlier_sessions) == (4, 2)
    assert (figures.recent_attendance, figures.earlier_attendance) == (1.0, 2 / 8)

"""The .ics export: one event per planned session, stable UIDs, local times with their timezone,
cancelled sessions marked, and atomic private files."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.export.ics import session_uid, sessions_to_ics
from circlekeeper.models import CircleCreate, RitualRead, SessionRead
from circlekeeper.models.enums import RitualMode, SessionStatus
from circlekeeper.paths import write_atomic
from circlekeeper.services import circles, rituals, sessions

STAMP = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
RITUAL = RitualRead(
    id=2,
    name="Rose · Bud · Thorn",
    description="",
    prompts=["Rose: something that went well", "Bud: something you look forward to"],
    timebox_minutes=3,
    opening="",
    closing="",
    mode=RitualMode.LIVE,
    builtin=True,
    version=1,
)


def _session(
    session_id: int,
    start: dt.datetime,
    *,
    circle: str = "Tuesday Builders",
    status: SessionStatus = SessionStatus.PLANNED,
    version: int = 1,
    ritual: RitualRead | None = RITUAL,
) -> SessionRead:
    zone = start.tzinfo
    assert isinstance(zone, ZoneInfo)
    return SessionRead(
        id=session_id,
        circle_id=1,
        circle_name=circle,
        ritual_id=ritual.id if ritual else None,
        ritual_name=ritual.name if ritual else None,
        local_date=start.date(),
        starts_at=start.astimezone(dt.UTC),
        local_start=start,
        timezone=zone.key,
        status=status,
        reason="",
        notes="private notes",
        version=version,
    )


def _events(text: str) -> list[Any]:
    return list(Calendar.from_ical(text).walk("VEVENT"))


GOLDEN = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//circlekeeper//circlekeeper sessions//EN\r\n"
    "CALSCALE:GREGORIAN\r\n"
    "NAME:circlekeeper sessions\r\n"
    "X-WR-CALNAME:circlekeeper sessions\r\n"
    "BEGIN:VEVENT\r\n"
    "SUMMARY:Tuesday Builders\r\n"
    "DTSTART:20261124T183000Z\r\n"
    "DTEND:20261124T193000Z\r\n"
    "DTSTAMP:20261121T120000Z\r\n"
    "UID:session-7@circlekeeper\r\n"
    "SEQUENCE:0\r\n"
    "DESCRIPTION:Ritual: Rose · Bud · Thorn\\n1. Rose: something that went wel\r\n"
    " l\\n2. Bud: something you look forward to\r\n"
    "STATUS:CONFIRMED\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_a_utc_session_exports_exactly_as_expected() -> None:
    start = dt.datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("UTC"))

    text = sessions_to_ics([_session(7, start)], rituals={2: RITUAL}, stamp=STAMP)

    assert text == GOLDEN


def test_one_event_per_planned_or_cancelled_session_in_time_order() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    found = [
        _session(3, dt.datetime(2026, 12, 8, 18, 30, tzinfo=berlin)),
        _session(1, dt.datetime(2026, 11, 24, 18, 30, tzinfo=berlin)),
        _session(
            2, dt.datetime(2026, 12, 1, 18, 30, tzinfo=berlin), status=SessionStatus.CANCELLED
        ),
        _session(4, dt.datetime(2026, 11, 17, 18, 30, tzinfo=berlin), status=SessionStatus.HELD),
        _session(
            5, dt.datetime(2026, 11, 10, 18, 30, tzinfo=berlin), status=SessionStatus.DID_NOT_HAPPEN
        ),
    ]

    events = _events(sessions_to_ics(found, rituals={2: RITUAL}, stamp=STAMP))

    assert [str(e["UID"]) for e in events] == [session_uid(n) for n in (1, 2, 3)]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]


def test_times_carry_the_circles_timezone_and_its_definition() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = dt.datetime(2027, 10, 26, 18, 30, tzinfo=berlin)

    text = sessions_to_ics([_session(1, start)], rituals={}, stamp=STAMP)
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")

    assert "DTSTART;TZID=Europe/Berlin:20271026T183000" in text
    assert "DTEND;TZID=Europe/Berlin:20271026T193000" in text
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    assert event.decoded("DTSTART") == start


def test_the_description_names_the_ritual_and_its_prompts_but_never_the_notes() -> None:
    start = dt.datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("UTC"))

    with_ritual, without = _events(
        sessions_to_ics(
            [_session(1, start), _session(2, start + dt.timedelta(days=7), ritual=None)],
            rituals={2: RITUAL},
            stamp=STAMP,
        )
    )

    assert str(with_ritual["DESCRIPTION"]).split("\n") == [
        "Ritual: Rose · Bud · Thorn",
        "1. Rose: something that went well",
        "2. Bud: something you look forward to",
    ]
    assert "DESCRIPTION" not in without
    assert "private notes" not in str(with_ritual)


def test_sequence_follows_the_sessions_edits_and_dtstamp_the_export() -> None:
    start = dt.datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("UTC"))

    (event,) = _events(sessions_to_ics([_session(1, start, version=3)], rituals={}, stamp=STAMP))

    assert event["SEQUENCE"] == 2
    assert event.decoded("DTSTAMP") == STAMP


@pytest.mark.parametrize(
    "name", ["[b]x[/]", "[@click=app.quit]x", "A, B; C\\D", "مريم", "🌻 Sunny", "x\ny"]
)
def test_circle_names_survive_the_round_trip_literally(name: str) -> None:
    start = dt.datetime(2026, 11, 24, 18, 30, tzinfo=ZoneInfo("UTC"))

    (event,) = _events(sessions_to_ics([_session(1, start, circle=name)], rituals={}, stamp=STAMP))

    assert str(event["SUMMARY"]) == name


def test_an_empty_export_is_still_a_calendar() -> None:
    calendar = Calendar.from_ical(sessions_to_ics([], rituals={}, stamp=STAMP, name="Pod"))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Pod"


def test_a_naive_stamp_or_empty_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sessions_to_ics([], rituals={}, stamp=dt.datetime(2026, 11, 21))
    with pytest.raises(ValueError, match="positive"):
        sessions_to_ics([], rituals={}, stamp=STAMP, duration=dt.timedelta(0))


# through the service


def test_planned_sessions_keep_1830_berlin_across_the_october_change(db: Database) -> None:
    ritual = rituals.get_ritual(db, ref="Rose · Bud · Thorn")
    circles.create_circle(
        db,
        data=CircleCreate(
            name="Builders",
            weekday="tue",
            meeting_time="18:30",
            timezone="Europe/Berlin",
            ritual_id=ritual.id,
        ),
    )
    clock.freeze(dt.datetime(2027, 10, 9, 12, tzinfo=dt.UTC))
    planned = sessions.plan_sessions(db, circle_ref="Builders", until=dt.date(2027, 11, 9)).added
    by_id = {ritual.id: ritual}

    first = sessions_to_ics(planned, rituals=by_id, stamp=clock.now())
    second = sessions_to_ics(
        sessions.list_sessions(db, status=SessionStatus.PLANNED), rituals=by_id, stamp=clock.now()
    )

    events = _events(first)
    assert len(events) == len(planned) == 5
    starts = [e.decoded("DTSTART") for e in events]
    assert {(s.hour, s.minute, str(s.tzinfo)) for s in starts} == {(18, 30, "Europe/Berlin")}
    assert [s.astimezone(dt.UTC).hour for s in starts] == [16, 16, 16, 17, 17]
    assert [str(e["UID"]) for e in events] == [str(e["UID"]) for e in _events(second)]
    assert [str(e["UID"]) for e in events] == [session_uid(s.id) for s in planned]
    assert first == second


# atomic files


def test_an_atomic_write_makes_a_private_file_and_replaces_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "cal.ics"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o644)

    write_atomic(target, "new ✓")

    assert target.read_text(encoding="utf-8") == "new ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["cal.ics"]


def test_an_atomic_write_into_a_missing_folder_fails_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "nowhere" / "cal.ics", b"x")

    assert list(tmp_path.iterdir()) == []


def test_each_event_names_the_facilitator_and_deputy() -> None:
    """Issue 4: the calendar export puts the facilitator and deputy into each event."""
    import datetime as dt

    from icalendar import Calendar

    from circlekeeper.export.ics import sessions_to_ics
    from circlekeeper.models import AssignmentRead, SessionRead

    starts = dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)
    session = SessionRead(
        id=7,
        circle_id=1,
        circle_name="Builders",
        ritual_id=None,
        ritual_name=None,
        local_date=starts.date(),
        starts_at=starts,
        local_start=starts,
        timezone="UTC",
        status="planned",
        reason="",
        notes="",
        version=1,
    )
    roles = [
        AssignmentRead(
            id=1,
            circle_id=1,
            circle_name="Builders",
            role="facilitator",
            rotating=True,
            session_id=7,
            day=starts.date(),
            starts_on=None,
            ends_on=None,
            member_id=3,
            member_name="[b]Ana[/b]",
            deputy_id=4,
            deputy_name="Bea",
            version=1,
        ),
    ]
    text = sessions_to_ics([session], rituals={}, stamp=starts, roles={7: roles})
    [event] = Calendar.from_ical(text).walk("VEVENT")
    assert "Facilitator: [b]Ana[/b] (deputy: Bea)" in str(event["DESCRIPTION"])

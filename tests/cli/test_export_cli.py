"""`circlekeeper export ics`: the planned sessions as a calendar file, via the real CLI."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from circlekeeper import clock
from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

BERLIN = ("--weekday", "tue", "--time", "18:30", "--timezone", "Europe/Berlin")


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI with a Berlin circle and a New York circle, three sessions planned in each."""
    cli = Cli(db.path)
    cli.circle("Builders", *BERLIN, "--ritual", "Rose · Bud · Thorn")
    cli.circle("Evening", "--weekday", "wed", "--time", "19:00", "--timezone", "America/New_York")
    cli("session", "plan", "Builders", "--count", "3")
    cli("session", "plan", "Evening", "--count", "3")
    return cli


def _events(text: str) -> list[Any]:
    return list(Calendar.from_ical(text).walk("VEVENT"))


def test_stdout_gets_one_event_per_planned_session(cli: Cli) -> None:
    result = cli("export", "ics")
    calendar = Calendar.from_ical(result.stdout)
    events = calendar.walk("VEVENT")

    assert len(events) == 6
    assert {str(e["SUMMARY"]) for e in events} == {"Builders", "Evening"}
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Europe/Berlin",
        "America/New_York",
    }
    assert calendar.get_missing_tzids() == set()
    first = events[0]
    assert str(first["UID"]) == "session-1@circlekeeper"
    assert first.decoded("DTSTART") == dt.datetime(
        2026, 11, 24, 18, 30, tzinfo=first.decoded("DTSTART").tzinfo
    )
    assert str(first.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    assert "Ritual: Rose · Bud · Thorn" in str(first["DESCRIPTION"])
    assert "warning" not in result.stderr


def test_cancelled_sessions_are_marked_and_held_ones_left_out(cli: Cli) -> None:
    cli("session", "cancel", "2", "--reason", "holiday")
    cli("session", "record", "Builders", "--date", "2026-11-17")

    events = _events(cli("export", "ics", "--from", "2026-11-01").stdout)

    by_uid = {str(e["UID"]): e for e in events}
    assert str(by_uid["session-2@circlekeeper"]["STATUS"]) == "CANCELLED"
    assert by_uid["session-2@circlekeeper"]["SEQUENCE"] == 1
    assert "session-7@circlekeeper" not in by_uid
    assert len(events) == 6


def test_one_circle_and_a_date_range(cli: Cli) -> None:
    text = cli("export", "ics", "--circle", "evening", "--to", "2026-12-02").stdout
    calendar = Calendar.from_ical(text)

    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Evening", "Evening"]
    assert str(calendar["X-WR-CALNAME"]) == "Evening — circlekeeper"


def test_out_writes_a_private_file_and_a_second_export_keeps_the_uids(
    cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "circles.ics"

    first = cli("export", "ics", "--out", str(target))
    before = target.read_text(encoding="utf-8")
    cli("session", "cancel", "1", "--reason", "holiday")
    cli("export", "ics", "--out", str(target))
    after = target.read_text(encoding="utf-8")

    assert first.stdout == ""
    assert f"wrote 6 planned and 0 cancelled sessions to {target}" in first.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [str(e["UID"]) for e in _events(before)] == [str(e["UID"]) for e in _events(after)]
    assert str(_events(after)[0]["STATUS"]) == "CANCELLED"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["circles.ics"]


def test_out_into_a_missing_folder_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("export", "ics", "--out", str(tmp_path / "nowhere" / "x.ics"), code=1)

    assert "cannot write" in result.stderr
    assert "No such file or directory" in result.stderr


def test_local_times_hold_across_the_october_change(db: Database) -> None:
    cli = Cli(db.path)
    cli.circle("Builders", *BERLIN)
    clock.freeze(dt.datetime(2027, 10, 9, 12, tzinfo=dt.UTC))
    cli("session", "plan", "Builders", "--until", "2027-11-09")

    starts = [e.decoded("DTSTART") for e in _events(cli("export", "ics").stdout)]

    assert [s.strftime("%m-%d %H:%M") for s in starts] == [
        "10-12 18:30",
        "10-19 18:30",
        "10-26 18:30",
        "11-02 18:30",
        "11-09 18:30",
    ]
    assert [s.astimezone(dt.UTC).hour for s in starts] == [16, 16, 16, 17, 17]


def test_nothing_planned_still_gives_a_calendar_and_a_warning(db: Database) -> None:
    result = Cli(db.path)("export", "ics")

    assert _events(result.stdout) == []
    assert "no planned sessions to export" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--circle", "Nobody"), "no circle matches 'Nobody'"),
        (("--from", "tomorrow"), "--from:"),
    ],
)
def test_bad_options_are_errors(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("export", "ics", *args, code=1)

    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_circle_names_survive_literally(db: Database, name: str) -> None:
    cli = Cli(db.path)
    cli.circle(name, *BERLIN)
    cli("session", "plan", "#1", "--count", "1")

    calendar = Calendar.from_ical(cli("export", "ics", "--circle", "#1").stdout)

    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == shown(name)
    assert str(calendar["X-WR-CALNAME"]) == f"{shown(name)} — circlekeeper"


def test_events_name_the_facilitator_and_deputy_once_roles_are_planned(
    cli: Cli, db: Database
) -> None:
    from circlekeeper.models import MemberCreate
    from circlekeeper.services import circles, members, rota

    for handle in ("ana", "bea", "cy", "dev"):
        members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
        circles.add_member_to_circle(db, circle_ref="Builders", member_ref=handle)
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=3, cap=10)
    first = min(
        (a for a in plan.assignments if a.role == "facilitator"),
        key=lambda a: a.day or clock.today(),
    )
    events = _events(cli("export", "ics", "--circle", "Builders").stdout)
    description = str(events[0]["DESCRIPTION"])
    assert f"Facilitator: {first.member_name} (deputy: {first.deputy_name})" in description
    assert "Ritual: Rose · Bud · Thorn" in description


@pytest.mark.parametrize("export", [("export", "ics"), ("export", "members")])
def test_out_never_replaces_the_database_itself(
    cli: Cli, db: Database, export: tuple[str, ...]
) -> None:
    before = db.path.read_bytes()[:16]

    result = cli(*export, "--out", str(db.path), code=1)

    assert f"cannot write {db.path}: it is a database, which is never replaced" in result.stderr
    assert db.path.read_bytes()[:16] == before
    assert "Builders" in cli("circle", "list").stdout

"""`circlekeeper session …`: plan, list, show, record, cancel, did-not-happen, via the real CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from circlekeeper import clock
from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"
SESSION_KEYS = {
    "id",
    "circle_id",
    "circle_name",
    "ritual_id",
    "ritual_name",
    "local_date",
    "starts_at",
    "local_start",
    "timezone",
    "status",
    "reason",
    "notes",
    "version",
}
BERLIN = ("--weekday", "tue", "--time", "18:30", "--timezone", "Europe/Berlin")


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on the test database, with a Berlin circle of three members."""
    cli = Cli(db.path)
    cli.circle("Builders", *BERLIN, "--ritual", "Rose · Bud · Thorn")
    for handle in ("ana", "bo", "cy"):
        cli.member(handle.title(), "--handle", handle)
        cli("circle", "add", "Builders", f"@{handle}")
    return cli


@pytest.mark.parametrize("model", ["SessionRead", "SessionDetail", "SessionPlan", "RitualRead"])
def test_every_json_key_is_documented(model: str) -> None:
    import circlekeeper.models as models

    text = DOCS.read_text(encoding="utf-8")
    missing = [field for field in getattr(models, model).model_fields if f'"{field}"' not in text]

    assert missing == []


# plan


def test_plan_prints_the_planned_sessions_in_local_time(cli: Cli) -> None:
    result = cli("session", "plan", "Builders", "--count", "3", "--skip", "2026-12-01")

    assert "Tue 2026-11-24 18:30 Europe/Berlin" in result.stdout
    assert "Tue 2026-12-08 18:30 Europe/Berlin" in result.stdout
    assert "2026-12-01" not in result.stdout
    assert "Rose · Bud · Thorn" in result.stdout
    assert result.stdout.count("│ new │") == 3
    assert "Builders: 3 added, 0 removed, 0 kept" in result.stderr


def test_plan_json_says_what_changed(cli: Cli) -> None:
    cli("session", "plan", "Builders", "--until", "2026-12-15")

    plan = cli.json("session", "plan", "Builders", "--until", "2026-12-15", "--skip", "2026-12-01")

    assert set(plan) == {"circle_id", "circle_name", "added", "removed", "kept"}
    assert (plan["added"], plan["removed"], plan["kept"]) == ([], 1, 3)


def test_plan_on_explicit_dates(cli: Cli) -> None:
    plan = cli.json(
        "session", "plan", "Builders", "--on", "2026-12-03,2026-12-17", "--on", "2027-01-02"
    )

    assert [s["local_date"] for s in plan["added"]] == ["2026-12-03", "2026-12-17", "2027-01-02"]
    assert {s["local_start"][11:16] for s in plan["added"]} == {"18:30"}
    assert set(plan["added"][0]) == SESSION_KEYS


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--until", "2027-01-01", "--count", "2"), 2, "give --until or --count, not both"),
        (("--until", "2026-13-01"), 1, "--until: '2026-13-01' is not a real date"),
        (("--until", "next week"), 1, "--until: 'next week' is not a date in the form YYYY-MM-DD"),
        (("--until", "2026-01-01"), 1, "is in the past"),
        (("--count", "0"), 1, "count must be at least 1"),
        (("--skip", "soon"), 1, "--skip:"),
    ],
    ids=["both", "not real", "words", "past", "zero", "skip"],
)
def test_plan_refuses_bad_options(cli: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli("session", "plan", "Builders", *args, code=code)

    assert message in result.stderr
    assert cli.json("session", "list") == []


def test_plan_needs_a_meeting_day_and_a_known_circle(cli: Cli) -> None:
    cli.circle("No day")

    no_day = cli("session", "plan", "No day", code=1)
    unknown = cli("session", "plan", "Nobody", code=1)

    assert "has no meeting day" in no_day.stderr
    assert "no circle matches 'Nobody'" in unknown.stderr


# list and show


def test_list_across_circles_and_with_filters(cli: Cli) -> None:
    cli.circle("Evening", "--weekday", "wed", "--time", "19:00", "--timezone", "America/New_York")
    cli("session", "plan", "Builders", "--count", "3")
    cli("session", "plan", "Evening", "--count", "3")
    cli("session", "cancel", "2", "--reason", "holiday")

    table = cli("session", "list").stdout
    everything = cli.json("session", "list")
    evening = cli.json("session", "list", "--circle", "evening")
    december = cli.json("session", "list", "--from", "2026-12-01", "--to", "2026-12-02")
    cancelled = cli.json("session", "list", "--status", "cancelled")
    window = cli.json("session", "list", "--limit", "2", "--offset", "1")

    assert "Wed 2026-11-25 19:00 America/New_York" in table
    assert "holiday" in table
    assert len(everything) == 6
    assert set(everything[0]) == SESSION_KEYS
    assert [s["local_date"] for s in everything] == sorted(s["local_date"] for s in everything)
    assert {s["circle_name"] for s in evening} == {"Evening"}
    assert [s["local_date"] for s in december] == ["2026-12-01", "2026-12-02"]
    assert [s["id"] for s in cancelled] == [2]
    assert [s["id"] for s in window] == [everything[1]["id"], everything[2]["id"]]


def test_list_says_when_nothing_matches_and_when_there_may_be_more(cli: Cli) -> None:
    empty = cli("session", "list")
    cli("session", "plan", "Builders", "--count", "3")
    full = cli("session", "list", "--limit", "3")

    assert empty.stdout == ""
    assert "no sessions match" in empty.stderr
    assert "there may be more: --offset 3" in full.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--status", "done"), 2),
        (("--limit", "0"), 1),
        (("--from", "yesterday"), 1),
        (("--circle", "Nobody"), 1),
    ],
)
def test_list_refuses_bad_options(cli: Cli, args: tuple[str, ...], code: int) -> None:
    cli("session", "list", *args, code=code)


def test_show_prints_the_session_prompts_and_check_ins(cli: Cli) -> None:
    cli(
        "session",
        "record",
        "Builders",
        "--date",
        "2026-11-17",
        "--present",
        "@ana",
        "--absent",
        "@bo",
        "--notes",
        "Warm round\nlots of laughs",
    )

    text = cli("session", "show", "1").stdout
    detail = cli.json("session", "show", "#1")

    assert "when: Tue 2026-11-17 18:30 Europe/Berlin" in text
    assert "status: held" in text
    assert "notes: Warm round\n  lots of laughs" in text
    assert "Rose: something that went well" in text
    assert "absent" in text
    assert set(detail) == SESSION_KEYS | {"prompts", "timebox_minutes", "checkins"}
    assert [(c["member_name"], c["attendance"]) for c in detail["checkins"]] == [
        ("Ana", "present"),
        ("Bo", "absent"),
    ]


@pytest.mark.parametrize(
    ("ref", "code", "message"), [("abc", 2, "SESSION must be"), ("99", 1, "no session #99")]
)
def test_show_refuses_a_bad_or_unknown_session(cli: Cli, ref: str, code: int, message: str) -> None:
    result = cli("session", "show", ref, code=code)

    assert message in result.stderr


# record


def test_record_takes_comma_separated_and_repeated_members(cli: Cli) -> None:
    result = cli(
        "session",
        "record",
        "Builders",
        "--date",
        "2026-11-17",
        "--present",
        "@ana, @bo",
        "--excused",
        "cy",
    )
    detail = cli.json("session", "show", "1")

    assert (
        "recorded session #1 of Builders on 2026-11-17 as held: 2 present, 0 absent, 1 excused"
        in (result.stderr)
    )
    assert {c["member_name"]: c["attendance"] for c in detail["checkins"]} == {
        "Ana": "present",
        "Bo": "present",
        "Cy": "excused",
    }


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--present", "@ana", "--absent", "@ana"), 1, "Ana is listed as both present and absent"),
        (("--present", "@stranger"), 1, "Stranger is not in 'Builders'"),
        (("--present", "@ghost"), 1, "no member matches '@ghost'"),
    ],
    ids=["two lists", "non-member", "unknown"],
)
def test_record_refuses_bad_attendance(
    cli: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    cli.member("Stranger", "--handle", "stranger")

    result = cli("session", "record", "Builders", "--date", "2026-11-17", *args, code=code)

    assert message in result.stderr
    assert cli.json("session", "list") == []


def test_record_needs_a_past_date(cli: Cli) -> None:
    missing = cli("session", "record", "Builders", code=2)
    ahead = cli("session", "record", "Builders", "--date", "2026-11-24", code=1)

    assert "--date" in missing.stderr
    assert "still ahead" in ahead.stderr


# cancel and did-not-happen


def test_cancel_needs_a_reason(cli: Cli) -> None:
    cli("session", "plan", "Builders", "--count", "1")

    missing = cli("session", "cancel", "1", code=2)
    blank = cli("session", "cancel", "1", "--reason", "  ", code=1)
    done = cli("session", "cancel", "1", "--reason", "public holiday")
    again = cli("session", "cancel", "1", "--reason", "again", code=1)

    assert "--reason" in missing.stderr
    assert "say why the session is cancelled" in blank.stderr
    assert "session #1 of Builders (Tue 2026-11-24 18:30 Europe/Berlin) is cancelled" in done.stderr
    assert "is cancelled; it can become: planned" in again.stderr
    assert cli.json("session", "show", "1")["reason"] == "public holiday"


def test_restore_brings_a_cancelled_session_back_as_planned(cli: Cli) -> None:
    cli("session", "plan", "Builders", "--count", "1")
    planned = cli("session", "restore", "1", code=1)
    cli("session", "cancel", "1", "--reason", "public holiday")

    done = cli("session", "restore", "1")
    shown_json = cli.json("session", "show", "1")

    assert "session #1 is planned; it can become:" in planned.stderr
    assert "session #1 of Builders (Tue 2026-11-24 18:30 Europe/Berlin) is planned" in done.stderr
    assert (shown_json["status"], shown_json["reason"]) == ("planned", "")


def test_did_not_happen_is_for_sessions_that_have_started(cli: Cli) -> None:
    cli("session", "plan", "Builders", "--count", "1")

    future = cli("session", "did-not-happen", "1", "--reason", "nobody", code=1)
    clock.freeze(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC))
    later = cli("session", "did-not-happen", "1", "--reason", "nobody came", "--json")

    assert "has not started yet — cancel it instead" in future.stderr
    assert '"status": "did-not-happen"' in later.stdout


def test_a_stale_status_change_is_refused(cli: Cli) -> None:
    cli("session", "plan", "Builders", "--count", "1")

    result = cli("session", "cancel", "1", "--reason", "x", "--expect-version", "3", code=1)

    assert "changed elsewhere" in result.stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_circle_names_print_literally(cli: Cli, name: str) -> None:
    cli.circle(name, *BERLIN)

    planned = cli("session", "plan", "#2", "--count", "1")
    table = cli("session", "list").stdout
    detail = cli("session", "show", "1").stdout
    listed = cli.json("session", "list")

    assert shown(name) in planned.stdout
    assert shown(name) in planned.stderr
    assert shown(name) in table
    assert f"circle: {shown(name)} (#2)" in detail
    assert listed[0]["circle_name"] == shown(name)
    assert "\x1b" not in planned.stdout + table + detail

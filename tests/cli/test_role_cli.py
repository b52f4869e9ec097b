"""`circlekeeper role …`: roles, the rota, swaps, skips, opt-outs, terms and history via the CLI."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members, roles, sessions
from circlekeeper.services.errors import Conflict
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

TODAY = dt.date(2026, 11, 21)
FIRST_TUESDAY = dt.date(2026, 11, 24)
ROLE_KEYS = {"id", "circle_id", "name", "rotating"}
ASSIGNMENT_KEYS = {
    "id",
    "circle_id",
    "circle_name",
    "role",
    "rotating",
    "session_id",
    "day",
    "starts_on",
    "ends_on",
    "member_id",
    "member_name",
    "deputy_id",
    "deputy_name",
    "version",
}
ROTA_KEYS = {
    "circle_id",
    "circle_name",
    "roles",
    "assignments",
    "load",
    "cap",
    "warnings",
    "changes",
}
CHANGE_KEYS = {"session_id", "day", "role", "deputy", "before", "after", "message"}
WARNING_KEYS = {
    "circle_id",
    "circle_name",
    "role",
    "assignment_id",
    "member_id",
    "member_name",
    "starts_on",
    "ends_on",
    "days_left",
    "previous_member_id",
    "previous_member_name",
    "message",
}
EVENT_KEYS = {
    "id",
    "circle_name",
    "kind",
    "role_name",
    "day",
    "member_name",
    "other_member_name",
    "by",
    "reason",
    "created_at",
}


def seat(
    db: Database,
    circle: str,
    people: dict[str, str],
    *,
    weekday: str = "tue",
    count: int | None = 4,
) -> None:
    """A circle meeting weekly at 18:00 UTC with these members (handle: name) and its sessions."""
    circles.create_circle(
        db, data=CircleCreate(name=circle, weekday=weekday, meeting_time="18:00", max_size=12)
    )
    for handle, name in people.items():
        with contextlib.suppress(Conflict):
            members.add_member(db, data=MemberCreate(name=name, handle=handle))
        circles.add_member_to_circle(db, circle_ref=circle, member_ref=f"@{handle}")
    if count:
        sessions.plan_sessions(db, circle_ref=circle, count=count)


PEOPLE = {"ana": "Ana", "bo": "Bo", "cy": "Cy", "dee": "Dee"}


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on a database with "Builders" (four members, four Tuesdays planned)."""
    seat(db, "Builders", PEOPLE)
    return Cli(db.path)


def rota_json(cli: Cli, *args: str) -> dict[str, Any]:
    """`role show` (or another command) as JSON."""
    found: dict[str, Any] = cli.json(*args)
    return found


def lines_of(data: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The rota lines of one role, in date order."""
    return [line for line in data["assignments"] if line["role"] == role]


# add, list, remove


def test_list_shows_the_default_roles(cli: Cli) -> None:
    result = cli("role", "list", "Builders")

    for name in ("facilitator", "timekeeper", "note-taker"):
        assert name in result.stdout
    assert "per session" in result.stdout


def test_add_a_rotating_and_a_term_role(cli: Cli) -> None:
    added = cli.json("role", "add", "Builders", "greeter")
    result = cli("role", "add", "Builders", "steward", "--term")

    assert set(added) == ROLE_KEYS
    assert (added["name"], added["rotating"]) == ("greeter", True)
    assert "is held for a term" in result.stderr
    listed = cli.json("role", "list", "Builders")
    assert [(r["name"], r["rotating"]) for r in listed] == [
        ("facilitator", True),
        ("timekeeper", True),
        ("note-taker", True),
        ("greeter", True),
        ("steward", False),
    ]
    assert all(set(r) == ROLE_KEYS for r in listed)


def test_add_refuses_a_duplicate_whatever_its_case(cli: Cli) -> None:
    result = cli("role", "add", "Builders", "Facilitator", code=1)

    assert "already has a role named 'Facilitator'" in result.stderr
    assert result.stdout == ""


def test_add_refuses_an_overlong_name(cli: Cli) -> None:
    result = cli("role", "add", "Builders", "x" * 41, code=1)

    assert "1 to 40 characters" in result.stderr


def test_remove_takes_the_role_off_the_rota(cli: Cli) -> None:
    cli("role", "plan", "Builders", "--sessions", "2", "--cap", "9")

    result = cli("role", "remove", "Builders", "NOTE-TAKER")

    assert "removed role note-taker" in result.stderr
    data = rota_json(cli, "role", "show", "Builders")
    assert lines_of(data, "note-taker") == []
    assert "note-taker" not in [r["name"] for r in data["roles"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("role", "list", "Nowhere"), "no circle"),
        (("role", "add", "Nowhere", "greeter"), "no circle"),
        (("role", "remove", "Builders", "mayor"), "has no role 'mayor'"),
        (("role", "plan", "Nowhere"), "no circle"),
        (("role", "show", "Nowhere"), "no circle"),
        (("role", "opt-out", "Builders", "@zed", "facilitator"), "no member matches '@zed'"),
        (("role", "opt-out", "Builders", "@ana", "mayor"), "has no role 'mayor'"),
        (("role", "history", "@zed"), "no member matches '@zed'"),
        (("role", "holders", "Builders", "mayor"), "has no role 'mayor'"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else value,
)
def test_unknown_circles_roles_and_members_are_named(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args, code=1)

    assert message in result.stderr
    assert result.stdout == ""


# plan


def test_plan_prints_the_rota_and_says_how_many_sessions(cli: Cli) -> None:
    result = cli("role", "plan", "Builders", "--sessions", "3", "--cap", "9")

    assert "2026-11-24" in result.stdout
    assert "2026-12-08" in result.stdout
    assert "2026-12-15" not in result.stdout
    for column in ("date", "role", "who", "deputy", "facilitator"):
        assert column in result.stdout
    assert "planned the roles of 3 sessions of Builders" in result.stderr
    assert "warning" not in result.stderr


def test_plan_json_is_the_rota(cli: Cli) -> None:
    data = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")

    assert set(data) == ROTA_KEYS
    assert len(data["assignments"]) == 6
    assert all(set(line) == ASSIGNMENT_KEYS for line in data["assignments"])
    assert {line["day"] for line in data["assignments"]} == {"2026-11-24", "2026-12-01"}
    assert all(line["deputy_id"] != line["member_id"] for line in data["assignments"])
    assert data["cap"] == 9


def test_plan_warns_on_stderr_when_the_cap_cannot_hold(db: Database) -> None:
    seat(db, "Pair", {"ana": "Ana", "bo": "Bo"})
    cli = Cli(db.path)

    result = cli("role", "plan", "Pair", "--sessions", "4", "--cap", "1")

    assert "warning:" in result.stderr
    assert "cap 1" in result.stderr
    assert "warning" not in result.stdout


def test_plan_needs_planned_sessions(db: Database) -> None:
    seat(db, "Empty", PEOPLE, count=None)
    cli = Cli(db.path)

    result = cli("role", "plan", "Empty", code=1)

    assert "has no planned sessions" in result.stderr
    assert "session plan" in result.stderr
    assert result.stdout == ""


def test_plan_refuses_a_silly_number_of_sessions(cli: Cli) -> None:
    assert "between 1 and 52" in cli("role", "plan", "Builders", "--sessions", "0", code=1).stderr


def test_replanning_keeps_a_swap(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "3", "--cap", "9")
    one, two = lines_of(plan, "facilitator")[:2]
    cli("role", "swap", str(one["id"]), str(two["id"]))

    again = rota_json(cli, "role", "plan", "Builders", "--sessions", "3", "--cap", "9")

    by_day = {line["day"]: line["member_id"] for line in lines_of(again, "facilitator")}
    assert by_day[one["day"]] == two["member_id"]
    assert by_day[two["day"]] == one["member_id"]


# show


def test_show_before_planning_says_what_to_run(cli: Cli) -> None:
    result = cli("role", "show", "Builders")

    assert "nothing planned yet" in result.stderr
    assert "circlekeeper role plan Builders" in result.stderr


def test_show_prints_the_rota_load_terms_and_term_warnings(cli: Cli) -> None:
    cli("role", "plan", "Builders", "--sessions", "4", "--cap", "2")
    cli("role", "add", "Builders", "steward", "--term")
    cli("role", "term", "Builders", "steward", "@bo", "--from", "2026-09-01", "--to", "2026-10-31")
    cli("role", "term", "Builders", "steward", "@ana", "--from", "2026-11-01", "--to", "2026-12-01")

    result = cli("role", "show", "Builders")

    assert "rota of Builders" in result.stdout
    assert "load, next 4 weeks" in result.stdout
    assert "term roles" in result.stdout
    assert "steward" in result.stdout
    assert "2026-12-01" in result.stdout
    assert "warning: Builders — steward: Ana's term ends on 2026-12-01, in 10 days" in (
        result.stderr
    )
    assert "(before: Bo)" in result.stderr


def test_show_json_adds_the_term_warnings_to_the_rota(cli: Cli) -> None:
    cli("role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    cli("role", "add", "Builders", "steward", "--term")
    cli("role", "term", "Builders", "steward", "@ana", "--from", "2026-11-01", "--to", "2026-11-30")

    data = rota_json(cli, "role", "show", "Builders", "--cap", "3")

    assert set(data) == ROTA_KEYS | {"term_warnings"}
    assert data["cap"] == 3
    assert data["warnings"] == []
    assert sum(data["load"].values()) == 6
    [term] = [line for line in data["assignments"] if not line["rotating"]]
    assert (term["session_id"], term["starts_on"], term["ends_on"]) == (
        None,
        "2026-11-01",
        "2026-11-30",
    )
    [warning] = data["term_warnings"]
    assert set(warning) == WARNING_KEYS
    assert (warning["member_name"], warning["days_left"], warning["ends_on"]) == (
        "Ana",
        9,
        "2026-11-30",
    )


def test_show_marks_load_over_the_cap(db: Database) -> None:
    seat(db, "Pair", {"ana": "Ana", "bo": "Bo"})
    cli = Cli(db.path)
    cli("role", "plan", "Pair", "--sessions", "4", "--cap", "1")

    result = cli("role", "show", "Pair", "--cap", "1")

    assert "over the cap" in result.stdout


# swap


def test_swap_exchanges_two_people_and_records_why(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    one, two = lines_of(plan, "facilitator")

    result = cli("role", "swap", f"#{one['id']}", str(two["id"]), "--reason", "Ana travels")

    assert f"#{one['id']} facilitator on {one['day']}: now {two['member_name']}" in result.stderr
    after = lines_of(rota_json(cli, "role", "show", "Builders"), "facilitator")
    assert [line["member_id"] for line in after] == [two["member_id"], one["member_id"]]
    events = cli.json("role", "history", f"#{one['member_id']}")["events"]
    [swap] = [event for event in events if event["kind"] == "swap"]
    assert swap["reason"] == "Ana travels"


def test_swap_across_circles_is_refused(db: Database) -> None:
    seat(db, "Builders", PEOPLE)
    seat(db, "Makers", PEOPLE, weekday="thu")
    cli = Cli(db.path)
    here = rota_json(cli, "role", "plan", "Builders", "--sessions", "1", "--cap", "9")
    there = rota_json(cli, "role", "plan", "Makers", "--sessions", "1", "--cap", "9")

    result = cli(
        "role",
        "swap",
        str(here["assignments"][0]["id"]),
        str(there["assignments"][0]["id"]),
        code=1,
    )

    assert "same circle" in result.stderr


def test_swap_of_unknown_or_identical_assignments_is_refused(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "1", "--cap", "9")
    first = str(plan["assignments"][0]["id"])

    assert "no assignment #999" in cli("role", "swap", first, "999", code=1).stderr
    assert "two different assignments" in cli("role", "swap", first, first, code=1).stderr


@pytest.mark.parametrize("bad", ["x", "+1", "1.5", "", "١٢"])
def test_swap_needs_assignment_numbers(cli: Cli, bad: str) -> None:
    result = cli("role", "swap", "1", bad, code=2)

    assert "ASSIGNMENT must be an id" in result.stderr


# skip


def test_skip_names_the_lines_that_still_name_the_member_and_suggests_a_plan(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    line = next(line for line in plan["assignments"] if line["day"] == "2026-11-24")
    who = line["member_name"]
    handle = next(h for h, name in PEOPLE.items() if name == who)

    result = cli(
        "role", "skip", "Builders", f"@{handle}", "--date", "2026-11-24", "--reason", "dentist"
    )

    assert f"excused {who}" in result.stderr
    assert f"#{line['id']}: {who} is still {line['role']} that day" in result.stderr
    assert "re-plan to fill in for them: circlekeeper role plan Builders" in result.stderr
    again = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    that_day = [a for a in again["assignments"] if a["day"] == "2026-11-24"]
    assert all(line["member_id"] not in (a["member_id"], a["deputy_id"]) for a in that_day)
    [event] = [
        e for e in cli.json("role", "history", f"@{handle}")["events"] if e["kind"] == "skip"
    ]
    assert event["reason"] == "dentist"


def test_plan_again_lists_the_turns_it_gave_to_someone_else(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    line = lines_of(plan, "facilitator")[0]
    handle = next(h for h, name in PEOPLE.items() if name == line["member_name"])
    cli("role", "skip", "Builders", f"@{handle}", "--date", line["day"], "--reason", "ill")

    result = cli("role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    data = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")

    now = lines_of(rota_json(cli, "role", "show", "Builders"), "facilitator")[0]
    assert "now go" in result.stderr
    assert f"Tue 24 Nov facilitator: {line['member_name']} → {now['member_name']}" in result.stderr
    assert "now go" not in result.stdout
    assert data["changes"] == []


def test_plan_json_lists_what_moved(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    line = lines_of(plan, "facilitator")[0]
    handle = next(h for h, name in PEOPLE.items() if name == line["member_name"])
    cli("role", "skip", "Builders", f"@{handle}", "--date", line["day"], "--reason", "ill")

    data = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")

    assert data["changes"]
    assert all(set(change) == CHANGE_KEYS for change in data["changes"])
    first = data["changes"][0]
    assert (first["day"], first["role"], first["deputy"], first["before"]) == (
        line["day"],
        "facilitator",
        False,
        line["member_name"],
    )


def test_override_puts_someone_in_and_warns_of_the_rules_it_breaks(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    line = lines_of(plan, "facilitator")[0]
    other = next(a for a in plan["assignments"] if a["day"] == line["day"] and a is not line)
    handle = next(h for h, name in PEOPLE.items() if name == other["member_name"])

    result = cli("role", "override", str(line["id"]), f"@{handle}", "--reason", "knows it best")

    assert (
        f"#{line['id']} facilitator on {line['day']}: now {other['member_name']}" in result.stderr
    )
    assert f"warning: {other['member_name']} is also {other['role']} on Tue 24 Nov" in result.stderr
    again = lines_of(rota_json(cli, "role", "show", "Builders"), "facilitator")[0]
    assert (again["member_name"], again["version"]) == (other["member_name"], 2)
    [event] = [
        e for e in cli.json("role", "history", f"@{handle}")["events"] if e["kind"] == "override"
    ]
    assert event["reason"] == "knows it best"


def test_override_with_nobody_empties_the_line(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "1", "--cap", "9")
    line = lines_of(plan, "facilitator")[0]

    result = cli("role", "override", f"#{line['id']}", "--nobody", "--reason", "open floor")

    assert "now nobody" in result.stderr
    assert (
        lines_of(rota_json(cli, "role", "show", "Builders"), "facilitator")[0]["member_id"] is None
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("@ana", "--nobody", "--reason", "x"), "or give --nobody (not both)"),
        (("--reason", "x"), "name the MEMBER"),
        (("@ana", "--reason", "  "), "--reason: say why"),
    ],
)
def test_override_usage_errors(cli: Cli, args: tuple[str, ...], message: str) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "1", "--cap", "9")
    line = lines_of(plan, "facilitator")[0]

    result = cli("role", "override", str(line["id"]), *args, code=2)

    assert message in result.stderr
    assert lines_of(rota_json(cli, "role", "show", "Builders"), "facilitator")[0]["version"] == 1


def test_override_refuses_someone_outside_the_circle(cli: Cli, db: Database) -> None:
    members.add_member(db, data=MemberCreate(name="Zed", handle="zed"))
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "1", "--cap", "9")
    line = lines_of(plan, "facilitator")[0]

    result = cli("role", "override", str(line["id"]), "@zed", "--reason", "guest", code=1)

    assert "Zed does not sit in Builders" in result.stderr


def test_skip_of_a_hand_swapped_line_says_to_swap_it(cli: Cli) -> None:
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    one, two = lines_of(plan, "facilitator")
    cli("role", "swap", str(one["id"]), str(two["id"]))
    handle = next(h for h, name in PEOPLE.items() if name == two["member_name"])

    result = cli("role", "skip", "Builders", f"@{handle}", "--date", one["day"], "--reason", "ill")

    assert "changed by hand, so re-planning keeps it" in result.stderr
    assert f"circlekeeper role swap {one['id']} ID" in result.stderr


def test_skip_without_roles_that_day_only_confirms(cli: Cli) -> None:
    result = cli("role", "skip", "Builders", "@ana", "--date", "2026-12-29", "--reason", "holiday")

    assert "excused Ana" in result.stderr
    assert "warning" not in result.stderr
    assert "re-plan" not in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--date", "2026-02-30", "--reason", "x"), 1, "--date: '2026-02-30' is not a real date"),
        (("--date", "tomorrow", "--reason", "x"), 1, "--date: 'tomorrow' is not a date"),
        (("--date", "2026-11-20", "--reason", "x"), 1, "is in the past"),
        (("--date", "2026-11-24", "--reason", "  "), 1, "say why"),
        (("--date", "2026-11-24"), 2, "--reason"),
        (("--reason", "x"), 2, "--date"),
    ],
)
def test_skip_refuses_bad_input(cli: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli("role", "skip", "Builders", "@ana", *args, code=code)

    assert message in result.stderr


def test_skip_twice_or_outside_the_circle_is_refused(cli: Cli) -> None:
    cli.member("Outsider", "--handle", "out")
    cli("role", "skip", "Builders", "@ana", "--date", "2026-11-24", "--reason", "x")

    assert (
        "already skipped"
        in cli(
            "role", "skip", "Builders", "@ana", "--date", "2026-11-24", "--reason", "x", code=1
        ).stderr
    )
    assert (
        "does not sit in Builders"
        in cli(
            "role", "skip", "Builders", "@out", "--date", "2026-11-24", "--reason", "x", code=1
        ).stderr
    )


# opt-out


def test_opt_out_and_undo(cli: Cli) -> None:
    result = cli("role", "opt-out", "Builders", "@bo", "facilitator")

    assert "@bo will not be given facilitator in Builders" in result.stderr
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "4", "--cap", "9")
    assert "Bo" not in [line["member_name"] for line in lines_of(plan, "facilitator")]
    assert (
        "may be given" in cli("role", "opt-out", "Builders", "@bo", "facilitator", "--undo").stderr
    )
    plan = rota_json(cli, "role", "plan", "Builders", "--sessions", "4", "--cap", "9")
    assert "Bo" in [line["member_name"] for line in lines_of(plan, "facilitator")]


# term and holders


def test_term_assigns_a_term_role_with_a_deputy(cli: Cli) -> None:
    cli("role", "add", "Builders", "steward", "--term")

    result = cli(
        "role",
        "term",
        "Builders",
        "steward",
        "@ana",
        "--from",
        "2027-01-01",
        "--to",
        "2027-03-31",
        "--deputy",
        "@bo",
        "--reason",
        "elected",
    )

    assert "Ana holds steward in Builders from 2027-01-01 to 2027-03-31, deputy Bo" in (
        result.stderr
    )
    [event] = cli.json("role", "history", "@ana")["events"]
    assert (event["kind"], event["reason"]) == ("term", "elected")


def test_term_json_is_the_assignment(cli: Cli) -> None:
    cli("role", "add", "Builders", "steward", "--term")

    line = cli.json(
        "role", "term", "Builders", "steward", "@ana", "--from", "2027-01-01", "--to", "2027-03-31"
    )

    assert set(line) == ASSIGNMENT_KEYS
    assert (line["rotating"], line["session_id"], line["deputy_id"]) == (False, None, None)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("--from", "2027-02-01", "--to", "2027-02-28"), "already held by Ana"),
        (("--from", "2027-04-01", "--to", "2027-03-01"), "ends on or after its first day"),
        (("--from", "2027-13-01", "--to", "2027-12-31"), "--from: '2027-13-01' is not a real date"),
        (("--from", "2027-04-01", "--to", "soon"), "--to: 'soon' is not a date"),
    ],
)
def test_term_refuses_overlaps_and_bad_dates(
    cli: Cli, dates: tuple[str, ...], message: str
) -> None:
    cli("role", "add", "Builders", "steward", "--term")
    cli("role", "term", "Builders", "steward", "@ana", "--from", "2027-01-01", "--to", "2027-03-31")

    result = cli("role", "term", "Builders", "steward", "@bo", *dates, code=1)

    assert message in result.stderr
    assert result.stdout == ""


def test_term_refuses_a_rotating_role_and_needs_its_dates(cli: Cli) -> None:
    dates = ("--from", "2027-01-01", "--to", "2027-01-31")
    rotating = cli("role", "term", "Builders", "facilitator", "@ana", *dates, code=1)
    missing = cli("role", "term", "Builders", "steward", "@ana", "--from", "2027-01-01", code=2)

    assert "rotates per session" in rotating.stderr
    assert "--to" in missing.stderr


def test_holders_lists_terms_latest_first(cli: Cli) -> None:
    cli("role", "add", "Builders", "steward", "--term")
    assert "nobody has held steward yet" in cli("role", "holders", "Builders", "steward").stderr
    cli("role", "term", "Builders", "steward", "@bo", "--from", "2026-06-01", "--to", "2026-08-31")
    cli("role", "term", "Builders", "steward", "@ana", "--from", "2026-09-01", "--to", "2026-12-31")

    text = cli("role", "holders", "Builders", "steward").stdout
    found = cli.json("role", "holders", "Builders", "steward")

    assert text.index("Ana") < text.index("Bo")
    assert [line["member_name"] for line in found] == ["Ana", "Bo"]
    assert all(set(line) == ASSIGNMENT_KEYS for line in found)


# history


def test_history_lists_roles_and_changes(cli: Cli) -> None:
    cli("role", "plan", "Builders", "--sessions", "4", "--cap", "9")

    result = cli("role", "history", "@ana")
    data = cli.json("role", "history", "@ana")

    assert "Builders" in result.stdout
    assert set(data) == {"assignments", "events"}
    assert data["assignments"]
    assert all(set(line) == ASSIGNMENT_KEYS for line in data["assignments"])
    assert all("Ana" in (line["member_name"], line["deputy_name"]) for line in data["assignments"])
    days = [line["day"] for line in data["assignments"]]
    assert days == sorted(days, reverse=True)


def test_history_events_have_the_documented_shape(cli: Cli) -> None:
    cli("role", "skip", "Builders", "@ana", "--date", "2026-12-01", "--reason", "away")

    [event] = cli.json("role", "history", "@ana")["events"]

    assert set(event) == EVENT_KEYS
    assert (event["kind"], event["member_name"], event["by"]) == (
        "skip",
        "Ana",
        roles.current_actor(),
    )


def test_history_of_someone_without_roles(cli: Cli) -> None:
    result = cli("role", "history", "@dee")

    assert "has not been given a role yet" in result.stderr
    assert result.stdout == ""


# hostile names


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_print_as_typed(db: Database, name: str) -> None:
    seat(db, name, {"evil": name, "ok": "Plain"})
    cli = Cli(db.path)
    circle = f"name:{shown(name)}"
    cli("role", "add", circle, name, "--term")

    plan = cli("role", "plan", circle, "--sessions", "2", "--cap", "9")
    cli("role", "term", circle, name, "@evil", "--from", "2026-11-01", "--to", "2026-11-30")
    show = cli("role", "show", circle)
    history = cli("role", "history", "@evil")
    listed = cli("role", "list", circle)

    for output in (plan.stdout, show.stdout, history.stdout):
        assert shown(name) in output
    assert shown(name) in listed.stdout
    assert f"{shown(name)} — {shown(name)}: {shown(name)}'s term ends on 2026-11-30" in show.stderr


def test_show_warns_of_turns_held_by_someone_who_left_the_circle(cli: Cli) -> None:
    planned = rota_json(cli, "role", "plan", "Builders", "--sessions", "2", "--cap", "9")
    first = planned["assignments"][0]
    cli("circle", "remove", "Builders", str(first["member_id"]), "--reason", "moved")

    result = cli("role", "show", "Builders")
    data = rota_json(cli, "role", "show", "Builders")

    assert f"warning: {first['member_name']} has left the circle but is {first['role']}" in (
        result.stderr
    )
    assert any(first["member_name"] in w for w in data["warnings"])

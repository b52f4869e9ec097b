"""`circlekeeper circle …`: create, list, show, edit, seats and lifecycle through the real CLI."""

from __future__ import annotations

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

CIRCLE_READ_KEYS = {
    "id",
    "name",
    "kind",
    "purpose",
    "trust_focus",
    "visibility",
    "min_size",
    "max_size",
    "cadence",
    "cadence_interval",
    "weekday",
    "meeting_time",
    "timezone",
    "starts_on",
    "ends_on",
    "status",
    "agreements",
    "week_of_month",
    "ritual_id",
    "version",
    "created_at",
    "updated_at",
    "size",
}
CIRCLE_ROW_KEYS = {
    "id",
    "name",
    "kind",
    "status",
    "visibility",
    "size",
    "min_size",
    "max_size",
    "cadence",
    "cadence_interval",
    "weekday",
    "meeting_time",
    "timezone",
}
CIRCLE_MEMBER_KEYS = {
    "member_id",
    "name",
    "handle",
    "email",
    "status",
    "joined_on",
    "left_on",
    "leave_reason",
}


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on the test database."""
    return Cli(db.path)


def _pod(cli: Cli, name: str = "Pod", *options: str, members: int = 0) -> list[str]:
    """A circle and `members` new members; returns their handles."""
    cli.circle(name, *options)
    handles = []
    for _ in range(members):
        member = cli.member(f"Member {cli.added + 1}")
        handles.append(member["handle"])
    return handles


# create


def test_create_prints_a_confirmation_and_starts_forming(cli: Cli) -> None:
    result = cli("circle", "create", "Tuesday Builders")

    assert result.stdout == ""
    assert "created circle Tuesday Builders (#1); it is forming" in result.stderr


def test_create_with_every_option_returns_json(cli: Cli) -> None:
    circle = cli.circle(
        "Tuesday Builders",
        "--kind",
        "goal",
        "--purpose",
        "Ship one thing a week\nand say so",
        "--trust-focus",
        "accountability",
        "--visibility",
        "opt-in",
        "--min",
        "3",
        "--max",
        "8",
        "--cadence",
        "every-n-weeks",
        "--every",
        "2",
        "--weekday",
        "tue",
        "--time",
        "18:30",
        "--timezone",
        "Europe/Berlin",
        "--starts-on",
        "2027-01-05",
        "--ends-on",
        "2027-03-30",
        "--agreements",
        "What is said here stays here.\nPhones away.",
    )

    assert set(circle) == CIRCLE_READ_KEYS
    assert circle == {
        **circle,
        "id": 1,
        "name": "Tuesday Builders",
        "kind": "goal",
        "purpose": "Ship one thing a week\nand say so",
        "trust_focus": "accountability",
        "visibility": "opt-in",
        "min_size": 3,
        "max_size": 8,
        "cadence": "every-n-weeks",
        "cadence_interval": 2,
        "weekday": "tue",
        "meeting_time": "18:30",
        "timezone": "Europe/Berlin",
        "starts_on": "2027-01-05",
        "ends_on": "2027-03-30",
        "status": "forming",
        "agreements": "What is said here stays here.\nPhones away.",
        "version": 1,
        "size": 0,
    }


def test_create_defaults(cli: Cli) -> None:
    circle = cli.circle("Pod")

    assert (circle["kind"], circle["visibility"], circle["cadence"]) == ("cohort", "open", "weekly")
    assert (circle["min_size"], circle["max_size"], circle["cadence_interval"]) == (4, 10, 1)
    assert (circle["weekday"], circle["meeting_time"], circle["timezone"]) == (None, None, "UTC")


def test_every_alone_means_every_n_weeks(cli: Cli) -> None:
    circle = cli.circle("Pod", "--every", "3")

    assert (circle["cadence"], circle["cadence_interval"]) == ("every-n-weeks", 3)


def test_create_refuses_a_duplicate_name_whatever_its_case(cli: Cli) -> None:
    cli.circle("Tuesday Builders")

    result = cli("circle", "create", "TUESDAY builders", code=1)

    assert "a circle named 'TUESDAY builders' already exists (#1)" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--min", "6", "--max", "5"), "min size 6 is larger than max size 5"),
        (("--max", "51"), "max_size: give 50 or less (not 51)"),
        (("--time", "25:00"), "meeting_time: must be a 24-hour time HH:MM"),
        (("--timezone", "Mars/Olympus"), "'Mars/Olympus' is not an IANA timezone"),
        (("--starts-on", "2026-02-30"), "starts_on: '2026-02-30' is not a real date"),
        (
            ("--starts-on", "2027-02-01", "--ends-on", "2027-01-01"),
            "ends_on 2027-01-01 is before starts_on 2027-02-01",
        ),
        (("--cadence", "monthly", "--every", "2"), "--every goes with --cadence every-n-weeks"),
    ],
    ids=["min>max", "max", "time", "timezone", "date", "ends before starts", "every"],
)
def test_create_refuses_invalid_input(cli: Cli, options: tuple[str, ...], message: str) -> None:
    result = cli("circle", "create", "Pod", *options, code=1)

    assert message in result.stderr
    assert cli.json("circle", "list")["total"] == 0


@pytest.mark.parametrize(
    "options",
    [("--kind", "book-club"), ("--weekday", "monday"), ("--visibility", "secret"), ("--max", "x")],
)
def test_create_refuses_an_unknown_choice_as_a_usage_error(
    cli: Cli, options: tuple[str, ...]
) -> None:
    cli("circle", "create", "Pod", *options, code=2)

    assert cli.json("circle", "list")["total"] == 0


# list


def test_list_shows_size_status_and_rhythm(cli: Cli) -> None:
    _pod(
        cli,
        "Tuesday Builders",
        "--max",
        "8",
        "--every",
        "2",
        "--weekday",
        "tue",
        "--time",
        "18:30",
        members=3,
    )
    cli("circle", "add", "Tuesday Builders", "member1", "member2", "member3")
    cli.circle("Monthly Readers", "--cadence", "monthly", "--kind", "identity")

    out = cli("circle", "list").stdout

    assert out.index("Monthly Readers") < out.index("Tuesday Builders")
    for text in ("3/8", "0/10", "forming", "every 2 weeks, tue 18:30 UTC", "monthly", "identity"):
        assert text in out


def test_list_json_is_a_page(cli: Cli) -> None:
    cli.circle("Pod", "--weekday", "wed")

    page = cli.json("circle", "list")

    assert set(page) == {"items", "total", "offset", "limit"}
    [row] = page["items"]
    assert set(row) == CIRCLE_ROW_KEYS
    assert row == {
        "id": 1,
        "name": "Pod",
        "kind": "cohort",
        "status": "forming",
        "visibility": "open",
        "size": 0,
        "min_size": 4,
        "max_size": 10,
        "cadence": "weekly",
        "cadence_interval": 1,
        "weekday": "wed",
        "meeting_time": None,
        "timezone": "UTC",
    }


def test_list_filters(cli: Cli) -> None:
    cli.circle("Builders", "--kind", "goal", "--purpose", "ship side projects")
    cli.circle("Readers", "--kind", "identity")
    cli("circle", "start", "Readers")

    def names(*options: str) -> list[str]:
        return [row["name"] for row in cli.json("circle", "list", *options)["items"]]

    assert names("--kind", "goal") == ["Builders"]
    assert names("--status", "active") == ["Readers"]
    assert names("--search", "side project") == ["Builders"]
    assert names("-s", "READ") == ["Readers"]
    assert names("--status", "closed") == []
    assert "no circles match" in cli("circle", "list", "--kind", "leadership").stderr


def test_list_says_on_stderr_when_it_shows_only_part(cli: Cli) -> None:
    for name in ("A", "B", "C"):
        cli.circle(name)

    result = cli("circle", "list", "--limit", "1", "--offset", "1")

    assert "showing 2\u20132 of 3 — next page: --offset 2" in result.stderr
    assert cli.json("circle", "list", "--limit", "1", "--offset", "1")["items"][0]["name"] == "B"


def test_list_on_an_empty_database(cli: Cli) -> None:
    result = cli("circle", "list")

    assert result.stdout == ""
    assert "no circles yet" in result.stderr


# show


def test_show_prints_members_past_members_agreements_and_warnings(cli: Cli) -> None:
    _pod(cli, "Pod", "--agreements", "Confidential.\nBe kind.", members=3)
    cli("circle", "add", "Pod", "member1", "member2", "member3")
    cli("circle", "remove", "Pod", "member2", "--reason", "moved to evenings")

    result = cli("circle", "show", "pod")

    out = result.stdout
    for text in (
        "name: Pod",
        "status: forming",
        "size: 2 (min 4, max 10)",
        "agreements: Confidential.",
        "  Be kind.",
        "members",
        "Member 1",
        "Member 3",
        "past members",
        "Member 2",
        "moved to evenings",
    ):
        assert text in out
    assert "warning: below minimum size: 2 of at least 4 members" in result.stderr
    assert "warning" not in out


def test_show_json(cli: Cli) -> None:
    _pod(cli, "Pod", "--min", "2", "--max", "2", members=2)
    cli("circle", "add", "Pod", "member1", "member2")
    cli("circle", "remove", "Pod", "member1")

    circle = cli.json("circle", "show", "1")

    assert set(circle) == CIRCLE_READ_KEYS | {"members", "past_members", "warnings", "ritual_name"}
    assert circle["size"] == 1
    [current] = circle["members"]
    [past] = circle["past_members"]
    assert set(current) == CIRCLE_MEMBER_KEYS
    assert current == {
        "member_id": 2,
        "name": "Member 2",
        "handle": "member2",
        "email": None,
        "status": "active",
        "joined_on": "2026-11-21",
        "left_on": None,
        "leave_reason": None,
    }
    assert (past["member_id"], past["left_on"], past["leave_reason"]) == (1, "2026-11-21", None)
    assert circle["warnings"] == ["below minimum size: 1 of at least 2 members"]


def test_show_unknown_circle(cli: Cli) -> None:
    result = cli("circle", "show", "Nowhere", code=1)

    assert "no circle matches 'Nowhere'" in result.stderr


# edit


def test_edit_changes_only_what_is_given(cli: Cli) -> None:
    cli.circle("Pod", "--kind", "goal", "--weekday", "tue", "--time", "18:30")

    result = cli("circle", "edit", "Pod", "--max", "8", "--name", "Tuesday Pod")
    circle = cli.json("circle", "show", "1")

    assert result.stdout == ""
    assert "updated circle Tuesday Pod (#1, now version 2)" in result.stderr
    assert (circle["name"], circle["max_size"], circle["version"]) == ("Tuesday Pod", 8, 2)
    assert (circle["kind"], circle["weekday"], circle["meeting_time"]) == ("goal", "tue", "18:30")


def test_edit_json_and_clearing_the_time(cli: Cli) -> None:
    cli.circle("Pod", "--time", "18:30", "--starts-on", "2027-01-01")

    circle = cli.json("circle", "edit", "Pod", "--time", "", "--starts-on", "")

    assert set(circle) == CIRCLE_READ_KEYS
    assert (circle["meeting_time"], circle["starts_on"]) == (None, None)


def test_edit_cadence_and_interval_stay_consistent(cli: Cli) -> None:
    cli.circle("Pod")

    fortnightly = cli.json("circle", "edit", "Pod", "--every", "2")
    weekly = cli.json("circle", "edit", "Pod", "--cadence", "weekly")

    assert (fortnightly["cadence"], fortnightly["cadence_interval"]) == ("every-n-weeks", 2)
    assert (weekly["cadence"], weekly["cadence_interval"]) == ("weekly", 1)


def test_edit_with_a_stale_version_is_refused_and_changes_nothing(cli: Cli) -> None:
    cli.circle("Pod")
    cli("circle", "edit", "Pod", "--purpose", "meet new people")

    result = cli("circle", "edit", "Pod", "--max", "6", "--expect-version", "1", code=1)

    assert "circle 'Pod' changed elsewhere — reload" in result.stderr
    circle = cli.json("circle", "show", "Pod")
    assert (circle["max_size"], circle["version"]) == (10, 2)


def test_edit_with_the_current_version_succeeds(cli: Cli) -> None:
    cli.circle("Pod")

    assert cli.json("circle", "edit", "Pod", "--max", "6", "--expect-version", "1")["version"] == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--min", "12"), "min size 12 is larger than max size 10"),
        (("--name", "Other"), "a circle named 'Other' already exists (#2)"),
        (("--ends-on", "2026-04-31"), "ends_on: '2026-04-31' is not a real date"),
        (("--timezone", "Nowhere/Land"), "'Nowhere/Land' is not an IANA timezone"),
        (("--cadence", "weekly", "--every", "3"), "--every goes with --cadence every-n-weeks"),
    ],
    ids=["min", "name", "date", "timezone", "every"],
)
def test_edit_refuses_invalid_input(cli: Cli, options: tuple[str, ...], message: str) -> None:
    cli.circle("Pod")
    cli.circle("Other")

    result = cli("circle", "edit", "Pod", *options, code=1)

    assert message in result.stderr
    assert cli.json("circle", "show", "Pod")["version"] == 1


def test_edit_refuses_a_max_below_the_current_size(cli: Cli) -> None:
    _pod(cli, "Pod", "--min", "2", members=3)
    cli("circle", "add", "Pod", "member1", "member2", "member3")

    result = cli("circle", "edit", "Pod", "--max", "2", code=1)

    assert "circle 'Pod' has 3 members; max size 2 would be below that" in result.stderr


def test_edit_without_options_is_a_usage_error(cli: Cli) -> None:
    cli.circle("Pod")

    assert "nothing to change" in cli("circle", "edit", "Pod", code=2).stderr


# seats


def test_add_several_members_in_turn(cli: Cli) -> None:
    _pod(cli, "Pod", members=2)
    cli.member("Ana Lima", "--email", "ana@example.org")

    result = cli("circle", "add", "Pod", "member1", "@member2", "ana@example.org")

    assert result.stdout == ""
    assert "added Member 1 (#1) to Pod (1 of 10 seats)" in result.stderr
    assert "added Ana Lima (#3) to Pod (3 of 10 seats)" in result.stderr
    assert [m["name"] for m in cli.json("circle", "show", "Pod")["members"]] == [
        "Ana Lima",
        "Member 1",
        "Member 2",
    ]


def test_add_to_a_full_circle_names_the_limit_and_who_was_added(cli: Cli) -> None:
    _pod(cli, "Pod", "--min", "2", "--max", "2", members=3)

    result = cli("circle", "add", "Pod", "member1", "member2", "member3", code=1)

    assert "added 2 of 3 before stopping at member3: Member 1 (#1), Member 2 (#2)" in result.stderr
    assert "circle 'Pod' is full: 2 of 2 seats taken" in result.stderr
    assert cli.json("circle", "show", "Pod")["size"] == 2


def test_add_refusals(cli: Cli) -> None:
    _pod(cli, "Pod", members=2)
    cli("circle", "add", "Pod", "member1")
    cli("member", "leave", "member2")

    assert "Member 1 is already in 'Pod'" in cli("circle", "add", "Pod", "member1", code=1).stderr
    assert "has left the community" in cli("circle", "add", "Pod", "member2", code=1).stderr
    assert "no member matches 'ghost'" in cli("circle", "add", "Pod", "ghost", code=1).stderr
    assert (
        "no circle matches 'Nowhere'" in cli("circle", "add", "Nowhere", "member1", code=1).stderr
    )
    cli("circle", "close", "Pod")
    assert "is closed — reopen it first" in cli("circle", "add", "Pod", "member2", code=1).stderr


def test_add_needs_a_member(cli: Cli) -> None:
    cli.circle("Pod")

    cli("circle", "add", "Pod", code=2)


def test_remove_keeps_history_with_the_reason(cli: Cli) -> None:
    _pod(cli, "Pod", members=1)
    cli("circle", "add", "Pod", "member1")

    result = cli("circle", "remove", "Pod", "member1", "--reason", "moved to evenings")

    assert "removed Member 1 (#1) from Pod (0 of 10 seats)" in result.stderr
    circle = cli.json("circle", "show", "Pod")
    assert circle["members"] == []
    assert circle["past_members"][0]["leave_reason"] == "moved to evenings"


def test_remove_someone_not_in_the_circle(cli: Cli) -> None:
    _pod(cli, "Pod", members=1)

    result = cli("circle", "remove", "Pod", "member1", code=1)

    assert "Member 1 is not in 'Pod'" in result.stderr


# lifecycle


def _status(cli: Cli) -> str:
    status: str = cli.json("circle", "show", "Pod")["status"]
    return status


def test_lifecycle_forming_active_paused_closed_and_back(cli: Cli) -> None:
    cli.circle("Pod", "--min", "2")

    started = cli("circle", "start", "Pod")
    assert _status(cli) == "active"
    assert "Pod (#1) is now active" in started.stderr
    assert "warning: below minimum size: 0 of at least 2 members" in started.stderr

    cli("circle", "pause", "Pod")
    assert _status(cli) == "paused"
    cli("circle", "reopen", "Pod")
    assert _status(cli) == "active"
    cli("circle", "close", "Pod")
    assert _status(cli) == "closed"
    cli("circle", "reopen", "Pod")
    assert _status(cli) == "active"


@pytest.mark.parametrize(
    ("setup", "command", "message"),
    [
        ((), "reopen", "circle 'Pod' is forming — use 'circlekeeper circle start'"),
        (("start",), "reopen", "circle 'Pod' is already active"),
        (("start",), "start", "circle 'Pod' is already active"),
        (("start", "pause"), "start", "circle 'Pod' is paused — use 'circlekeeper circle reopen'"),
        (("start", "close"), "start", "circle 'Pod' is closed — use 'circlekeeper circle reopen'"),
        ((), "pause", "circle 'Pod' is forming; it can become: active, closed"),
        (("close",), "close", "circle 'Pod' is closed; it can become: active"),
        (("close",), "pause", "circle 'Pod' is closed; it can become: active"),
    ],
)
def test_bad_transitions_are_refused(
    cli: Cli, setup: tuple[str, ...], command: str, message: str
) -> None:
    cli.circle("Pod")
    for step in setup:
        cli("circle", step, "Pod")
    before = cli.json("circle", "show", "Pod")

    result = cli("circle", command, "Pod", code=1)

    assert message in result.stderr
    after = cli.json("circle", "show", "Pod")
    assert (after["status"], after["version"]) == (before["status"], before["version"])


@pytest.mark.parametrize("command", ["start", "pause", "close", "reopen"])
def test_lifecycle_on_an_unknown_circle(cli: Cli, command: str) -> None:
    assert "no circle matches 'Nowhere'" in cli("circle", command, "Nowhere", code=1).stderr


# untrusted names


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_print_literally_in_tables_and_json(cli: Cli, name: str) -> None:
    cli.circle(name, "--agreements", name)
    cli.member(name, "--handle", "@odd")
    cli("circle", "add", "1", "@odd")

    table = cli("circle", "list").stdout
    detail = cli("circle", "show", "1").stdout
    page = cli.json("circle", "list")
    circle = cli.json("circle", "show", "1")

    assert shown(name) in table
    assert f"name: {shown(name)}" in detail
    assert f"agreements: {shown(name)}" in detail
    assert detail.count(shown(name)) >= 3
    assert "\x1b" not in table + detail
    assert page["items"][0]["name"] == shown(name)
    assert circle["name"] == shown(name)
    assert circle["members"][0]["name"] == shown(name)


@pytest.mark.parametrize("name", ["👩\u200d💻 Devs", "حلقه\u200cی ما"])
def test_messages_name_a_circle_as_it_was_typed(cli: Cli, name: str) -> None:
    cli.circle(name)
    cli("circle", "start", name)

    result = cli("circle", "start", name, code=1)

    assert f"circle '{name}' is already active" in result.stderr
    assert "\\u200" not in result.stderr

"""`circlekeeper nominate …` and `circlekeeper nomination list|accept|decline` via the CLI."""

from __future__ import annotations

import pytest

from circlekeeper.db import Database
from tests.cli.ambassador_helpers import AMBASSADOR_KEYS, NOMINATION_KEYS, ambassador, member
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on a database with Ana (an ambassador) and the members Bo and Cy."""
    ambassador(db, "Ana", "ana")
    member(db, "Bo", "bo")
    member(db, "Cy", "cy")
    return Cli(db.path)


def test_nominate_records_who_why_and_focus(cli: Cli) -> None:
    made = cli.json(
        "nominate", "@bo", "--reason", "welcomes every newcomer", "--by", "@ana",
        "--focus", "Welcome Team",
    )  # fmt: skip

    assert set(made) == NOMINATION_KEYS
    assert (made["member_name"], made["nominated_by"], made["nominated_by_id"]) == ("Bo", "Ana", 1)
    assert (made["reason"], made["focus"], made["status"]) == (
        "welcomes every newcomer",
        "welcome team",
        "pending",
    )
    assert made["decided_on"] is None


def test_nominate_says_how_to_decide(cli: Cli) -> None:
    result = cli("nominate", "@bo", "--reason", "kind")

    assert result.stdout == ""
    assert "nominated Bo (#2) as nomination #1" in result.stderr
    assert "circlekeeper nomination accept 1" in result.stderr


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("nominate", "@bo"), "--reason", 2),
        (("nominate", "@bo", "--reason", ""), "reason: say in 1 to 500 characters", 1),
        (("nominate", "@zed", "--reason", "kind"), "no member matches '@zed'", 1),
        (("nominate", "@bo", "--reason", "kind", "--by", "@zed"), "no member matches '@zed'", 1),
        (("nominate", "@ana", "--reason", "kind"), "Ana is already an ambassador", 1),
        (("nomination", "accept", "9"), "no nomination #9", 1),
        (("nomination", "decline", "#9"), "no nomination #9", 1),
        (("nomination", "accept", "first"), "ID must be an id from 'nomination list'", 2),
        (("nomination", "list", "--status", "maybe"), "--status", 2),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_refusals_say_why(cli: Cli, args: tuple[str, ...], message: str, code: int) -> None:
    result = cli(*args, code=code)

    assert message in result.stderr
    assert result.stdout == ""


def test_a_second_pending_nomination_by_the_same_person_is_refused(cli: Cli) -> None:
    cli("nominate", "@bo", "--reason", "kind", "--by", "@ana")

    result = cli("nominate", "@bo", "--reason", "again", "--by", "@ana", code=1)

    assert "Ana already nominated Bo (nomination #1, still pending)" in result.stderr


def test_list_shows_pending_by_default_and_all_on_request(cli: Cli) -> None:
    cli("nominate", "@bo", "--reason", "kind", "--by", "@ana")
    cli("nominate", "@cy", "--reason", "funny")
    cli("nomination", "decline", "2", "--note", "ask in spring")

    table = cli("nomination", "list").stdout
    pending = cli.json("nomination", "list")
    everything = cli.json("nomination", "list", "--status", "all")
    declined = cli.json("nomination", "list", "--status", "declined")

    for column in ("id", "name", "by", "reason", "status", "nominated"):
        assert column in table
    assert "Bo" in table
    assert "Cy" not in table
    assert [n["member_name"] for n in pending] == ["Bo"]
    assert sorted(n["member_name"] for n in everything) == ["Bo", "Cy"]
    assert [(n["member_name"], n["decision_note"]) for n in declined] == [("Cy", "ask in spring")]
    assert all(set(n) == NOMINATION_KEYS for n in everything)


def test_an_empty_list_says_so(cli: Cli) -> None:
    result = cli("nomination", "list")

    assert result.stdout == ""
    assert "no pending nominations" in result.stderr
    assert cli.json("nomination", "list", "--status", "all") == []


def test_accept_makes_an_ambassador_with_the_nominated_focus(cli: Cli) -> None:
    cli("nominate", "@bo", "--reason", "kind", "--focus", "event promoter")

    result = cli("nomination", "accept", "#1", "--capacity", "3")

    assert "accepted nomination #1: Bo (#2) is now an ambassador: event promoter" in result.stderr
    made = cli.json("ambassador", "show", "@bo")
    assert (made["focus"], made["capacity_per_week"]) == (["event promoter"], 3)
    assert cli.json("nomination", "list") == []
    again = cli("nomination", "accept", "1", code=1)
    assert "was already accepted" in again.stderr


def test_accept_json_has_the_nomination_and_the_ambassador(cli: Cli) -> None:
    cli("nominate", "@bo", "--reason", "kind")

    found = cli.json("nomination", "accept", "1", "--focus", "culture keeper", "--note", "yes!")

    assert set(found) == {"nomination", "ambassador"}
    assert set(found["nomination"]) == NOMINATION_KEYS
    assert set(found["ambassador"]) == AMBASSADOR_KEYS
    assert found["nomination"]["status"] == "accepted"
    assert found["nomination"]["decision_note"] == "yes!"
    assert found["ambassador"]["focus"] == ["culture keeper"]


def test_decline_keeps_the_nomination_as_declined(cli: Cli) -> None:
    cli("nominate", "@bo", "--reason", "kind")

    result = cli("nomination", "decline", "1", "--note", "not now")

    assert "declined nomination #1 of Bo" in result.stderr
    [declined] = cli.json("nomination", "list", "--status", "declined")
    assert (declined["decided_on"], declined["decision_note"]) == ("2026-11-21", "not now")
    assert "is not an ambassador" in cli("ambassador", "show", "@bo", code=1).stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_and_reasons_print_literally(db: Database, name: str) -> None:
    member(db, name, "odd")
    cli = Cli(db.path)
    cli("nominate", "@odd", "--reason", name, "--by", "@odd")

    table = cli("nomination", "list").stdout
    [found] = cli.json("nomination", "list")

    assert table.count(shown(name)) >= 2
    assert "\x1b" not in table
    assert (found["member_name"], found["reason"]) == (shown(name), shown(name))

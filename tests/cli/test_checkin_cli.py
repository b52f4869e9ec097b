"""`circlekeeper checkin …`: check-ins at sessions, written ones, and their history, via the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"
CHECKIN_KEYS = {
    "id",
    "session_id",
    "circle_id",
    "circle_name",
    "member_id",
    "member_name",
    "day",
    "attendance",
    "answers",
    "mood",
    "visibility",
    "version",
}
ROSE = "Rose: something that went well"
BUD = "Bud: something you are looking forward to"


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI with a live circle (session #1 held on 2026-11-17) and an async circle."""
    cli = Cli(db.path)
    cli.circle("Builders", "--weekday", "tue", "--ritual", "Rose · Bud · Thorn")
    cli.circle("Writers", "--ritual", "Weekly written check-in")
    for handle in ("ana", "bo"):
        cli.member(handle.title(), "--handle", handle)
        cli("circle", "add", "Builders", f"@{handle}")
    cli("circle", "add", "Writers", "@ana")
    cli("session", "record", "Builders", "--date", "2026-11-17")
    return cli


def test_every_json_key_is_documented() -> None:
    import circlekeeper.models as models

    text = DOCS.read_text(encoding="utf-8")

    assert [f for f in models.CheckInRead.model_fields if f'"{f}"' not in text] == []


def test_add_at_a_session_with_answers_by_number_and_by_text(cli: Cli) -> None:
    result = cli(
        "checkin",
        "add",
        "1",
        "@ana",
        "--answer",
        "1=shipped the site",
        "--answer",
        f"{BUD.upper()}=a holiday",
        "--mood",
        "4",
        "--visibility",
        "circle",
    )
    (checkin,) = cli.json("checkin", "list")

    assert result.stdout == ""
    assert "checked in Ana (#1) at session #1 of Builders: present, 2 answers, circle" in (
        result.stderr
    )
    assert set(checkin) == CHECKIN_KEYS
    assert checkin["answers"] == {ROSE: "shipped the site", BUD: "a holiday"}
    assert (checkin["mood"], checkin["visibility"], checkin["day"]) == (4, "circle", "2026-11-17")


def test_visibility_defaults_to_private_and_attendance_to_present(cli: Cli) -> None:
    checkin = cli.json("checkin", "add", "#1", "@bo")

    assert (checkin["visibility"], checkin["attendance"]) == ("private", "present")
    assert checkin["answers"] == {}


def test_attendance_recorded_earlier_is_filled_in(cli: Cli) -> None:
    cli("session", "record", "Builders", "--date", "2026-11-17", "--absent", "@bo")

    filled = cli.json("checkin", "add", "1", "@bo", "--attendance", "excused", "--answer", "3=ill")
    again = cli("checkin", "add", "1", "@bo", "--answer", "1=x", code=1)

    assert (filled["attendance"], filled["answers"]) == (
        "excused",
        {"Thorn: something that was difficult": "ill"},
    )
    assert "Bo already has a check-in at session #1" in again.stderr


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (("--visibility", "public"), 2, "public"),
        (("--attendance", "late"), 2, "late"),
        (("--mood", "6"), 1, "mood: give 5 or less (not 6)"),
        (("--answer", "shipped"), 1, "must be written PROMPT=TEXT"),
        (("--answer", "4=x"), 1, "this ritual has prompts 1 to 3: 1. Rose"),
        (("--answer", "Wins=x"), 1, "'Wins' is not one of this ritual's prompts"),
        (("--answer", "1=a", "--answer", f"{ROSE}=b"), 1, "two answers to the prompt"),
    ],
    ids=["visibility", "attendance", "mood", "no equals", "number", "text", "twice"],
)
def test_add_refuses_bad_options(
    cli: Cli, options: tuple[str, ...], code: int, message: str
) -> None:
    result = cli("checkin", "add", "1", "@ana", *options, code=code)

    assert message in result.stderr
    assert cli.json("checkin", "list", "--member", "@ana") == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("1",), 2, "give a SESSION and a MEMBER"),
        (("1", "@ana", "--date", "2026-11-17"), 2, "give a SESSION and a MEMBER"),
        (("--circle", "Writers", "@ana"), 2, "a written check-in takes --circle C --date D"),
        (("--circle", "Writers", "--date", "2026-11-20", "1", "@ana"), 2, "one MEMBER"),
        (("x1", "@ana"), 2, "SESSION must be a session id"),
        (("99", "@ana"), 1, "no session #99"),
        (("1", "@ghost"), 1, "no member matches '@ghost'"),
    ],
    ids=["no member", "date", "no date", "two refs", "bad id", "unknown", "ghost"],
)
def test_add_refuses_the_wrong_arguments(
    cli: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    result = cli("checkin", "add", *args, code=code)

    assert message in result.stderr


def test_a_written_check_in_for_an_async_circle(cli: Cli) -> None:
    checkin = cli.json(
        "checkin",
        "add",
        "--circle",
        "Writers",
        "--date",
        "2026-11-20",
        "@ana",
        "--answer",
        "1=wrote 500 words",
        "--visibility",
        "community",
    )
    table = cli("checkin", "list", "--circle", "Writers").stdout

    assert checkin["session_id"] is None
    assert (checkin["day"], checkin["visibility"]) == ("2026-11-20", "community")
    assert list(checkin["answers"].values()) == ["wrote 500 words"]
    assert "written" in table


def test_a_live_circle_takes_no_written_check_ins(cli: Cli) -> None:
    result = cli("checkin", "add", "--circle", "Builders", "--date", "2026-11-20", "@ana", code=1)

    assert "is run live" in result.stderr
    assert "checkin add SESSION MEMBER" in result.stderr


def test_edit_changes_only_what_is_given(cli: Cli) -> None:
    added = cli.json(
        "checkin",
        "add",
        "1",
        "@ana",
        "--answer",
        "1=shipped",
        "--answer",
        "2=a trip",
        "--mood",
        "4",
        "--visibility",
        "community",
        "--json",
    )

    result = cli("checkin", "edit", str(added["id"]), "--visibility", "private", "--answer", "2=")
    after = cli.json("checkin", "list", "--member", "@ana")[0]

    assert f"check-in #{added['id']} of Ana (Builders, 2026-11-17)" in result.stderr
    assert "present, 1 answer, private" in result.stderr
    assert after["answers"] == {ROSE: "shipped"}
    assert (after["mood"], after["visibility"], after["version"]) == (4, "private", 2)


def test_edit_clears_the_mood_and_guards_against_lost_updates(cli: Cli) -> None:
    added = cli.json("checkin", "add", "1", "@ana", "--mood", "2", "--json")

    cleared = cli.json("checkin", "edit", f"#{added['id']}", "--no-mood", "--json")
    stale = cli("checkin", "edit", str(added["id"]), "--mood", "5", "--expect-version", "1", code=1)

    assert cleared["mood"] is None
    assert "changed elsewhere" in stale.stderr
    assert cli.json("checkin", "list")[0]["mood"] is None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("1",), 1, "nothing to change"),
        (("1", "--mood", "3", "--no-mood"), 2, "--mood or --no-mood, not both"),
        (("1", "--answer", "9=x"), 1, "this ritual has prompts 1 to 3"),
        (("1", "--mood", "9"), 1, "mood: give 5 or less"),
        (("1", "--attendance", "absent"), 1, "mark them present"),
        (("77", "--mood", "3"), 1, "no check-in #77"),
        (("x1", "--mood", "3"), 2, "CHECKIN must be an id from 'checkin list'"),
    ],
)
def test_edit_refuses_bad_edits(cli: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    cli("checkin", "add", "1", "@ana", "--answer", "1=shipped")

    result = cli("checkin", "edit", *args, code=code)

    assert message in result.stderr
    assert cli.json("checkin", "list")[0]["version"] == 1


def test_history_per_circle_and_member_over_a_range(cli: Cli) -> None:
    cli("session", "record", "Builders", "--date", "2026-11-10", "--present", "@ana,@bo")
    cli("session", "record", "Builders", "--date", "2026-11-17", "--present", "@ana")
    cli("checkin", "add", "--circle", "Writers", "--date", "2026-11-12", "@ana")

    anas = cli.json("checkin", "list", "--member", "@ana")
    builders = cli.json("checkin", "list", "--circle", "Builders", "--from", "2026-11-11")
    window = cli.json("checkin", "list", "--member", "bo", "--to", "2026-11-16")
    private = cli.json("checkin", "list", "--visibility", "private")
    table = cli("checkin", "list", "--member", "@ana").stdout

    assert [(c["day"], c["circle_name"]) for c in anas] == [
        ("2026-11-17", "Builders"),
        ("2026-11-12", "Writers"),
        ("2026-11-10", "Builders"),
    ]
    assert [c["member_name"] for c in builders] == ["Ana"]
    assert [c["day"] for c in window] == ["2026-11-10"]
    assert len(private) == 4
    assert "2026-11-12" in table


@pytest.mark.parametrize(
    ("args", "code"),
    [(("--visibility", "public"), 2), (("--from", "soon"), 1), (("--member", "@ghost"), 1)],
)
def test_list_refuses_bad_options(cli: Cli, args: tuple[str, ...], code: int) -> None:
    cli("checkin", "list", *args, code=code)


def test_list_says_when_nothing_matches(cli: Cli) -> None:
    result = cli("checkin", "list", "--visibility", "community")

    assert result.stdout == ""
    assert "no check-ins match" in result.stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_and_answers_print_literally(cli: Cli, name: str) -> None:
    cli.member(name, "--handle", "odd")
    cli("circle", "add", "Builders", "@odd")

    added = cli("checkin", "add", "1", "@odd", "--answer", f"1={name}")
    table = cli("checkin", "list").stdout
    detail = cli("session", "show", "1").stdout
    (checkin,) = cli.json("checkin", "list")

    assert shown(name) in added.stderr
    assert table.count(shown(name)) >= 2
    assert detail.count(shown(name)) >= 2
    assert checkin["member_name"] == shown(name)
    assert checkin["answers"] == {ROSE: shown(name)}
    assert "\x1b" not in table + detail

"""`circlekeeper member …`: add, list, show, edit, pause, resume and leave through the real CLI."""

from __future__ import annotations

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

MEMBER_READ_KEYS = {
    "id",
    "name",
    "email",
    "handle",
    "timezone",
    "joined_on",
    "status",
    "paused_until",
    "tags",
    "consent_named",
    "consent_recognised",
    "version",
    "created_at",
    "updated_at",
}
MEMBER_ROW_KEYS = {
    "id",
    "name",
    "email",
    "handle",
    "timezone",
    "status",
    "paused_until",
    "tags",
    "circle_count",
}


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on the test database."""
    return Cli(db.path)


# add


def test_add_prints_a_confirmation_on_stderr_and_nothing_on_stdout(cli: Cli) -> None:
    result = cli("member", "add", "Ana Lima", "--email", "ana@example.org")

    assert result.stdout == ""
    assert "added Ana Lima (#1)" in result.stderr


def test_add_with_every_option_returns_the_member_as_json(cli: Cli) -> None:
    member = cli.json(
        "member",
        "add",
        "  Ana   Lima ",
        "--email",
        "Ana@Example.org",
        "--handle",
        "@ana",
        "--timezone",
        "Europe/Lisbon",
        "--joined-on",
        "2025-03-01",
        "--tag",
        "city=Porto",
        "--tag",
        "Role = host",
        "--consent-named",
        "--no-consent-recognised",
    )

    assert set(member) == MEMBER_READ_KEYS
    assert member["id"] == 1
    assert member["name"] == "Ana Lima"
    assert member["email"] == "Ana@Example.org"
    assert member["handle"] == "@ana"
    assert member["timezone"] == "Europe/Lisbon"
    assert member["joined_on"] == "2025-03-01"
    assert member["status"] == "active"
    assert member["paused_until"] is None
    assert member["tags"] == {"city": "Porto", "role": "host"}
    assert member["consent_named"] is True
    assert member["consent_recognised"] is False
    assert member["version"] == 1
    assert member["created_at"].startswith("2026-11-21T12:00:00")


def test_add_defaults(cli: Cli) -> None:
    member = cli.json("member", "add", "Bo", "--handle", "bo")

    assert member["timezone"] == "UTC"
    assert member["joined_on"] == "2026-11-21"
    assert member["tags"] == {}
    assert member["consent_named"] is False
    assert member["consent_recognised"] is False


def test_add_refuses_a_duplicate_email_whatever_its_case(cli: Cli) -> None:
    cli("member", "add", "Ana Lima", "--email", "ana@example.org")

    result = cli("member", "add", "Ana Two", "--email", "ANA@example.org", code=1)

    assert "email is already used by member #1 (Ana Lima)" in result.stderr
    assert cli.json("member", "list")["total"] == 1


def test_add_refuses_a_duplicate_handle_with_or_without_at(cli: Cli) -> None:
    cli("member", "add", "Ana Lima", "--handle", "@ana")

    result = cli("member", "add", "Ana Two", "--handle", "ANA", code=1)

    assert "handle is already used by member #1 (Ana Lima)" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ((), "give an email or a handle (or both)"),
        (("--email", "not-an-email"), "email: must look like name@example.org"),
        (
            ("--handle", "a", "--joined-on", "2026-02-30"),
            "joined_on: '2026-02-30' is not a real date",
        ),
        (("--handle", "a", "--joined-on", "21/11/2026"), "is not a date in the form YYYY-MM-DD"),
        (("--handle", "a", "--timezone", "Mars/Olympus"), "'Mars/Olympus' is not an IANA timezone"),
        (("--handle", "a", "--tag", "city"), "--tag 'city' must be written key=value"),
        (("--handle", "a", "--tag", "two words=x"), "tag name 'two words' must be a word"),
        (("--handle", "a", "--tag", "city="), "tag 'city' needs a value"),
    ],
    ids=["no contact", "email", "date", "date format", "timezone", "tag", "tag key", "tag value"],
)
def test_add_refuses_invalid_input_with_a_message_naming_the_field(
    cli: Cli, options: tuple[str, ...], message: str
) -> None:
    result = cli("member", "add", "Ana Lima", *options, code=1)

    assert message in result.stderr
    assert result.stdout == ""
    assert cli.json("member", "list")["total"] == 0


def test_add_refuses_an_empty_name(cli: Cli) -> None:
    result = cli("member", "add", "   ", "--handle", "x", code=1)

    assert result.stderr.startswith("error: name:")


# list


def test_list_shows_a_table_sorted_by_name(cli: Cli) -> None:
    cli.member("Zoe", "--email", "zoe@example.org", "--tag", "city=Porto")
    cli.member("ana lima", "--handle", "@ana")

    out = cli("member", "list").stdout

    assert out.index("ana lima") < out.index("Zoe")
    for text in ("zoe@example.org", "@ana", "city=Porto", "active", "UTC"):
        assert text in out


def test_list_json_is_a_page(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org", "--tag", "city=Porto")

    page = cli.json("member", "list")

    assert set(page) == {"items", "total", "offset", "limit"}
    assert (page["total"], page["offset"], page["limit"]) == (1, 0, 50)
    [row] = page["items"]
    assert set(row) == MEMBER_ROW_KEYS
    assert row == {
        "id": 1,
        "name": "Ana Lima",
        "email": "ana@example.org",
        "handle": None,
        "timezone": "UTC",
        "status": "active",
        "paused_until": None,
        "tags": {"city": "Porto"},
        "circle_count": 0,
    }


def test_list_says_on_stderr_when_it_shows_only_part(cli: Cli) -> None:
    for name in ("Ana", "Bo", "Cy"):
        cli.member(name)

    first = cli("member", "list", "--limit", "2")
    last = cli("member", "list", "--limit", "2", "--offset", "2")

    assert "Ana" in first.stdout
    assert "Bo" in first.stdout
    assert "Cy" not in first.stdout
    assert "showing 1\u20132 of 3 — next page: --offset 2" in first.stderr
    assert "Cy" in last.stdout
    assert "Ana" not in last.stdout
    assert "showing 3\u20133 of 3" in last.stderr
    assert "next page" not in last.stderr


def test_list_says_nothing_extra_when_everything_fits(cli: Cli) -> None:
    cli.member("Ana")

    assert cli("member", "list").stderr == ""


def test_list_past_the_end(cli: Cli) -> None:
    cli.member("Ana")

    result = cli("member", "list", "--offset", "5")

    assert result.stdout == ""
    assert "showing none of 1 — --offset 5 is past the end" in result.stderr


def test_list_filters_by_search_tag_and_status(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org", "--tag", "city=Porto")
    cli.member("Bo Chen", "--handle", "@bo", "--tag", "city=Lyon")
    cli("member", "pause", "@bo")

    def names(*options: str) -> list[str]:
        return [row["name"] for row in cli.json("member", "list", *options)["items"]]

    assert names("--search", "lima") == ["Ana Lima"]
    assert names("-s", "@BO") == ["Bo Chen"]
    assert names("-s", "city=lyon") == ["Bo Chen"]
    assert names("--status", "paused") == ["Bo Chen"]
    assert names("--status", "active") == ["Ana Lima"]
    assert names("--status", "left") == []
    assert "no members match" in cli("member", "list", "-s", "nobody").stderr


def test_list_refuses_a_bad_status_as_a_usage_error(cli: Cli) -> None:
    result = cli("member", "list", "--status", "asleep", code=2)

    assert "asleep" in result.stderr


def test_list_refuses_a_limit_out_of_range(cli: Cli) -> None:
    result = cli("member", "list", "--limit", "0", code=1)

    assert "limit must be between 1 and 1000" in result.stderr


# show


@pytest.mark.parametrize("ref", ["1", "#1", "ana@example.org", "ANA@EXAMPLE.ORG", "@ana", "ana"])
def test_show_finds_a_member_by_id_email_or_handle(cli: Cli, ref: str) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org", "--handle", "@ana")

    assert cli.json("member", "show", ref)["name"] == "Ana Lima"


def test_show_prints_fields_and_circles_current_and_past(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org", "--tag", "city=Porto", "--consent-named")
    cli.circle("Tuesday Builders")
    cli.circle("Old Pod")
    cli("circle", "add", "Tuesday Builders", "1")
    cli("circle", "add", "Old Pod", "1")
    cli("circle", "remove", "Old Pod", "1", "--reason", "moved to evenings")

    out = cli("member", "show", "ana@example.org").stdout

    for text in (
        "name: Ana Lima",
        "email: ana@example.org",
        "tags: city=Porto",
        "may be named in exports: yes",
        "may be recognised publicly: no",
        "current circles",
        "Tuesday Builders",
        "past circles",
        "Old Pod",
        "moved to evenings",
    ):
        assert text in out
    assert out.index("Tuesday Builders") < out.index("Old Pod")


def test_show_json_has_circles(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org")
    cli.circle("Tuesday Builders")
    cli("circle", "add", "Tuesday Builders", "1")

    member = cli.json("member", "show", "1")

    assert set(member) == MEMBER_READ_KEYS | {"circles"}
    assert member["circles"] == [
        {
            "circle_id": 1,
            "circle_name": "Tuesday Builders",
            "joined_on": "2026-11-21",
            "left_on": None,
            "leave_reason": None,
        }
    ]


def test_show_unknown_member(cli: Cli) -> None:
    result = cli("member", "show", "nobody@example.org", code=1)

    assert "no member matches 'nobody@example.org'" in result.stderr
    assert result.stdout == ""


# edit


def test_edit_changes_only_what_is_given(cli: Cli) -> None:
    cli.member(
        "Ana Lima",
        "--email",
        "ana@example.org",
        "--handle",
        "@ana",
        "--timezone",
        "Europe/Lisbon",
        "--tag",
        "city=Porto",
    )

    result = cli("member", "edit", "@ana", "--name", "Ana L.")
    member = cli.json("member", "show", "1")

    assert result.stdout == ""
    assert "updated Ana L. (#1, now version 2)" in result.stderr
    assert member["name"] == "Ana L."
    assert member["email"] == "ana@example.org"
    assert member["timezone"] == "Europe/Lisbon"
    assert member["tags"] == {"city": "Porto"}
    assert member["version"] == 2


def test_edit_every_field_and_print_json(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org")

    member = cli.json(
        "member",
        "edit",
        "1",
        "--email",
        "ana@new.example.org",
        "--handle",
        "@ana",
        "--timezone",
        "America/Chicago",
        "--joined-on",
        "2024-01-31",
        "--tags",
        "city=Lyon;role=host",
        "--consent-named",
        "--consent-recognised",
    )

    assert set(member) == MEMBER_READ_KEYS
    assert member["email"] == "ana@new.example.org"
    assert member["handle"] == "@ana"
    assert member["timezone"] == "America/Chicago"
    assert member["joined_on"] == "2024-01-31"
    assert member["tags"] == {"city": "Lyon", "role": "host"}
    assert member["consent_named"] is True
    assert member["consent_recognised"] is True


def test_edit_with_empty_strings_clears_email_and_tags(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org", "--handle", "@ana", "--tag", "city=Porto")

    member = cli.json("member", "edit", "@ana", "--email", "", "--tags", "")

    assert member["email"] is None
    assert member["handle"] == "@ana"
    assert member["tags"] == {}


def test_edit_can_withdraw_consent(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org", "--consent-named")

    assert cli.json("member", "edit", "1", "--no-consent-named")["consent_named"] is False


def test_edit_refuses_to_clear_the_last_contact(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org")

    result = cli("member", "edit", "1", "--email", "", code=1)

    assert "needs an email or a handle" in result.stderr
    assert cli.json("member", "show", "1")["email"] == "ana@example.org"


def test_edit_with_a_stale_version_is_refused_and_changes_nothing(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org")
    cli("member", "edit", "1", "--timezone", "Europe/Berlin")

    result = cli("member", "edit", "1", "--name", "Someone Else", "--expect-version", "1", code=1)

    assert "member 'Ana Lima' changed elsewhere — reload" in result.stderr
    member = cli.json("member", "show", "1")
    assert member["name"] == "Ana Lima"
    assert member["version"] == 2


def test_edit_with_the_current_version_succeeds(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org")

    member = cli.json("member", "edit", "1", "--name", "Ana L.", "--expect-version", "1")

    assert (member["name"], member["version"]) == ("Ana L.", 2)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--email", "bo@example.org"), "email is already used by member #2 (Bo)"),
        (("--joined-on", "2026-02-30"), "joined_on: '2026-02-30' is not a real date"),
        (("--timezone", "Europe/Atlantis"), "'Europe/Atlantis' is not an IANA timezone"),
        (("--tags", "city"), "tags: tag 'city' must be written key=value"),
        (("--email", "nope"), "email: must look like name@example.org"),
    ],
    ids=["duplicate email", "date", "timezone", "tags", "email"],
)
def test_edit_refuses_invalid_input(cli: Cli, options: tuple[str, ...], message: str) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org")
    cli.member("Bo", "--email", "bo@example.org")

    result = cli("member", "edit", "1", *options, code=1)

    assert message in result.stderr
    assert cli.json("member", "show", "1")["version"] == 1


def test_edit_without_options_is_a_usage_error(cli: Cli) -> None:
    cli.member("Ana Lima", "--email", "ana@example.org")

    result = cli("member", "edit", "1", code=2)

    assert "nothing to change" in result.stderr


def test_edit_unknown_member(cli: Cli) -> None:
    result = cli("member", "edit", "42", "--name", "X", code=1)

    assert "no member matches '42'" in result.stderr


# pause, resume, leave


def test_pause_until_a_date_then_resume(cli: Cli) -> None:
    cli.member("Ana Lima", "--handle", "@ana")

    paused = cli("member", "pause", "@ana", "--until", "2027-01-15")
    row = cli.json("member", "list")["items"][0]
    table = cli("member", "list").stdout
    resumed = cli("member", "resume", "@ana")

    assert "paused Ana Lima (#1) until 2027-01-15" in paused.stderr
    assert (row["status"], row["paused_until"]) == ("paused", "2027-01-15")
    assert "paused until 2027-01-15" in table
    assert "Ana Lima (#1) is active again" in resumed.stderr
    member = cli.json("member", "show", "@ana")
    assert (member["status"], member["paused_until"]) == ("active", None)


def test_pause_without_a_date(cli: Cli) -> None:
    cli.member("Ana Lima", "--handle", "@ana")

    cli("member", "pause", "1")

    assert cli.json("member", "show", "1")["status"] == "paused"


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2026-11-21", "pause until 2026-11-21 is not in the future"),
        ("2026-02-30", "--until: '2026-02-30' is not a real date"),
        ("tomorrow", "--until: 'tomorrow' is not a date in the form YYYY-MM-DD"),
    ],
)
def test_pause_refuses_a_bad_date(cli: Cli, until: str, message: str) -> None:
    cli.member("Ana Lima", "--handle", "@ana")

    result = cli("member", "pause", "@ana", "--until", until, code=1)

    assert message in result.stderr
    assert cli.json("member", "show", "1")["status"] == "active"


def test_resume_an_active_member_is_refused(cli: Cli) -> None:
    cli.member("Ana Lima", "--handle", "@ana")

    result = cli("member", "resume", "@ana", code=1)

    assert "Ana Lima is already active" in result.stderr


def test_leave_ends_circle_stays_with_the_reason(cli: Cli) -> None:
    cli.member("Ana Lima", "--handle", "@ana")
    cli.circle("Tuesday Builders")
    cli("circle", "add", "Tuesday Builders", "@ana")

    result = cli("member", "leave", "@ana", "--reason", "moved\taway\x07")

    assert "Ana Lima (#1) has left the community" in result.stderr
    member = cli.json("member", "show", "@ana")
    assert member["status"] == "left"
    assert member["circles"][0]["left_on"] == "2026-11-21"
    assert member["circles"][0]["leave_reason"] == "moved away"
    assert cli.json("circle", "show", "Tuesday Builders")["members"] == []


def test_leave_twice_and_pause_after_leaving_are_refused(cli: Cli) -> None:
    cli.member("Ana Lima", "--handle", "@ana")
    cli("member", "leave", "@ana")

    assert "has already left" in cli("member", "leave", "@ana", code=1).stderr
    assert "cannot be paused" in cli("member", "pause", "@ana", code=1).stderr
    assert "is active again" in cli("member", "resume", "@ana").stderr


@pytest.mark.parametrize("command", ["pause", "resume", "leave"])
def test_lifecycle_commands_on_an_unknown_member(cli: Cli, command: str) -> None:
    result = cli("member", command, "@ghost", code=1)

    assert "no member matches '@ghost'" in result.stderr


# untrusted names


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_print_literally_in_tables_and_json(cli: Cli, name: str) -> None:
    cli.member(name, "--handle", "@odd", "--tag", f"note={name}")

    table = cli("member", "list").stdout
    detail = cli("member", "show", "@odd").stdout
    page = cli.json("member", "list")
    member = cli.json("member", "show", "@odd")

    assert shown(name) in table
    assert f"name: {shown(name)}" in detail
    assert "\x1b" not in table + detail
    assert page["items"][0]["name"] == shown(name)
    assert member["name"] == shown(name)
    assert member["tags"] == {"note": shown(name)}


def test_hostile_json_is_written_as_unicode_not_escapes(cli: Cli) -> None:
    cli.member("مريم", "--handle", "@maryam")

    out = cli("member", "show", "@maryam", "--json").stdout

    assert '"name": "مريم"' in out

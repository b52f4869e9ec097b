"""`circlekeeper ritual …` and a circle's default ritual, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

RITUAL_KEYS = {
    "id",
    "name",
    "description",
    "prompts",
    "timebox_minutes",
    "opening",
    "closing",
    "mode",
    "builtin",
    "version",
}


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on the test database."""
    return Cli(db.path)


def test_list_shows_the_built_in_packs(cli: Cli) -> None:
    table = cli("ritual", "list").stdout
    rituals = cli.json("ritual", "list")

    assert "Rose · Bud · Thorn" in table
    assert "built-in" in table
    assert len(rituals) == 5
    assert set(rituals[0]) == RITUAL_KEYS


def test_show_prints_prompts_in_order(cli: Cli) -> None:
    result = cli("ritual", "show", "rose · bud · thorn")
    ritual = cli.json("ritual", "show", "2")

    assert "name: Rose · Bud · Thorn" in result.stdout
    assert "Rose: something that went well" in result.stdout
    assert ritual["prompts"][0] == "Rose: something that went well"
    assert ritual["mode"] == "live"


def test_show_reports_an_unknown_ritual(cli: Cli) -> None:
    result = cli("ritual", "show", "Nope", code=1)

    assert "no ritual matches 'Nope'" in result.stderr
    assert result.stdout == ""


def test_add_from_options(cli: Cli) -> None:
    result = cli(
        "ritual",
        "add",
        "Highs and lows",
        "--prompt",
        "A high?",
        "--prompt",
        "A low?",
        "--timebox",
        "4",
        "--opening",
        "Breathe.",
        "--mode",
        "async",
    )
    ritual = cli.json("ritual", "show", "highs and lows")

    assert result.stdout == ""
    assert "added ritual Highs and lows (#6) with 2 prompts" in result.stderr
    assert ritual == {
        **ritual,
        "prompts": ["A high?", "A low?"],
        "timebox_minutes": 4,
        "opening": "Breathe.",
        "mode": "async",
        "builtin": False,
        "version": 1,
    }


def test_add_from_a_file_and_options_override_it(cli: Cli, tmp_path: Path) -> None:
    pack = tmp_path / "garden.toml"
    pack.write_text(
        'name = "Garden"\nprompts = ["What grew?", "What wilted?"]\ntimebox_minutes = 2\n',
        encoding="utf-8",
    )

    from_file = cli.json("ritual", "add", "--file", str(pack))
    renamed = cli.json("ritual", "add", "Garden two", "--file", str(pack), "--timebox", "9")

    assert (from_file["name"], from_file["prompts"], from_file["timebox_minutes"]) == (
        "Garden",
        ["What grew?", "What wilted?"],
        2,
    )
    assert (renamed["name"], renamed["timebox_minutes"]) == ("Garden two", 9)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("ritual", "add"), 2, "give a NAME and at least one --prompt"),
        (("ritual", "add", "Lonely"), 1, "prompts: required"),
        (("ritual", "add", "Twice", "--prompt", "x", "--prompt", "X"), 1, "two prompts are"),
        (("ritual", "add", "Long", "--prompt", "x", "--timebox", "61"), 1, "timebox_minutes"),
        (("ritual", "add", "Rose · bud · THORN", "--prompt", "x"), 1, "already exists"),
        (("ritual", "add", "Odd", "--prompt", "x", "--mode", "sometimes"), 2, ""),
        (("ritual", "add", "--file", "/nonexistent/pack.toml"), 1, "cannot read"),
    ],
    ids=["nothing", "no prompts", "same prompts", "timebox", "duplicate", "mode", "no file"],
)
def test_add_refuses_bad_input(cli: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli(*args, code=code)

    assert message in result.stderr
    assert len(cli.json("ritual", "list")) == 5


def test_edit_changes_only_what_is_given(cli: Cli) -> None:
    cli("ritual", "add", "Highs", "--prompt", "A high?", "--description", "old")

    edited = cli.json("ritual", "edit", "Highs", "--prompt", "Best?", "--prompt", "Worst?")
    cleared = cli.json("ritual", "edit", "Highs", "--description", "", "--expect-version", "2")

    assert edited["prompts"] == ["Best?", "Worst?"]
    assert edited["description"] == "old"
    assert (cleared["description"], cleared["version"]) == ("", 3)


def test_edit_refuses_nothing_a_stale_version_and_a_taken_name(cli: Cli) -> None:
    cli("ritual", "add", "Highs", "--prompt", "A high?")

    nothing = cli("ritual", "edit", "Highs", code=2)
    stale = cli("ritual", "edit", "Highs", "--timebox", "5", "--expect-version", "7", code=1)
    taken = cli("ritual", "edit", "Highs", "--name", "seasonal review", code=1)

    assert "nothing to change" in nothing.stderr
    assert "changed elsewhere" in stale.stderr
    assert "already exists" in taken.stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_and_prompts_print_literally(cli: Cli, name: str) -> None:
    cli("ritual", "add", name, "--prompt", name)

    table = cli("ritual", "list").stdout
    detail = cli("ritual", "show", "6").stdout
    ritual = cli.json("ritual", "show", "6")

    assert shown(name) in table
    assert detail.count(shown(name)) >= 2
    assert ritual["name"] == ritual["prompts"][0] == shown(name)
    assert "\x1b" not in table + detail


# a circle's default ritual and monthly week


def test_circle_create_and_edit_set_the_default_ritual_and_week(cli: Cli) -> None:
    created = cli.circle(
        "Monthly",
        "--cadence",
        "monthly",
        "--weekday",
        "mon",
        "--week-of-month",
        "-1",
        "--ritual",
        "rose · bud · thorn",
    )
    shown_text = cli("circle", "show", "Monthly").stdout
    edited = cli.json("circle", "edit", "Monthly", "--ritual", "Seasonal review")
    cleared = cli.json("circle", "edit", "Monthly", "--ritual", "", "--week-of-month", "2")
    detail = cli.json("circle", "show", "Monthly")

    assert (created["ritual_id"], created["week_of_month"]) == (2, -1)
    assert "ritual: Rose · Bud · Thorn" in shown_text
    assert "week of month: -1" in shown_text
    assert edited["ritual_id"] == 3
    assert (cleared["ritual_id"], cleared["week_of_month"]) == (None, 2)
    assert detail["ritual_name"] is None


def test_circle_options_refuse_an_unknown_ritual_and_week(cli: Cli) -> None:
    unknown = cli("circle", "create", "Pod", "--ritual", "Nope", code=1)
    week = cli("circle", "create", "Pod", "--week-of-month", "6", code=1)

    assert "no ritual matches 'Nope'" in unknown.stderr
    assert "week of month must be 1 to 5, or -1" in week.stderr
    assert cli.json("circle", "list")["total"] == 0

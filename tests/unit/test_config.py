"""config.toml: defaults when missing, a warning (never a crash) when broken, private writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from circlekeeper import paths
from circlekeeper.config import DEFAULT_THEME, Config, load_config, save_config


def test_a_missing_file_gives_the_defaults_without_warnings() -> None:
    assert not paths.config_file().exists()
    assert load_config() == (Config(), [])
    assert Config().theme == DEFAULT_THEME


def test_round_trip_through_the_config_file() -> None:
    written = save_config(Config(theme="high-contrast"))
    assert written == paths.config_file()
    assert load_config() == (Config(theme="high-contrast"), [])


def test_the_file_is_private_and_no_temporary_file_is_left() -> None:
    path = save_config(Config(theme="circlekeeper-light"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


def test_unknown_keys_and_tables_survive_a_save() -> None:
    path = paths.config_file()
    paths.private_mkdir(path.parent)
    path.write_text(
        'theme = "circlekeeper-dark"\nfuture_setting = 3\n\n[keymap]\nquit = "ctrl+q"\n',
        encoding="utf-8",
    )
    save_config(Config(theme="high-contrast"))
    stored = tomllib.loads(path.read_text(encoding="utf-8"))
    assert stored == {
        **dataclasses.asdict(Config(theme="high-contrast")),
        "future_setting": 3,
        "keymap": {"quit": "ctrl+q"},
    }
    assert load_config() == (Config(theme="high-contrast"), [])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("theme = [unclosed", "not valid TOML"),
        (b'theme = "\xff\xfe"', "not valid TOML"),
        ("theme = 7", "theme should be text"),
        ("theme = '   '", "theme is empty"),
    ],
)
def test_a_broken_or_wrong_typed_file_gives_defaults_and_a_warning(
    content: str | bytes, problem: str
) -> None:
    path = paths.config_file()
    paths.private_mkdir(path.parent)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    config, warnings = load_config()
    assert config == Config()
    assert len(warnings) == 1
    assert problem in warnings[0]
    assert str(path) in warnings[0]


def test_a_folder_where_the_file_should_be_is_a_warning_not_a_crash() -> None:
    paths.config_file().mkdir(parents=True)
    config, warnings = load_config()
    assert config == Config()
    assert len(warnings) == 1
    assert "could not read" in warnings[0]


def test_saving_over_a_broken_file_keeps_a_copy_of_it() -> None:
    path = paths.config_file()
    paths.private_mkdir(path.parent)
    path.write_text("theme = [what i typed", encoding="utf-8")
    save_config(Config(theme="high-contrast"))
    assert load_config() == (Config(theme="high-contrast"), [])
    assert (path.parent / "config.toml.broken").read_text(
        encoding="utf-8"
    ) == "theme = [what i typed"


def test_an_explicit_path_is_used_instead_of_the_config_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "settings.toml"
    save_config(Config(theme="high-contrast"), elsewhere)
    assert load_config(elsewhere) == (Config(theme="high-contrast"), [])
    assert not paths.config_file().exists()


def test_config_is_a_leaf_that_imports_no_ui_or_database_library() -> None:
    heavy = ("textual", "rich", "typer", "sqlalchemy", "pydantic")
    code = (
        "import sys, circlekeeper.config; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_programme_settings_round_trip_and_shape_the_goal_week() -> None:
    from circlekeeper.services.programme_settings import programme_settings

    save_config(
        Config(timezone="Pacific/Auckland", week_starts_on="sun", coverage_min=40, coverage_max=80)
    )
    settings = programme_settings()
    assert settings.timezone == "Pacific/Auckland"
    assert settings.week_start == 6
    assert (settings.coverage_min, settings.coverage_max) == (40, 80)
    # 2026-11-21 12:00 UTC is already Sunday the 22nd in Auckland.
    assert settings.today() == dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('timezone = "Mars/Olympus"', "not an IANA zone"),
        ('week_starts_on = "someday"', "week_starts_on should be one of"),
        ("coverage_min = 120\ncoverage_max = 100", "1 <= min <= max"),
        ("coverage_min = 0", "1 <= min <= max"),
    ],
)
def test_nonsense_programme_settings_fall_back_with_a_named_warning(
    text: str, problem: str
) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(text + "\n", encoding="utf-8")
    config, warnings = load_config()
    assert len(warnings) == 1
    assert problem in warnings[0]
    defaults = Config()
    assert (config.timezone, config.week_starts_on) == (defaults.timezone, defaults.week_starts_on)
    assert (config.coverage_min, config.coverage_max) == (50, 100)


def test_week_start_accepts_full_day_names_in_any_case() -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('week_starts_on = "Sunday"\n', encoding="utf-8")
    config, warnings = load_config()
    assert (config.week_starts_on, warnings) == ("sun", [])


def test_today_in_a_timezone_follows_the_clock() -> None:
    from circlekeeper import clock

    assert clock.today_in("Pacific/Kiritimati") == dt.date(2026, 11, 22)
    assert clock.today_in("Pacific/Pago_Pago") == dt.date(2026, 11, 21)
    clock.freeze(dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC))
    assert clock.today_in("Europe/Berlin") == dt.date(2026, 11, 22)
    assert clock.today_in("America/New_York") == dt.date(2026, 11, 21)

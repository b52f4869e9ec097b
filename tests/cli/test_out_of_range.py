"""Out-of-range dates, numbers and enum values on every CLI option: exit 1 or 2, one clear line.

The cases come from walking the command tree, so a new command or option is covered without
editing this file: every option typed int/float, an Enum, or a str whose metavar or name says it
is a date (YYYY-MM-DD, --from, --until…), a time (HH:MM), a number (N, MIN, SECONDS, 1-5) or a
choice (a|b|c), and record-number arguments (SESSION, ID, ASSIGNMENT). Positional arguments get a
plausible value from a small seeded database, chosen by their metavar, so the command gets as far
as the value under test; a command whose arguments cannot be filled is in SKIPPED, with a reason.
"""

from __future__ import annotations

import enum
import shutil
import sqlite3
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing
from typer.testing import CliRunner

from circlekeeper import clock
from circlekeeper.cli import output
from circlekeeper.cli.main import app
from tests.cli.cli_helpers import leaf_commands
from tests.conftest import FROZEN_NOW

DATE_NAMES = frozenset(
    {
        "--from",
        "--to",
        "--on",
        "--day",
        "--date",
        "--since",
        "--until",
        "--joined",
        "--joined-on",
        "--starts",
        "--starts-on",
        "--ends",
        "--ends-on",
        "--follow-up",
        "--skip",
        "--period",
    }
)
"""Options that take a date whatever their metavar says."""
NUMBER_METAVARS = frozenset({"N", "MIN", "SECONDS", "1-5"})
RECORD_METAVARS = frozenset({"SESSION", "ID", "ASSIGNMENT", "CHECKIN"})

DATE_VALUES = ("0000-00-00", "2026-02-30", "10000-01-01", "-1", "0", "99999999999999999999")
DATE_VALUES += ("1e309", "nan", "", " ")
NUMBER_VALUES = ("-1", "0", "99999999999999999999", "1e309", "nan")
NUMBER_VALUES += ("", " ")
TIME_VALUES = ("24:00", "12:60", "-1:00", "99999999999999999999", "", " ")
CHOICE_VALUES = ("", " ", "no-such-choice")

HUGE = "99999999999999999999"
VALID: dict[tuple[str, str], str] = {
    ("--offset", "0"): "skipping none is the default",
    **{("--seed", seed): "any whole number is a seed" for seed in ("0", "-1", HUGE)},
    ("--week-of-month", "-1"): "-1 is the last week of the month",
    **{
        (option, blank): '"" clears it (circle create/edit)'
        for option in ("--time", "--starts-on", "--ends-on")
        for blank in ("", " ")
    },
    ("--time-limit", HUGE): "a limit the search need not reach",
    ("--limit", HUGE): "health members: at most N, no upper bound",
    ("--cap", HUGE): "a load cap nobody reaches is no cap",
}
"""(option, value) pairs that are in range: the command may succeed with them."""

NAME = "Out of range"
POSITIONALS: dict[str, tuple[str, ...]] = {
    "MEMBER": ("@bo",),
    "MEMBER...": ("@eve",),
    "AMBASSADOR": ("@ana",),
    "CIRCLE": ("Tuesday Builders",),
    "[CIRCLE]": ("Tuesday Builders",),
    "ROLE": ("steward",),
    "SESSION": ("2",),
    "ASSIGNMENT": ("1",),
    "CHECKIN": ("1",),
    "RITUAL": ("Highs and lows",),
    "BADGE": ("Night owl",),
    "KEY": ("badge:1:1",),
    "REPORT": ("digest",),
    "NAME": (NAME,),
    "[NAME]": (NAME,),
    "[SESSION] MEMBER": ("1", "@ana"),
    "PATH": ("{tmp}/backup.db",),
    "FILE.csv": ("{tmp}/roster.csv",),
    "FILE.toml": ("{tmp}/badges.toml",),
    "INSTANCE.json": ("{tmp}/instance.json",),
}
"""A plausible value for each positional argument, by its metavar; IDs depend on the group."""
IDS = {"application": "1", "incident": "1", "nomination": "1"}

REQUIRED: dict[str, str] = {
    "--from": "2026-12-01",
    "--to": "2026-12-31",
    "--until": "2026-12-31",
    "--date": "2026-11-17",
    "--metric": "welcome new members",
    "--count": "1",
    "--target": "3",
    "--reason": "testing",
    "--summary": "told a story outside",
    "--message": "thank you",
    "--prefix": "Case",
}
"""A plausible value for each required option (an Enum one takes its first member)."""
EXTRA: dict[tuple[str, ...], tuple[tuple[str, str | None], ...]] = {
    ("member", "add"): (("--handle", "@zed"),),
    ("member", "edit"): (("--name", "Bo"),),
    ("circle", "edit"): (("--purpose", "building things"),),
    ("circle", "form"): (("--dry-run", None), ("--size", "3")),
    ("ambassador", "add"): (("--focus", "welcome team"),),
    ("ambassador", "edit"): (("--note", "busy in December"),),
    ("ritual", "edit"): (("--description", "a short one"),),
    ("incident", "update"): (("--contact", "Sam"),),
    ("review", "record"): (("--choice", "pause"),),
    ("checkin", "edit"): (("--visibility", "private"),),
}
"""Options a command needs besides its required ones to get as far as the value under test (a
contact, something to change, a choice that takes a date)."""
ALIASES: dict[str, tuple[str, ...]] = {
    "--every": ("cadence_interval",),
    "--count": ("meetings",),
}
"""Words an error may use for an option instead of its flag."""

SKIPPED: dict[tuple[str, ...], str] = {}
"""Commands left out, with the reason (none so far: every argument has a plausible value)."""


def _base(annotation: Any) -> Any:
    """The type inside Optional[...] / X | None / list[...]."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _base(inner[0]) if len(inner) == 1 else annotation
    if origin in (list, tuple):
        return _base(typing.get_args(annotation)[0])
    return annotation


def kind_of(param: Any) -> str | None:
    """date, time, number, record or choice for a parameter this file tests; None otherwise."""
    if getattr(param, "is_flag", False):
        return None
    base = _base(param.type_descriptor.annotation)
    metavar = param.metavar or ""
    is_option = param.param_type_name == "option"
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "choice"
    if base in (int, float):
        return "number"
    if base is not str:
        return None
    if "YYYY-MM-DD" in metavar or (is_option and DATE_NAMES & set(param.opts)):
        return "date"
    if metavar == "HH:MM":
        return "time"
    if metavar in NUMBER_METAVARS:
        return "number"
    if not is_option and metavar in RECORD_METAVARS:
        return "record"
    if "|" in metavar:
        return "choice"
    return None


VALUES = {
    "date": DATE_VALUES,
    "time": TIME_VALUES,
    "number": NUMBER_VALUES,
    "record": NUMBER_VALUES,
    "choice": CHOICE_VALUES,
}


@dataclass(frozen=True)
class Case:
    """One command run with one out-of-range value for one parameter."""

    path: tuple[str, ...]
    target: str
    """The option's flag, or the argument's metavar."""
    value: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        """How pytest names the case."""
        return f"{' '.join(self.path)} {self.target}={self.value!r}"


def _positional(path: tuple[str, ...], param: Any) -> tuple[str, ...] | None:
    """The plausible value(s) of a positional argument, or None when there is none."""
    metavar = param.metavar or param.name.upper()
    if metavar == "ID":
        return (IDS[path[0]],) if path[0] in IDS else None
    return POSITIONALS.get(metavar)


def _required(param: Any) -> str | None:
    """A plausible value for a required option: REQUIRED's, or an Enum's first member."""
    base = _base(param.type_descriptor.annotation)
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return str(next(iter(base)).value)
    return REQUIRED.get(param.opts[0])


def _cases() -> Iterator[Case]:
    """Every (command, parameter, value) case, its other arguments and options filled in."""
    for path, command in leaf_commands():
        if path in SKIPPED:
            continue
        arguments = [param for param in command.params if param.param_type_name == "argument"]
        filled = {param.name: _positional(path, param) for param in arguments}
        given: dict[str, str | None] = {
            param.opts[0]: _required(param)
            for param in command.params
            if param.param_type_name == "option" and param.required
        }
        given.update(EXTRA.get(path, ()))
        for param in command.params:
            kind = kind_of(param)
            if kind is None:
                continue
            is_option = param.param_type_name == "option"
            target = param.opts[0] if is_option else param.metavar
            for value in VALUES[kind]:
                options = [
                    option if extra is None else f"{option}={extra}"
                    for option, extra in given.items()
                    if option != target
                ]
                if is_option:
                    options.append(f"{target}={value}")
                positionals: list[str] = []
                for argument in arguments:
                    if argument is param:
                        positionals.append(value)
                    else:
                        positionals.extend(filled[argument.name] or ())
                # After "--", a value such as -1 is an argument, not an unknown option.
                args = (*path, *options, *(("--", *positionals) if positionals else ()))
                yield Case(path, target, value, args)


CASES = list(_cases())
COMMAND = typer.main.get_command(app)


def test_every_required_option_gets_a_value() -> None:
    missing = [
        (path, param.opts[0])
        for path, command in leaf_commands()
        if path not in SKIPPED and any(kind_of(other) for other in command.params)
        for param in command.params
        if param.param_type_name == "option" and param.required and _required(param) is None
    ]
    assert missing == [], "add a plausible value to REQUIRED (or a reason to SKIPPED)"


def test_every_positional_argument_gets_a_value_or_its_command_is_skipped() -> None:
    missing = [
        (path, param.metavar)
        for path, command in leaf_commands()
        if path not in SKIPPED
        for param in command.params
        if param.param_type_name == "argument"
        and param.required
        and _positional(path, param) is None
        and any(kind_of(other) for other in command.params)
    ]
    assert missing == [], "add a plausible value to POSITIONALS (or a reason to SKIPPED)"


def test_the_walk_finds_dates_numbers_times_and_choices() -> None:
    targets = {(case.path, case.target) for case in CASES}
    assert {
        (("member", "pause"), "--until"),
        (("member", "list"), "--offset"),
        (("member", "list"), "--status"),
        (("circle", "create"), "--time"),
        (("checkin", "add"), "--mood"),
        (("session", "show"), "SESSION"),
        (("export", "markdown"), "--audience"),
    } <= targets
    assert len(CASES) > 500


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with what the positional values name: members, a started circle with sessions,
    roles and a review, an ambassador, a nomination, an incident, an application, a ritual, a
    badge. Built once per module through the CLI itself."""
    folder = tmp_path_factory.mktemp("out-of-range")
    path = folder / "db" / "seeded.db"
    path.parent.mkdir(mode=0o700)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIRCLEKEEPER_DATA_DIR", str(folder / "data"))
        patch.setenv("CIRCLEKEEPER_CONFIG_DIR", str(folder / "config"))
        clock.freeze(FROZEN_NOW)
        try:
            _seed(path)
        finally:
            clock.set_clock(None)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert (path.parent / "backups").is_dir()  # so no copy takes the daily backup again
    return path


def _seed(path: Path) -> None:
    """Create the database at `path` and add what POSITIONALS and IDS name."""
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(app, ["--db", str(path), *args])
        assert result.exit_code == 0, (args, result.stderr)

    run("init")
    for name in ("Ana", "Bo", "Cy", "Dee", "Eve", "Fay"):
        run("member", "add", name, "--handle", f"@{name.lower()}", "--joined-on", "2026-01-05")
    run("circle", "create", "Tuesday Builders", "--min", "2", "--max", "8", "--weekday", "tue")
    run("circle", "add", "Tuesday Builders", "@ana", "@bo", "@cy", "@dee")
    run("circle", "start", "Tuesday Builders")
    run("session", "record", "Tuesday Builders", "--date", "2026-11-17", "--present", "@ana,@bo")
    run("session", "plan", "Tuesday Builders", "--count", "3")
    run("role", "add", "Tuesday Builders", "steward", "--term")
    run("role", "plan", "Tuesday Builders", "--sessions", "3")
    run("ambassador", "add", "@ana", "--focus", "welcome team")
    run("nominate", "@cy", "--reason", "welcomes every newcomer")
    run("incident", "add", "--summary", "told a story outside", "--person", "@bo")
    run("circle", "create", "Founders Circle", "--visibility", "application")
    run("application", "add", "Founders Circle", "@eve")
    run("review", "start", "Tuesday Builders")
    run("ritual", "add", "Highs and lows", "--prompt", "A high?")
    run("badge", "add", "Night owl")


def _files(folder: Path) -> None:
    """The files that file arguments name: a roster, an empty badge file, a grouping instance."""
    (folder / "roster.csv").write_text("name,handle\nZed,@zed\n", encoding="utf-8")
    (folder / "badges.toml").write_text("", encoding="utf-8")
    (folder / "instance.json").write_text(
        '{"people": [1, 2, 3, 4], "group_size": 2, "rounds": 1}', encoding="utf-8"
    )


def _error_lines(stderr: str) -> list[str]:
    """The lines of stderr that report an error (ours "error: …", click's "Error: …")."""
    return [line for line in stderr.splitlines() if line.lower().startswith("error:")]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_an_out_of_range_value_is_refused_in_one_line(
    case: Case, seeded: Path, tmp_path: Path
) -> None:
    shutil.copytree(seeded.parent, tmp_path / "db")
    db_path = tmp_path / "db" / seeded.name
    _files(tmp_path)
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in case.args]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output.stdout, "_width", 200)
        patch.setattr(output.stderr, "_width", 200)
        # The runner rebuilds the click tree from the Typer app on every run (~0.2 s); the tree
        # built once here is the same.
        patch.setattr(typer.testing, "_get_command", lambda _app: COMMAND)
        result = CliRunner().invoke(app, ["--db", str(db_path), *args])
    seen = f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr, seen
    assert "unexpected error" not in result.stderr, seen
    assert result.exception is None or isinstance(result.exception, SystemExit), seen
    if (case.target, case.value) in VALID and result.exit_code == 0:
        return
    assert result.exit_code in (1, 2), seen
    errors = _error_lines(result.stderr)
    assert len(errors) == 1, seen
    assert mentions(errors[0], case), seen


def mentions(line: str, case: Case) -> bool:
    """Whether an error line is about the value under test: it names the option (or argument)
    or quotes the value, so a refusal for another reason (a missing argument) does not count."""
    word = case.target.lstrip("-")
    names = {case.target, word, word.replace("-", "_"), word.replace("-", " "), word.lower()}
    names.update(ALIASES.get(case.target, ()))
    quoted = {f"'{case.value}'", f'"{case.value}"', f"#{case.value}"}
    names.update(quoted if case.value.strip() else set())
    return any(name in line for name in names)

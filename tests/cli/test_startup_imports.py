"""`circlekeeper --help` and shell completion load no storage, TUI, pydantic or rich module (they
must start as fast as a bare Typer app), while every command still lists and runs as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import Cli

HEAVY = frozenset({"sqlmodel", "sqlalchemy", "textual", "pydantic", "rich"})
HEAVY_OURS = ("circlekeeper.db", "circlekeeper.services", "circlekeeper.tui", "circlekeeper.export")
LIGHT_MODELS = frozenset({"circlekeeper.models", "circlekeeper.models.enums"})
"""The models package alone loads nothing (tables load lazily); enums are plain StrEnums."""

RUN_AND_LIST_MODULES = """
import atexit, os, sys
def dump():
    with open(os.environ["MODULES_OUT"], "w", encoding="utf-8") as out:
        out.write("\\n".join(sorted(sys.modules)))
atexit.register(dump)
sys.argv = ["circlekeeper", *sys.argv[1:]]
from circlekeeper.cli.entry import run
run()
"""
"""The real entry point, writing the names of every imported module to MODULES_OUT at exit."""


def run_entry_point(
    args: list[str], tmp_path: Path, extra_env: dict[str, str] | None = None, code: int = 0
) -> tuple[str, set[str]]:
    """Run `circlekeeper ARGS` in a fresh interpreter, expecting exit status `code`; its stdout
    (stderr when `code` is not 0) and the modules it imported."""
    modules_out = tmp_path / "modules.txt"
    env = {
        **os.environ,
        "CIRCLEKEEPER_DB": str(tmp_path / "unused.db"),
        "MODULES_OUT": str(modules_out),
        **(extra_env or {}),
    }
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert result.returncode == code, result.stderr[-2000:]
    assert not (tmp_path / "unused.db").exists()
    said = result.stdout if code == 0 else result.stderr
    return said, set(modules_out.read_text(encoding="utf-8").splitlines())


def heavy_imports(modules: set[str]) -> list[str]:
    """The imported modules that --help and completion must not need."""
    return sorted(
        name
        for name in modules
        if name.split(".")[0] in HEAVY
        or any(name == ours or name.startswith(f"{ours}.") for ours in HEAVY_OURS)
        or (name.startswith("circlekeeper.models") and name not in LIGHT_MODELS)
    )


def bash_completion(line: str) -> dict[str, str]:
    """What bash's completion function sets when TAB is pressed at the end of `line`."""
    words = line.split()
    return {
        "_CIRCLEKEEPER_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) if line.endswith(" ") else len(words) - 1),
    }


@pytest.mark.slow
def test_root_help_imports_no_command_module(tmp_path: Path) -> None:
    out, modules = run_entry_point(["--help"], tmp_path)

    assert "Usage: circlekeeper [OPTIONS] COMMAND [ARGS]..." in out
    assert "  member " in out
    assert heavy_imports(modules) == []
    assert not any(name.startswith("circlekeeper.cli.members") for name in modules)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("line", "expected", "exact"),
    [
        ("circlekeeper mem", {"member"}, True),
        ("circlekeeper member ", {"add", "list", "show", "edit", "pause", "import"}, False),
        ("circlekeeper circle ", {"create", "list", "show", "form"}, False),
    ],
    ids=["mem<TAB>", "member <TAB>", "circle <TAB>"],
)
def test_completion_lists_commands_without_heavy_imports(
    line: str, expected: set[str], exact: bool, tmp_path: Path
) -> None:
    out, modules = run_entry_point([], tmp_path, bash_completion(line))

    words = set(out.split())
    assert words == expected if exact else words >= expected
    assert heavy_imports(modules) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("member", "--help"), ["Usage: circlekeeper member", "list", "import"]),
        (("member", "list", "--help"), ["--limit", "--offset", "--json"]),
        (("circle", "--help"), ["form", "create"]),
        (("export", "--help"), ["markdown"]),
        (("health", "--help"), ["--circle", "members"]),
        (("recognize", "--help"), ["MEMBER"]),
    ],
    ids=" ".join,
)
def test_command_help_still_prints_its_options(args: tuple[str, ...], expected: list[str]) -> None:
    out = Cli(None)(*args).stdout

    assert [text for text in expected if text not in out] == []


def test_a_mistyped_command_still_gets_a_suggestion() -> None:
    result = Cli(None)("membr", code=2)

    assert "No such command 'membr'. Did you mean 'member'?" in result.stderr


def test_every_listed_summary_matches_its_command() -> None:
    from circlekeeper.cli.registry import ROOT_COMMANDS

    for entry in ROOT_COMMANDS:
        command = entry.load()
        for limit in (20, 45, 74, 200):
            assert entry.listed_help(limit) == command.get_short_help_str(limit), entry.name


def test_the_root_lists_every_command_once_in_order() -> None:
    import typer

    from circlekeeper.cli.main import app
    from circlekeeper.cli.registry import ROOT_COMMANDS

    names = [entry.name for entry in ROOT_COMMANDS]
    section = Cli(None)("--help").stdout.split("Commands:", 1)[1]
    listed = [line.split()[0] for line in section.splitlines() if line[2:3].strip()]
    walked = typer.main.get_command(app).commands  # type: ignore[attr-defined]

    assert len(set(names)) == len(names)
    assert listed == names
    assert list(walked) == names


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [["--db", "{missing}"], ["--db={missing}"]], ids=["--db P", "--db=P"]
)
def test_opening_the_tui_starts_without_typer_and_keeps_the_cli_error(
    args: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.db"

    said, modules = run_entry_point([arg.format(missing=missing) for arg in args], tmp_path, code=1)

    assert f"no database at {missing}" in said
    assert "Traceback" not in said
    assert sorted(name for name in modules if name.split(".")[0] in {"typer", "pydantic"}) == []


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ([], None),
        (["--db", "a.db"], "a.db"),
        (["--db=b.db"], "b.db"),
    ],
)
def test_plain_tui_starts_are_recognised(args: list[str], path: str | None) -> None:
    from circlekeeper.cli.entry import tui_only

    found = tui_only(args)

    assert found is not None
    assert found.path == (Path(path) if path else None)


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--db"],
        ["--db="],
        ["--db", "--help"],
        ["--db", "a.db", "member", "list"],
        ["member"],
        ["--version"],
        ["--db", "a.db", "--db", "b.db"],
    ],
    ids=" ".join,
)
def test_anything_else_goes_through_typer(args: list[str]) -> None:
    from circlekeeper.cli.entry import tui_only

    assert tui_only(args) is None


@pytest.mark.slow
def test_plain_options_are_taken_without_typer_building_adapters(
    db: Database, tmp_path: Path
) -> None:
    """A path, a text and a flag (`--db`, `--circle`, `--json`) are coerced without Typer's
    pydantic adapters, and still arrive as the command expects them."""
    db.close()

    out, modules = run_entry_point(["--db", str(db.path), "health", "--json"], tmp_path)

    assert json.loads(out) == []
    assert "typer._adapters" not in modules

"""Running the real `circlekeeper` app in-process against a test database, reading its output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from circlekeeper.cli import output
from circlekeeper.cli.main import app
from circlekeeper.text import clean_text

WIDTH = 400
"""A wide terminal, so that tables and messages are never wrapped in the middle of a name."""

HOSTILE_NAMES = (
    "[b]x[/]",
    "[@click=app.quit]x",
    "\x1b[31mred",
    "مريم",
    "🌻 Sunny",
)
"""Names typed by hostile or unusual members; markup must print as typed, never be parsed."""


def shown(name: str) -> str:
    """How a hostile name is stored and shown: terminal escapes are removed on the way in."""
    return clean_text(name)


def leaf_commands() -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command of the app, as its path of names and the click command."""

    def walk(path: tuple[str, ...], command: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
        children = getattr(command, "commands", None)
        if children is None:
            yield path, command
            return
        for name, child in sorted(children.items()):
            yield from walk((*path, name), child)

    yield from walk((), typer.main.get_command(app))


class Cli:
    """`circlekeeper --db PATH …` as a callable; every run is checked for unexpected crashes."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path
        self.runner = CliRunner()
        self.added = 0

    def __call__(self, *args: str, code: int = 0, env: dict[str, str] | None = None) -> Result:
        """Run a command and check its exit code (0 unless told otherwise)."""
        prefix = ["--db", str(self.db_path)] if self.db_path is not None else []
        with pytest.MonkeyPatch.context() as patch:
            # The consoles fix their width when output.py is imported if COLUMNS is set then (as
            # pytest-xdist does), so the environment alone cannot widen them.
            patch.setattr(output.stdout, "_width", WIDTH)
            patch.setattr(output.stderr, "_width", WIDTH)
            result = self.runner.invoke(app, [*prefix, *args], env=env)
        assert "unexpected error" not in result.stderr, result.stderr
        assert result.exit_code == code, (
            f"exit {result.exit_code} (wanted {code}) for {args}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str) -> Any:
        """Run a command with --json; its stdout must be one JSON document."""
        return json.loads(self(*args, "--json").stdout)

    def member(self, name: str, *options: str) -> dict[str, Any]:
        """Add a member (with a fresh handle unless the options give a contact)."""
        self.added += 1
        contact = options or ("--handle", f"member{self.added}")
        result: dict[str, Any] = self.json("member", "add", name, *contact)
        return result

    def circle(self, name: str, *options: str) -> dict[str, Any]:
        """Create a circle."""
        result: dict[str, Any] = self.json("circle", "create", name, *options)
        return result

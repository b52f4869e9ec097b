"""The `circlekeeper` console script: opening the TUI starts it directly, anything else goes
through the Typer app of cli.main (imported only then)."""

from __future__ import annotations

import atexit
import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path


def run() -> None:
    """Console-script entry point.

    A command lives for well under a second, so the cyclic garbage collector is off while it runs
    and the objects still alive at exit are frozen instead of collected (a measured 150 to 250 ms of
    a `member list`); the TUI turns collection back on once it has painted. Opening the TUI
    (`circlekeeper` or `circlekeeper --db PATH`) skips Typer: importing it and parsing those two
    forms through it (its coercion imports pydantic) cost ≈ 0.15 s before the first frame.
    """
    gc.disable()
    atexit.register(gc.freeze)
    tui = None if completing() else tui_only(sys.argv[1:])
    if tui is None:
        from circlekeeper.cli.main import app

        app()
        return
    from circlekeeper.cli.launch import launch_tui

    try:
        launch_tui(tui.path)
    except (KeyboardInterrupt, Exception) as exc:
        from circlekeeper.cli.errors import report_failure

        sys.exit(report_failure(exc))


def completing() -> bool:
    """Whether the shell asks for completions (Click's `_<PROG>_COMPLETE` variable is set, which
    it does with no arguments at all)."""
    return any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)


@dataclass(frozen=True)
class TuiArgs:
    """The arguments of a plain TUI start: at most a database path."""

    path: Path | None


def tui_only(args: list[str]) -> TuiArgs | None:
    """TuiArgs when `args` only open the TUI (none, `--db PATH` or `--db=PATH`), else None:
    anything else, a mistake included, goes through Typer for its parsing and messages."""
    if not args:
        return TuiArgs(None)
    if len(args) == 2 and args[0] == "--db" and not args[1].startswith("-"):
        return TuiArgs(Path(args[1]))
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return TuiArgs(Path(args[0].removeprefix("--db=")))
    return None

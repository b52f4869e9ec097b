"""Helpers for Pilot tests: wait for database work to finish, and read the screen as text."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable
from textual.worker import WorkerCancelled

from circlekeeper.db import Database, open_database

S = TypeVar("S", bound=Screen[object])


async def settle(pilot: Pilot[object], rounds: int = 40) -> None:
    """Wait until no worker is running and the message queues are drained.

    Database work runs in thread workers whose callbacks may start more workers (open → load page
    → load detail), so this repeats until a pass finds nothing running.
    """
    app = pilot.app
    for _ in range(rounds):
        running = [worker for worker in app.workers if worker.is_running]
        if not running:
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers) and tables_measured(app):
                return
            continue
        with contextlib.suppress(WorkerCancelled):  # superseded by a newer read: done too
            await app.workers.wait_for_complete(running)
        await pilot.pause()
    raise AssertionError("workers did not settle")


def tables_measured(app: App[object]) -> bool:
    """Whether every DataTable on screen has measured the rows added to it: a DataTable sizes
    its columns when it next goes idle, and draws new cells in the old widths until then."""
    return not any(
        table._require_update_dimensions or table._updated_cells
        for table in app.screen.query(DataTable)
    )


def drawn_words(widget: Widget) -> str:
    """Everything `widget` draws, scrolled into view or not, without whitespace (so that where
    a long name wraps the lines does not matter)."""
    width, height = widget.outer_size
    lines = widget.render_lines(Region(0, 0, width, height))
    return "".join("".join(strip.text for strip in lines).split())


def screen_text(app: App[object]) -> str:
    """Everything the terminal shows right now, as plain text (what a user would read)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text(styles=False)


async def open_by_key(pilot: Pilot[object], key: str, kind: type[S]) -> S:
    """Wait for the app's work to settle, press `key`, wait again, and return the screen it
    opened (which must be a `kind`)."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), type(screen)
    return screen


@contextlib.contextmanager
def reopened(db_path: Path) -> Iterator[Database]:
    """The test database opened again after the app closed it, to check what was stored."""
    check = open_database(db_path)
    try:
        yield check
    finally:
        check.close()

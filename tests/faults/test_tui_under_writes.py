"""Fault: the TUI stays open on a file while another process writes 1,000 times.

The real app runs on a file database and keeps refreshing its dashboard (F5) while a separate
process adds 1,000 members, one transaction each as `circlekeeper member add` does. Nothing
reports a locked database, neither the TUI nor the writer; after a refresh the TUI shows the new
members; and the -wal file stays small, so checkpoints still happen while the TUI reads.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.worker import Worker, WorkerState

from circlekeeper.db import Database
from circlekeeper.services import members
from circlekeeper.tui import app as app_module
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.dashboard import DashboardScreen
from tests.faults.helpers import cli_env
from tests.tui.conftest import seed
from tests.tui.helpers import screen_text, settle

WRITES = 1000
WAL_LIMIT = 14 * 1024 * 1024
"""The -wal file is checkpointed and restarted at about 4 MiB (1,000 pages), and under load a
checkpoint can miss a turn (8.7 MB seen in CI); were a reader to pin it, 1,000 writes would grow
it to about 22-30 MiB."""

WRITER = """
import sys
from pathlib import Path
from circlekeeper.db import open_database
from circlekeeper.models import MemberCreate
from circlekeeper.services import members

db = open_database(Path(sys.argv[1]))
for number in range(int(sys.argv[2])):
    handle = f"writer{number:04d}"
    members.add_member(db, data=MemberCreate(name=f"Writer {number:04d}", handle=handle))
db.close()
"""
"""What 1,000 runs of `circlekeeper member add` do, without 1,000 interpreter start-ups."""


class WatchedApp(CircleKeeperApp):
    """The real app, remembering every notification and every failed worker."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.told: list[str] = []
        self.failed: list[str] = []

    def notify(self, message: Any, *args: Any, **options: Any) -> None:
        self.told.append(str(message))
        super().notify(message, *args, **options)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.failed.append(repr(event.worker.error))


def wal_size(path: Path) -> int:
    """The size of the database's -wal file (0 when there is none)."""
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.slow
async def test_the_tui_reads_on_while_another_process_writes(db: Database) -> None:
    seed(db)
    before = members.count_members(db)
    db.close()
    app = WatchedApp(db_path=db.path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert f"{before:,} active members" in screen_text(app)
        writer = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WRITER,
            str(db.path),
            str(WRITES),
            stderr=asyncio.subprocess.PIPE,
            env=cli_env(),
        )
        waiting = asyncio.ensure_future(writer.communicate())
        refreshes = 0
        largest_wal = 0
        while not waiting.done():
            await pilot.press("f5")
            await settle(pilot)
            refreshes += 1
            largest_wal = max(largest_wal, wal_size(db.path))
        _, errors = await waiting
        largest_wal = max(largest_wal, wal_size(db.path))
        await pilot.press("f5")
        await settle(pilot)
        shown = screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        listed = screen_text(app)

    assert writer.returncode == 0, errors.decode()
    assert refreshes > 1  # the dashboard was read again and again while the writes landed
    everything = "\n".join([*app.told, *app.failed, errors.decode()]).lower()
    assert "locked" not in everything
    assert "another circlekeeper is writing" not in everything
    assert app.failed == []
    assert f"{before + WRITES:,} active members" in shown
    assert f"{before + WRITES:,} members" in listed
    assert largest_wal < WAL_LIMIT, f"the -wal file grew to {largest_wal:,} bytes"

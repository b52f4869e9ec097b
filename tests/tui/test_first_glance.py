"""The TUI's fast start: the dashboard's first figures come from plain sqlite3 (`db.glance`) and
are painted before the data stack is imported and the database opened; then the whole dashboard."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.pilot import Pilot

from circlekeeper.db import Database
from circlekeeper.db.glance import Glance, first_glance
from circlekeeper.services.dashboard import dashboard
from circlekeeper.tui import app as tui_app
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.dashboard import DashboardScreen
from tests.tui.helpers import screen_text, settle

if TYPE_CHECKING:
    from circlekeeper.services.workspace import OpenedWorkspace

SIZE = (160, 50)


class GatedApp(CircleKeeperApp):
    """The real app whose database opening waits for the test, recording what the dashboard
    announced."""

    CSS_PATH = Path(tui_app.__file__).with_name("app.tcss")  # relative to the class's module

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path=db_path)
        self.gate = threading.Event()
        self.shown: list[bool] = []
        self.glanced = asyncio.Event()

    def _open(self) -> OpenedWorkspace:
        self.gate.wait(timeout=20)
        return super()._open()

    def on_dashboard_screen_figures_shown(self, event: DashboardScreen.FiguresShown) -> None:
        self.shown.append(event.complete)
        self.glanced.set()


def test_the_glance_counts_what_the_dashboard_counts(sample_db: Database, db_path: Path) -> None:
    found = dashboard(sample_db)
    assert found.active_members > 0
    assert found.active_circles > 0
    assert found.sessions
    assert first_glance(db_path) == Glance(
        active_members=found.active_members,
        active_circles=found.active_circles,
        week_sessions=len(found.sessions),
    )


def test_no_glance_without_a_circlekeeper_database(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_bytes(b"not a database at all" * 10)
    assert first_glance(tmp_path / "missing.db") is None
    assert first_glance(other) is None
    assert first_glance(None) is None
    assert other.read_bytes() == b"not a database at all" * 10
    assert not (tmp_path / "missing.db").exists()


async def test_real_figures_show_before_the_database_opens_then_the_whole_dashboard(
    sample_db: Database, db_path: Path
) -> None:
    expected = dashboard(sample_db)
    sample_db.close()
    app = GatedApp(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.glanced.wait(), timeout=20)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert app.shown == [False]
        assert not app.db_ready
        assert app.db is None
        assert screen.shown is None
        text = screen_text(app)
        assert f"{expected.active_members:,} active members" in text
        assert f"{expected.active_circles:,} active circles" in text
        assert f"{len(expected.sessions)} sessions this week" in text
        assert "checking what needs attention…" in text
        app.gate.set()
        await settle(pilot)
        assert app.shown == [False, True]
        assert screen.shown is not None
        text = screen_text(app)
        assert f"{len(expected.alerts)} alerts" in text
        assert "checking what needs attention" not in text
        assert expected.alerts[0].title in text


@pytest.mark.slow
def test_the_app_and_the_glance_import_no_data_stack() -> None:
    """The first screen is built from textual and stdlib sqlite3 only: SQLAlchemy, SQLModel and
    pydantic (about a second) are imported after it has been painted."""
    code = (
        "import sys; import circlekeeper.tui.app, circlekeeper.db.glance; "
        "print(sorted({'sqlalchemy', 'sqlmodel', 'pydantic'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


async def all_but_the_alerts_done(app: CircleKeeperApp, pilot: Pilot[object]) -> None:
    """Wait until the dashboard's alerts worker has started (it is held back by the test) and
    every other worker has finished (the week's among them: both start together)."""
    for _ in range(200):
        alerts = [w for w in app.workers if w.group == "dashboard-alerts" and w.is_running]
        others = [w for w in app.workers if w.group != "dashboard-alerts" and w.is_running]
        if others:
            await app.workers.wait_for_complete(others)
        await pilot.pause()
        if alerts and not others:
            return
    raise AssertionError("the dashboard's alerts worker never started")


async def test_the_week_shows_while_the_alerts_are_still_being_worked_out(
    sample_db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alerts take seconds in a large community: the week's sessions, the attendance and
    the counts are painted as soon as they are read, and the alerts follow."""
    from circlekeeper.services import dashboard as service

    expected = dashboard(sample_db)
    sample_db.close()
    gate = threading.Event()
    real = service.ranked_alerts

    def gated(*args: object, **kwargs: object) -> object:
        gate.wait(timeout=20)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "ranked_alerts", gated)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await all_but_the_alerts_done(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        text = screen_text(app)
        assert expected.sessions[0].circle_name in text
        assert "Attendance, 12 weeks: latest" in text
        assert "checking what needs attention…" in text
        assert expected.alerts[0].title not in text
        assert screen.shown is None
        gate.set()
        await settle(pilot)
        text = screen_text(app)
        assert f"{len(expected.alerts)} alerts" in text
        assert expected.alerts[0].title in text
        assert screen.shown == expected

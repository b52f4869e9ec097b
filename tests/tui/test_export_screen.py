"""Pilot tests of the Export screen: the audience always on show, the facilitator warning, a
preview that holds only what the audience may read, save to a file."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Select, Static

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.export.markdown_text import line_count
from circlekeeper.services import circles
from circlekeeper.services.incidents import add_incident
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens import export as export_screen
from circlekeeper.tui.screens.export import ExportScreen
from tests.tui.helpers import open_by_key, screen_text, settle

SIZE = (160, 50)
CANARY = "zq-CANARY-export-91"


def _problem(screen: ExportScreen) -> str:
    """What the screen says is keeping the report from being built."""
    return str(screen.query_one("#export-problem", Static).content)


async def test_audience_decides_what_the_preview_holds_and_save_writes_it(
    sample_db: Database, db_path: Path, tmp_path: Path
) -> None:
    db = sample_db
    add_incident(
        db,
        summary=f"harm {CANARY}",
        circle_ref=1,
        occurred_on=clock.today() - dt.timedelta(days=3),
    )
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "e", ExportScreen)
        text = screen_text(app)
        assert "Audience: the whole community" in text
        assert "Community digest" in text
        assert CANARY not in screen.text
        screen.query_one("#report", Select).value = "facilitator"
        await settle(pilot)
        assert "holds private notes and incidents: choose the facilitators-only" in _problem(screen)
        assert screen.text == ""
        screen.query_one("#audience", Select).value = "facilitator"
        await settle(pilot)
        text = screen_text(app)
        assert "FACILITATORS ONLY" in text
        assert CANARY in screen.text
        assert "Confidential — for facilitators only" in screen.text
        target = tmp_path / "out" / "facilitators.md"
        await pilot.press("ctrl+s")
        await settle(pilot)
        answer = app.screen.query_one("#answer", Input)
        answer.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == screen.text
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert CANARY in screen_text(app)
        screen.query_one("#audience", Select).value = "circle"
        await settle(pilot)
        assert "holds private notes and incidents" in _problem(screen)
        assert CANARY not in screen_text(app)
        screen.query_one("#audience", Select).value = "community"
        screen.query_one("#report", Select).value = "circle"
        await settle(pilot)
        assert _problem(screen) == (
            "Type a circle's name or id in the Circle field (the circle summarised)."
        )
        await pilot.click("#circle")
        await pilot.press(*"1")
        await settle(pilot)
        assert "Circle summary" in screen.text
        assert CANARY not in screen.text


async def test_the_circle_audience_names_its_circle_with_completion_and_copies(
    sample_db: Database, db_path: Path
) -> None:
    db = sample_db
    first = circles.get_circle(db, ref=1).name
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "e", ExportScreen)
        field = screen.query_one("#circle", Input)
        assert field.disabled
        assert "Circle: not needed" in screen_text(app)
        screen.query_one("#audience", Select).value = "circle"
        await settle(pilot)
        assert not field.disabled
        assert "the circle reading it" in screen_text(app)
        assert "one circle's members" in screen_text(app)
        assert _problem(screen) == (
            "Type a circle's name or id in the Circle field (the circle reading it)."
        )
        assert screen.text == ""
        await pilot.click("#circle")
        await pilot.press(*first[:4].lower(), "right")
        await settle(pilot)
        assert field.value == first
        assert screen.text.startswith("# Community digest")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.clipboard == screen.text
        screen.query_one("#report", Select).value = "facilitator"
        screen.query_one("#audience", Select).value = "facilitator"
        await settle(pilot)
        assert field.disabled
        assert "Confidential — for facilitators only" in screen.text


async def test_a_long_report_previews_its_first_lines_and_copies_all_of_it(
    sample_db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_screen, "PREVIEW_LINES", 30)
    sample_db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "e", ExportScreen)
        preview = screen.query_one("#export-preview", Markdown)
        total = line_count(screen.text)
        shown = line_count(preview.source)
        assert total > 30 >= shown > 0
        assert screen.text.startswith(preview.source)
        assert f"… and {total - shown:,} more lines in the report" in screen_text(app)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.clipboard == screen.text
        screen.query_one("#report", Select).value = "recognition"
        await settle(pilot)
        assert line_count(screen.text) <= 30
        assert preview.source == screen.text
        assert "more lines in the report" not in screen_text(app)


async def test_a_copy_too_large_for_many_terminals_says_so_and_points_to_save(
    sample_db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy above COPY_WARN_BYTES still goes to the clipboard, with a warning that many
    terminals drop it and that ctrl+s saves instead; a small one just says how many lines."""
    sample_db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "e", ExportScreen)
        await pilot.press("ctrl+y")
        await settle(pilot)
        small = [note.message for note in app._notifications]
        assert small == [f"Copied {line_count(screen.text):,} lines of Markdown."]
        app.clear_notifications()
        monkeypatch.setattr(export_screen, "COPY_WARN_BYTES", len(screen.text.encode()) - 1)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.clipboard == screen.text
        [large] = list(app._notifications)
        assert large.severity == "warning"
        assert "Many terminals drop clipboard text this large" in large.message
        assert "ctrl+s saves it to a file" in large.message


async def test_escape_leaves_a_text_field_so_screen_keys_work_again(
    sample_db: Database, db_path: Path
) -> None:
    from textual.containers import VerticalScroll

    from circlekeeper.tui.screens.members import MembersScreen

    sample_db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "e", ExportScreen)
        field = screen.query_one("#from", Input)
        field.focus()
        await pilot.press("end", "m")
        assert field.value.endswith("m")
        await pilot.press("backspace", "escape")
        assert isinstance(app.focused, VerticalScroll)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)

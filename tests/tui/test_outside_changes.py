"""The screen on show reads again by itself when another program (the CLI in another terminal)
commits, and at once on F5; when nothing changed, or the change was the app's own and announced,
it does not."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from circlekeeper.db import open_database
from circlekeeper.models import MemberCreate
from circlekeeper.services import members
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.members import MembersScreen
from tests.tui.helpers import screen_text, settle

SIZE = (150, 45)


def add_elsewhere(path: Path, name: str, handle: str) -> None:
    """Add a member through a connection of its own, as `circlekeeper member add` would."""
    other = open_database(path)
    try:
        members.add_member(other, data=MemberCreate(name=name, handle=handle))
    finally:
        other.close()


async def show_members(pilot: Pilot[object]) -> None:
    """Wait for the database to open, then show the Members screen with its rows."""
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MembersScreen)


async def test_a_commit_by_another_program_shows_without_a_key(
    seeded_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CircleKeeperApp, "change_poll_s", 0.05)
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await show_members(pilot)
        noticed = asyncio.Event()
        app.watch(app, "data_version", lambda _: noticed.set(), init=False)

        add_elsewhere(seeded_path, "Zed Outsider", "@zed")
        await asyncio.wait_for(noticed.wait(), timeout=10)
        await settle(pilot)

        assert "Zed Outsider" in screen_text(app)


async def test_f5_shows_what_another_program_wrote_meanwhile_at_once(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await show_members(pilot)
        add_elsewhere(seeded_path, "Zed Written Elsewhere", "zed")
        await settle(pilot)
        assert "Zed Written Elsewhere" not in screen_text(app)
        await pilot.press("f5")
        await settle(pilot)
        assert "Zed Written Elsewhere" in screen_text(app)
        assert "Refresh" in screen_text(app)


async def test_no_reread_without_a_change_nor_for_an_announced_one(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await show_members(pilot)
        version = app.data_version

        app._notice_outside_changes()
        assert app.data_version == version

        assert app.db is not None
        members.add_member(app.db, data=MemberCreate(name="Yara Insider", handle="@yara"))
        app.data_changed()
        await settle(pilot)
        app._notice_outside_changes()
        assert app.data_version == version + 1

        add_elsewhere(seeded_path, "Zed Outsider", "@zed")
        app._notice_outside_changes()
        await settle(pilot)
        app._notice_outside_changes()
        assert app.data_version == version + 2
        assert "Zed Outsider" in screen_text(app)

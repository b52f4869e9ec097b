"""Escape on a form: it closes at once when nothing was typed, and asks before discarding typing."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from circlekeeper.db import Database
from circlekeeper.models import MemberCreate
from circlekeeper.services import incidents, members
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.dialogs import ConfirmScreen
from circlekeeper.tui.screens.incident_form import IncidentFormScreen
from circlekeeper.tui.screens.member_form import MemberFormScreen
from circlekeeper.tui.screens.members import MembersScreen
from tests.tui.helpers import open_by_key, reopened, screen_text, settle

SIZE = (140, 44)


async def test_escape_after_typing_asks_and_no_keeps_the_text(db: Database, db_path: Path) -> None:
    members.add_member(db, data=MemberCreate(name="Ana Lima", email="ana@x.org"))
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_key(pilot, "m", MembersScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        await pilot.press(*"Bea")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard what you typed?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MemberFormScreen)
        assert form.query_one("#name", Input).value == "Bea"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
    with reopened(db_path) as check:
        assert [m.name for m in members.list_members(check).items] == ["Ana Lima"]


async def test_escape_on_an_untouched_or_restored_form_closes_at_once(
    db: Database, db_path: Path
) -> None:
    members.add_member(db, data=MemberCreate(name="Ana Lima", email="ana@x.org"))
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_key(pilot, "m", MembersScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        assert app.screen.query_one("#name", Input).value == "Ana Lima"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("end", "x", "backspace", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)


async def test_an_incident_account_survives_a_stray_escape(db: Database, db_path: Path) -> None:
    members.add_member(db, data=MemberCreate(name="Ana Lima", email="ana@x.org"))
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen)
        area = form.query(TextArea).first()
        area.focus()
        await pilot.press(*"it happened", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert area.text == "it happened"
    with reopened(db_path) as check:
        assert incidents.list_incidents(check) == []

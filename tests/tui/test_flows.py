"""Pilot tests of first run, failures and the seat limit, end to end through the real screens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from circlekeeper.db import Database, open_database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.circles import CirclesScreen
from circlekeeper.tui.screens.dashboard import DashboardScreen
from circlekeeper.tui.screens.dialogs import MessageScreen, PromptScreen
from circlekeeper.tui.screens.member_form import MemberFormScreen
from circlekeeper.tui.screens.members import MembersScreen
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.welcome import WelcomeScreen
from circlekeeper.tui.widgets.paged_table import PagedTable
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import screen_text, settle

SIZE = (140, 40)


async def test_a_new_database_greets_and_loads_the_sample_community(db_path: Path) -> None:
    app = CircleKeeperApp(db_path=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "Welcome to circlekeeper" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "active members" in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        table = app.screen.query_one(PagedTable)
        assert table.total > 50, [str(n.message) for n in app._notifications]
        assert "[b]Bo[/b]" in screen_text(app)


async def test_start_empty_leaves_the_database_empty() -> None:
    app = CircleKeeperApp(db_path=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "Nothing needs you this week." in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert "No members yet" in screen_text(app)
        assert app.screen.query_one(PagedTable).total == 0


async def test_a_file_that_is_not_a_database_is_explained_not_crashed(tmp_path: Path) -> None:
    stranger = tmp_path / "notes.db"
    stranger.write_text("name,email\nAna,ana@example.org\n", encoding="utf-8")
    before = stranger.read_bytes()
    app = CircleKeeperApp(db_path=stranger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MessageScreen)
        assert "not a circlekeeper database" in screen_text(app)
        await pilot.press("enter")
    assert app.return_code == 1
    assert stranger.read_bytes() == before


def _full_circle(db: Database) -> None:
    circles.create_circle(db, data=CircleCreate(name="Ten Seats", max_size=10))
    for index in range(11):
        members.add_member(
            db, data=MemberCreate(name=f"Person {index:02d}", email=f"p{index}@example.org")
        )
        if index < 10:
            circles.add_member_to_circle(
                db, circle_ref="Ten Seats", member_ref=f"p{index}@example.org"
            )


async def test_the_eleventh_member_is_refused_with_the_circle_and_its_limit(
    db: Database, db_path: Path
) -> None:
    _full_circle(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert "10 of 10 taken" in screen_text(app)
        await pilot.press("plus")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert "10 of 10 seats taken" in screen_text(app)
        app.screen.query_one("#picker-search", Input).value = "Person 10"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("'Ten Seats' is full: 10 of 10 seats taken" in m for m in messages), messages
    check = open_database(db_path)
    try:
        assert circles.get_circle(check, ref="Ten Seats").size == 10
    finally:
        check.close()


async def test_hostile_names_pass_through_circle_pane_picker_form_and_notices(
    db: Database, db_path: Path
) -> None:
    from circlekeeper.text import clean_text

    circles.create_circle(db, data=CircleCreate(name="[b]Loud[/b] circle", max_size=10))
    for index, name in enumerate(HOSTILE_NAMES):
        members.add_member(db, data=MemberCreate(name=name, handle=f"h{index}"))
        circles.add_member_to_circle(db, circle_ref="[b]Loud[/b] circle", member_ref=f"h{index}")
    db.close()
    shown = [clean_text(name) for name in HOSTILE_NAMES]
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        text = screen_text(app)
        assert "[b]Loud[/b] circle" in text
        for name in shown:
            assert name[:30] in text, name
        await pilot.press("plus")
        await settle(pilot)
        picker_text = screen_text(app)
        for name in shown:
            assert name[:20] in picker_text, name
        await pilot.press("escape")
        await pilot.press("enter")
        await settle(pilot)
        assert "Edit [b]Loud[/b] circle" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any(str(n.message) == "Saved [b]Loud[/b] circle." for n in app._notifications)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        name_value = app.screen.query_one("#name", Input).value
        assert name_value in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, MembersScreen)


async def test_pausing_a_paused_member_offers_their_date_and_moves_it(
    db: Database, db_path: Path
) -> None:
    ana = members.add_member(db, data=MemberCreate(name="Ana Lima", email="ana@example.org"))
    members.pause_member(db, ref=ana.id, until=dt.date(2027, 1, 1))
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert "Ana Lima is paused until 2027-01-01 — move the date" in screen_text(app)
        field = app.screen.query_one(Input)
        assert field.value == "2027-01-01"
        await pilot.press("enter")
        await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "already paused until 2027-01-01" in messages
        await pilot.press("p")
        await settle(pilot)
        field = app.screen.query_one(Input)
        field.value = "2027-02-01"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
    check = open_database(db_path)
    try:
        assert members.get_member(check, ref=ana.id).paused_until == dt.date(2027, 2, 1)
    finally:
        check.close()

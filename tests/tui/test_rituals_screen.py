"""Rituals in the TUI: write one, give a circle a default ritual, use another for one session."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, TextArea

from circlekeeper.db import Database, open_database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members, rituals, sessions
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.circle_form import CircleFormScreen
from circlekeeper.tui.screens.ritual_form import RitualFormScreen
from circlekeeper.tui.screens.rituals import RitualsScreen
from circlekeeper.tui.screens.sessions import SessionsScreen
from tests.tui.helpers import screen_text, settle

SIZE = (140, 44)


async def test_write_a_ritual_in_the_tui(db: Database, db_path: Path) -> None:
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("s", "i")
        await settle(pilot)
        assert isinstance(app.screen, RitualsScreen)
        assert "Rose · Bud · Thorn" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RitualFormScreen)
        app.screen.query_one("#name", Input).value = "Highs and lows"
        app.screen.query_one("#prompts", TextArea).text = "A high\nA low\n\n"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RitualsScreen)
        assert "Highs and lows" in screen_text(app)
    check = open_database(db_path)
    try:
        mine = rituals.get_ritual(check, ref="highs and lows")
        assert mine.prompts == ["A high", "A low"]
        assert not mine.builtin
    finally:
        check.close()


async def test_a_circle_gets_a_default_ritual_from_its_form(db: Database, db_path: Path) -> None:
    circles.create_circle(db, data=CircleCreate(name="Builders", weekday="tue"))
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CircleFormScreen)
        select = app.screen.query_one("#ritual_id", Select)
        check = open_database(db_path)
        try:
            peer = rituals.get_ritual(check, ref="Peer-support round")
        finally:
            check.close()
        select.value = peer.id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Ritual: Peer-support round" in screen_text(app)
    check = open_database(db_path)
    try:
        assert circles.get_circle(check, ref="Builders").ritual_name == "Peer-support round"
    finally:
        check.close()


async def test_one_session_can_use_another_ritual(db: Database, db_path: Path) -> None:
    circles.create_circle(
        db, data=CircleCreate(name="Builders", weekday="tue", meeting_time="18:00")
    )
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    sessions.plan_sessions(db, circle_ref="Builders", count=2)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
    check = open_database(db_path)
    try:
        first, second = sessions.list_sessions(check, circle_ref="Builders")
        assert first.ritual_name is not None
        assert second.ritual_name is None
    finally:
        check.close()

"""Cancelling a session on the Sessions screen and bringing it back, by keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, SessionStatus
from circlekeeper.services import circles, sessions
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.dialogs import ChoiceScreen, PromptScreen
from circlekeeper.tui.screens.sessions import SessionsScreen
from tests.tui.helpers import reopened, screen_text, settle

SIZE = (140, 40)


async def test_x_cancels_with_a_reason_and_x_again_restores(db: Database, db_path: Path) -> None:
    circles.create_circle(
        db, data=CircleCreate(name="[b]Builders[/b]", weekday="tue", meeting_time="18:00")
    )
    sessions.plan_sessions(db, circle_ref="[b]Builders[/b]", count=2)
    first = sessions.list_sessions(db, circle_ref="[b]Builders[/b]")[0]
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "public holiday"
        await pilot.press("enter")
        await settle(pilot)
        assert "public holiday" in screen_text(app)
        assert "Press x to restore it as planned." in screen_text(app)
        with reopened(db_path) as check:
            assert sessions.get_session(check, session_id=first.id).status == "cancelled"
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert "[b]Builders[/b]" in screen_text(app)
        assert "was cancelled (public holiday)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert "is planned again" in "\n".join(str(n.message) for n in app._notifications)
    with reopened(db_path) as check:
        back = sessions.get_session(check, session_id=first.id)
        assert (back.status, back.reason) == (SessionStatus.PLANNED, "")


async def test_escape_keeps_a_cancelled_session_cancelled(db: Database, db_path: Path) -> None:
    circles.create_circle(db, data=CircleCreate(name="Builders", weekday="tue"))
    sessions.plan_sessions(db, circle_ref="Builders", count=1)
    [first] = sessions.list_sessions(db, circle_ref="Builders")
    sessions.set_session_status(
        db, session_id=first.id, status=SessionStatus.CANCELLED, reason="snow"
    )
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")
        await settle(pilot)
    with reopened(db_path) as check:
        assert sessions.get_session(check, session_id=first.id).status == SessionStatus.CANCELLED

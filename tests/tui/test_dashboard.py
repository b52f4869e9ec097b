"""Pilot tests of the Dashboard (the first screen), the Health screen and the Incidents screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, TextArea

from circlekeeper.db import Database, open_database
from circlekeeper.models import CircleCreate, CircleStatus, MemberCreate
from circlekeeper.services import circles, members
from circlekeeper.services.incidents import list_incidents
from circlekeeper.text import clean_text
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.circles import CirclesScreen
from circlekeeper.tui.screens.dashboard import DashboardScreen
from circlekeeper.tui.screens.health import HealthScreen
from circlekeeper.tui.screens.incidents import IncidentsScreen
from circlekeeper.tui.widgets.paged_table import PagedTable
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import screen_text, settle

SIZE = (160, 50)


async def test_the_dashboard_lists_a_fading_sample_circle_and_enter_opens_it(
    sample_db: Database, db_path: Path
) -> None:
    db = sample_db
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.shown is not None
        fading = [a for a in screen.shown.alerts if a.kind == "circle"]
        assert fading, "the sample community has a fading circle"
        alert = fading[0]
        assert alert.title in screen_text(app)
        table = screen.query_one(PagedTable)
        while table.highlighted is None or table.highlighted.data != alert:
            await pilot.press("down")
            await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HealthScreen)
        highlighted = app.screen.query_one(PagedTable).highlighted
        assert highlighted is not None
        assert highlighted.key == alert.target_id
        text = screen_text(app)
        name = alert.title.removesuffix(" is fading").removesuffix(" is dormant")
        assert f"{name} — fading" in text or f"{name} — dormant" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
        assert app.screen.query_one(PagedTable).highlighted.key == alert.target_id  # type: ignore[union-attr]


async def test_hostile_names_show_as_typed_on_dashboard_and_health(
    db: Database, db_path: Path
) -> None:
    for index, name in enumerate(HOSTILE_NAMES):
        members.add_member(db, data=MemberCreate(name=name, handle=f"h{index}"))
    circles.create_circle(db, data=CircleCreate(name="[b]Loud[/b] circle", min_size=4, max_size=9))
    circles.set_circle_status(db, ref="[b]Loud[/b] circle", status=CircleStatus.ACTIVE)
    circles.add_member_to_circle(db, circle_ref="[b]Loud[/b] circle", member_ref="h0")
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[b]Loud[/b] circle is fading" in text
        for name in HOSTILE_NAMES[1:]:
            assert f"{clean_text(name)[:18]}" in text, name
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HealthScreen)
        assert "[b]Loud[/b] circle" in screen_text(app)
        assert app.is_running


async def test_incidents_open_on_purpose_record_and_resolve(db: Database, db_path: Path) -> None:
    members.add_member(db, data=MemberCreate(name="[@click=app.quit]Eve", handle="eve"))
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Incident" not in screen_text(app)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        assert "Confidential" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#summary", TextArea).text = "Canary-7 said something hurtful"
        app.screen.query_one("#people", Input).value = "@eve"
        app.screen.query_one("#occurred_on", Input).value = str(dt.date(2026, 10, 20))
        app.screen.query_one("#follow_up_on", Input).value = str(dt.date(2026, 11, 1))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        text = screen_text(app)
        assert "Canary-7 said something hurtful" in text
        assert "[@click=app.quit]Eve" in text
        assert "overdue" in text
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press(*"talked it through", "enter")
        await settle(pilot)
        assert app.is_running
    check = open_database(db_path)
    try:
        [incident] = list_incidents(check, include_resolved=True)
    finally:
        check.close()
    assert incident.summary == "Canary-7 said something hurtful"
    assert [p.name for p in incident.people] == ["[@click=app.quit]Eve"]
    assert (str(incident.status), incident.resolution) == ("resolved", "talked it through")

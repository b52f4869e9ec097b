"""Pilot tests of the Health screen's filter (`f`) and name search (`/`): the rows on show, the
count line and the empty table all say what is filtered; a dashboard alert opens its circle even
when a filter hides it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, CircleStatus
from circlekeeper.services import circles
from circlekeeper.services.health import circle_health
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.health import FILTERS, HealthScreen
from circlekeeper.tui.widgets.paged_table import PagedTable
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import open_by_key, screen_text, settle

SIZE = (160, 50)


def listed(screen: HealthScreen) -> list[int]:
    """The circle ids in the table, in order."""
    table = screen.query_one(PagedTable)
    rows = [table.row_at(index) for index in range(table.total)]
    assert all(row is not None for row in rows), "every row of a short list is loaded"
    return [row.key for row in rows if row is not None]


async def test_f_shows_one_status_at_a_time_and_comes_back_to_all(
    sample_db: Database, db_path: Path
) -> None:
    judged = circle_health(sample_db)
    sample_db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "h", HealthScreen)
        assert sorted(listed(screen)) == sorted(h.circle_id for h in judged)
        for status in FILTERS[1:]:
            await pilot.press("f")
            await settle(pilot)
            wanted = {h.circle_id for h in judged if str(h.status) == status}
            assert set(listed(screen)) == wanted, status
            text = screen_text(app)
            assert f"{len(wanted)} of {len(judged)} circles, only {status}" in text
            if not wanted:
                assert f"No {status} circles — f shows another status" in text
        await pilot.press("f")
        await settle(pilot)
        assert len(listed(screen)) == len(judged)
        assert f"{len(judged)} circles: " in screen_text(app)


async def test_search_finds_circles_by_name_as_typed_and_escape_clears_it(
    db: Database, db_path: Path
) -> None:
    """Hostile circle names are found by what was typed and shown literally, in the rows and in
    the count line; a search that finds nothing says so."""
    for name in HOSTILE_NAMES:
        circles.create_circle(db, data=CircleCreate(name=name, min_size=2, max_size=9))
        circles.set_circle_status(db, ref=name, status=CircleStatus.ACTIVE)
    judged = circle_health(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "h", HealthScreen)
        for found in judged:
            await pilot.press("slash")
            box = screen.query_one("#search", Input)
            box.value = found.name
            await pilot.press("enter")
            await settle(pilot)
            shown = listed(screen)
            assert found.circle_id in shown, found.name
            assert all(
                found.name.casefold() in h.name.casefold() for h in judged if h.circle_id in shown
            )
            assert f"matching {found.name!r}" in screen_text(app)
        await pilot.press("slash")
        screen.query_one("#search", Input).value = "no such circle"
        await pilot.press("enter")
        await settle(pilot)
        assert listed(screen) == []
        assert "No circles match 'no such circle' — escape clears the search" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(listed(screen)) == len(judged)
        assert app.is_running


async def test_an_alert_opens_its_circle_even_when_the_filter_hides_it(
    sample_db: Database, db_path: Path
) -> None:
    judged = circle_health(sample_db)
    sample_db.close()
    target = next(h for h in judged if str(h.status) in ("fading", "dormant"))
    hiding = next(index for index, s in enumerate(FILTERS) if s and s != str(target.status))
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_by_key(pilot, "h", HealthScreen)
        for _ in range(hiding):
            await pilot.press("f")
        await settle(pilot)
        assert target.circle_id not in listed(screen)
        await pilot.press("d")
        await settle(pilot)
        await app.open_target("health", target.circle_id)
        await settle(pilot)
        assert app.screen is screen
        highlighted = screen.query_one(PagedTable).highlighted
        assert highlighted is not None
        assert highlighted.key == target.circle_id
        assert len(listed(screen)) == len(judged)

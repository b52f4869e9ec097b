"""Pilot tests of the app: keys open screens, forms write to the database, refusals explain."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from circlekeeper.db import open_database
from circlekeeper.services import circles, members
from circlekeeper.text import clean_text
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.circles import CirclesScreen
from circlekeeper.tui.screens.dashboard import DashboardScreen
from circlekeeper.tui.screens.help import HelpScreen
from circlekeeper.tui.screens.member_form import MemberFormScreen
from circlekeeper.tui.screens.members import MembersScreen
from circlekeeper.tui.widgets.paged_table import PagedTable
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import screen_text, settle

SIZE = (140, 40)


async def test_dashboard_opens_first_and_keys_switch_screens(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert "Ana Lima" in screen_text(app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
        text = screen_text(app)
        assert "Tuesday Builders" in text
        assert "2/2" in text
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)


async def test_add_member_through_the_form_then_find_it_in_the_table(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        app.screen.query_one("#name", Input).value = "Zoë Newcomer"
        app.screen.query_one("#email", Input).value = "zoe@example.org"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert "Zoë Newcomer" in screen_text(app)
        highlighted = app.screen.query_one(PagedTable).highlighted
        assert highlighted is not None
        assert highlighted.cells[0] == "Zoë Newcomer"
        assert "zoe@example.org" in str(app.screen.query_one("#detail").render())
    db = open_database(seeded_path)
    try:
        found = members.get_member(db, ref="zoe@example.org")
        assert found.name == "Zoë Newcomer"
    finally:
        db.close()


async def test_form_shows_problems_as_you_type_and_refuses_to_save(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#email", Input).focus()
        await pilot.press(*"not-an-email")
        text = screen_text(app)
        assert "must look like name@example.org" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
    db = open_database(seeded_path)
    try:
        assert members.count_members(db) == 2 + len(HOSTILE_NAMES)
    finally:
        db.close()


async def test_adding_beyond_the_seat_limit_is_refused_with_the_reason(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        picker_search = app.screen.query_one("#picker-search", Input)
        picker_search.value = "Sunny"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("is full: 2 of 2 seats taken" in m for m in messages), messages
    db = open_database(seeded_path)
    try:
        assert circles.get_circle(db, ref="Tuesday Builders").size == 2
    finally:
        db.close()


async def test_stale_edit_is_refused_and_the_form_stays_open(seeded_path: Path) -> None:
    from circlekeeper.models import MemberUpdate

    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.highlighted is not None
        member_id = table.highlighted.key
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        other = open_database(seeded_path)
        try:
            members.edit_member(
                other, ref=member_id, changes=MemberUpdate(name="Changed in the CLI")
            )
        finally:
            other.close()
        app.screen.query_one("#name", Input).value = "Changed in the TUI"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        assert "changed elsewhere — reload" in screen_text(app)
    db = open_database(seeded_path)
    try:
        assert members.get_member(db, ref=member_id).name == "Changed in the CLI"
    finally:
        db.close()


async def test_hostile_names_show_literally_and_run_nothing(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        text = screen_text(app)
        for name in HOSTILE_NAMES:
            shown = clean_text(name)
            assert shown in text or shown[:20] in text, (shown, text)
        assert "[31m" not in text
        for _ in range(len(HOSTILE_NAMES) + 2):
            await pilot.press("down")
            await settle(pilot)
            assert app.is_running
            detail = screen_text(app)
            highlighted = table.highlighted
            assert highlighted is not None
            assert highlighted.cells[0] in detail
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        assert app.is_running


async def test_help_lists_every_key_of_the_screen(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=(SIZE[0], 60)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for description in (
            "Search",
            "New",
            "Open",
            "Pause",
            "Resume",
            "Leave",
            "Members",
            "Circles",
            "Quit",
        ):
            assert description in text, description
        assert text.index("Search") < text.index("Page down")
        assert text.index("Incidents") < text.index("Page down")
        await pilot.press("escape")
        assert isinstance(app.screen, MembersScreen)


async def test_search_filters_the_table(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"tz=emea")
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.total == 1
        assert "1 member matching 'tz=emea'" in screen_text(app)


async def test_a_search_that_finds_nothing_says_so(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, noun in (("m", "members"), ("c", "circles")):
            await pilot.press(key)
            await settle(pilot)
            assert "yet" in app.screen.query_one(PagedTable).empty_message
            await pilot.press("slash", *"[b]zq", "enter")
            await settle(pilot)
            assert f"No {noun} match '[b]zq' — escape clears the search" in screen_text(app)
            await pilot.press("slash", "escape")
            await settle(pilot)
            assert "match" not in app.screen.query_one(PagedTable).empty_message


async def test_an_older_database_is_announced_while_it_upgrades(seeded_path: Path) -> None:
    from circlekeeper.db.schema import SCHEMA_VERSION
    from tests.migration_helpers import step_back

    step_back(seeded_path)
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notices = [str(n.message) for n in app._notifications]
        assert [n for n in notices if n.startswith(f"upgrading {seeded_path.name} from schema")]
        await pilot.press("m")
        await settle(pilot)
        assert "Ana Lima" in screen_text(app)
    with open_database(seeded_path).read() as session:
        assert (
            session.connection().exec_driver_sql("PRAGMA user_version").scalar() == SCHEMA_VERSION
        )

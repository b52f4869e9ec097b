"""Pre-built screens: once the dashboard has loaded, Members, Circles, Health and Ambassadors are
built and filled in the background, show at once on their key, and read again when shown."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from circlekeeper.db import open_database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import ambassadors, circles, members
from circlekeeper.tui.app import PREBUILT_MODES, CircleKeeperApp
from circlekeeper.tui.screens.ambassadors import AmbassadorsScreen
from circlekeeper.tui.screens.health import HealthScreen
from circlekeeper.tui.screens.members import MembersScreen
from circlekeeper.tui.widgets.footer import KeyFooter
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import screen_text, settle

SIZE = (150, 45)
MEMBERS = 2 + len(HOSTILE_NAMES)


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """The pre-build freezes what is alive out of the cyclic collector; give it back after."""
    yield
    gc.unfreeze()


def base_screen(app: CircleKeeperApp, mode: str) -> Screen[Any] | None:
    """The base screen of `mode` if it has been built."""
    stack = app._screen_stacks.get(mode)
    return stack[0] if stack else None


def shown_rows(app: CircleKeeperApp, mode: str) -> int | None:
    """What the mode's screen says it holds (None when not built or not filled)."""
    screen = base_screen(app, mode)
    return None if screen is None else screen.shown_rows()  # type: ignore[attr-defined]


async def prebuilt(app: CircleKeeperApp, pilot: Pilot[object]) -> None:
    """Wait until the dashboard has loaded and every pre-build is done."""
    await settle(pilot)
    await app.workers.wait_for_complete()
    await settle(pilot)


async def test_screens_are_built_and_filled_after_the_dashboard(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path, prebuild=True)
    async with app.run_test(size=SIZE) as pilot:
        gc.unfreeze()
        await prebuilt(app, pilot)
        assert gc.get_freeze_count() > 0
        assert app.current_mode == "dashboard"
        assert {mode: shown_rows(app, mode) for mode in PREBUILT_MODES} == {
            "members": MEMBERS,
            "circles": 1,
            "health": 1,
            "ambassadors": 0,
        }
        members_screen = base_screen(app, "members")
        await pilot.press("m")
        assert app.screen is members_screen
        await pilot.pause()
        text = screen_text(app)
        assert "Ana Lima" in text
        assert f"{MEMBERS} members" in text
        for name in ("[b]Bo[/b]", "[@click=app.quit]Eve", "🌻 Sunny Okafor"):
            assert name in text, name
        assert app.is_running


async def test_without_prebuild_no_screen_is_built_before_its_key(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await prebuilt(app, pilot)
        assert [mode for mode in PREBUILT_MODES if base_screen(app, mode)] == []


async def test_a_change_made_elsewhere_after_the_prebuild_shows(seeded_path: Path) -> None:
    """Another program adds a member, a circle and an ambassador after the screens were filled:
    each screen shows the change when it is shown, with no F5."""
    app = CircleKeeperApp(db_path=seeded_path, prebuild=True)
    async with app.run_test(size=SIZE) as pilot:
        await prebuilt(app, pilot)
        other = open_database(seeded_path)
        try:
            members.add_member(other, data=MemberCreate(name="Zed Newcomer", handle="@zed"))
            circles.create_circle(
                other, data=CircleCreate(name="Friday Walkers", kind="cohort", min_size=2)
            )
            ambassadors.add_ambassador(other, member_ref="zed", focus=["[b]welcome[/b]"])
        finally:
            other.close()
        expected = {"members": MEMBERS + 1, "circles": 2, "health": 2, "ambassadors": 1}
        for key, mode, shown in (
            ("m", "members", "Zed Newcomer"),
            ("c", "circles", "Friday Walkers"),
            ("h", "health", "Friday Walkers"),
            ("a", "ambassadors", "[b]welcome[/b]"),
        ):
            screen = base_screen(app, mode)
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
            assert shown_rows(app, mode) == expected[mode], mode
            assert shown in screen_text(app), mode
            await pilot.press("d")
            await settle(pilot)


async def test_a_key_before_the_prebuild_builds_that_screen_on_demand(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path, prebuild=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        on_demand = app.screen
        assert isinstance(on_demand, MembersScreen)
        await prebuilt(app, pilot)
        assert base_screen(app, "members") is on_demand
        assert isinstance(base_screen(app, "health"), HealthScreen)
        assert isinstance(base_screen(app, "ambassadors"), AmbassadorsScreen)
        assert "Ana Lima" in screen_text(app)


async def test_the_footer_shows_the_keys_of_the_screen_and_of_the_focused_widget(
    seeded_path: Path,
) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        listed = [key.description for key in footer.keys]
        assert "Search" in listed
        assert "Pause" in listed
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert [key.description for key in footer.keys] == listed
        await pilot.press("slash")
        await settle(pilot)
        assert "Pause" not in [key.description for key in footer.keys]
        assert "Pause" not in screen_text(app).splitlines()[-1]


async def test_the_footer_reads_its_keys_when_the_app_asks_for_it(seeded_path: Path) -> None:
    """A pre-build asks from the app's context; the footer must read its own screen's keys."""
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        footer._items = None
        with app._context():
            footer.prepare()
        await settle(pilot)
        assert "Quit" in [key.description for key in footer.keys]
        assert "Quit" in screen_text(app)


async def press_each(pilot: Pilot[object], *keys: str) -> None:
    """Press `keys` one after another, letting the app settle after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_a_screen_shown_again_reads_only_when_the_database_changed(
    seeded_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing committed since the Health screen's last read: showing it again reads nothing
    (13,545 circles take a second to judge); a commit by another program, then one by this
    app, each make it read once more; a write the app announces reloads the screen on show at
    once and Health only when it is shown."""
    app = CircleKeeperApp(db_path=seeded_path, prebuild=True)
    async with app.run_test(size=SIZE) as pilot:
        await prebuilt(app, pilot)
        health = base_screen(app, "health")
        assert health is not None
        rereads: list[str] = []
        original = health.reread  # type: ignore[attr-defined]

        def counted() -> None:
            rereads.append(app.current_mode)
            original()

        monkeypatch.setattr(health, "reread", counted)
        await press_each(pilot, "h", "d", "h", "m", "h", "d")
        assert rereads == []
        other = open_database(seeded_path)
        try:
            circles.create_circle(
                other, data=CircleCreate(name="Friday Walkers", kind="cohort", min_size=2)
            )
        finally:
            other.close()
        await press_each(pilot, "h")
        assert len(rereads) == 1
        assert "Friday Walkers" in screen_text(app)
        await press_each(pilot, "d")
        assert app.db is not None
        circles.create_circle(
            app.db, data=CircleCreate(name="Saturday Readers", kind="cohort", min_size=2)
        )
        await press_each(pilot, "h")
        assert len(rereads) == 2
        assert "Saturday Readers" in screen_text(app)
        await press_each(pilot, "d", "h")
        assert len(rereads) == 2
        await press_each(pilot, "d")
        dashboard = app.screen
        before = (dashboard.shown, shown_rows(app, "health"))  # type: ignore[attr-defined]
        circles.create_circle(
            app.db, data=CircleCreate(name="Sunday Painters", kind="cohort", min_size=2)
        )
        app.data_changed()
        await settle(pilot)
        assert dashboard.shown is not before[0]  # type: ignore[attr-defined]
        assert shown_rows(app, "health") == before[1]
        await press_each(pilot, "h")
        assert len(rereads) == 3
        assert "Sunday Painters" in screen_text(app)
        assert shown_rows(app, "health") == before[1] + 1  # type: ignore[operator]
        await press_each(pilot, "d", "h")
        assert len(rereads) == 3

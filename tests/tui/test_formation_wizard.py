"""Pilot tests of the formation wizard: settings → proposal → swap → create, or nothing at all."""

from __future__ import annotations

import asyncio
import itertools
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar

from circlekeeper.db import Database, open_database
from circlekeeper.models import Circle, CircleCreate, CircleDetail, MemberCreate, Membership
from circlekeeper.services import circles, formation, members
from circlekeeper.text import clean_text
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.circles import CirclesScreen
from circlekeeper.tui.screens.formation_preview import FormationPreviewScreen
from circlekeeper.tui.screens.formation_setup import FormationSetupScreen
from circlekeeper.tui.widgets.paged_table import PagedTable
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import drawn_words, screen_text, settle

SIZE = (150, 50)
NAMES = ("Ana Lima", "Bea Costa", *HOSTILE_NAMES)


def seed_pool(db: Database) -> tuple[list[int], set[frozenset[int]]]:
    """Eight members, five of whom shared the circle "Old"; returns ids and the pairs who met."""
    ids = [
        members.add_member(
            db, data=MemberCreate(name=name, handle=f"p{i}", tags={"tz": f"z{i % 2}"})
        ).id
        for i, name in enumerate(NAMES)
    ]
    circles.create_circle(db, data=CircleCreate(name="Old", min_size=2, max_size=10))
    for member_id in ids[:5]:
        circles.add_member_to_circle(db, circle_ref="Old", member_ref=member_id)
    return ids, {frozenset(pair) for pair in itertools.combinations(ids[:5], 2)}


def stored(db_path: Path) -> tuple[int, int, list[set[int]]]:
    """Circles, memberships, and the member sets of circles named "Wave …"."""
    check = open_database(db_path)
    try:
        with check.read() as session:
            count = int(session.exec(select(func.count()).select_from(Circle)).one())
            seats = int(session.exec(select(func.count()).select_from(Membership)).one())
            rows = session.exec(
                select(Membership.circle_id, Membership.member_id)
                .join(Circle, col(Circle.id) == col(Membership.circle_id))
                .where(col(Circle.name).startswith("Wave"))
            ).all()
    finally:
        check.close()
    grouped: dict[int, set[int]] = {}
    for circle_id, member_id in rows:
        grouped.setdefault(circle_id, set()).add(member_id)
    return count, seats, sorted(grouped.values(), key=min)


def met_pairs(groups: list[set[int]], met: set[frozenset[int]]) -> int:
    """Pairs seated together who shared a circle before."""
    return sum(
        1 for group in groups for pair in itertools.combinations(group, 2) if frozenset(pair) in met
    )


async def open_wizard(app: CircleKeeperApp, pilot: Pilot[object], prefix: str = "Wave") -> None:
    """From Circles, press f and fill the settings for circles of exactly four."""
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(app.screen, FormationSetupScreen)
    for field, value in {
        "prefix": prefix,
        "size": "4",
        "min_size": "4",
        "max_size": "4",
        "balance": "tz",
        "time_limit": "1",
    }.items():
        app.screen.query_one(f"#{field}", Input).value = value


async def propose(app: CircleKeeperApp, pilot: Pilot[object]) -> FormationPreviewScreen:
    """Wait for the database, fill the wizard's settings, propose, and return the proposal."""
    await settle(pilot)
    await open_wizard(app, pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, FormationPreviewScreen)
    return screen


async def test_propose_swap_and_create_writes_exactly_the_adjusted_circles(
    db: Database, db_path: Path
) -> None:
    _, met = seed_pool(db)
    db.close()
    before = stored(db_path)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await propose(app, pilot)
        proposal = [{m.id for m in c.members} for c in screen.preview.circles]
        assert sorted(len(g) for g in proposal) == [4, 4]
        assert screen.preview.repeated_pairs == met_pairs(proposal, met) >= 4
        text = screen_text(app)
        assert (
            f"8 members in 2 circles (sizes 4) · {screen.preview.repeated_pairs} pairs met before"
            in text
        )
        for name in NAMES:
            assert clean_text(name)[:20] in text, name
        assert f"Met before ({len(screen.preview.circles[0].met_before)}):" in text
        assert "—Old,stilltogether" in drawn_words(app.screen.query_one("#formation-detail"))
        assert "tz: z0 2, z1 2" in text

        first = screen.preview.circles[0].members[0].id
        second = screen.preview.circles[1].members[0].id
        await pilot.press("space")
        await settle(pilot)
        assert "⇄ " in screen_text(app)
        for _ in range(len(screen.preview.circles[0].members)):
            await pilot.press("down")
        await settle(pilot)
        highlighted = screen.query_one(PagedTable).highlighted
        assert highlighted is not None
        assert highlighted.key == second
        await pilot.press("space")
        await settle(pilot)
        swapped = [{m.id for m in c.members} for c in screen.preview.circles]
        assert first in swapped[1]
        assert second in swapped[0]
        assert swapped[0] - {second} == proposal[0] - {first}
        repeats = met_pairs(swapped, met)
        assert screen.preview.repeated_pairs == repeats
        assert f"{repeats} pairs met before" in screen_text(app)
        assert any("Swapped" in str(n.message) for n in app._notifications)

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
        assert "Wave 1" in screen_text(app)
    count, seats, groups = stored(db_path)
    assert (count, seats) == (before[0] + 2, before[1] + 8)
    assert groups == sorted(swapped, key=min)


async def test_cancel_and_back_leave_nothing_behind(db: Database, db_path: Path) -> None:
    seed_pool(db)
    db.close()
    before = stored(db_path)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_wizard(app, pilot, prefix="Wave Back")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormationPreviewScreen)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, FormationSetupScreen)
        assert app.screen.query_one("#prefix", Input).value == "Wave Back"
        assert app.screen.query_one("#balance", Input).value == "tz"
        await pilot.press("ctrl+s")
        await settle(pilot)
        closed = app.screen
        assert isinstance(closed, FormationPreviewScreen)
        assert closed.preview.circles
        await pilot.press("space", "escape")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
        assert closed.preview.circles == ()
        assert closed._load(0, 10) == ([], 0)
    assert stored(db_path) == before


async def test_settings_that_cannot_work_are_explained_in_the_form(
    db: Database, db_path: Path
) -> None:
    ids, _ = seed_pool(db)
    db.close()
    before = stored(db_path)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_wizard(app, pilot)
        form = app.screen
        form.query_one("#size", Input).value = "7"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "the size must lie between" in screen_text(app)
        form.query_one("#size", Input).value = "4"
        form.query_one("#keep_apart", Input).value = "p0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "two members separated by a comma" in str(
            form.query_one("#error-keep_apart").render()
        )
        form.query_one("#keep_apart", Input).value = ""
        form.query_one("#keep_together", Input).value = f"#{ids[0]},#{ids[1]}"
        form.query_one("#keep_apart", Input).value = f"#{ids[0]},#{ids[1]}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "keep" in str(form.query_one("#form-error").render())
        assert app.is_running
    assert stored(db_path) == before


async def test_creating_shows_a_bar_and_escape_stops_it_leaving_nothing(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_pool(db)
    db.close()
    before = stored(db_path)
    reached, gate = threading.Event(), threading.Event()
    real_details = formation.circle_details

    def held_back(*args: Any) -> list[CircleDetail]:
        reached.set()
        gate.wait(30)
        return real_details(*args)

    monkeypatch.setattr(circles, "CHUNK", 1)
    monkeypatch.setattr(formation, "circle_details", held_back)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await propose(app, pilot)
        await pilot.press("c")
        assert await asyncio.to_thread(reached.wait, 30)
        await pilot.pause()
        bar = screen.query_one("#formation-commit-progress", ProgressBar)
        assert bar.display
        assert bar.total == 2
        assert "creating circles… 0 of 2 · escape stops and creates none" in screen_text(app)
        assert [screen.check_action(a, ()) for a in ("commit", "swap", "back", "cancel")] == [
            None,
            None,
            None,
            True,
        ]
        await pilot.press("escape")
        assert "stopping…" in screen_text(app)
        gate.set()
        await settle(pilot)
        assert app.screen is screen
        assert not bar.display
        assert any("Stopped: no circle was created." in str(n.message) for n in app._notifications)
        assert stored(db_path) == before
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
    assert stored(db_path)[:2] == (before[0] + 2, before[1] + 8)

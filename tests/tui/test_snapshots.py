"""SVG snapshots of the main screens (`make snapshots` refreshes them after a deliberate change)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from circlekeeper.tui.app import CircleKeeperApp
from tests.tui.helpers import settle

pytestmark = pytest.mark.snapshot

SIZE = (130, 36)


async def _stable(pilot: Pilot[object]) -> None:
    await settle(pilot)
    pilot.app.sub_title = "snapshot.db"
    await pilot.pause()


def test_members_screen(snap_compare, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        CircleKeeperApp(db_path=seeded_path), terminal_size=SIZE, run_before=_stable
    )


def test_circles_screen(snap_compare, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def open_circles(pilot: Pilot[object]) -> None:
        await pilot.press("c")
        await _stable(pilot)

    assert snap_compare(
        CircleKeeperApp(db_path=seeded_path), terminal_size=SIZE, run_before=open_circles
    )


def test_new_member_form(snap_compare, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def open_form(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await _stable(pilot)

    assert snap_compare(
        CircleKeeperApp(db_path=seeded_path), terminal_size=SIZE, run_before=open_form
    )

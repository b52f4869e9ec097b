"""SVG snapshots of the main screens (`make snapshots` refreshes them after a deliberate change)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from circlekeeper.db import Database
from circlekeeper.models.enums import RecognitionKind
from circlekeeper.services import ambassadors, goals, recognition
from circlekeeper.tui.app import CircleKeeperApp
from tests.tui.conftest import seed
from tests.tui.helpers import settle

pytestmark = pytest.mark.snapshot

SIZE = (130, 36)


async def _stable(pilot: Pilot[object]) -> None:
    await settle(pilot)
    pilot.app.sub_title = "snapshot.db"
    await pilot.pause()


def test_dashboard_screen(snap_compare, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        CircleKeeperApp(db_path=seeded_path), terminal_size=SIZE, run_before=_stable
    )


def test_members_screen(snap_compare, seeded_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def open_members(pilot: Pilot[object]) -> None:
        await pilot.press("m")
        await _stable(pilot)

    assert snap_compare(
        CircleKeeperApp(db_path=seeded_path), terminal_size=SIZE, run_before=open_members
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
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("n")
        await _stable(pilot)

    assert snap_compare(
        CircleKeeperApp(db_path=seeded_path), terminal_size=SIZE, run_before=open_form
    )


def test_ambassadors_screen(snap_compare, db: Database, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(db)
    ambassadors.add_ambassador(db, member_ref="ana@example.org", focus=["welcome team"])
    goals.set_goal(db, ref="ana@example.org", metric="welcome new members", target=3)
    goals.log_progress(db, ref="ana@example.org", metric="welcome new members", count=2)
    ambassadors.add_ambassador(db, member_ref="hostile0", focus=["culture keeper"])
    goals.set_goal(db, ref="hostile0", metric="start threads", target=1)
    db.close()

    async def open_ambassadors(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("a")
        await _stable(pilot)

    assert snap_compare(
        CircleKeeperApp(db_path=db_path), terminal_size=SIZE, run_before=open_ambassadors
    )


def test_recognition_screen(snap_compare, db: Database, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(db)
    recognition.recognize(
        db,
        member_ref="ana@example.org",
        kind=RecognitionKind.SHOUT_OUT,
        message="Thank you for the welcome circle.",
        by_ref="bea",
    )
    recognition.recognize(
        db, member_ref="hostile1", kind=RecognitionKind.NOTE, message="[b]not bold[/b]"
    )
    db.close()

    async def open_recognition(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("k")
        await _stable(pilot)

    assert snap_compare(
        CircleKeeperApp(db_path=db_path), terminal_size=SIZE, run_before=open_recognition
    )

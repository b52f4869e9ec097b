"""Fixtures for TUI tests: a database with a few members and circles, and the app on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from circlekeeper.db import Database

HOSTILE_NAMES = (
    "[b]Bo[/b]",
    "[@click=app.quit]Eve",
    "\x1b[31mRed Alert",
    "مريم الحسيني",
    "🌻 Sunny Okafor",
    "[red]not red[/red] & <b>bold</b>",
)
"""Names as typed by hostile or unusual members; `clean_text` strips the escape sequence's ESC."""


def seed(db: Database) -> None:
    """A small community: Ana, Bea and the hostile names; one circle with two seats."""
    from circlekeeper.models import CircleCreate, MemberCreate
    from circlekeeper.services import circles, members

    members.add_member(
        db, data=MemberCreate(name="Ana Lima", email="ana@example.org", tags={"tz": "emea"})
    )
    members.add_member(db, data=MemberCreate(name="Bea Costa", handle="@bea"))
    for index, name in enumerate(HOSTILE_NAMES):
        members.add_member(db, data=MemberCreate(name=name, handle=f"hostile{index}"))
    circles.create_circle(
        db,
        data=CircleCreate(
            name="Tuesday Builders",
            kind="goal",
            min_size=2,
            max_size=2,
            agreements="Confidentiality.\nPhones away.",
        ),
    )
    circles.add_member_to_circle(db, circle_ref="Tuesday Builders", member_ref="ana@example.org")
    circles.add_member_to_circle(db, circle_ref="Tuesday Builders", member_ref="bea")


@pytest.fixture(autouse=True)
def _no_prebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps under test build screens on demand: pre-building four more screens would cost each
    of the hundreds of apps these tests start (tests/tui/test_prebuild.py turns it on); and they
    do not poll for outside changes, which would reload at moments no test chose
    (tests/tui/test_outside_changes.py turns it on)."""
    from circlekeeper.tui.app import CircleKeeperApp

    monkeypatch.setattr(CircleKeeperApp, "prebuild_screens", False)
    monkeypatch.setattr(CircleKeeperApp, "change_poll_s", None)


@pytest.fixture
def seeded_path(db: Database, db_path: Path) -> Path:
    """The path of a seeded database (closed, so the app opens it itself)."""
    seed(db)
    db.close()
    return db_path

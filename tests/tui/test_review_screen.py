"""Pilot tests of the seasonal review screen: start, record choices, apply or cancel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import col, select

from circlekeeper import clock
from circlekeeper.db import Database, open_database
from circlekeeper.models import (
    CircleCreate,
    CircleStatus,
    Member,
    MemberCreate,
    Membership,
    Review,
    ReviewStatus,
)
from circlekeeper.services import circles, members
from circlekeeper.text import clean_text
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.circles import CirclesScreen
from circlekeeper.tui.screens.formation_setup import FormationSetupScreen
from circlekeeper.tui.screens.review import ReviewScreen
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import screen_text, settle

SIZE = (160, 50)
CIRCLE = "[b]Spring[/b] circle"


def build_circle(db: Database) -> list[str]:
    """An active circle seating the hostile names; returns its member names as stored, sorted."""
    circles.create_circle(db, data=CircleCreate(name=CIRCLE, min_size=4, max_size=8))
    for index, name in enumerate(HOSTILE_NAMES):
        members.add_member(db, data=MemberCreate(name=name, handle=f"h{index}"))
        circles.add_member_to_circle(db, circle_ref=CIRCLE, member_ref=f"h{index}")
    circles.set_circle_status(db, ref=CIRCLE, status=CircleStatus.ACTIVE)
    detail = circles.get_circle(db, ref=CIRCLE)
    return [m.name for m in detail.members]


async def open_review(pilot: object, app: CircleKeeperApp) -> None:
    """From the dashboard: Circles, then `v` on the only circle, then start the review."""
    await pilot.press("c")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, CirclesScreen)
    await pilot.press("v")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert "Start a seasonal review of [b]Spring[/b] circle?" in screen_text(app)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, ReviewScreen)


async def choose(pilot: object, app: CircleKeeperApp, row: int, downs: int, *typed: str) -> None:
    """Highlight member `row`, pick the choice `downs` below "continue", answer the prompts."""
    screen = app.screen
    listing = screen.query_one("#review-members")
    listing.highlighted = row  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    for _ in range(downs):
        await pilot.press("down")  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    for answer in typed:
        await pilot.press(*answer)  # type: ignore[attr-defined]
        await pilot.press("enter")  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]


def seated(db_path: Path) -> set[str]:
    """The names of everyone who holds a seat right now."""
    db = open_database(db_path)
    try:
        with db.read() as session:
            rows = session.exec(
                select(Member.name)
                .join(Membership, col(Membership.member_id) == col(Member.id))
                .where(col(Membership.left_on).is_(None))
            ).all()
    finally:
        db.close()
    return set(rows)


async def test_record_choices_and_apply_changes_the_seats_and_opens_formation_for_regroupers(
    db: Database, db_path: Path
) -> None:
    names = build_circle(db)
    db.close()
    until = clock.today() + dt.timedelta(weeks=6)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(pilot, app)
        text = screen_text(app)
        for name in names:
            assert clean_text(name)[:20] in text, name
        assert "not yet" in text
        await choose(pilot, app, 0, 1, f"{until}", "back in spring")
        await choose(pilot, app, 1, 2, "")
        await choose(pilot, app, 2, 3, "wants a new group")
        await choose(pilot, app, 3, 0, "")
        text = screen_text(app)
        assert f"pause until {until}" in text
        assert "is paused until" in text
        assert "back in spring" in text
        assert "leaves the circle today" in text
        assert "leaves to regroup" in text
        assert "has not said: keeps the seat" in text
        assert seated(db_path) == set(names), "nothing changes before apply"
        await pilot.press("a")
        await settle(pilot)
        assert "3 of 6 seats end today; 2 who have not said keep theirs" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, FormationSetupScreen)
        check = open_database(db_path)
        try:
            with check.read() as session:
                review = session.exec(select(Review)).one()
                paused = session.exec(select(Member).where(col(Member.name) == names[0])).one()
        finally:
            check.close()
        assert app.screen.query_one("#members").value == f"review:{review.id}"  # type: ignore[attr-defined]
        assert review.status == ReviewStatus.APPLIED
        assert paused.paused_until == until
    assert seated(db_path) == set(names[3:])


async def test_cancel_review_keeps_every_seat_and_back_keeps_the_review_open(
    db: Database, db_path: Path
) -> None:
    names = build_circle(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(pilot, app)
        await choose(pilot, app, 0, 2, "")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen), "an open review opens straight away"
        assert "leaves the circle today" in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CirclesScreen)
    check = open_database(db_path)
    try:
        with check.read() as session:
            assert session.exec(select(Review.status)).one() == ReviewStatus.CANCELLED
    finally:
        check.close()
    assert seated(db_path) == set(names)


async def test_a_past_pause_date_is_refused_in_the_prompt(db: Database, db_path: Path) -> None:
    build_circle(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_review(pilot, app)
        await choose(pilot, app, 0, 1, str(clock.today()))
        assert f"{clock.today()} is not in the future" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "pause until" not in screen_text(app)

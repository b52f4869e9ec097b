"""The rota board by keys: pick a circle, plan, swap two people and see it saved."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from circlekeeper.db import Database, open_database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members, roles, rota, sessions
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.rota import RotaScreen
from tests.tui.helpers import screen_text, settle

SIZE = (150, 40)


def _builders(db: Database) -> None:
    circles.create_circle(
        db, data=CircleCreate(name="Builders", weekday="tue", meeting_time="18:00")
    )
    for handle in ("ana", "bea", "cy", "[b]dev[/b]"):
        members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
        circles.add_member_to_circle(db, circle_ref="Builders", member_ref=handle)
    sessions.plan_sessions(db, circle_ref="Builders", count=4)


async def _open_board(pilot: Pilot[object]) -> None:
    """From the dashboard to the rota board of Builders (the only circle), by keys."""
    await settle(pilot)
    await pilot.press("r", "slash")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def _override_first_facilitator(pilot: Pilot[object], reason: str) -> None:
    """`o` on the first session's facilitator, the last person offered, and `reason`."""
    from textual.widgets import Input

    table = pilot.app.screen.query_one(DataTable)
    table.focus()
    table.cursor_coordinate = (0, 1)
    await pilot.press("o")
    await settle(pilot)
    await pilot.press("end", "enter")
    await settle(pilot)
    pilot.app.screen.query_one(Input).value = reason
    await pilot.press("enter")
    await settle(pilot)


async def test_swap_two_people_on_the_rota_board(db: Database, db_path: Path) -> None:
    _builders(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)
        await pilot.press("p")
        await settle(pilot)
        text = screen_text(app)
        assert "facilitator" in text
        assert "[B]Dev[/B]" in text or "[b]Dev[/b]" in text
        table = app.screen.query_one(DataTable)
        table.focus()
        table.cursor_coordinate = (0, 1)
        await pilot.press("w")
        table.cursor_coordinate = (1, 1)
        await pilot.press("w")
        await settle(pilot)
    check = open_database(db_path)
    try:
        board = rota.rota(check, circle_ref="Builders")
        facilitators = [a for a in board.assignments if a.role == "facilitator"]
        [swap] = [e for e in roles.role_events(check, circle_ref="Builders") if e.kind == "swap"]
        assert swap.member_name is not None
        assert facilitators[0].member_name == swap.other_member_name
        assert facilitators[1].member_name == swap.member_name
        assert facilitators[0].version == 2
    finally:
        check.close()


async def test_a_term_role_ending_soon_is_flagged_on_the_board(db: Database, db_path: Path) -> None:
    import datetime as dt

    from circlekeeper import clock

    _builders(db)
    roles.add_role(db, circle_ref="Builders", name="steward", rotating=False)
    roles.assign_term(
        db,
        circle_ref="Builders",
        role="steward",
        member_ref="ana",
        starts_on=clock.today() - dt.timedelta(days=80),
        ends_on=clock.today() + dt.timedelta(days=10),
    )
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_board(pilot)
        text = screen_text(app)
        assert "steward" in text
        assert "Ana" in text
        assert "in 10 days, and nobody is lined up to follow" in text


async def test_override_a_cell_and_the_record_says_who_and_why(db: Database, db_path: Path) -> None:
    _builders(db)
    plan = rota.plan_roles(db, circle_ref="Builders", sessions=2, cap=10)
    first = next(a for a in plan.assignments if a.role == "facilitator")
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_board(pilot)
        await _override_first_facilitator(pilot, "Ana asked to lead this one")
    check = open_database(db_path)
    try:
        board = rota.rota(check, circle_ref="Builders")
        now = next(a for a in board.assignments if a.id == first.id)
        [event] = [
            e for e in roles.role_events(check, circle_ref="Builders") if e.kind == "override"
        ]
        assert now.member_name == event.member_name
        assert event.reason == "Ana asked to lead this one"
        assert event.by
    finally:
        check.close()


async def test_planning_again_lists_the_turns_that_moved(db: Database, db_path: Path) -> None:
    _builders(db)
    first = rota.plan_roles(db, circle_ref="Builders", sessions=2)
    [turn] = [a for a in first.assignments if a.role == "facilitator"][:1]
    assert turn.member_id is not None
    assert turn.day is not None
    roles.skip_member(
        db, circle_ref="Builders", member_ref=turn.member_id, day=turn.day, reason="ill"
    )
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_board(pilot)
        assert "Turns that now go" not in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        text = screen_text(app)
        check = open_database(db_path)
        try:
            now = next(
                a
                for a in rota.rota(check, circle_ref="Builders").assignments
                if a.role == "facilitator" and a.day == turn.day
            )
        finally:
            check.close()
        assert now.member_name != turn.member_name
        moved = f"{turn.day:%a %d %b} facilitator: {turn.member_name} → {now.member_name}"
        assert "Turns that now go to someone else:" in text
        assert moved in text
        app.data_changed()
        await settle(pilot)
        assert moved in screen_text(app), "a read of the board again keeps what planning said"


async def test_an_override_that_breaks_a_rota_rule_is_made_with_a_warning(
    db: Database, db_path: Path
) -> None:
    _builders(db)
    last = circles.get_circle(db, ref="Builders").members[-1]
    day = sessions.list_sessions(db, circle_ref="Builders")[0].local_date
    roles.skip_member(
        db, circle_ref="Builders", member_ref=last.member_id, day=day, reason="[b]away[/b]"
    )
    rota.plan_roles(db, circle_ref="Builders", sessions=2, cap=10)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_board(pilot)
        await _override_first_facilitator(pilot, "only one who knows the topic")
        notices = [str(note.message) for note in app._notifications]
        assert f"{last.name} is now facilitator on {day:%a %d %b}." in notices
        assert (
            f"{last.name} (facilitator on {day:%a %d %b}) was excused from roles that day "
            "([b]away[/b])" in notices
        )
        assert f"{day:%a %d %b}  {last.name}  · dep." in screen_text(app)
    check = open_database(db_path)
    try:
        board = rota.rota(check, circle_ref="Builders")
        now = next(a for a in board.assignments if a.role == "facilitator" and a.day == day)
        assert now.member_id == last.member_id
    finally:
        check.close()

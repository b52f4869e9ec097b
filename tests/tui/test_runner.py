"""The session runner by keys: roll call, go-round, closing, save; a draft survives quitting."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate, SessionDetail
from circlekeeper.services import checkins, circles, members, rituals
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.runner import RunnerScreen
from circlekeeper.tui.screens.sessions import SessionsScreen
from tests.tui.helpers import reopened, screen_text, settle

SIZE = (140, 44)
ROSE = "Rose: something that went well"


def _circle_with_three(db: Database) -> None:
    ritual = rituals.get_ritual(db, ref="Rose · Bud · Thorn")
    circles.create_circle(
        db,
        data=CircleCreate(
            name="Tuesday Builders",
            weekday="tue",
            meeting_time="18:30",
            timezone="Europe/Berlin",
            ritual_id=ritual.id,
        ),
    )
    for name, email in (
        ("Ana Lima", "ana@x.org"),
        ("Bea Costa", "bea@x.org"),
        ("Cy Park", "cy@x.org"),
    ):
        members.add_member(db, data=MemberCreate(name=name, email=email))
        circles.add_member_to_circle(db, circle_ref="Tuesday Builders", member_ref=email)


async def _type(pilot: Pilot[object], text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


async def _open_runner(pilot: Pilot[object]) -> RunnerScreen:
    app = pilot.app
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(app.screen, SessionsScreen)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, PickerScreen)
    await _type(pilot, "Tuesday")
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, RunnerScreen)
    return app.screen


async def _run(pilot: Pilot[object], detail: SessionDetail) -> RunnerScreen:
    """The runner opened straight on `detail`, as the Sessions screen's enter does."""
    await settle(pilot)
    runner = RunnerScreen(detail)
    pilot.app.push_screen(runner)
    await settle(pilot)
    return runner


async def test_a_whole_session_by_keys_lands_in_the_database(db: Database, db_path: Path) -> None:
    _circle_with_three(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        runner = await _open_runner(pilot)
        assert "Roll call" in screen_text(app)
        await pilot.press("p", "a", "p")
        assert "✗ absent" in screen_text(app), screen_text(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "Ana Lima — 1 of 2" in screen_text(app)
        assert "left" in screen_text(app)
        await _type(pilot, "shipped the thing")
        await pilot.press("ctrl+o")
        assert "circle — the circle's members" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "Cy Park — 2 of 2" in screen_text(app)
        assert runner.query_one("#answer-0", TextArea).text == ""
        await _type(pilot, "tired but ok")
        await pilot.press("ctrl+n")
        await settle(pilot)
        summary = screen_text(app)
        assert "2 present · 1 absent · 0 excused" in summary
        assert "shipped the thing" in summary
        assert "tired but ok" not in summary
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
    with reopened(db_path) as check:
        found = {
            c.member_name: c for c in checkins.list_checkins(check, circle_ref="Tuesday Builders")
        }
        assert found["Ana Lima"].attendance == "present"
        assert found["Ana Lima"].answers == {ROSE: "shipped the thing"}
        assert found["Ana Lima"].visibility == "circle"
        assert found["Bea Costa"].attendance == "absent"
        assert found["Bea Costa"].answers == {}
        assert found["Cy Park"].answers == {ROSE: "tired but ok"}
        assert found["Cy Park"].visibility == "private"


async def test_quitting_mid_session_keeps_a_draft_that_resumes(db: Database, db_path: Path) -> None:
    _circle_with_three(db)
    db.close()
    first = CircleKeeperApp(db_path=db_path)
    async with first.run_test(size=SIZE) as pilot:
        await _open_runner(pilot)
        await pilot.press("p", "e")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await _type(pilot, "half a thought")
        runner = first.screen
        assert isinstance(runner, RunnerScreen)
        runner.query_one("#mood", Input).value = "4"
        await pilot.pause()
        first.exit()
    second = CircleKeeperApp(db_path=db_path)
    async with second.run_test(size=SIZE) as pilot:
        runner = await _open_runner(pilot)
        await settle(pilot)
        assert "Resumed your draft" in " ".join(str(n.message) for n in second._notifications)
        assert runner.state.phase == "round"
        assert runner.state.attendance[runner.state.order[1]] == "excused"
        assert runner.query_one("#answer-0", TextArea).text == "half a thought"
        assert runner.query_one("#mood", Input).value == "4"


async def test_the_runner_shows_who_facilitates_today_and_the_deputy(
    db: Database, db_path: Path
) -> None:
    from circlekeeper.services import rota, sessions

    _circle_with_three(db)
    sessions.plan_sessions(db, circle_ref="Tuesday Builders", count=2)
    plan = rota.plan_roles(db, circle_ref="Tuesday Builders", sessions=2, cap=10)
    first = min(plan.assignments, key=lambda a: a.day)
    today = [a for a in plan.assignments if a.session_id == first.session_id]
    facilitator = next(a for a in today if a.role == "facilitator")
    detail = sessions.get_session(db, session_id=first.session_id)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _run(pilot, detail)
        text = screen_text(app)
        assert f"Facilitator: {facilitator.member_name}" in text
        assert f"(deputy {facilitator.deputy_name})" in text


async def test_leaving_with_escape_keeps_the_draft_and_nothing_is_recorded(
    db: Database, db_path: Path
) -> None:
    _circle_with_three(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_runner(pilot)
        await pilot.press("a", "ctrl+n")
        await settle(pilot)
        await _type(pilot, "draft words")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
    with reopened(db_path) as check:
        assert checkins.list_checkins(check, circle_ref="Tuesday Builders") == []


async def test_saving_a_held_session_again_keeps_answers_to_prompts_the_ritual_dropped(
    db: Database, db_path: Path
) -> None:
    from circlekeeper.models import CheckInCreate, RitualUpdate
    from circlekeeper.services import sessions

    _circle_with_three(db)
    run = sessions.session_for_runner(db, circle_ref="Tuesday Builders")
    ana, bea, cy = (members.get_member(db, ref=f"{h}@x.org").id for h in ("ana", "bea", "cy"))
    sessions.save_session_run(
        db,
        session_id=run.id,
        checkins={
            ana: CheckInCreate(answers={ROSE: "shipped it"}),
            bea: CheckInCreate(attendance="absent"),
            cy: CheckInCreate(),
        },
    )
    rituals.edit_ritual(
        db, ref="Rose · Bud · Thorn", changes=RitualUpdate(prompts=["Rose", "Bud", "Thorn"])
    )
    detail = sessions.get_session(db, session_id=run.id)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _run(pilot, detail)
        assert "recorded as held" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        runner = app.screen
        assert isinstance(runner, RunnerScreen)
        assert f"{ROSE} (answered before the ritual changed)" in screen_text(app)
        assert runner.query_one("#answer-3", TextArea).text == "shipped it"
        await _type(pilot, "more")
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    with reopened(db_path) as check:
        found = {
            c.member_id: c for c in checkins.list_checkins(check, circle_ref="Tuesday Builders")
        }
        assert found[ana].answers == {ROSE: "shipped it", "Rose": "more"}
        assert found[bea].attendance == "absent"


async def test_a_session_still_ahead_opens_with_a_notice_and_is_not_saved(
    db: Database, db_path: Path
) -> None:
    from circlekeeper.services import sessions

    _circle_with_three(db)
    ahead = sessions.plan_sessions(db, circle_ref="Tuesday Builders", count=1).added[0]
    detail = sessions.get_session(db, session_id=ahead.id)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _run(pilot, detail)
        assert "still ahead" in screen_text(app)
        await pilot.press("e", "ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RunnerScreen)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "Not saved — your draft is kept: 2026-11-24 is still ahead" in shown
    with reopened(db_path) as check:
        assert sessions.get_session(check, session_id=ahead.id).status == "planned"
        assert sessions.load_draft(check, session_id=ahead.id) is not None
        assert checkins.list_checkins(check, circle_ref="Tuesday Builders") == []


async def test_the_mood_box_takes_only_one_to_five(db: Database, db_path: Path) -> None:
    _circle_with_three(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        runner = await _open_runner(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        mood = runner.query_one("#mood", Input)
        mood.focus()
        await pilot.press("9", "0", "x")
        assert mood.value == ""
        await pilot.press("4", "5")
        assert mood.value == "4"

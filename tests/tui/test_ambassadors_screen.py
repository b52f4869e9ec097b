"""The Ambassadors screen by keys: log progress and see the bar move, goals, rests, retiring,
nominations, the health panel, and hostile names that must stay plain text."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import DataTable, Label

from circlekeeper.db import Database, open_database
from circlekeeper.db.errors import DatabaseBusy
from circlekeeper.models import NominationStatus
from circlekeeper.services import ambassadors, goals, nominations
from circlekeeper.text import clean_text
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.ambassador_forms import (
    AmbassadorForm,
    GoalForm,
    LogProgressForm,
    RestForm,
)
from circlekeeper.tui.screens.ambassador_nominations import NominationsScreen
from circlekeeper.tui.screens.ambassador_render import goals_cell, progress_bar
from circlekeeper.tui.screens.ambassadors import AmbassadorsScreen
from circlekeeper.tui.screens.dialogs import ChoiceScreen, PromptScreen
from circlekeeper.tui.screens.picker import PickerScreen
from tests.tui.conftest import HOSTILE_NAMES, seed
from tests.tui.helpers import screen_text, settle

SIZE = (150, 45)
WELCOME = "welcome new members"


def _ana_with_a_goal(db: Database) -> None:
    """The seeded community, with Ana an ambassador who welcomed 1 of 3 this week."""
    seed(db)
    ambassadors.add_ambassador(db, member_ref="ana@example.org", focus=["welcome team"])
    goals.set_goal(db, ref="ana@example.org", metric=WELCOME, target=3)
    goals.log_progress(db, ref="ana@example.org", metric=WELCOME, count=1)


def _hostile_programme(db: Database) -> None:
    """Every hostile name an ambassador with a hostile focus, metric and note; overloaded."""
    _ana_with_a_goal(db)
    for index, name in enumerate(HOSTILE_NAMES):
        ref = f"hostile{index}"
        ambassadors.add_ambassador(db, member_ref=ref, focus=[name[:40]], capacity_per_week=1)
        goals.set_goal(db, ref=ref, metric=f"{name[:40]} threads", target=3)
        goals.log_progress(db, ref=ref, metric=f"{name[:40]} threads", count=index + 1, note=name)


def _assert_goal(db_path: Path, ref: str, expected: tuple[str, int]) -> None:
    check = open_database(db_path)
    try:
        assert [(g.metric, g.target) for g in goals.goal_status(check, ref=ref)] == [expected]
    finally:
        check.close()


async def _open(app: CircleKeeperApp, pilot: Pilot[object]) -> None:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(app.screen, AmbassadorsScreen)


def _messages(app: CircleKeeperApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_logging_progress_moves_the_bar(db: Database, db_path: Path) -> None:
    _ana_with_a_goal(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        before = screen_text(app)
        assert "██░░░ 1/3" in before
        assert "3/3" not in before
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LogProgressForm)
        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AmbassadorsScreen)
        after = screen_text(app)
        assert "█████ 3/3" in after
        assert "1/3" not in after
        assert "+2 welcome new members" in after
        assert "Logged +2 welcome new members for Ana Lima." in _messages(app)
    check = open_database(db_path)
    try:
        history = ambassadors.ambassador_detail(check, ref="ana@example.org").history
        assert [(item.metric, item.count) for item in history] == [(WELCOME, 2), (WELCOME, 1)]
        [status] = goals.goal_status(check, ref="ana@example.org")
        assert (status.done, status.met) == (3, True)
    finally:
        check.close()


async def test_logging_another_metric_and_a_refused_count(db: Database, db_path: Path) -> None:
    _ana_with_a_goal(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogProgressForm)
        await pilot.press(*"[b]host[/b]", "tab", "0", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "a whole number from 1 to" in screen_text(app)
        await pilot.press("backspace", "4", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AmbassadorsScreen)
        assert "+4 [b]host[/b]" in screen_text(app)
    check = open_database(db_path)
    try:
        history = ambassadors.ambassador_detail(check, ref="ana@example.org").history
        assert (history[0].metric, history[0].count) == ("[b]host[/b]", 4)
    finally:
        check.close()


async def test_hostile_names_stay_plain_text_and_search_works(db: Database, db_path: Path) -> None:
    _hostile_programme(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        table = app.screen.query_one("#ambassador-table", DataTable)
        assert table.row_count == len(HOSTILE_NAMES) + 1
        names = [clean_text(name) for name in HOSTILE_NAMES]
        table_text = screen_text(app)
        for name in names:
            assert name[:12] in table_text, name
        details = []
        for _ in names:
            await pilot.press("down")
            await settle(pilot)
            details.append(screen_text(app))
        for name, text in zip(names, details, strict=True):
            assert name in text, name
        health = screen_text(app)
        assert "Overload" in health
        assert "[@click=app.quit]Eve" in health
        assert "[b]Bo[/b]" in health
        await pilot.press("up", "up", "up", "up")
        await settle(pilot)
        for key, dialog in (("l", ChoiceScreen), ("x", PromptScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, dialog)
            title = app.screen.query_one(".dialog-title", Label)
            assert "[@click=app.quit]Eve" in str(title.content)
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, AmbassadorsScreen)
        await pilot.press("slash", *"ana", "enter")
        await settle(pilot)
        assert table.row_count == 1
        assert "matching 'ana'" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == len(HOSTILE_NAMES) + 1


async def test_health_panel_flags_coverage_and_refuses_a_bad_tag(
    db: Database, db_path: Path
) -> None:
    _ana_with_a_goal(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        text = screen_text(app)
        assert "Coverage" in text
        assert "8 members / 1 ambassador = 8 each" in text
        assert "⚑" in text
        assert "✓ in band" not in text
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"tz", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Diversity by tz" in text
        assert "emea" in text
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("ctrl+u", *"no good!", "enter")
        await settle(pilot)
        assert "tag:" in _messages(app)
        assert isinstance(app.screen, AmbassadorsScreen)
        assert "Diversity by tz" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert "Coverage" not in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert "Coverage" in screen_text(app)


async def test_new_ambassador_goal_rest_and_retire_by_keys(db: Database, db_path: Path) -> None:
    _ana_with_a_goal(db)
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"bea", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AmbassadorForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AmbassadorsScreen)
        assert "Bea Costa: active." in _messages(app)
        table = app.screen.query_one("#ambassador-table", DataTable)
        assert table.row_count == 2
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value is not None
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GoalForm)
        await pilot.press(*"start threads", "tab", "2", "ctrl+s")
        await settle(pilot)
        assert "Goal: start threads, 2 a week." in _messages(app)
        assert "start threads    ░░░░░ 0/2" in screen_text(app)
        _assert_goal(db_path, "bea", ("start threads", 2))
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, RestForm)
        await pilot.press(*"2026-12-05", "enter")
        await settle(pilot)
        assert "rest → 2026-12-05" in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"moving on", "enter")
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("v")
        await settle(pilot)
        assert "alumni 2026-11-21" in screen_text(app)
        await pilot.press("x", "enter")
        await settle(pilot)
        assert "already alumni" in _messages(app)
        await pilot.press("v")
        await settle(pilot)
        assert table.row_count == 2
    check = open_database(db_path)
    try:
        bea = ambassadors.ambassador_detail(check, ref="bea")
        assert bea.status.value == "alumni"
        assert [(r.starts_on.isoformat(), r.ends_on.isoformat()) for r in bea.rests] == [
            ("2026-11-21", "2026-11-21")
        ]
        assert "moving on" in bea.note
    finally:
        check.close()


async def test_z_ends_a_rest_under_way(db: Database, db_path: Path) -> None:
    import datetime as dt

    seed(db)
    ambassadors.add_ambassador(
        db, member_ref="bea", focus=["welcome team"], started_on=dt.date(2026, 11, 1)
    )
    ambassadors.rest_ambassador(
        db, ref="bea", until=dt.date(2026, 12, 5), starts_on=dt.date(2026, 11, 10)
    )
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        assert "rest → 2026-12-05" in screen_text(app)
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, AmbassadorsScreen)
        assert "Bea Costa: active." in _messages(app)
        assert "rest →" not in screen_text(app)
    check = open_database(db_path)
    try:
        [rest] = ambassadors.ambassador_detail(check, ref="bea").rests
        assert rest.ends_on == dt.date(2026, 11, 20)
    finally:
        check.close()


async def test_nominations_accept_and_decline(db: Database, db_path: Path) -> None:
    _ana_with_a_goal(db)
    accepted = nominations.nominate(
        db, member_ref="bea", reason="[@click=app.quit]hosts well", focus="event promoter"
    )
    declined = nominations.nominate(db, member_ref="hostile0", reason="kind", by_ref="bea")
    db.close()
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, NominationsScreen)
        text = screen_text(app)
        assert "[b]Bo[/b]" in text
        assert "Bea Costa" in text
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(str(accepted.id)))
        await pilot.press("y")
        await settle(pilot)
        assert "Bea Costa is now an ambassador (event promoter)." in _messages(app)
        assert table.row_count == 1
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"not now", "enter")
        await settle(pilot)
        assert table.row_count == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AmbassadorsScreen)
        assert app.screen.query_one("#ambassador-table", DataTable).row_count == 2
        assert app.is_running
    check = open_database(db_path)
    try:
        decided = {n.id: n for n in nominations.list_nominations(check, status=None)}
        assert decided[accepted.id].status == NominationStatus.ACCEPTED
        assert decided[declined.id].status == NominationStatus.DECLINED
        assert decided[declined.id].decision_note == "not now"
    finally:
        check.close()


async def test_a_new_long_focus_is_drawn_in_full_before_the_table_goes_idle(
    db: Database, db_path: Path
) -> None:
    """DataTable measures new rows only when idle and keeps the cells it drew before: a focus
    wider than any shown so far must not be cut to the old column width in the first paint."""
    _ana_with_a_goal(db)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        longer = "first-time hosts"
        ambassadors.add_ambassador(db, member_ref="bea", focus=[longer])
        screen = app.screen
        assert isinstance(screen, AmbassadorsScreen)
        screen._show_list(ambassadors.list_ambassadors(db))
        table = screen.query_one("#ambassador-table", DataTable)
        width, height = table.outer_size
        drawn = "".join(strip.text for strip in table.render_lines(Region(0, 0, width, height)))
        assert longer in drawn


def test_progress_bars_fill_in_proportion_and_only_full_when_met() -> None:
    assert [progress_bar(done, 3) for done in (0, 1, 2, 3, 7)] == [
        "░░░░░",
        "██░░░",
        "███░░",
        "█████",
        "█████",
    ]
    assert progress_bar(1, 1000) == "█░░░░"
    assert progress_bar(999, 1000) == "████░"


def test_goal_cells_keep_markup_in_metrics_as_plain_text() -> None:
    import datetime as dt

    from circlekeeper.models import GoalPer, GoalStatus

    day = dt.date(2026, 11, 16)
    goal = GoalStatus(
        ambassador_id=1,
        member_name="[b]Bo[/b]",
        metric="[b]x[/b]",
        target=2,
        per=GoalPer.MONTH,
        period_start=day,
        period_end=day,
        done=1,
        due=False,
        met=False,
    )
    cell = goals_cell([goal])
    assert cell.plain == "[b]x[/b]         ██░░░ 1/2 a month (not due)"
    assert [str(span.style) for span in cell.spans] == ["dim"]


def test_the_overload_panel_names_the_first_ones_and_counts_the_rest() -> None:
    """Thousands can be over capacity at community scale: the panel lists OVERLOAD_SHOWN of
    them (hostile names as plain text) and says how many more there are."""
    import datetime as dt

    from circlekeeper.models import Overload, ProgrammeHealth
    from circlekeeper.tui.screens.ambassador_render import OVERLOAD_SHOWN, overload_content

    names = [f"{HOSTILE_NAMES[i % len(HOSTILE_NAMES)]} {i:04d}" for i in range(OVERLOAD_SHOWN + 7)]
    people = [
        Overload(
            ambassador_id=index,
            member_name=name,
            capacity_per_week=2,
            goal_load=3,
            role_load=0,
            behind_streak=0,
            reasons=["3 units this week, capacity 2"],
        )
        for index, name in enumerate(names)
    ]
    health = ProgrammeHealth.model_construct(as_of=dt.date(2026, 11, 21), overload=people)
    text = overload_content(health).plain
    assert [name for name in names if name in text] == names[:OVERLOAD_SHOWN]
    assert "… and 7 more over capacity or behind" in text
    few = ProgrammeHealth.model_construct(as_of=dt.date(2026, 11, 21), overload=people[:3])
    assert "more over capacity" not in overload_content(few).plain


async def test_the_health_panel_is_read_even_when_the_list_cannot_be(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ana_with_a_goal(db)
    db.close()

    def busy(*args: object, **kwargs: object) -> None:
        raise DatabaseBusy("another program holds the database")

    monkeypatch.setattr(ambassadors, "list_ambassadors", busy)
    app = CircleKeeperApp(db_path=db_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        assert "another program holds the database" in _messages(app)
        assert "8 members / 1 ambassador = 8 each" in screen_text(app)

"""The Recognition screen by keys: write an entry, meet the consent refusal, grant a suggestion
with one key, filter the feed, and show hostile names everywhere without harm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, Static, TextArea

from circlekeeper import clock
from circlekeeper.db import Database, open_database
from circlekeeper.models import (
    CircleCreate,
    MemberCreate,
    MemberUpdate,
    RecognitionKind,
    RecognitionRead,
    Visibility,
)
from circlekeeper.services import badges, circles, members, recognition, sessions
from circlekeeper.services.recognition_suggestions import suggest
from circlekeeper.text import clean_text
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.recognition import RecognitionScreen
from circlekeeper.tui.screens.recognition_form import RecognitionForm
from circlekeeper.tui.widgets.paged_table import PagedTable, Row, fit_cell, safe_cell_text
from tests.tui.conftest import HOSTILE_NAMES
from tests.tui.helpers import screen_text, settle

SIZE = (140, 44)
MESSAGE = "Great retro"
KEY_NAMES = {" ": "space", "-": "minus", ".": "full_stop", ",": "comma", "!": "exclamation_mark"}


def _community(db: Database) -> None:
    """Ana (agreed to public recognition), Bea (not), and the hostile names (agreed)."""
    members.add_member(
        db, data=MemberCreate(name="Ana Lima", email="ana@example.org", consent_recognised=True)
    )
    members.add_member(db, data=MemberCreate(name="Bea Costa", handle="@bea"))
    for index, name in enumerate(HOSTILE_NAMES):
        members.add_member(
            db, data=MemberCreate(name=name, handle=f"hostile{index}", consent_recognised=True)
        )


def _held_session(db: Database) -> None:
    """Everyone came to one held session of the Garden circle a week ago ("First steps")."""
    circles.create_circle(db, data=CircleCreate(name="Garden", min_size=2, max_size=10))
    handles = ["ana@example.org", "@bea", *(f"@hostile{i}" for i in range(len(HOSTILE_NAMES)))]
    for handle in handles:
        circles.add_member_to_circle(db, circle_ref="Garden", member_ref=handle)
    sessions.record_session(
        db, circle_ref="Garden", day=clock.today() - dt.timedelta(days=7), present=handles
    )


def _older_entries(db: Database) -> None:
    """Three earlier entries of different kinds, so the newest-first order means something."""
    for days, member, kind in (
        (5, "@bea", RecognitionKind.NOTE),
        (4, "ana@example.org", RecognitionKind.GIFT),
        (3, "@bea", RecognitionKind.SHOUT_OUT),
    ):
        recognition.recognize(
            db,
            member_ref=member,
            kind=kind,
            message=f"earlier {kind.value}",
            day=clock.today() - dt.timedelta(days=days),
        )


def _open(db: Database, db_path: Path) -> CircleKeeperApp:
    db.close()
    return CircleKeeperApp(db_path=db_path)


def _feed(app: CircleKeeperApp) -> PagedTable:
    return app.screen.query_one("#recognition-feed", PagedTable)


def _feed_messages(app: CircleKeeperApp) -> list[str]:
    table = _feed(app)
    return [_data(table.row_at(i)).message for i in range(table.total)]


def _data(row: Row | None) -> Any:
    """The read model behind a loaded row."""
    assert row is not None
    return row.data


def _text(widget_id: str, app: CircleKeeperApp) -> str:
    return str(app.screen.query_one(widget_id, Static).content)


async def _type(pilot: Pilot[None], text: str) -> None:
    keys = [KEY_NAMES.get(char, char) for char in text]
    await pilot.press(*keys)


async def _compose_for(pilot: Pilot[None], search: str) -> RecognitionForm:
    """Open the compose form and pick the member whom `search` finds first."""
    app = pilot.app
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, RecognitionForm)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, PickerScreen)
    await _type(pilot, search)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, RecognitionForm)
    assert isinstance(app.focused, TextArea)
    return form


def _saved(db_path: Path) -> list[RecognitionRead]:
    check = open_database(db_path)
    try:
        return recognition.list_recognitions(check, limit=100).items
    finally:
        check.close()


async def test_compose_puts_the_new_entry_on_top_of_the_feed_and_in_the_log(
    db: Database, db_path: Path
) -> None:
    _community(db)
    _older_entries(db)
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, RecognitionScreen)
        assert _feed_messages(app) == ["earlier shout-out", "earlier gift", "earlier note"]
        await _compose_for(pilot, "ana")
        await _type(pilot, MESSAGE)
        app.screen.query_one("#visibility", Select).value = Visibility.COMMUNITY
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecognitionScreen)
        assert _feed_messages(app)[0] == MESSAGE
        assert _feed(app).cursor_row == 0
        assert "4 recognitions" in screen_text(app)
        assert MESSAGE in _text("#recognition-detail", app)
    [newest, *_] = _saved(db_path)
    assert (newest.member_name, newest.kind, newest.message) == (
        "Ana Lima",
        RecognitionKind.SHOUT_OUT,
        MESSAGE,
    )
    assert newest.visibility is Visibility.COMMUNITY
    assert newest.day == clock.today()


async def test_a_badge_entry_asks_for_the_badge_and_names_it(db: Database, db_path: Path) -> None:
    _community(db)
    warm = next(badge.id for badge in badges.list_badges(db) if badge.name == "Warm welcome")
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        form = await _compose_for(pilot, "ana")
        assert not form.query_one("#badge-field").display
        form.query_one("#kind", Select).value = RecognitionKind.BADGE
        await pilot.pause()
        assert form.query_one("#badge-field").display
        await _type(pilot, "Welcome")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "choose the badge" in _text("#error-badge", app)
        form.query_one("#badge", Select).value = warm
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecognitionScreen)
        assert "Warm welcome" in screen_text(app)
    [entry] = _saved(db_path)
    assert (entry.kind, entry.badge) == (RecognitionKind.BADGE, "Warm welcome")


async def test_a_public_entry_without_consent_is_refused_beside_visibility(
    db: Database, db_path: Path
) -> None:
    _community(db)
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        form = await _compose_for(pilot, "bea")
        await _type(pilot, MESSAGE)
        form.query_one("#visibility", Select).value = Visibility.CIRCLE
        await pilot.pause()
        assert "Bea Costa has not agreed to public recognition" in _text("#error-visibility", app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Fix the fields" in _text("#form-error", app)
        form.query_one("#visibility", Select).value = Visibility.PRIVATE
        await pilot.pause()
        assert _text("#error-visibility", app) == ""
    assert _saved(db_path) == []


async def test_the_services_consent_refusal_is_shown_and_nothing_is_saved(
    db: Database, db_path: Path
) -> None:
    _community(db)
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        form = await _compose_for(pilot, "ana")
        await _type(pilot, MESSAGE)
        form.query_one("#visibility", Select).value = Visibility.COMMUNITY
        await pilot.pause()
        assert _text("#error-visibility", app) == ""
        other = open_database(db_path)
        try:
            ana = members.get_member(other, ref="ana@example.org")
            members.edit_member(
                other,
                ref=ana.id,
                changes=MemberUpdate(consent_recognised=False),
                expected_version=ana.version,
            )
        finally:
            other.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        refusal = _text("#error-visibility", app)
        assert "Ana Lima has not agreed to public recognition" in refusal
        assert "--consent-recognised" in refusal
        assert "Not saved" in _text("#form-error", app)
    assert _saved(db_path) == []


async def test_one_key_grants_a_suggestion_and_the_feed_shows_it(
    db: Database, db_path: Path
) -> None:
    _community(db)
    _held_session(db)
    offered = suggest(db)
    first_steps = [item for item in offered if item.badge == "First steps"]
    assert len(first_steps) == 2 + len(HOSTILE_NAMES)
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        table = app.screen.query_one("#suggestions", PagedTable)
        assert app.focused is table
        assert table.total == len(offered)
        target = _data(table.highlighted)
        await pilot.press("y")
        await settle(pilot)
        assert table.total == len(offered) - 1
        remaining = [_data(table.row_at(i)).key for i in range(table.total)]
        assert target.key not in remaining
        top = _data(_feed(app).row_at(0))
        assert (top.member_name, top.badge) == (target.member_name, "First steps")
        second = _data(table.highlighted)
        await pilot.press("enter")
        await settle(pilot)
        assert table.total == len(offered) - 2
        assert _data(_feed(app).row_at(0)).member_name == second.member_name
        await pilot.press("g")
        await settle(pilot)
        assert not app.screen.query_one("#suggestions-pane").display
        assert app.focused is _feed(app)
    saved = _saved(db_path)
    assert {(e.member_name, e.badge) for e in saved} == {
        (target.member_name, "First steps"),
        (second.member_name, "First steps"),
    }
    check = open_database(db_path)
    try:
        assert {item.key for item in suggest(check)} == {
            item.key for item in offered if item.key not in (target.key, second.key)
        }
    finally:
        check.close()


async def test_filter_by_kind_and_by_member(db: Database, db_path: Path) -> None:
    _community(db)
    _older_entries(db)
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert _feed_messages(app) == ["earlier shout-out"]
        assert "kind: shout-out" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert _feed_messages(app) == []
        assert "No recognitions here yet" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(_feed_messages(app)) == 3
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await _type(pilot, "bea")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert _feed_messages(app) == ["earlier shout-out", "earlier note"]
        assert "member: Bea Costa" in screen_text(app)
        await pilot.press("f", "f", "f", "f")
        await settle(pilot)
        assert _feed_messages(app) == ["earlier note"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(_feed_messages(app)) == 3


async def test_hostile_names_show_as_typed_in_feed_detail_and_suggestions(
    db: Database, db_path: Path
) -> None:
    _community(db)
    _held_session(db)
    for index, name in enumerate(HOSTILE_NAMES):
        recognition.recognize(
            db,
            member_ref=f"@hostile{index}",
            kind=RecognitionKind.SPOTLIGHT,
            message=f"{name} [@click=app.quit]thanks[/]",
            by_ref="ana@example.org",
            day=clock.today() - dt.timedelta(days=index),
        )
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        text = screen_text(app)
        for name in HOSTILE_NAMES:
            assert fit_cell(clean_text(name), 20).rstrip() in text
        feed = _feed(app)
        for index, name in enumerate(HOSTILE_NAMES):
            feed.cursor_row = index
            await settle(pilot)
            detail = _text("#recognition-detail", app)
            assert detail.startswith(clean_text(name))
            assert f"{clean_text(name)} [@click=app.quit]thanks[/]" in detail
        await pilot.press("g")
        await settle(pilot)
        text = screen_text(app)
        for name in HOSTILE_NAMES:
            assert safe_cell_text(clean_text(name))[:18] in text
        table = app.screen.query_one("#suggestions", PagedTable)
        names = {_data(table.row_at(i)).member_name for i in range(table.total)}
        assert {clean_text(name) for name in HOSTILE_NAMES} <= names
        assert "Suggestion: " in _text("#recognition-detail", app)
        assert app.is_running


@pytest.mark.parametrize("total", [50_000])
async def test_the_feed_pages_through_a_large_log(db: Database, db_path: Path, total: int) -> None:
    _community(db)
    with db.raw() as conn:
        ana = conn.execute("SELECT id FROM member WHERE name = 'Ana Lima'").fetchone()[0]
        start = clock.today().toordinal()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO recognition (member_id, kind, message, badge_name, given_by, day, "
            "visibility, created_at) VALUES (?, 'shout-out', ?, '', 'me', ?, 'private', ?)",
            (
                (
                    ana,
                    f"entry {n}",
                    dt.date.fromordinal(start - n // 40).isoformat(),
                    "2026-11-21 12:00:00.000000",
                )
                for n in range(total)
            ),
        )
        conn.execute("COMMIT")
    app = _open(db, db_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        feed = _feed(app)
        assert feed.total == total
        assert f"{total:,} recognitions" in screen_text(app)
        assert _data(feed.row_at(0)).message == "entry 39"
        await pilot.press("end")
        await settle(pilot)
        assert _data(feed.highlighted).message == f"entry {total - 40}"
        assert feed.cached_page_count <= feed.max_cached_pages

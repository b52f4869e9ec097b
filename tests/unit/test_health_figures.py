"""Kept health figures: counted once, forgotten by the triggers when what they were counted from
changes, holding for the days between decided sessions, and always what a full count gives."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import copy_database
from tests.health_helpers import (
    LAST_TUESDAY,
    TODAY,
    held,
    make_circle,
    not_held,
    seat,
    tuesdays,
    weeks_held,
)

from circlekeeper.db import Database
from circlekeeper.db.errors import DatabaseReadOnly
from circlekeeper.errors import CircleKeeperError
from circlekeeper.models.enums import SessionStatus
from circlekeeper.services import circles, health, sessions
from circlekeeper.services.health import circle_health
from circlekeeper.services.health_models import CircleHealth

FIVE = ("ana", "bo", "cy", "dee", "eli")
WATCHED = ("checkin", "circle_session", "role_assignment", "membership")


def kept(db: Database) -> dict[int, tuple[str, str]]:
    """The kept rows: circle id → (valid from, valid to)."""
    with db.raw() as conn:
        rows = conn.execute("SELECT circle_id, valid_from, valid_to FROM health_figures")
        return {circle_id: (start, end) for circle_id, start, end in rows}


def counted_in_full(db: Database, today: dt.date = TODAY) -> list[CircleHealth]:
    """Health with every circle counted from the check-ins, the kept figures unread: what they
    must always agree with."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(health, "kept_query", health.health_query)
        return circle_health(db, today=today)


@contextmanager
def refuse_writing(self: Database) -> Iterator[sqlite3.Connection]:
    raise DatabaseReadOnly(f"{self.path} is read-only")
    yield  # pragma: no cover - never reached, makes this a generator


@pytest.fixture
def recounts(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """The days circle_health counted figures again for, in order."""
    days: list[dt.date] = []
    real = health.recount_statement

    def spy(scope: object, today: dt.date) -> object:
        days.append(today)
        return real(scope, today)  # type: ignore[arg-type]

    monkeypatch.setattr(health, "recount_statement", spy)
    return days


@pytest.fixture
def two_circles(db: Database) -> dict[str, int]:
    """Builders and Makers, each with five members and eight weeks held, figures kept."""
    ids = {}
    for name in ("Builders", "Makers"):
        ids[name] = make_circle(db, name)
        handles = tuple(f"{name[0].lower()}{handle}" for handle in FIVE)
        seat(db, name, *handles)
        weeks_held(db, name, tuesdays(8), handles[:4], absent=handles[4:])
    circle_health(db)
    assert set(kept(db)) == set(ids.values())
    return ids


def test_every_table_health_is_counted_from_has_its_three_triggers(db: Database) -> None:
    with db.raw() as conn:
        found = {
            (table, name.rsplit("_", 1)[-1])
            for name, table in conn.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
    assert found == {(table, op) for table in WATCHED for op in ("insert", "update", "delete")}


def test_a_second_read_counts_nothing_and_agrees_with_the_first(
    db: Database, two_circles: dict[str, int], recounts: list[dt.date]
) -> None:
    first = counted_in_full(db)

    again = circle_health(db)

    assert recounts == []
    assert again == first


def test_a_recorded_session_forgets_its_circle_only_and_is_counted_next(
    db: Database, two_circles: dict[str, int], recounts: list[dt.date]
) -> None:
    builders = two_circles["Builders"]
    before = {item.name: item for item in circle_health(db)}

    held(db, "Builders", LAST_TUESDAY + dt.timedelta(days=1), present=("bana",))

    assert set(kept(db)) == {two_circles["Makers"]}
    after = {item.name: item for item in circle_health(db)}
    assert recounts == [TODAY]
    assert set(kept(db)) == set(two_circles.values())
    assert after["Builders"].figures.last_held_on == LAST_TUESDAY + dt.timedelta(days=1)
    assert after["Builders"] != before["Builders"]
    assert after["Makers"] == before["Makers"]
    assert circle_health(db) == counted_in_full(db)
    assert builders in kept(db)


CHANGES: dict[str, str] = {
    "a mark changes": "UPDATE checkin SET attendance = 'absent' WHERE circle_id = :circle",
    "a check-in is deleted": "DELETE FROM checkin WHERE id = (SELECT max(id) FROM checkin "
    "WHERE circle_id = :circle)",
    "an answer is written": 'UPDATE checkin SET answers = \'{"How?": "well"}\' '
    "WHERE circle_id = :circle",
    "a held session is cancelled": "UPDATE circle_session SET status = 'cancelled' "
    "WHERE id = (SELECT max(id) FROM circle_session WHERE circle_id = :circle)",
    "a session moves": "UPDATE circle_session SET local_date = '2026-11-18' "
    "WHERE id = (SELECT max(id) FROM circle_session WHERE circle_id = :circle)",
    "a member leaves": "UPDATE membership SET left_on = '2026-11-21' WHERE id = "
    "(SELECT max(id) FROM membership WHERE circle_id = :circle)",
    "a stay is deleted": "DELETE FROM membership WHERE id = "
    "(SELECT max(id) FROM membership WHERE circle_id = :circle)",
    "a role is held at a session": "INSERT INTO role_assignment "
    "(role_id, session_id, member_id, version, created_at, updated_at) SELECT "
    "1, max(id), (SELECT min(member_id) FROM membership WHERE circle_id = :circle), 1, "
    "'2026-11-21', '2026-11-21' "
    "FROM circle_session WHERE circle_id = :circle",
}
"""Writes made directly in SQL (as another program might): the triggers catch every path."""


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_change_to_what_figures_are_counted_from_forgets_them(
    db: Database, two_circles: dict[str, int], change: str
) -> None:
    with db.raw() as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(CHANGES[change], {"circle": two_circles["Builders"]})

    assert set(kept(db)) == {two_circles["Makers"]}
    assert circle_health(db) == counted_in_full(db)


IDLE: dict[str, str] = {
    "a mood is noted": "UPDATE checkin SET mood = 4 WHERE circle_id = :circle",
    "a session is planned": "INSERT INTO circle_session (circle_id, local_date, starts_at, "
    "status, reason, notes, version, created_at, updated_at) VALUES (:circle, '2026-12-01', "
    "'2026-12-01 18:00:00', 'planned', '', '', 1, '2026-11-21', '2026-11-21')",
    "session notes change": "UPDATE circle_session SET notes = 'tea' WHERE circle_id = :circle",
}
"""Writes that change no figure, and so keep them."""


@pytest.mark.parametrize("change", IDLE, ids=list(IDLE))
def test_changes_that_count_for_nothing_keep_the_figures(
    db: Database, two_circles: dict[str, int], change: str
) -> None:
    with db.raw() as conn:
        conn.execute(IDLE[change], {"circle": two_circles["Builders"]})

    assert set(kept(db)) == set(two_circles.values())


def test_figures_hold_until_the_next_decided_session_and_no_further(
    db: Database, two_circles: dict[str, int], recounts: list[dt.date]
) -> None:
    ahead = TODAY + dt.timedelta(days=3)
    not_held(db, "Builders", ahead, SessionStatus.CANCELLED)
    circle_health(db)
    assert kept(db)[two_circles["Builders"]] == (LAST_TUESDAY.isoformat(), ahead.isoformat())
    recounts.clear()

    circle_health(db, today=ahead - dt.timedelta(days=1))
    assert recounts == []
    on_the_day = circle_health(db, today=ahead)

    assert recounts == [ahead]
    assert on_the_day == counted_in_full(db, today=ahead)
    [builders] = [item for item in on_the_day if item.name == "Builders"]
    assert builders.figures.missed_sessions == 1


def test_a_day_before_the_last_decided_session_is_counted_for_that_day(
    db: Database, two_circles: dict[str, int]
) -> None:
    before = LAST_TUESDAY - dt.timedelta(days=1)

    found = circle_health(db, today=before)

    assert found == counted_in_full(db, today=before)
    assert all(item.figures.last_held_on == before - dt.timedelta(days=6) for item in found)
    assert circle_health(db) == counted_in_full(db)


def test_a_database_another_program_keeps_locked_is_counted_without_keeping(
    db_path: Path, db: Database, two_circles: dict[str, int]
) -> None:
    held(db, "Builders", LAST_TUESDAY + dt.timedelta(days=1), present=("bana",))
    impatient = Database(db_path, busy_timeout_ms=0)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        found = circle_health(impatient)
        other.execute("ROLLBACK")
    finally:
        other.close()
        impatient.close()

    assert found == circle_health(db)
    assert [item.figures.last_held_on for item in found if item.name == "Builders"] == [
        LAST_TUESDAY + dt.timedelta(days=1)
    ]


def test_a_database_that_may_not_be_written_is_counted_without_keeping(
    db: Database, two_circles: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    held(db, "Makers", LAST_TUESDAY + dt.timedelta(days=1), present=("mana",))
    monkeypatch.setattr(Database, "housekeeping", refuse_writing)

    found = circle_health(db)

    assert set(kept(db)) == {two_circles["Builders"]}
    assert found == counted_in_full(db)
    assert [item.figures.last_held_on for item in found if item.name == "Makers"] == [
        LAST_TUESDAY + dt.timedelta(days=1)
    ]


def test_keeping_figures_leaves_the_change_stamp_as_it_was(
    db: Database, two_circles: dict[str, int]
) -> None:
    held(db, "Makers", LAST_TUESDAY + dt.timedelta(days=1), present=("mana",))
    stamp = db.change_stamp()

    circle_health(db)

    assert set(kept(db)) == set(two_circles.values())
    assert db.change_stamp() == stamp


# --- the kept figures always agree with a full count ----------------------------------------

NAMES = ("Builders", "Makers")
Step = Callable[[Database], object]


def _hold(circle: str, week: int, present: int) -> Step:
    handles = [f"{circle[0].lower()}{handle}" for handle in FIVE]
    day = LAST_TUESDAY - dt.timedelta(weeks=week)
    return lambda db: held(db, circle, day, present=handles[:present], absent=handles[present:])


def _cancel_ahead(circle: str, days: int) -> Step:
    def cancel(db: Database) -> None:
        day = TODAY + dt.timedelta(days=days)
        for planned in sessions.plan_sessions(db, circle_ref=circle, dates=[day]).added:
            sessions.set_session_status(
                db, session_id=planned.id, status=SessionStatus.CANCELLED, reason="snow"
            )

    return cancel


def _leave(circle: str, index: int) -> Step:
    handle = f"@{circle[0].lower()}{FIVE[index]}"
    return lambda db: circles.remove_member_from_circle(db, circle_ref=circle, member_ref=handle)


def _replan(circle: str) -> Step:
    return lambda db: sessions.plan_sessions(db, circle_ref=circle, count=2)


SHIFTS = (0, 3, 10, -8, 0, 21)
"""Days from today that health is asked about after each step, forward and back again."""
STEPS = st.one_of(
    st.builds(_hold, st.sampled_from(NAMES), st.integers(1, 12), st.integers(0, 5)),
    st.builds(_cancel_ahead, st.sampled_from(NAMES), st.integers(1, 20)),
    st.builds(_leave, st.sampled_from(NAMES), st.integers(0, 4)),
    st.builds(_replan, st.sampled_from(NAMES)),
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(STEPS, min_size=1, max_size=6))
def test_kept_figures_always_agree_with_a_full_count(
    request: pytest.FixtureRequest, tmp_path: Path, steps: list[Step]
) -> None:
    template = request.getfixturevalue("_template_db")
    db = copy_database(template, tmp_path / f"{uuid.uuid4().hex}.db")
    try:
        for name in NAMES:
            make_circle(db, name)
            seat(db, name, *(f"{name[0].lower()}{handle}" for handle in FIVE))
        for step in steps:
            with contextlib.suppress(CircleKeeperError):  # a session already held…
                step(db)
            for shift in SHIFTS:
                day = TODAY + dt.timedelta(days=shift)
                assert circle_health(db, today=day) == counted_in_full(db, today=day)
    finally:
        db.close()


def test_the_change_stamp_does_not_wait_for_housekeeping(db: Database, db_path: Path) -> None:
    """A screen polling the stamp while figures are kept gets the last stamp at once; the
    housekeeping commit leaves it, another program's commit moves it."""
    before = db.change_stamp()
    polled: list[int] = []
    with db.housekeeping():
        poll = threading.Thread(target=lambda: polled.append(db.change_stamp()), daemon=True)
        poll.start()
        poll.join(timeout=5)
    assert polled == [before]
    assert db.change_stamp() == before
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute(
            "INSERT INTO erasure_log (erased_at, member_id, counts) VALUES ('x', 1, '{}')"
        )
    finally:
        other.close()
    assert db.change_stamp() != before

"""Two years of circle life for the benchmark community: sessions and check-ins (attendance).

Circles meet on their own rhythm (weekly, every few weeks, monthly) from the day they began to
the day they last met; some skip more sessions than others, some fade in the last months (fewer
sessions held, fewer people coming) and a few have gone quiet. Only the members seated in a
circle on a session's day check in to it, and only at held sessions; each member has their own
attendance rate, some drift away lately, and paused members are excused. The exact number of
check-ins asked for is reached by leaving some marks out of the roll call (a facilitator does not
always record everyone), chosen at random among all the marks the rhythm produced.

Rows go in with `executemany` through `Database.raw()` in one BEGIN IMMEDIATE transaction; the
tables' secondary indexes are dropped first and built again after the load (four times faster).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tests.benchmarks.generate import Roster

TODAY = dt.date(2026, 11, 21)
WINDOW_START = TODAY - dt.timedelta(days=730)
"""Sessions are generated for the last two years."""
_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"
_WEEKDAY = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_CANCEL_REASONS = ("holiday", "facilitator ill", "too few could come", "public holiday", "")
_PROMPTS = (
    "A win since we last met",
    "A challenge you are carrying",
    "A reflection or something you learned",
)
_ANSWER_TEXTS = (
    "Finished the draft I kept putting off.",
    "Slept badly all week, but I showed up.",
    "Asked for help at work for the first time.",
    "Ça va mieux — merci à tous.",
    "Mi hija empezó la escuela 🎒",
    "[b]not bold[/b] and [@click=app.quit]not a link",
    "@everyone should read this <b>now</b>",
    "Line one\nline two\n\n- a list item",
    "家族と過ごす時間が増えた。",
    "I'm grateful for this circle.",
)


def answer_pool(rng: random.Random, size: int = 240) -> list[str]:
    """JSON answer objects as the app stores them (one to three prompts answered)."""
    pool = []
    for _ in range(size):
        prompts = rng.sample(_PROMPTS, rng.randint(1, 3))
        pool.append(json.dumps({prompt: rng.choice(_ANSWER_TEXTS) for prompt in prompts}))
    return pool


@dataclass
class CircleRhythm:
    """How one circle met: its decided and planned sessions, and how keen it has been."""

    circle_id: int
    sessions: list[tuple[int, dt.date, str, str]] = field(default_factory=list)
    """(session id, local date, status, reason)."""
    turnout: float = 1.0
    fades_from: dt.date | None = None


def _first_slot(start: dt.date, weekday: str) -> dt.date:
    return start + dt.timedelta(days=(_WEEKDAY[weekday] - start.weekday()) % 7)


def _slots(row: dict[str, Any], until: dt.date) -> Iterator[dt.date]:
    """The circle's meeting days from when it began (or two years ago) up to `until`."""
    day = _first_slot(max(row["_first"], WINDOW_START), row["weekday"])
    steps = {"weekly": (7,), "every-n-weeks": (7 * row["cadence_interval"],)}
    pattern = steps.get(row["cadence"], (28, 28, 35))  # monthly: the same weekday each month
    index = 0
    while day <= until:
        yield day
        day += dt.timedelta(days=pattern[index % len(pattern)])
        index += 1


def plan_rhythms(circles: list[dict[str, Any]], rng: random.Random) -> list[CircleRhythm]:
    """Every circle's sessions: decided ones up to yesterday, a few planned ones ahead."""
    rhythms = []
    next_id = 1
    for row in circles:
        rhythm = CircleRhythm(row["id"], turnout=rng.uniform(0.8, 1.1))
        held_rate = rng.uniform(0.72, 0.97)
        stops = row["_last"]
        roll = rng.random()
        if row["status"] == "active" and roll < 0.15:  # fading: fewer sessions, fewer people
            rhythm.fades_from = TODAY - dt.timedelta(weeks=rng.randint(8, 16))
        elif row["status"] == "active" and roll < 0.2:  # gone quiet weeks ago
            stops = TODAY - dt.timedelta(weeks=rng.randint(6, 20))
        if row["status"] != "forming":
            for day in _slots(row, min(stops, TODAY - dt.timedelta(days=1))):
                rate = held_rate
                if rhythm.fades_from is not None and day >= rhythm.fades_from:
                    rate *= 0.55
                if rng.random() < rate:
                    status, reason = "held", ""
                elif rng.random() < 0.6:
                    status, reason = "cancelled", rng.choice(_CANCEL_REASONS)
                else:
                    status, reason = "did-not-happen", ""
                rhythm.sessions.append((next_id, day, status, reason))
                next_id += 1
        if row["status"] in ("active", "forming") and stops >= TODAY - dt.timedelta(days=1):
            ahead = _slots({**row, "_first": TODAY}, TODAY + dt.timedelta(days=27))
            for day in list(ahead)[: rng.randint(1, 3)]:
                rhythm.sessions.append((next_id, day, "planned", ""))
                next_id += 1
        rhythms.append(rhythm)
    return rhythms


@dataclass(frozen=True)
class Attendees:
    """Each member's own attendance rate, and who has drifted away lately (and since when)."""

    rate: list[float]
    drifting_from: dict[int, dt.date]
    paused: set[int]


def member_habits(members: int, paused: set[int], rng: random.Random) -> Attendees:
    """Attendance varies by member (most come often, some rarely); 8% drift off lately."""
    rate = [0.0] + [min(0.98, rng.betavariate(4.0, 1.4)) for _ in range(members)]
    drifting = {
        member: TODAY - dt.timedelta(weeks=rng.randint(3, 12))
        for member in rng.sample(range(1, members + 1), members * 8 // 100)
    }
    return Attendees(rate, drifting, paused)


def seated_on(stays: list[tuple[int, dt.date, dt.date | None]], day: dt.date) -> list[int]:
    """Members seated in the circle on `day` (joined by then, not yet left), each once."""
    return sorted(
        {m for m, joined, left in stays if joined <= day and (left is None or left > day)}
    )


def _starts_at(row: dict[str, Any], day: dt.date, zone: ZoneInfo) -> str:
    hour, minute = (int(part) for part in row["meeting_time"].split(":"))
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
    return local.astimezone(dt.UTC).replace(tzinfo=None).strftime(_TIMESTAMP)


_INSERT_SESSION = (
    "INSERT INTO circle_session (id, circle_id, ritual_id, local_date, starts_at, status, reason,"
    " notes, version, created_at, updated_at) VALUES (?, ?, NULL, ?, ?, ?, ?, '', 1, ?, ?)"
)
_INSERT_CHECKIN = (
    "INSERT INTO checkin (id, session_id, circle_id, member_id, day, attendance, answers, mood,"
    " visibility, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
)


@dataclass
class Activity:
    """Sessions and check-ins ready to write, and the figures the check afterwards compares."""

    sessions: list[tuple[object, ...]]
    checkins: Iterator[tuple[object, ...]]
    marks: int
    """Check-ins that will be written."""
    held: int


def build_activity(
    roster: Roster, members: int, target: int, rng: random.Random
) -> tuple[Activity, dict[str, int]]:
    """Sessions for every circle and a stream of exactly min(target, possible) check-ins."""
    rhythms = plan_rhythms(roster.circles, rng)
    habits = member_habits(members, roster.paused, rng)
    zones: dict[str, ZoneInfo] = {}
    sessions: list[tuple[object, ...]] = []
    held: list[tuple[int, int, dt.date, str, list[int], CircleRhythm]] = []
    possible = 0
    for row, rhythm in zip(roster.circles, rhythms, strict=True):
        zone = zones.setdefault(row["timezone"], ZoneInfo(row["timezone"]))
        stays = roster.stays.get(row["id"], [])
        for session_id, day, status, reason in rhythm.sessions:
            starts = _starts_at(row, day, zone)
            sessions.append((session_id, row["id"], day.isoformat(), starts, status, reason,
                             starts, starts))  # fmt: skip
            if status == "held" and (seated := seated_on(stays, day)):
                held.append((session_id, row["id"], day, starts, seated, rhythm))
                possible += len(seated)
    marks = min(target, possible)
    left_out = set(rng.sample(range(possible), possible - marks))
    figures = {"sessions": len(sessions), "held_sessions": len(held), "possible_checkins": possible}
    stream = _checkins(held, habits, left_out, answer_pool(rng), rng)
    return Activity(sessions, stream, marks, len(held)), figures


def _checkins(
    held: list[tuple[int, int, dt.date, str, list[int], CircleRhythm]],
    habits: Attendees,
    left_out: set[int],
    answers: list[str],
    rng: random.Random,
) -> Iterator[tuple[object, ...]]:
    """One check-in per seated member at each held session, except the marks left out."""
    index = 0
    checkin_id = 0
    paused_since = TODAY - dt.timedelta(weeks=8)
    for session_id, circle_id, day, stamp, seated, rhythm in held:
        fading = rhythm.fades_from is not None and day >= rhythm.fades_from
        turnout = rhythm.turnout * (0.55 if fading else 1.0)
        iso = day.isoformat()
        for member in seated:
            index += 1
            if index - 1 in left_out:
                continue
            rate = habits.rate[member] * turnout
            if member in habits.drifting_from and day >= habits.drifting_from[member]:
                rate = 0.1
            roll = rng.random()
            if roll < 0.04 or (member in habits.paused and day >= paused_since):
                attendance = "excused"
            elif roll < 0.04 + 0.96 * min(rate, 0.98):
                attendance = "present"
            else:
                attendance = "absent"
            said, mood, visibility = "{}", None, "private"
            if attendance == "present":
                if rng.random() < 0.35:
                    said = rng.choice(answers)
                    visibility = rng.choices(("private", "circle", "community"), (6, 25, 15))[0]
                if rng.random() < 0.5:
                    mood = rng.randint(1, 5)
            checkin_id += 1
            yield (checkin_id, session_id, circle_id, member, iso, attendance, said, mood,
                   visibility, stamp, stamp)  # fmt: skip


def secondary_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """The CREATE INDEX statements of `tables` (not the automatic ones of constraints)."""
    marks = ", ".join("?" * len(tables))
    rows = conn.execute(
        f"SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})"
        " AND sql IS NOT NULL ORDER BY name",
        tables,
    ).fetchall()
    return [row[0] for row in rows]


def drop_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary indexes of `tables` and return the statements that rebuild them."""
    statements = secondary_indexes(conn, tables)
    names = conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({', '.join('?' * len(tables))})",
        tables,
    ).fetchall()
    for (name,) in names:
        conn.execute(f'DROP INDEX "{name}"')
    return statements


def write_activity(conn: sqlite3.Connection, activity: Activity) -> None:
    """Sessions, then check-ins, in one transaction, with the indexes built after the load.

    Foreign keys are not enforced row by row during the load (three look-ups per check-in);
    the generator runs `PRAGMA foreign_key_check` over everything afterwards instead."""
    tables = ("circle_session", "checkin")
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        rebuild = drop_indexes(conn, tables)
        conn.executemany(_INSERT_SESSION, activity.sessions)
        conn.executemany(_INSERT_CHECKIN, activity.checkins)
        for statement in rebuild:
            conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")

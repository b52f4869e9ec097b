"""The ambassador programme and the recognition log of the benchmark community.

Ambassadors are members (most serving, some resting until a date, some alumni with a retirement
day), with one or two focus areas, one to three goals (weekly mostly, some monthly; a quarter
changed their target once, so an ended goal precedes the current one) and progress logged
week by week since they started, more or less diligently, nothing while resting. Recognitions
span two years: shout-outs most, then notes, badges (named after a real badge), spotlights and
gifts; only members who consented are recognised in public (community visibility).

Written with `executemany` through `Database.raw()` in one BEGIN IMMEDIATE transaction, the
secondary indexes of the big tables built after the load.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from typing import Any

from tests.benchmarks.generate_activity import TODAY, WINDOW_START, drop_indexes

_STAMP = "2026-11-21 12:00:00.000000"
_FOCUS = (
    "welcome team", "content highlighter", "conversation starter", "event promoter",
    "peer-support lead", "culture keeper",
)  # fmt: skip
_METRICS = (
    "welcome new members", "start threads", "answer questions", "host an event",
    "check in on quiet members",
)  # fmt: skip
_NOTES = ("", "", "", "great thread on burnout", "welcomed the Lisbon cohort", "[b]not bold[/b]")
_MESSAGES = (
    "Thank you for holding space on Tuesday.",
    "Your welcome message made the new folks feel at home.",
    "Merci pour ta patience et ton écoute.",
    "Brought snacks *and* wisdom.",
    "[@click=app.quit]Thanks[/] for everything",
    "@everyone look at what {name} did",
    "Ran the whole harvest retro with grace.",
)
_KINDS = ("shout-out", "note", "badge", "spotlight", "gift")
_KIND_WEIGHTS = (50, 20, 15, 10, 5)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _ambassador(
    ambassador_id: int, member_id: int, rng: random.Random
) -> tuple[tuple[object, ...], list[tuple[dt.date, dt.date]]]:
    """One ambassador row and their rests (first day, last day)."""
    started = WINDOW_START - dt.timedelta(days=rng.randint(0, 500))
    started += dt.timedelta(days=rng.randint(0, 680))
    roll = rng.random()
    status, resting_until, retired = "active", None, None
    rests: list[tuple[dt.date, dt.date]] = []
    if roll < 0.12:
        status = "alumni"
        retired = started + dt.timedelta(days=rng.randint(60, max(61, (TODAY - started).days)))
        retired = min(retired, TODAY - dt.timedelta(days=1))
    elif roll < 0.2:
        status = "resting"
        resting_until = TODAY + dt.timedelta(days=rng.randint(7, 60))
        rests.append((TODAY - dt.timedelta(days=rng.randint(0, 14)), resting_until))
    elif roll < 0.3 and (TODAY - started).days > 60:
        rest_start = started + dt.timedelta(days=rng.randint(14, (TODAY - started).days - 30))
        rests.append((rest_start, rest_start + dt.timedelta(days=13)))
    row = (
        ambassador_id, member_id, status,
        resting_until.isoformat() if resting_until else None,
        rng.randint(2, 10), started.isoformat(), retired.isoformat() if retired else None,
        "", 1, _STAMP, _STAMP,
    )  # fmt: skip
    return row, rests


def _resting(day: dt.date, rests: list[tuple[dt.date, dt.date]]) -> bool:
    return any(first <= day <= last for first, last in rests)


def _progress(
    ambassador_id: int,
    goal: tuple[str, str, int, str, dt.date, dt.date | None],
    rests: list[tuple[dt.date, dt.date]],
    diligence: float,
    rng: random.Random,
) -> list[tuple[object, ...]]:
    """Progress logged for one goal over its span (from two years ago): a week or month at a
    time, more often and closer to the target the more diligent the ambassador."""
    metric, key, target, per, starts, ends = goal
    first = max(starts, WINDOW_START)
    last = min(ends or TODAY, TODAY)
    step = 7 if per == "week" else 28
    rows = []
    day = _week_start(first)
    while day <= last:
        if rng.random() < diligence:
            logged = day + dt.timedelta(days=rng.randrange(step))
            if first <= logged <= last and not _resting(logged, rests):
                count = max(1, round(target * rng.uniform(0.4, 1.4) * diligence))
                by = "" if rng.random() < 0.8 else "facilitator"
                rows.append((ambassador_id, metric, key, logged.isoformat(), count,
                             rng.choice(_NOTES), by, _STAMP))  # fmt: skip
        day += dt.timedelta(days=step)
    return rows


def build_programme(
    members: list[int], count: int, rng: random.Random
) -> dict[str, list[tuple[object, ...]]]:
    """Ambassadors (from `members`), their focus areas, rests, goals and logged progress."""
    from circlekeeper.text import identity_key

    tables: dict[str, list[tuple[object, ...]]] = {
        "ambassador": [], "ambassador_focus": [], "ambassador_rest": [], "goal": [],
        "goal_progress": [],
    }  # fmt: skip
    for ambassador_id, member_id in enumerate(rng.sample(members, count), start=1):
        row, rests = _ambassador(ambassador_id, member_id, rng)
        tables["ambassador"].append(row)
        started = dt.date.fromisoformat(str(row[5]))
        retired = dt.date.fromisoformat(str(row[6])) if row[6] else None
        for position, focus in enumerate(rng.sample(_FOCUS, rng.randint(1, 2))):
            tables["ambassador_focus"].append((ambassador_id, identity_key(focus), focus, position))
        for first, last in rests:
            tables["ambassador_rest"].append(
                (ambassador_id, first.isoformat(), last.isoformat(), "", _STAMP)
            )
        diligence = rng.betavariate(3.0, 1.5)
        for metric in rng.sample(_METRICS, rng.randint(1, 3)):
            per = "week" if rng.random() < 0.75 else "month"
            spans = [started]
            if rng.random() < 0.25 and (TODAY - started).days > 90:
                spans.append(started + dt.timedelta(days=rng.randint(30, (TODAY - started).days)))
            if retired is not None:  # alumni: every goal ended when they retired
                spans = [starts for starts in spans if starts <= retired]
            for index, starts in enumerate(spans):
                ends = spans[index + 1] - dt.timedelta(days=1) if index + 1 < len(spans) else None
                if retired is not None:
                    ends = min(ends or retired, retired)
                target = rng.randint(1, 5) if per == "week" else rng.randint(2, 12)
                goal = (metric, identity_key(metric), target, per, starts, ends)
                tables["goal"].append((ambassador_id, metric, identity_key(metric), target, per,
                                       starts.isoformat(), ends.isoformat() if ends else None,
                                       _STAMP))  # fmt: skip
                tables["goal_progress"].extend(
                    _progress(ambassador_id, goal, rests, diligence, rng)
                )
    return tables


def build_recognitions(
    members: int,
    count: int,
    consenting: set[int],
    badges: list[tuple[int, str]],
    names: dict[int, str],
    rng: random.Random,
) -> list[tuple[object, ...]]:
    """`count` recognitions over two years; community visibility only with consent."""
    rows = []
    span = (TODAY - WINDOW_START).days
    for _ in range(count):
        member = rng.randint(1, members)
        kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0]
        badge_id, badge_name = rng.choice(badges) if kind == "badge" else (None, "")
        giver = rng.randint(1, members) if rng.random() < 0.6 else None
        if giver == member:
            giver = None
        visibility = rng.choices(("private", "circle", "community"), (3, 3, 4))[0]
        if visibility == "community" and member not in consenting:
            visibility = "circle"
        day = WINDOW_START + dt.timedelta(days=rng.randint(0, span))
        message = rng.choice(_MESSAGES).replace("{name}", names.get(member, "them"))
        rows.append((member, kind, message[:2000], badge_id, badge_name, giver,
                     names[giver] if giver else "facilitator", day.isoformat(), visibility,
                     _STAMP))  # fmt: skip
    return rows


_INSERTS = {
    "ambassador": "INSERT INTO ambassador (id, member_id, status, resting_until,"
    " capacity_per_week, started_on, retired_on, note, version, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "ambassador_focus": "INSERT INTO ambassador_focus (ambassador_id, focus_key, focus, position)"
    " VALUES (?, ?, ?, ?)",
    "ambassador_rest": "INSERT INTO ambassador_rest (ambassador_id, starts_on, ends_on, reason,"
    " created_at) VALUES (?, ?, ?, ?, ?)",
    "goal": "INSERT INTO goal (ambassador_id, metric, metric_key, target, per, starts_on, ends_on,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "goal_progress": "INSERT INTO goal_progress (ambassador_id, metric, metric_key, day, count,"
    ' note, "by", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    "recognition": "INSERT INTO recognition (member_id, kind, message, badge_id, badge_name,"
    " given_by_id, given_by, day, visibility, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def write_programme(conn: sqlite3.Connection, tables: dict[str, Any]) -> None:
    """Every programme table in one transaction; big tables' indexes built after the load."""
    conn.execute("BEGIN IMMEDIATE")
    rebuild = drop_indexes(conn, ("goal_progress", "recognition"))
    for table, rows in tables.items():
        conn.executemany(_INSERTS[table], rows)
    for statement in rebuild:
        conn.execute(statement)
    conn.execute("COMMIT")

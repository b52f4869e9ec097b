"""Two processes at once: seats are never oversold; a held write lock becomes DatabaseBusy."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from circlekeeper.db import BUSY_MESSAGE, Database, DatabaseBusy
from circlekeeper.db.errors import EXIT_BUSY
from circlekeeper.models import CircleCreate, Member, MemberCreate
from circlekeeper.services import circles, members

SEATS = 3
ROUNDS = 12
SIDES = ("a", "b")


def seat_racer(
    db_path: str,
    side: str,
    barrier: Any,
    results: Any,
    rounds: int = ROUNDS,
    seats: int = SEATS,
) -> None:
    """One racing process: in each round, try to seat `seats` members of its own in one circle
    ("Round N"; the members are "SIDE-N-SEAT")."""
    from circlekeeper.services.errors import CapacityExceeded

    db = Database(Path(db_path))
    outcomes: list[tuple[int, str]] = []
    try:
        for round_no in range(rounds):
            barrier.wait(timeout=60)
            for seat in range(seats):
                try:
                    circles.add_member_to_circle(
                        db, circle_ref=f"Round {round_no}", member_ref=f"{side}-{round_no}-{seat}"
                    )
                    outcomes.append((round_no, "seated"))
                except CapacityExceeded:
                    outcomes.append((round_no, "full"))
                except Exception as exc:  # reported to the test, which fails on it
                    outcomes.append((round_no, f"{type(exc).__name__}: {exc}"))
    finally:
        db.close()
        results.put((side, outcomes))


def prepare_race(db: Database) -> None:
    """One circle of SEATS seats per round and SEATS members per side per round."""
    for round_no in range(ROUNDS):
        circles.create_circle(
            db, data=CircleCreate(name=f"Round {round_no}", min_size=2, max_size=SEATS)
        )
    with db.write() as session:
        for round_no in range(ROUNDS):
            for side in SIDES:
                for seat in range(SEATS):
                    handle = f"{side}-{round_no}-{seat}"
                    data = MemberCreate(name=handle, handle=handle)
                    session.add(members.new_member_row(data))


@pytest.mark.slow
def test_two_processes_never_oversell_a_circle(db: Database) -> None:
    prepare_race(db)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(SIDES))
    results = context.Queue()
    racers = [
        context.Process(target=seat_racer, args=(str(db.path), side, barrier, results))
        for side in SIDES
    ]
    for racer in racers:
        racer.start()
    reports = dict(results.get(timeout=120) for _ in racers)
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0

    outcomes = [outcome for side in SIDES for outcome in reports[side]]
    assert len(outcomes) == ROUNDS * SEATS * len(SIDES)
    assert {kind for _, kind in outcomes} <= {"seated", "full"}, outcomes
    for round_no in range(ROUNDS):
        kinds = [kind for number, kind in outcomes if number == round_no]
        assert kinds.count("seated") == SEATS
        assert kinds.count("full") == SEATS * (len(SIDES) - 1)
        assert circles.get_circle(db, ref=f"Round {round_no}").size == SEATS


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "INSERT INTO member (name, name_key, handle, handle_key, timezone, joined_on, status,"
    " consent_named, consent_recognised, version, created_at, updated_at)"
    " VALUES ('Holder', 'holder', 'holder', 'holder', 'UTC', '2026-11-21', 'active',"
    " 0, 0, 1, '2026-11-21 12:00:00', '2026-11-21 12:00:00')"
)
print("locked", flush=True)
if sys.argv[2] == "until-told":
    sys.stdin.readline()
else:
    import time
    time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
conn.close()
"""


def hold_write_lock(path: Path, release: str) -> subprocess.Popen[str]:
    """Start another process that takes the write lock; returns once it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), release],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_lock_held_past_the_busy_timeout_raises_database_busy(
    db_path: Path, db: Database
) -> None:
    impatient = Database(db_path, busy_timeout_ms=200)
    holder = hold_write_lock(db_path, "until-told")
    try:
        with pytest.raises(DatabaseBusy) as caught:
            members.add_member(impatient, data=MemberCreate(name="Ana", email="ana@x.org"))
        assert str(caught.value) == BUSY_MESSAGE == "another circlekeeper is writing — try again"
        assert caught.value.exit_code == EXIT_BUSY == 75
    finally:
        holder.communicate("release\n", timeout=30)
        impatient.close()
    assert holder.returncode == 0
    assert members.count_members(db) == 1  # the holder's row only
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    assert members.count_members(db) == 2


def test_a_short_hold_just_waits_and_succeeds(db_path: Path, db: Database) -> None:
    holder = hold_write_lock(db_path, "0.3")
    try:
        ana = members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org"))
    finally:
        holder.communicate(timeout=30)
    assert holder.returncode == 0
    holder_row = members.get_member(db, ref="holder")
    assert ana.id > holder_row.id  # written after the holder committed: it waited its turn
    with db.read() as session:
        assert session.get(Member, ana.id) is not None

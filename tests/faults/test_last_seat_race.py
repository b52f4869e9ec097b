"""Fault: two processes add the last seat of a circle at the same moment, 100 times over.

Every circle has one free seat and each process tries to give it to its own member at once
(tests/unit/test_concurrency.py's racer, one seat per round): each time exactly one wins, the
other is told the circle is full, and the circle ends with exactly max_size members.
"""

from __future__ import annotations

import multiprocessing

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate, Membership
from circlekeeper.services import circles, members
from tests.unit.test_concurrency import SIDES, seat_racer

ROUNDS = 100
MAX_SIZE = 4


def prepare_last_seats(db: Database) -> None:
    """ROUNDS circles of MAX_SIZE seats with all but one taken, and one racer per side each."""
    with db.write() as session:
        for round_no in range(ROUNDS):
            circle = circles.insert_circle(
                session, CircleCreate(name=f"Round {round_no}", min_size=2, max_size=MAX_SIZE)
            )
            seated = [
                members.new_member_row(MemberCreate(name=handle, handle=handle))
                for handle in (f"seated-{round_no}-{seat}" for seat in range(MAX_SIZE - 1))
            ]
            racers = [
                members.new_member_row(MemberCreate(name=handle, handle=handle))
                for handle in (f"{side}-{round_no}-0" for side in SIDES)
            ]
            session.add_all([*seated, *racers])
            session.flush()
            assert circle.id is not None
            for member in seated:
                assert member.id is not None
                session.add(
                    Membership(
                        member_id=member.id,
                        circle_id=circle.id,
                        joined_on=circle.created_at.date(),
                        created_at=circle.created_at,
                    )
                )


@pytest.mark.slow
def test_two_processes_racing_for_the_last_seat_never_oversell(db: Database) -> None:
    prepare_last_seats(db)
    for round_no in range(ROUNDS):
        assert circles.get_circle(db, ref=f"Round {round_no}").size == MAX_SIZE - 1
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(SIDES))
    results = context.Queue()
    racers = [
        context.Process(target=seat_racer, args=(str(db.path), side, barrier, results, ROUNDS, 1))
        for side in SIDES
    ]
    for racer in racers:
        racer.start()
    reports = dict(results.get(timeout=300) for _ in racers)
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0

    outcomes = [outcome for side in SIDES for outcome in reports[side]]
    assert len(outcomes) == ROUNDS * len(SIDES)
    assert {kind for _, kind in outcomes} <= {"seated", "full"}, outcomes
    for round_no in range(ROUNDS):
        kinds = sorted(kind for number, kind in outcomes if number == round_no)
        assert kinds == ["full", "seated"], (round_no, kinds)
        assert circles.get_circle(db, ref=f"Round {round_no}").size == MAX_SIZE

"""Applications through the services: who may apply, the answer's hygiene and length, one pending
application per member and circle, accepting into a seat within the circle's size in one
transaction, declining, withdrawing, and every refusal."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlmodel import col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Application,
    ApplicationStatus,
    CircleCreate,
    CircleStatus,
    CircleVisibility,
    MemberCreate,
    Membership,
)
from circlekeeper.models.application import ANSWER_MAX, NOTE_MAX
from circlekeeper.services import applications, circles, members
from circlekeeper.services.errors import CapacityExceeded, Conflict, InvalidInput, NotFound

TODAY = dt.date(2026, 11, 21)
PENDING, ACCEPTED, DECLINED, WITHDRAWN = (
    ApplicationStatus.PENDING,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.WITHDRAWN,
)


@pytest.fixture(autouse=True)
def _facilitator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The person at the computer is "sam"."""
    monkeypatch.setattr("getpass.getuser", lambda: "sam")


def _people(db: Database, *handles: str) -> None:
    for handle in handles:
        members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))


def _circle(
    db: Database,
    name: str = "Founders",
    *,
    visibility: CircleVisibility = CircleVisibility.APPLICATION,
    seats: int = 4,
) -> int:
    made = circles.create_circle(
        db, data=CircleCreate(name=name, visibility=visibility, min_size=2, max_size=seats)
    )
    return made.id


def _stored(db: Database) -> list[tuple[int, int, str, str]]:
    """Every application row as (circle id, member id, status, answer), by id."""
    with db.read() as session:
        rows = session.exec(select(Application).order_by(col(Application.id))).all()
        return [(a.circle_id, a.member_id, a.status, a.answer) for a in rows]


def _seated(db: Database, circle_id: int) -> list[tuple[str, dt.date]]:
    """The handles of the members sitting in the circle now, with the day they joined."""
    from circlekeeper.models import Member

    with db.read() as session:
        rows = session.exec(
            select(Member.handle, Membership.joined_on)
            .join(Member, col(Member.id) == col(Membership.member_id))
            .where(col(Membership.circle_id) == circle_id, col(Membership.left_on).is_(None))
            .order_by(col(Member.handle))
        ).all()
        return [(str(handle), joined) for handle, joined in rows]


# --- applying -------------------------------------------------------------------------------


def test_a_member_applies_with_a_cleaned_answer(db: Database) -> None:
    _people(db, "ana")
    circle_id = _circle(db)

    made = applications.apply_to_circle(
        db, circle_ref="founders", member_ref="@ana", answer="  I build\x1b[31m things\x07\n\n "
    )

    assert (made.circle_id, made.circle_name, made.member_name) == (circle_id, "Founders", "Ana")
    assert (made.answer, made.status) == ("I build things", PENDING)
    assert (made.decided_on, made.decided_by, made.decision_note) == (None, "", "")
    assert made.created_at == clock.now()
    assert _stored(db) == [(circle_id, made.member_id, "pending", "I build things")]


def test_the_answer_may_be_empty_and_keeps_its_lines(db: Database) -> None:
    _people(db, "ana", "bo")
    _circle(db)

    empty = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    lines = applications.apply_to_circle(
        db, circle_ref="Founders", member_ref="bo", answer="one\n\ttwo"
    )

    assert (empty.answer, lines.answer) == ("", "one\n\ttwo")


def test_an_answer_of_the_maximum_length_is_kept_and_one_more_is_refused(db: Database) -> None:
    _people(db, "ana", "bo")
    _circle(db)

    kept = applications.apply_to_circle(
        db, circle_ref="Founders", member_ref="ana", answer=f"  {'a' * ANSWER_MAX}\n"
    )
    with pytest.raises(InvalidInput, match=f"answer: at most {ANSWER_MAX} characters"):
        applications.apply_to_circle(
            db, circle_ref="Founders", member_ref="bo", answer="b" * (ANSWER_MAX + 1)
        )

    assert len(kept.answer) == ANSWER_MAX
    assert [member for _, member, _, _ in _stored(db)] == [kept.member_id]


@pytest.mark.parametrize("visibility", [CircleVisibility.OPEN, CircleVisibility.OPT_IN])
def test_circles_that_seat_members_directly_take_no_applications(
    db: Database, visibility: CircleVisibility
) -> None:
    _people(db, "ana")
    circle_id = _circle(db, visibility=visibility)

    with pytest.raises(Conflict) as refused:
        applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")

    assert f"is {visibility.value}, so it takes no applications" in refused.value.message
    assert f"circlekeeper circle add #{circle_id} MEMBER" in refused.value.message
    assert _stored(db) == []


def test_a_closed_circle_takes_no_applications(db: Database) -> None:
    _people(db, "ana")
    _circle(db)
    circles.set_circle_status(db, ref="Founders", status=CircleStatus.CLOSED)

    with pytest.raises(Conflict, match="'Founders' is closed"):
        applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    assert _stored(db) == []


def test_a_member_who_left_cannot_apply(db: Database) -> None:
    _people(db, "ana")
    _circle(db)
    members.leave_member(db, ref="ana")

    with pytest.raises(Conflict, match="Ana has left the community"):
        applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    assert _stored(db) == []


def test_a_member_already_in_the_circle_cannot_apply(db: Database) -> None:
    _people(db, "ana")
    _circle(db)
    circles.add_member_to_circle(db, circle_ref="Founders", member_ref="ana")

    with pytest.raises(Conflict, match="Ana is already in 'Founders'"):
        applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    assert _stored(db) == []


def test_unknown_circles_and_members_are_not_found(db: Database) -> None:
    _people(db, "ana")
    _circle(db)

    with pytest.raises(NotFound, match="no circle matches 'Nowhere'"):
        applications.apply_to_circle(db, circle_ref="Nowhere", member_ref="ana")
    with pytest.raises(NotFound, match="no member matches '@zed'"):
        applications.apply_to_circle(db, circle_ref="Founders", member_ref="@zed")


def test_one_pending_application_per_member_and_circle(db: Database) -> None:
    _people(db, "ana")
    _circle(db)
    _circle(db, "Makers")
    first = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")

    with pytest.raises(
        Conflict, match=rf"Ana already applied to 'Founders' \(application #{first.id}"
    ):
        applications.apply_to_circle(db, circle_ref="founders", member_ref="@ANA", answer="again")
    elsewhere = applications.apply_to_circle(db, circle_ref="Makers", member_ref="ana")

    assert elsewhere.circle_name == "Makers"
    assert [status for _, _, status, _ in _stored(db)] == ["pending", "pending"]


@pytest.mark.parametrize("end", ["decline", "withdraw"])
def test_a_member_may_apply_again_once_the_last_application_is_decided(
    db: Database, end: str
) -> None:
    _people(db, "ana")
    _circle(db)
    first = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    if end == "decline":
        applications.decline_application(db, application_id=first.id, note="not this season")
    else:
        applications.withdraw_application(db, application_id=first.id)

    again = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana", answer="2")

    assert again.id != first.id
    assert again.status == PENDING
    assert [status for _, _, status, _ in _stored(db)] == [
        DECLINED.value if end == "decline" else WITHDRAWN.value,
        "pending",
    ]


# --- listing --------------------------------------------------------------------------------


def test_list_is_newest_first_and_filters_by_circle_and_status(db: Database) -> None:
    _people(db, "ana", "bo", "cy")
    _circle(db)
    _circle(db, "Makers")
    one = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    clock.freeze(dt.datetime(2026, 11, 21, 13, tzinfo=dt.UTC))
    two = applications.apply_to_circle(db, circle_ref="Makers", member_ref="bo")
    three = applications.apply_to_circle(db, circle_ref="Founders", member_ref="cy")
    applications.decline_application(db, application_id=three.id)

    every = applications.list_applications(db)
    founders = applications.list_applications(db, circle_ref="founders")
    pending = applications.list_applications(db, status=PENDING)
    declined_here = applications.list_applications(db, circle_ref="Founders", status=DECLINED)

    assert [a.id for a in every] == [three.id, two.id, one.id]
    assert [a.id for a in founders] == [three.id, one.id]
    assert [a.id for a in pending] == [two.id, one.id]
    assert [(a.member_name, a.circle_name) for a in declined_here] == [("Cy", "Founders")]
    assert applications.list_applications(db, status=WITHDRAWN) == []


def test_list_pages_with_limit_and_offset(db: Database) -> None:
    _people(db, "ana", "bo", "cy")
    _circle(db)
    made = [
        applications.apply_to_circle(db, circle_ref="Founders", member_ref=handle).id
        for handle in ("ana", "bo", "cy")
    ]

    first = applications.list_applications(db, limit=2)
    rest = applications.list_applications(db, limit=2, offset=2)

    assert [a.id for a in first + rest] == sorted(made, reverse=True)


@pytest.mark.parametrize(
    ("limit", "offset", "message"),
    [(0, 0, "limit must be between"), (1001, 0, "limit must be between"), (5, -1, "offset")],
)
def test_list_refuses_bad_paging(db: Database, limit: int, offset: int, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        applications.list_applications(db, limit=limit, offset=offset)


def test_list_of_an_unknown_circle_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="no circle matches"):
        applications.list_applications(db, circle_ref="Nowhere")


# --- accepting ------------------------------------------------------------------------------


def test_accepting_seats_the_member_today_in_one_step(db: Database) -> None:
    _people(db, "ana")
    circle_id = _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana", answer="hi")

    decided = applications.accept_application(
        db, application_id=made.id, note="  welcome\x1b[2J aboard "
    )

    assert (decided.status, decided.decided_on, decided.decided_by, decided.decision_note) == (
        ACCEPTED,
        TODAY,
        "sam",
        "welcome aboard",
    )
    assert _seated(db, circle_id) == [("ana", TODAY)]
    assert _stored(db) == [(circle_id, made.member_id, "accepted", "hi")]
    assert circles.get_circle(db, ref="Founders").size == 1


def test_the_decider_can_be_named(db: Database) -> None:
    _people(db, "ana", "bo")
    _circle(db)
    one = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    two = applications.apply_to_circle(db, circle_ref="Founders", member_ref="bo")

    accepted = applications.accept_application(db, application_id=one.id, decided_by=" Rosa\n")
    declined = applications.decline_application(db, application_id=two.id, decided_by="Rosa")

    assert (accepted.decided_by, declined.decided_by) == ("Rosa", "Rosa")


def test_accepting_into_a_full_circle_changes_nothing(db: Database) -> None:
    _people(db, "ana", "bo", "cy")
    circle_id = _circle(db, seats=2)
    circles.add_member_to_circle(db, circle_ref="Founders", member_ref="ana")
    circles.add_member_to_circle(db, circle_ref="Founders", member_ref="bo")
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="cy")

    with pytest.raises(CapacityExceeded) as refused:
        applications.accept_application(db, application_id=made.id, note="yes")

    assert "'Founders' is full: 2 of 2 seats taken" in refused.value.message
    assert f"application #{made.id} stays pending" in refused.value.message
    assert _seated(db, circle_id) == [("ana", TODAY), ("bo", TODAY)]
    [still] = applications.list_applications(db)
    assert (still.id, still.status, still.decided_on, still.decision_note) == (
        made.id,
        PENDING,
        None,
        "",
    )


def test_two_accepts_for_the_last_seat_seat_exactly_one(db: Database) -> None:
    _people(db, "ana", "bo", "cy")
    circle_id = _circle(db, seats=2)
    circles.add_member_to_circle(db, circle_ref="Founders", member_ref="ana")
    bo = applications.apply_to_circle(db, circle_ref="Founders", member_ref="bo")
    cy = applications.apply_to_circle(db, circle_ref="Founders", member_ref="cy")

    applications.accept_application(db, application_id=bo.id)
    with pytest.raises(CapacityExceeded, match="2 of 2 seats taken"):
        applications.accept_application(db, application_id=cy.id)

    assert _seated(db, circle_id) == [("ana", TODAY), ("bo", TODAY)]
    statuses = {a.member_name: a.status for a in applications.list_applications(db)}
    assert statuses == {"Bo": ACCEPTED, "Cy": PENDING}


def test_racing_accepts_from_two_connections_never_oversell(db: Database) -> None:
    rounds = 8
    _people(db, *(f"{side}{n}" for n in range(rounds) for side in "abxy"))
    races: list[tuple[int, tuple[int, int]]] = []
    for n in range(rounds):
        circle_id = _circle(db, f"Round {n}", seats=3)
        circles.add_member_to_circle(db, circle_ref=circle_id, member_ref=f"a{n}")
        circles.add_member_to_circle(db, circle_ref=circle_id, member_ref=f"b{n}")
        x = applications.apply_to_circle(db, circle_ref=circle_id, member_ref=f"x{n}")
        y = applications.apply_to_circle(db, circle_ref=circle_id, member_ref=f"y{n}")
        races.append((circle_id, (x.id, y.id)))
    pairs = [pair for _, pair in races]

    barrier = threading.Barrier(2)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def racer(side: int) -> None:
        handle = Database(db.path)
        try:
            for n, pair in enumerate(pairs):
                barrier.wait(timeout=60)
                try:
                    applications.accept_application(handle, application_id=pair[side])
                    kind = "seated"
                except CapacityExceeded:
                    kind = "full"
                except Exception as exc:  # reported to the test, which fails on it
                    kind = f"{type(exc).__name__}: {exc}"
                with lock:
                    outcomes.append((n, kind))
        finally:
            handle.close()

    threads = [threading.Thread(target=racer, args=(side,)) for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == 2 * rounds
    for n, (circle_id, _) in enumerate(races):
        kinds = sorted(kind for number, kind in outcomes if number == n)
        assert kinds == ["full", "seated"]
        assert len(_seated(db, circle_id)) == 3
    assert sorted(a.status for a in applications.list_applications(db)) == sorted(
        [ACCEPTED] * rounds + [PENDING] * rounds
    )


def test_accept_reads_and_writes_in_one_write_transaction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _people(db, "ana")
    _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    opened: list[str] = []
    real_read, real_write = db.read, db.write

    def spy(kind: str, real: Any) -> Any:
        def opener() -> AbstractContextManager[Any]:
            opened.append(kind)
            return real()

        return opener

    monkeypatch.setattr(db, "read", spy("read", real_read))
    monkeypatch.setattr(db, "write", spy("write", real_write))

    applications.accept_application(db, application_id=made.id)

    assert opened == ["write"]


def test_accepting_twice_or_after_another_decision_is_refused(db: Database) -> None:
    _people(db, "ana", "bo", "cy")
    circle_id = _circle(db)
    ana = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    bo = applications.apply_to_circle(db, circle_ref="Founders", member_ref="bo")
    cy = applications.apply_to_circle(db, circle_ref="Founders", member_ref="cy")
    applications.accept_application(db, application_id=ana.id)
    applications.decline_application(db, application_id=bo.id)
    applications.withdraw_application(db, application_id=cy.id)

    for made, status in ((ana, "accepted"), (bo, "declined"), (cy, "withdrawn")):
        for decide in (
            applications.accept_application,
            applications.decline_application,
            applications.withdraw_application,
        ):
            with pytest.raises(Conflict, match=f"#{made.id} of .* was already {status} on"):
                decide(db, application_id=made.id)
    assert _seated(db, circle_id) == [("ana", TODAY)]


def test_accepting_into_a_circle_closed_since_is_refused(db: Database) -> None:
    _people(db, "ana")
    circle_id = _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    circles.set_circle_status(db, ref="Founders", status=CircleStatus.CLOSED)

    with pytest.raises(Conflict, match="'Founders' is closed"):
        applications.accept_application(db, application_id=made.id)

    assert _seated(db, circle_id) == []
    assert [status for _, _, status, _ in _stored(db)] == ["pending"]


def test_leaving_the_community_withdraws_pending_applications(db: Database) -> None:
    _people(db, "ana", "bo")
    circle_id = _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    other = applications.apply_to_circle(db, circle_ref="Founders", member_ref="bo")
    members.leave_member(db, ref="ana")

    with pytest.raises(Conflict):
        applications.accept_application(db, application_id=made.id)

    assert _seated(db, circle_id) == []
    assert [status for _, _, status, _ in _stored(db)] == ["withdrawn", "pending"]
    [gone] = applications.list_applications(db, status=ApplicationStatus.WITHDRAWN)
    assert (gone.id, gone.decided_by) == (made.id, "left the community")
    assert applications.accept_application(db, application_id=other.id).status == "accepted"


def test_accepting_a_member_seated_since_is_a_clear_conflict(db: Database) -> None:
    _people(db, "ana")
    circle_id = _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")
    circles.add_member_to_circle(db, circle_ref="Founders", member_ref="ana")

    with pytest.raises(Conflict) as refused:
        applications.accept_application(db, application_id=made.id)

    assert "Ana is already in 'Founders'" in refused.value.message
    assert f"decline or withdraw application #{made.id}" in refused.value.message
    assert _seated(db, circle_id) == [("ana", TODAY)]
    assert [status for _, _, status, _ in _stored(db)] == ["pending"]


def test_a_member_who_left_the_circle_may_be_accepted_back(db: Database) -> None:
    _people(db, "ana")
    circle_id = _circle(db)
    circles.add_member_to_circle(db, circle_ref="Founders", member_ref="ana")
    circles.remove_member_from_circle(db, circle_ref="Founders", member_ref="ana")
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")

    applications.accept_application(db, application_id=made.id)

    assert _seated(db, circle_id) == [("ana", TODAY)]
    assert len(circles.get_circle(db, ref="Founders").past_members) == 1


# --- declining and withdrawing --------------------------------------------------------------


def test_declining_keeps_the_application_with_the_note(db: Database) -> None:
    _people(db, "ana")
    circle_id = _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")

    decided = applications.decline_application(db, application_id=made.id, note="try in spring")

    assert (decided.status, decided.decided_on, decided.decided_by, decided.decision_note) == (
        DECLINED,
        TODAY,
        "sam",
        "try in spring",
    )
    assert _seated(db, circle_id) == []
    [listed] = applications.list_applications(db, status=DECLINED)
    assert listed == decided


def test_withdrawing_records_the_applicant_as_the_decider(db: Database) -> None:
    _people(db, "ana")
    circle_id = _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")

    decided = applications.withdraw_application(db, application_id=made.id)

    assert (decided.status, decided.decided_on, decided.decided_by, decided.decision_note) == (
        WITHDRAWN,
        TODAY,
        "Ana",
        "",
    )
    assert _seated(db, circle_id) == []
    assert applications.list_applications(db, status=PENDING) == []


@pytest.mark.parametrize(
    "decide",
    [
        applications.accept_application,
        applications.decline_application,
        applications.withdraw_application,
    ],
)
def test_an_unknown_application_is_not_found(db: Database, decide: Any) -> None:
    with pytest.raises(NotFound, match="no application #9 — 'application list' shows them"):
        decide(db, application_id=9)


@pytest.mark.parametrize(
    "decide", [applications.accept_application, applications.decline_application]
)
def test_a_note_that_is_too_long_is_refused_before_anything_changes(
    db: Database, decide: Any
) -> None:
    _people(db, "ana")
    circle_id = _circle(db)
    made = applications.apply_to_circle(db, circle_ref="Founders", member_ref="ana")

    with pytest.raises(InvalidInput, match=f"note: at most {NOTE_MAX} characters"):
        decide(db, application_id=made.id, note="n" * (NOTE_MAX + 1))
    kept = decide(db, application_id=made.id, note="n" * NOTE_MAX)

    assert len(kept.decision_note) == NOTE_MAX
    assert len(_seated(db, circle_id)) == (1 if kept.status == ACCEPTED else 0)

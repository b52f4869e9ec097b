"""Suggestions of who could be recognised: rule badges, goal streaks and this month's
facilitators — counted in SQL, checked here against counts made independently."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from tests.conftest import FROZEN_NOW

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Ambassador,
    CircleCreate,
    Goal,
    GoalProgress,
    MemberCreate,
    RecognitionKind,
    Suggestion,
    Visibility,
)
from circlekeeper.services import (
    badges,
    circles,
    goals,
    members,
    recognition,
    recognition_suggestions,
    rota,
    sessions,
)
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.lookup import find_member
from circlekeeper.services.programme_settings import ProgrammeSettings
from circlekeeper.services.recognition_suggestions import grant_suggestion, suggest
from circlekeeper.text import sort_key

TODAY = FROZEN_NOW.date()
SETTINGS = ProgrammeSettings(timezone="UTC")
PEOPLE = ("ana", "bea", "cy", "dev", "eli")

ATTENDED_SQL = """
    SELECT c.member_id, count(*) FROM checkin c JOIN circle_session s ON s.id = c.session_id
    WHERE c.attendance = 'present' AND s.status = 'held' GROUP BY c.member_id
"""
FACILITATED_SQL = """
    SELECT a.member_id, count(*) FROM role_assignment a
    JOIN role r ON r.id = a.role_id JOIN circle_session s ON s.id = a.session_id
    WHERE r.name_key = 'facilitator' AND s.status = 'held' AND a.member_id IS NOT NULL
      AND s.local_date >= ? GROUP BY a.member_id
"""


def _sql(db: Database, sql: str, *params: object) -> list[tuple[object, ...]]:
    with db.raw() as conn:
        return [tuple(row) for row in conn.execute(sql, params).fetchall()]


def _counts(db: Database, sql: str, *params: object) -> dict[int, int]:
    return {int(str(m)): int(str(n)) for m, n in _sql(db, sql, *params)}


def _left(db: Database) -> set[int]:
    return {int(str(row[0])) for row in _sql(db, "SELECT id FROM member WHERE status = 'left'")}


def _received(db: Database, badge_id: int) -> set[int]:
    rows = _sql(db, "SELECT member_id FROM recognition WHERE badge_id = ?", badge_id)
    return {int(str(row[0])) for row in rows}


def _expected_badges(db: Database, counts: dict[int, int], rule_kind: str) -> set[str]:
    """Keys of the badge suggestions a rule kind should give, worked out without the service."""
    expected = set()
    for badge in badges.list_badges(db):
        if badge.rule_kind != rule_kind or badge.rule_count is None:
            continue
        for member_id, count in counts.items():
            if count >= badge.rule_count and member_id not in _left(db) | _received(db, badge.id):
                expected.add(f"badge:{badge.id}:{member_id}")
    return expected


@pytest.fixture
def sample(sample_db: Database) -> Database:
    """The bundled sample community (held sessions with check-ins), plus a 2-session badge."""
    badges.add_badge(sample_db, name="Twice", rule="attended 2 sessions")
    return sample_db


def test_sample_attendance_badges_match_an_independent_count(sample: Database) -> None:
    counts = _counts(sample, ATTENDED_SQL)
    expected = _expected_badges(sample, counts, "attended")

    found = suggest(sample, settings=SETTINGS)

    attended_ids = {b.id for b in badges.list_badges(sample) if b.rule_kind == "attended"}
    got = {s.key for s in found if s.reason_kind == "badge" and s.badge_id in attended_ids}
    assert expected, "the sample community should have earned an attendance badge"
    assert got == expected
    twice = next(b for b in badges.list_badges(sample) if b.name == "Twice")
    assert any(key.startswith(f"badge:{twice.id}:") for key in got)


ATTENDANCE_BADGES_SQL = "SELECT id FROM badge WHERE rule_kind = 'attended'"


def test_sample_suggestions_say_what_was_counted(sample: Database) -> None:
    counts = _counts(sample, ATTENDED_SQL)
    consent = dict(_sql(sample, "SELECT id, consent_recognised FROM member"))

    attendance_badges = {row[0] for row in _sql(sample, ATTENDANCE_BADGES_SQL)}

    found = suggest(sample, settings=SETTINGS)

    assert any(item.badge_id in attendance_badges for item in found)
    for item in found:
        if item.reason_kind != "badge" or item.badge_id not in attendance_badges:
            continue
        count = counts[item.member_id]
        plural = "session" if count == 1 else "sessions"
        assert item.evidence.startswith(f"attended {count} {plural} (the badge asks: attended ")
        assert (
            item.message == f"Earned the {item.badge} badge: attended {count} {plural}. Thank you!"
        )
        assert item.kind is RecognitionKind.BADGE
        assert item.public_allowed is bool(consent[item.member_id])


def test_a_badge_given_or_a_member_who_left_is_not_suggested(sample: Database) -> None:
    first = suggest(sample, settings=SETTINGS)
    one = first[0]
    two = next(s for s in first if s.member_id != one.member_id)
    recognition.recognize(
        sample,
        member_ref=one.member_id,
        kind=RecognitionKind.BADGE,
        badge=str(one.badge),
        message="Well earned",
    )
    members.leave_member(sample, ref=two.member_id, reason="moved")

    again = {s.key for s in suggest(sample, settings=SETTINGS)}

    assert one.key not in again
    assert not any(key.endswith(f":{two.member_id}") for key in again)
    assert len(again) < len(first)


def test_suggestions_are_limited_per_badge_keeping_the_highest_counts(sample: Database) -> None:
    counts = _counts(sample, ATTENDED_SQL)

    found = suggest(sample, settings=SETTINGS, limit=1)

    by_badge: dict[int | None, list[Suggestion]] = {}
    for item in found:
        by_badge.setdefault(item.badge_id, []).append(item)
    assert by_badge
    for items in by_badge.values():
        assert len(items) == 1
    first_steps = by_badge[1][0]
    assert counts[first_steps.member_id] == max(counts[m] for m in counts if m not in _left(sample))
    with pytest.raises(InvalidInput, match="limit"):
        suggest(sample, settings=SETTINGS, limit=0)


# facilitators, from a rota planned in advance and sessions held since


def _history(db: Database, name: str, weeks: int = 8) -> None:
    """A weekly circle whose roles were planned `weeks` weeks ago and whose sessions were held."""
    clock.freeze(FROZEN_NOW - dt.timedelta(weeks=weeks))
    circles.create_circle(
        db, data=CircleCreate(name=name, weekday="tue", meeting_time="18:00", max_size=12)
    )
    for handle in PEOPLE:
        with contextlib.suppress(Conflict):
            members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))
        circles.add_member_to_circle(db, circle_ref=name, member_ref=f"@{handle}")
    planned = sessions.plan_sessions(db, circle_ref=name, count=weeks)
    rota.plan_roles(db, circle_ref=name, sessions=weeks, cap=10)
    clock.freeze(FROZEN_NOW)
    for slot in planned.added:
        if slot.local_date < TODAY:
            sessions.record_session(
                db, circle_ref=name, day=slot.local_date, present=[f"@{h}" for h in PEOPLE]
            )


@pytest.fixture
def rotated(db: Database) -> Database:
    """Two circles of the same five people, eight weeks of held sessions with facilitators."""
    _history(db, "Builders")
    _history(db, "Readers")
    badges.add_badge(db, name="Host", rule="facilitated 3 sessions")
    return db


def test_facilitation_badges_match_an_independent_count(rotated: Database) -> None:
    counts = _counts(rotated, FACILITATED_SQL, "0001-01-01")
    expected = _expected_badges(rotated, counts, "facilitated")

    found = suggest(rotated, settings=SETTINGS)

    facilitated_ids = {b.id for b in badges.list_badges(rotated) if b.rule_kind == "facilitated"}
    got = {s.key for s in found if s.reason_kind == "badge" and s.badge_id in facilitated_ids}
    assert expected
    assert got == expected
    host = next(s for s in found if s.badge == "Host")
    assert host.evidence.startswith(f"facilitated {counts[host.member_id]} sessions")


def test_this_months_facilitators_are_suggested_until_thanked(rotated: Database) -> None:
    november = _counts(rotated, FACILITATED_SQL, "2026-11-01")
    assert november

    found = [s for s in suggest(rotated, settings=SETTINGS) if s.reason_kind == "facilitated"]

    assert {s.member_id: s.key for s in found} == {
        member: f"facilitated:{member}:2026-11" for member in november
    }
    for item in found:
        assert item.kind is RecognitionKind.SHOUT_OUT
        assert item.evidence.startswith(f"facilitated {november[item.member_id]} session")
        assert "in November" in item.message
    thanked, noted = found[0], found[-1]
    recognition.recognize(
        rotated, member_ref=thanked.member_id, kind=RecognitionKind.GIFT, message="Tea"
    )
    if noted.member_id != thanked.member_id:
        recognition.recognize(
            rotated, member_ref=noted.member_id, kind=RecognitionKind.NOTE, message="Note to self"
        )
    again = {s.key for s in suggest(rotated, settings=SETTINGS) if s.reason_kind == "facilitated"}
    assert thanked.key not in again
    assert noted.key in again or noted.member_id == thanked.member_id


def test_last_months_thanks_do_not_count_for_this_month(rotated: Database) -> None:
    [first, *_] = [s for s in suggest(rotated, settings=SETTINGS) if s.reason_kind == "facilitated"]
    recognition.recognize(
        rotated,
        member_ref=first.member_id,
        kind=RecognitionKind.SHOUT_OUT,
        message="October thanks",
        day=dt.date(2026, 10, 31),
    )

    again = {s.key for s in suggest(rotated, settings=SETTINGS)}

    assert first.key in again


# goal streaks


def _ambassador(db: Database, handle: str) -> int:
    """Make an existing member an ambassador (a plain row: the ambassador service is not needed)."""
    with db.write() as session:
        member_id = find_member(session, f"@{handle}").id
        row = Ambassador(
            member_id=member_id,
            started_on=dt.date(2026, 1, 5),
            created_at=FROZEN_NOW,
            updated_at=FROZEN_NOW,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


@pytest.fixture
def streaky(db: Database, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Six ambassadors with given streaks (goal logic itself is tested with the goals)."""
    runs = {"ana": 5, "bea": 3, "cy": 4, "dev": 6, "eli": 4, "fay": 0}
    for handle in runs:
        members.add_member(
            db,
            data=MemberCreate(name=handle.title(), handle=handle, consent_recognised=handle < "c"),
        )
    by_ambassador = {_ambassador(db, handle): run for handle, run in runs.items()}
    monkeypatch.setattr(
        goals,
        "met_streaks",
        lambda session, *, as_of, settings, ambassador_ids=None: {
            key: run
            for key, run in by_ambassador.items()
            if ambassador_ids is None or key in ambassador_ids
        },
    )
    members.leave_member(db, ref="@cy", reason="moved")
    recognition.recognize(
        db,
        member_ref="@dev",
        kind=RecognitionKind.BADGE,
        badge="On a roll",
        message="Six weeks!",
        day=TODAY - dt.timedelta(days=10),
    )
    recognition.recognize(
        db,
        member_ref="@eli",
        kind=RecognitionKind.SHOUT_OUT,
        message="Thanks",
        day=TODAY - dt.timedelta(days=28),
    )
    recognition.recognize(
        db,
        member_ref="@eli",
        kind=RecognitionKind.NOTE,
        message="Ask how the move went",
        day=TODAY - dt.timedelta(days=2),
    )
    return {handle: int(members.get_member(db, ref=f"@{handle}").id) for handle in runs}


def test_goal_streaks_suggest_a_shout_out_and_the_streak_badge(
    db: Database, streaky: dict[str, int]
) -> None:
    found = suggest(db, settings=SETTINGS)

    shout_outs = {s.member_id: s for s in found if s.reason_kind == "goal-streak"}
    on_a_roll = {s.member_id for s in found if s.badge == "On a roll"}
    assert set(shout_outs) == {streaky["ana"], streaky["eli"]}
    assert on_a_roll == {streaky["ana"], streaky["eli"]}
    ana = shout_outs[streaky["ana"]]
    assert (ana.key, ana.kind, ana.public_allowed) == (
        f"goal-streak:{streaky['ana']}",
        RecognitionKind.SHOUT_OUT,
        True,
    )
    assert ana.evidence == "met their goals 5 periods running"
    assert shout_outs[streaky["eli"]].public_allowed is False


def test_suggestions_come_badges_first_then_streaks_then_facilitators_by_name(
    rotated: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = {handle: _ambassador(rotated, handle) for handle in ("eli", "ana")}
    monkeypatch.setattr(
        goals,
        "met_streaks",
        lambda session, *, as_of, settings, ambassador_ids=None: dict.fromkeys(ids.values(), 4),
    )

    found = suggest(rotated, settings=SETTINGS)

    reasons = [s.reason_kind for s in found]
    assert reasons == sorted(reasons, key=("badge", "goal-streak", "facilitated").index)
    assert {"badge", "goal-streak", "facilitated"} <= set(reasons)
    for reason in ("goal-streak", "facilitated"):
        names = [sort_key(s.member_name) for s in found if s.reason_kind == reason]
        assert names == sorted(names)


def test_a_real_goal_streak_is_suggested(db: Database) -> None:
    members.add_member(db, data=MemberCreate(name="Ana", handle="ana"))
    ambassador_id = _ambassador(db, "ana")
    metric, key = goals.clean_metric("welcome new members")
    with db.write() as session:
        session.add(
            Goal(
                ambassador_id=ambassador_id,
                metric=metric,
                metric_key=key,
                target=1,
                starts_on=dt.date(2026, 6, 1),
                created_at=FROZEN_NOW,
            )
        )
        for weeks in range(1, 9):
            session.add(
                GoalProgress(
                    ambassador_id=ambassador_id,
                    metric=metric,
                    metric_key=key,
                    day=TODAY - dt.timedelta(weeks=weeks),
                    count=1,
                    created_at=FROZEN_NOW,
                )
            )
    with db.read() as session:
        run = goals.met_streaks(session, as_of=TODAY, settings=SETTINGS)[ambassador_id]
    assert run >= 4

    found = suggest(db, settings=SETTINGS)

    [streak] = [s for s in found if s.reason_kind == "goal-streak"]
    assert streak.evidence == f"met their goals {run} periods running"
    assert "On a roll" in {s.badge for s in found}


# granting


@pytest.fixture
def newcomers(db: Database) -> Database:
    """Ana (public recognition agreed) and Bo (not) came to one held session."""
    for name, agreed in (("Ana", True), ("Bo", False)):
        members.add_member(
            db,
            data=MemberCreate(
                name=name, handle=name.lower(), joined_on="2026-01-01", consent_recognised=agreed
            ),
        )
    circles.create_circle(db, data=CircleCreate(name="Builders", weekday="tue"))
    for handle in ("ana", "bo"):
        circles.add_member_to_circle(
            db, circle_ref="Builders", member_ref=handle, joined_on=dt.date(2026, 11, 1)
        )
    sessions.record_session(
        db, circle_ref="Builders", day=dt.date(2026, 11, 17), present=["ana", "bo"]
    )
    return db


def test_granting_records_the_badge_publicly_only_with_consent(newcomers: Database) -> None:
    found = {s.member_name: s for s in suggest(newcomers, settings=SETTINGS)}
    assert {s.badge for s in found.values()} == {"First steps"}

    ana = grant_suggestion(newcomers, key=found["Ana"].key, settings=SETTINGS)
    bo = grant_suggestion(newcomers, key=found["Bo"].key, settings=SETTINGS)

    assert (ana.kind, ana.badge, ana.visibility) == (
        RecognitionKind.BADGE,
        "First steps",
        Visibility.COMMUNITY,
    )
    assert ana.message == found["Ana"].message
    assert (bo.visibility, bo.day) == (Visibility.PRIVATE, TODAY)
    assert suggest(newcomers, settings=SETTINGS) == []


def test_a_granted_suggestion_cannot_be_granted_twice(newcomers: Database) -> None:
    [first, _] = suggest(newcomers, settings=SETTINGS)
    grant_suggestion(newcomers, key=first.key, settings=SETTINGS)

    with pytest.raises(NotFound, match="not suggested any more"):
        grant_suggestion(newcomers, key=first.key, settings=SETTINGS)
    assert recognition.list_recognitions(newcomers).total == 1


def test_granting_can_choose_visibility_and_words_but_not_overrule_consent(
    newcomers: Database,
) -> None:
    found = {s.member_name: s for s in suggest(newcomers, settings=SETTINGS)}

    with pytest.raises(InvalidInput, match="Bo has not agreed to public recognition"):
        grant_suggestion(
            newcomers, key=found["Bo"].key, visibility=Visibility.CIRCLE, settings=SETTINGS
        )
    ana = grant_suggestion(
        newcomers,
        key=found["Ana"].key,
        visibility=Visibility.PRIVATE,
        message="Welcome, Ana!",
        settings=SETTINGS,
    )

    assert (ana.visibility, ana.message) == (Visibility.PRIVATE, "Welcome, Ana!")
    assert recognition.list_recognitions(newcomers).total == 1


@pytest.mark.parametrize(
    "key", ["", "badge:1", "badge:x:1", "hug:1", "goal-streak:²", "badge:1:99"]
)
def test_an_unknown_key_is_not_found(newcomers: Database, key: str) -> None:
    with pytest.raises(NotFound):
        grant_suggestion(newcomers, key=key, settings=SETTINGS)


def test_granting_a_facilitator_thanks_records_a_shout_out(rotated: Database) -> None:
    [first, *_] = [s for s in suggest(rotated, settings=SETTINGS) if s.reason_kind == "facilitated"]

    entry = grant_suggestion(rotated, key=first.key, settings=SETTINGS)

    assert (entry.member_id, entry.kind, entry.badge) == (
        first.member_id,
        RecognitionKind.SHOUT_OUT,
        None,
    )
    keys = {s.key for s in recognition_suggestions.suggest(rotated, settings=SETTINGS)}
    assert first.key not in keys

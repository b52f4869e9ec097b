"""Who could be recognised now, and why — offered to the facilitator, never granted on its own.

Three reasons, in this order:
1. a rule badge earned but not yet received ("attended 10 sessions": present at 10 held
   sessions; "facilitated 5 sessions": held the facilitator role at 5 held sessions; "met goals
   4 periods running": the ambassador's current streak of goal periods met);
2. an ambassador who met their goals 4 periods running, unless thanked in the last 4 weeks;
3. a member who facilitated held sessions this calendar month, unless thanked this month.
Members who have left are not suggested. Counting happens in SQL; each reason yields at most
`limit` people (those furthest past the mark first), so a 100,000-member community stays quick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func
from sqlalchemy import select as sa_select
from sqlalchemy.sql import Subquery
from sqlmodel import Session, col

from circlekeeper.algorithms.goal_periods import MONTH, period_of
from circlekeeper.db import Database
from circlekeeper.models import (
    Ambassador,
    Attendance,
    Badge,
    BadgeRule,
    CheckIn,
    CircleSession,
    Member,
    MemberStatus,
    Recognition,
    RecognitionKind,
    RecognitionRead,
    Role,
    RoleAssignment,
    SessionStatus,
    Suggestion,
    Visibility,
)
from circlekeeper.models.badge_file import describe_rule
from circlekeeper.services.errors import InvalidInput, NotFound
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings
from circlekeeper.services.recognition import record
from circlekeeper.text import counted, identity_key, quoted, sort_key

STREAK_PERIODS = 4
"""Goal periods met in a row that earn an ambassador a suggested shout-out."""
STREAK_QUIET_DAYS = 28
"""An ambassador thanked within this many days is not suggested again for a streak."""
DEFAULT_LIMIT = 200
FACILITATOR_ROLE = identity_key("facilitator")
REASON_ORDER = ("badge", "goal-streak", "facilitated")
THANKS_KINDS = tuple(kind.value for kind in RecognitionKind if kind is not RecognitionKind.NOTE)
"""Kinds that thank someone; a private note is a record, not thanks given."""


def suggest(
    db: Database,
    *,
    settings: ProgrammeSettings | None = None,
    as_of: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[Suggestion]:
    """Everyone who could be recognised now (see the module doc), badges first, then goal
    streaks, then this month's facilitators, each by member name as the member list sorts."""
    if not 1 <= limit <= 10_000:
        raise InvalidInput("limit must be between 1 and 10000")
    chosen = settings or programme_settings()
    with db.read() as session:
        return suggestions(session, settings=chosen, as_of=as_of or chosen.today(), limit=limit)


def grant_suggestion(
    db: Database,
    *,
    key: str,
    visibility: Visibility | None = None,
    message: str | None = None,
    settings: ProgrammeSettings | None = None,
    as_of: dt.date | None = None,
) -> RecognitionRead:
    """Record the recognition a suggestion offers, if it is still suggested (checked again now).

    The visibility defaults to community when the member agreed to public recognition, else
    private; `message` replaces the prepared one.
    """
    chosen = settings or programme_settings()
    member_id = _member_of(key)
    with db.write() as session:
        found = [
            item
            for item in suggestions(
                session,
                settings=chosen,
                as_of=as_of or chosen.today(),
                limit=1,
                member_id=member_id,
            )
            if item.key == key
        ]
        if not found:
            raise NotFound(
                f"{quoted(key)} is not suggested any more (already granted, or no longer earned) — "
                "'recognition suggest' lists the current suggestions"
            )
        item = found[0]
        default = Visibility.COMMUNITY if item.public_allowed else Visibility.PRIVATE
        return record(
            session,
            member_ref=item.member_id,
            kind=item.kind,
            message=item.message if message is None else message,
            badge=item.badge_id,
            visibility=visibility or default,
            day=as_of,
        )


def suggestions(
    session: Session,
    *,
    settings: ProgrammeSettings,
    as_of: dt.date,
    limit: int,
    member_id: int | None = None,
) -> list[Suggestion]:
    """`suggest` inside the caller's transaction, optionally for one member only."""
    attended = _attended(as_of, member_id)
    facilitated = _facilitated(as_of, None, member_id)
    found = _counted_badges(session, BadgeRule.ATTENDED, attended, limit=limit)
    found += _counted_badges(session, BadgeRule.FACILITATED, facilitated, limit=limit)
    streaks = _streaks(session, settings=settings, as_of=as_of, member_id=member_id)
    found += _streak_badges(session, streaks, limit=limit)
    found += _streak_shout_outs(session, streaks, as_of=as_of, limit=limit)
    found += _facilitators(session, as_of=as_of, limit=limit, member_id=member_id)
    return sorted(found, key=_order)


def _order(item: Suggestion) -> tuple[int, str, int, str]:
    return (
        REASON_ORDER.index(item.reason_kind),
        sort_key(item.member_name),
        item.member_id,
        item.key,
    )


def _attended(as_of: dt.date, member_id: int | None) -> Subquery:
    """Held sessions each member was present at, up to `as_of`."""
    clauses = [
        col(CheckIn.attendance) == Attendance.PRESENT.value,
        col(CircleSession.status) == SessionStatus.HELD.value,
        col(CircleSession.local_date) <= as_of,
    ]
    if member_id is not None:
        clauses.append(col(CheckIn.member_id) == member_id)
    # Grouping by `member_id + 0` keeps SQLite from walking the member index row by row (3x
    # slower over 2,000,000 check-ins than going through the held sessions and sorting).
    member = (col(CheckIn.member_id) + 0).label("member_id")
    return (
        sa_select(member, func.count().label("n"))
        .join(CircleSession, col(CircleSession.id) == col(CheckIn.session_id))
        .where(*clauses)
        .group_by(member)
        .subquery()
    )


def _facilitated(as_of: dt.date, since: dt.date | None, member_id: int | None) -> Subquery:
    """Held sessions (since `since`, up to `as_of`) at which each member was the facilitator,
    and in how many circles."""
    clauses = [
        col(Role.name_key) == FACILITATOR_ROLE,
        col(CircleSession.status) == SessionStatus.HELD.value,
        col(CircleSession.local_date) <= as_of,
        col(RoleAssignment.member_id).is_not(None),
    ]
    if since is not None:
        clauses.append(col(CircleSession.local_date) >= since)
    if member_id is not None:
        clauses.append(col(RoleAssignment.member_id) == member_id)
    return (
        sa_select(
            col(RoleAssignment.member_id).label("member_id"),
            func.count().label("n"),
            func.count(func.distinct(col(CircleSession.circle_id))).label("circles"),
        )
        .join(Role, col(Role.id) == col(RoleAssignment.role_id))
        .join(CircleSession, col(CircleSession.id) == col(RoleAssignment.session_id))
        .where(*clauses)
        .group_by(col(RoleAssignment.member_id))
        .subquery()
    )


def _not_received(badge_id: Any) -> ColumnElement[bool]:
    """The member has no entry giving this badge."""
    return ~exists().where(
        col(Recognition.member_id) == col(Member.id), col(Recognition.badge_id) == badge_id
    )


def _not_thanked_since(day: dt.date) -> ColumnElement[bool]:
    """The member has no thanks (any kind but a note) dated `day` or later."""
    return ~exists().where(
        col(Recognition.member_id) == col(Member.id),
        col(Recognition.day) >= day,
        col(Recognition.kind).in_(THANKS_KINDS),
    )


def _still_here() -> ColumnElement[bool]:
    return col(Member.status) != MemberStatus.LEFT.value


def _counted_badges(
    session: Session, rule: BadgeRule, counts: Subquery, *, limit: int
) -> list[Suggestion]:
    """Rule badges of one kind whose count a member has reached and not yet received."""
    rank = (
        func.row_number()
        .over(
            partition_by=col(Badge.id),
            order_by=(counts.c.n.desc(), col(Member.name_key), col(Member.id)),
        )
        .label("rank")
    )
    ranked = (
        sa_select(
            col(Badge.id).label("badge_id"),
            col(Badge.name).label("badge_name"),
            col(Badge.rule_count).label("rule_count"),
            col(Member.id).label("member_id"),
            col(Member.name).label("member_name"),
            col(Member.consent_recognised).label("consent"),
            counts.c.n,
            rank,
        )
        .select_from(counts)
        .join(Badge, and_(col(Badge.rule_kind) == rule.value, counts.c.n >= col(Badge.rule_count)))
        .join(Member, col(Member.id) == counts.c.member_id)
        .where(_still_here(), _not_received(col(Badge.id)))
        .subquery()
    )
    rows = session.execute(sa_select(ranked).where(ranked.c.rank <= limit)).all()
    return [
        _badge_suggestion(
            badge_id=row.badge_id,
            badge_name=row.badge_name,
            rule=rule,
            rule_count=row.rule_count,
            member_id=row.member_id,
            member_name=row.member_name,
            consent=bool(row.consent),
            count=int(row.n),
        )
        for row in rows
    ]


def _streaks(
    session: Session, *, settings: ProgrammeSettings, as_of: dt.date, member_id: int | None
) -> dict[int, int]:
    """Each ambassador's current run of goal periods met, keyed by member id (no runs of 0)."""
    from circlekeeper.services.goals import met_streaks

    query = sa_select(col(Ambassador.id), col(Ambassador.member_id))
    if member_id is not None:
        query = query.where(col(Ambassador.member_id) == member_id)
    members_of = {row[0]: row[1] for row in session.execute(query).all()}
    if not members_of:
        return {}
    ids = list(members_of) if member_id is not None else None
    streaks = met_streaks(session, as_of=as_of, settings=settings, ambassador_ids=ids)
    return {
        members_of[ambassador]: run
        for ambassador, run in streaks.items()
        if run > 0 and ambassador in members_of
    }


def _members(session: Session, ids: Sequence[int], *where: ColumnElement[bool]) -> list[Any]:
    """Id, name and consent of the members among `ids` that pass `where` and have not left."""
    if not ids:
        return []
    return list(
        session.execute(
            sa_select(col(Member.id), col(Member.name), col(Member.consent_recognised)).where(
                col(Member.id).in_(list(ids)), _still_here(), *where
            )
        ).all()
    )


def _streak_badges(session: Session, streaks: dict[int, int], *, limit: int) -> list[Suggestion]:
    """ "Met goals N periods running" badges reached by an ambassador's current streak."""
    if not streaks:
        return []
    badges = session.execute(
        sa_select(col(Badge.id), col(Badge.name), col(Badge.rule_count)).where(
            col(Badge.rule_kind) == BadgeRule.GOAL_STREAK.value
        )
    ).all()
    found: list[Suggestion] = []
    for badge_id, badge_name, rule_count in badges:
        reached = [member for member, run in streaks.items() if run >= rule_count]
        rows = _members(session, reached, _not_received(badge_id))
        rows.sort(key=lambda row: -streaks[row[0]])
        for member, name, consent in rows[:limit]:
            found.append(
                _badge_suggestion(
                    badge_id=badge_id,
                    badge_name=badge_name,
                    rule=BadgeRule.GOAL_STREAK,
                    rule_count=rule_count,
                    member_id=member,
                    member_name=name,
                    consent=bool(consent),
                    count=streaks[member],
                )
            )
    return found


def _streak_shout_outs(
    session: Session, streaks: dict[int, int], *, as_of: dt.date, limit: int
) -> list[Suggestion]:
    """Ambassadors on a run of STREAK_PERIODS or more, not thanked in the last four weeks."""
    reached = [member for member, run in streaks.items() if run >= STREAK_PERIODS]
    quiet_since = as_of - dt.timedelta(days=STREAK_QUIET_DAYS - 1)
    rows = _members(session, reached, _not_thanked_since(quiet_since))
    rows.sort(key=lambda row: -streaks[row[0]])
    return [
        Suggestion(
            key=f"goal-streak:{member}",
            reason_kind="goal-streak",
            member_id=member,
            member_name=name,
            kind=RecognitionKind.SHOUT_OUT,
            badge_id=None,
            badge=None,
            message=(
                f"Thank you for meeting every ambassador goal {streaks[member]} periods running!"
            ),
            evidence=f"met their goals {streaks[member]} periods running",
            public_allowed=bool(consent),
        )
        for member, name, consent in rows[:limit]
    ]


def _facilitators(
    session: Session, *, as_of: dt.date, limit: int, member_id: int | None
) -> list[Suggestion]:
    """Members who facilitated held sessions this calendar month, not yet thanked this month."""
    month = period_of(as_of, MONTH)
    counts = _facilitated(as_of, month.start, member_id)
    rows = session.execute(
        sa_select(
            col(Member.id),
            col(Member.name),
            col(Member.consent_recognised),
            counts.c.n,
            counts.c.circles,
        )
        .select_from(counts)
        .join(Member, col(Member.id) == counts.c.member_id)
        .where(_still_here(), _not_thanked_since(month.start))
        .order_by(counts.c.n.desc(), col(Member.name_key), col(Member.id))
        .limit(limit)
    ).all()
    label = month.start.strftime("%B")
    found: list[Suggestion] = []
    for member, name, consent, count, circles in rows:
        sessions = counted(int(count), "session")
        where = f" in {counted(int(circles), 'circle')}" if circles > 1 else ""
        found.append(
            Suggestion(
                key=f"facilitated:{member}:{month.start:%Y-%m}",
                reason_kind="facilitated",
                member_id=member,
                member_name=name,
                kind=RecognitionKind.SHOUT_OUT,
                badge_id=None,
                badge=None,
                message=f"Thank you for facilitating {sessions}{where} in {label}!",
                evidence=f"facilitated {sessions}{where} this month",
                public_allowed=bool(consent),
            )
        )
    return found


def _badge_suggestion(
    *,
    badge_id: int,
    badge_name: str,
    rule: BadgeRule,
    rule_count: int,
    member_id: int,
    member_name: str,
    consent: bool,
    count: int,
) -> Suggestion:
    done = describe_rule(rule, count) or ""
    return Suggestion(
        key=f"badge:{badge_id}:{member_id}",
        reason_kind="badge",
        member_id=member_id,
        member_name=member_name,
        kind=RecognitionKind.BADGE,
        badge_id=badge_id,
        badge=badge_name,
        message=f"Earned the {badge_name} badge: {done}. Thank you!",
        evidence=f"{done} (the badge asks: {describe_rule(rule, rule_count)})",
        public_allowed=consent,
    )


def _member_of(key: str) -> int:
    """The member id inside a suggestion key ("badge:3:17" → 17), or NotFound."""
    parts = key.strip().split(":")
    index = {"badge": 2, "goal-streak": 1, "facilitated": 1}.get(parts[0])
    if (
        index is None
        or len(parts) <= index
        or not (parts[index].isascii() and parts[index].isdigit())
    ):
        raise NotFound(
            f"{quoted(key)} is not a suggestion key — 'recognition suggest' lists them (e.g. "
            "badge:3:17)"
        )
    return int(parts[index])

"""The community digest as a read model: each circle's readable highlights, new and closing
circles, spotlights and badges, the ambassadors' collective progress and circles open to join.

Like every report it filters by the audience in SQL (services.report_scope). Its queries are
built from services.core_tables, so making a digest imports no ORM model: at 100,000 members
that start-up was a seventh of `export markdown digest`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    func,
    literal,
    select,
    type_coerce,
)

from circlekeeper.db import Database
from circlekeeper.models.enums import (
    Audience,
    CircleStatus,
    CircleVisibility,
    RecognitionKind,
    SessionStatus,
)
from circlekeeper.services.core_tables import (
    AMBASSADOR,
    CHECKIN,
    CIRCLE,
    CIRCLE_SESSION,
    GOAL_PROGRESS,
    MEMBER,
    MEMBERSHIP,
)
from circlekeeper.services.report_models import (
    CircleHighlight,
    CircleNews,
    Digest,
    Quote,
    ReportPeriod,
)
from circlekeeper.services.report_reads import (
    attendance,
    readable_answers,
    recognitions,
    report_period,
)
from circlekeeper.services.report_scope import audience_of, reading_circle, shown_name

QUOTES_PER_CIRCLE = 3
"""Highlights per circle in the digest: enough to give a flavour, short enough to read."""
CLOSING_AHEAD_DAYS = 28
"""A circle ending within four weeks of the period's end is news."""


def community_digest(
    db: Database,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.COMMUNITY,
    circle_ref: str | int | None = None,
) -> Digest:
    """The community newsletter: each circle's readable highlights, new and closing circles,
    spotlights and badges, the ambassadors' collective progress and circles open to join; for
    the circle audience, `circle_ref` is the circle reading it."""
    reader = audience_of(audience)
    with db.read() as session:
        scope = report_period(reader, start, end, reading_circle(session, reader, circle_ref))
        connection = session.connection()
        held, present = _activity(connection, scope)
        logged, by_metric, ambassadors = _ambassador_progress(connection, scope)
        return Digest(
            scope=scope,
            highlights=_highlights(connection, scope),
            new_circles=_new_circles(connection, scope),
            closing_circles=_closing_circles(connection, scope),
            spotlights=recognitions(
                connection,
                scope,
                kinds=(RecognitionKind.SPOTLIGHT.value, RecognitionKind.BADGE.value),
            ),
            ambassadors=ambassadors,
            progress_logged=logged,
            progress_by_metric=by_metric,
            invitations=_invitations(connection, scope),
            sessions_held=held,
            members_present=present,
        )


def _activity(connection: Connection, scope: ReportPeriod) -> tuple[int, int]:
    """Sessions held in the period, and the present marks at them."""
    held = connection.execute(
        select(func.count())
        .select_from(CIRCLE_SESSION)
        .where(
            CIRCLE_SESSION.c.local_date.between(scope.start, scope.end),
            CIRCLE_SESSION.c.status == SessionStatus.HELD.value,
        )
    ).scalar_one()
    present, _ = attendance(connection, scope, literal(True))
    return int(held), present


def _highlights(connection: Connection, scope: ReportPeriod) -> list[CircleHighlight]:
    """Circles that met in the period, each with its latest readable answers."""
    held = func.count(CIRCLE_SESSION.c.id)
    rows = connection.execute(
        select(CIRCLE.c.id, CIRCLE.c.name, held)
        .join(CIRCLE_SESSION, CIRCLE_SESSION.c.circle_id == CIRCLE.c.id)
        .where(
            CIRCLE_SESSION.c.local_date.between(scope.start, scope.end),
            CIRCLE_SESSION.c.status == SessionStatus.HELD.value,
        )
        .group_by(CIRCLE.c.id)
        .order_by(CIRCLE.c.name_key)
    ).all()
    quotes = _latest_quotes(connection, scope, QUOTES_PER_CIRCLE)
    return [
        CircleHighlight(circle=name, held=count, quotes=quotes.get(circle_id, []))
        for circle_id, name, count in rows
    ]


def _latest_quotes(
    connection: Connection, scope: ReportPeriod, limit: int
) -> dict[int, list[Quote]]:
    """Circle id → its `limit` latest readable answers in the period (as the circle summary
    gives them for one circle), for every circle in one query: a window function keeps each
    circle's `limit` latest check-ins with answers, which hold at least `limit` answers between
    them."""
    newest = (CHECKIN.c.day.desc(), CHECKIN.c.id.desc())
    ranked = (
        select(
            CHECKIN.c.circle_id,
            CHECKIN.c.day,
            CHECKIN.c.id,
            CHECKIN.c.answers,
            CHECKIN.c.visibility,
            shown_name(scope.audience, MEMBER, circle_id=scope.circle_id).label("name"),
            func.row_number().over(partition_by=CHECKIN.c.circle_id, order_by=newest).label("rank"),
        )
        .select_from(CHECKIN)
        .join(MEMBER, MEMBER.c.id == CHECKIN.c.member_id)
        .where(*readable_answers(scope))
        .subquery("ranked")
    )
    r = ranked.c
    rows: dict[int, list[tuple[str, str, str, str]]] = {}
    for circle_id, day, answers, visibility, name in connection.execute(
        select(
            r.circle_id,
            type_coerce(r.day, String),
            type_coerce(r.answers, String),
            r.visibility,
            r.name,
        )
        .where(r.rank <= limit)
        .order_by(r.circle_id, r.day, r.id)
    ).all():
        rows.setdefault(circle_id, []).append((day, answers, visibility, name))
    return {circle_id: _newest_quotes(kept, limit) for circle_id, kept in rows.items()}


def _newest_quotes(rows: list[tuple[str, str, str, str]], limit: int) -> list[Quote]:
    """The `limit` latest non-blank answers of one circle's check-in rows (day and answers as
    stored text, oldest first), oldest first: rows are decoded newest first and only until
    `limit` answers are found, so most of a digest's check-ins are never parsed."""
    kept: list[Quote] = []
    for day, answers, visibility, name in reversed(rows):
        for prompt, answer in reversed(json.loads(answers).items()):
            if answer.strip():
                kept.append(
                    Quote(
                        day=dt.date.fromisoformat(day),
                        prompt=prompt,
                        answer=answer,
                        member=name,
                        visibility=visibility,
                    )
                )
                if len(kept) == limit:
                    return kept[::-1]
    return kept[::-1]


def _seats_open() -> Any:
    taken = (
        select(func.count())
        .where(MEMBERSHIP.c.circle_id == CIRCLE.c.id, MEMBERSHIP.c.left_on.is_(None))
        .correlate(CIRCLE)
        .scalar_subquery()
    )
    return CIRCLE.c.max_size - taken


def _news(connection: Connection, where: ColumnElement[bool], day: Any) -> list[CircleNews]:
    rows = connection.execute(
        select(
            CIRCLE.c.name,
            CIRCLE.c.kind,
            CIRCLE.c.purpose,
            day,
            _seats_open(),
            CIRCLE.c.visibility,
        )
        .where(where)
        .order_by(day, CIRCLE.c.name_key)
    ).all()
    return [
        CircleNews(
            circle=name,
            kind=kind,
            purpose=purpose,
            day=on,
            seats_open=max(int(seats), 0),
            how_to_join=_how_to_join(visibility),
        )
        for name, kind, purpose, on, seats, visibility in rows
    ]


def _how_to_join(visibility: str) -> str:
    return {
        CircleVisibility.OPEN.value: "open to everyone",
        CircleVisibility.OPT_IN.value: "opt in with a facilitator",
        CircleVisibility.APPLICATION.value: "apply to join",
    }.get(visibility, visibility)


def _new_circles(connection: Connection, scope: ReportPeriod) -> list[CircleNews]:
    """Circles that started in the period (their start date, else the day they were made)."""
    began = func.coalesce(CIRCLE.c.starts_on, func.date(CIRCLE.c.created_at))
    return _news(
        connection,
        and_(
            began.between(scope.start.isoformat(), scope.end.isoformat()),
            CIRCLE.c.status != CircleStatus.CLOSED.value,
        ),
        began,
    )


def _closing_circles(connection: Connection, scope: ReportPeriod) -> list[CircleNews]:
    """Circles that end within four weeks of the period's end (or ended in it)."""
    horizon = scope.end + dt.timedelta(days=CLOSING_AHEAD_DAYS)
    return _news(
        connection,
        and_(
            CIRCLE.c.ends_on.between(scope.start, horizon),
            CIRCLE.c.status != CircleStatus.FORMING.value,
        ),
        CIRCLE.c.ends_on,
    )


def _invitations(connection: Connection, scope: ReportPeriod) -> list[CircleNews]:
    """Opt-in and application circles, forming or active, with seats open."""
    return _news(
        connection,
        and_(
            CIRCLE.c.visibility.in_(
                [CircleVisibility.OPT_IN.value, CircleVisibility.APPLICATION.value]
            ),
            CIRCLE.c.status.in_([CircleStatus.FORMING.value, CircleStatus.ACTIVE.value]),
            _seats_open() > 0,
        ),
        CIRCLE.c.starts_on,
    )


def _ambassador_progress(
    connection: Connection, scope: ReportPeriod
) -> tuple[int, list[tuple[str, int]], int]:
    """Everything the ambassadors logged in the period, in all and per metric, and how many
    ambassadors logged anything."""
    in_period = GOAL_PROGRESS.c.day.between(scope.start, scope.end)
    total = func.coalesce(func.sum(GOAL_PROGRESS.c.count), 0)
    rows = connection.execute(
        select(GOAL_PROGRESS.c.metric, total)
        .where(in_period)
        .group_by(GOAL_PROGRESS.c.metric_key)
        .order_by(total.desc(), GOAL_PROGRESS.c.metric_key)
    ).all()
    people = connection.execute(
        select(func.count(func.distinct(GOAL_PROGRESS.c.ambassador_id)))
        .select_from(GOAL_PROGRESS)
        .join(AMBASSADOR, AMBASSADOR.c.id == GOAL_PROGRESS.c.ambassador_id)
        .where(in_period)
    ).scalar_one()
    by_metric = [(metric, int(count)) for metric, count in rows]
    return sum(count for _, count in by_metric), by_metric, int(people)

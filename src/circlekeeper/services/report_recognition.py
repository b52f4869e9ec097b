"""The recognition roll-up: a contributors table (name, kinds of contribution) for a season and
cumulatively.

The queries decide what the audience reads: only recognitions of a visibility it may read, and
outside the facilitators only for members who (still) consent to public recognition — the rule
services/recognition.py keeps when an entry is made. Names come through report_scope.shown_name,
and messages and givers are never selected, so no renderer can leak them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, case, func
from sqlalchemy import select as sa_select
from sqlmodel import col

from circlekeeper.db import Database
from circlekeeper.models import Audience, Member, Recognition, RecognitionKind
from circlekeeper.services.report_models_recognition import (
    ContributorLine,
    KindCount,
    RecognitionRollup,
)
from circlekeeper.services.report_scope import (
    audience_of,
    may_read,
    members_of,
    period,
    reading_circle,
    shown_name,
)
from circlekeeper.text import sort_key


def recognition_rollup(
    db: Database,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.COMMUNITY,
    circle_ref: str | int | None = None,
) -> RecognitionRollup:
    """Contributors and their recognitions by kind in start..end (the season) and in everything
    up to end (cumulative), as the audience may read them; most recognised first. For the circle
    audience, `circle_ref` is the circle reading it."""
    reader = audience_of(audience)
    first, last = period(start, end)
    in_season = col(Recognition.day) >= first
    with db.read() as session:
        circle_id = reading_circle(session, reader, circle_ref)
        where = readable(reader, last, circle_id)
        name = shown_name(reader, Member, circle_id=circle_id).label("name")
        counts = session.execute(
            sa_select(
                col(Recognition.member_id),
                name,
                col(Recognition.kind),
                func.sum(case((in_season, 1), else_=0)),
                func.count(),
            )
            .join(Member, col(Member.id) == col(Recognition.member_id))
            .where(where)
            .group_by(col(Recognition.member_id), name, col(Recognition.kind))
            .order_by(col(Recognition.member_id))
        ).all()
        badges = session.execute(
            sa_select(col(Recognition.member_id), col(Recognition.badge_name), in_season)
            .join(Member, col(Member.id) == col(Recognition.member_id))
            .where(where, col(Recognition.kind) == RecognitionKind.BADGE.value)
            .order_by(col(Recognition.day), col(Recognition.id))
        ).all()
    season = _Tally()
    cumulative = _Tally()
    for member_id, shown, kind, season_count, total in counts:
        season.add(member_id, shown, RecognitionKind(kind), int(season_count))
        cumulative.add(member_id, shown, RecognitionKind(kind), int(total))
    for member_id, badge, badge_in_season in badges:
        if badge and badge_in_season:
            season.badge(member_id, badge)
        if badge:
            cumulative.badge(member_id, badge)
    return RecognitionRollup(
        audience=reader,
        start=first,
        end=last,
        season=season.lines(),
        season_kinds=season.kinds(),
        cumulative=cumulative.lines(),
        cumulative_kinds=cumulative.kinds(),
    )


def readable(audience: Audience, end: dt.date, circle_id: int | None) -> ColumnElement[bool]:
    """SQL over Recognition joined to Member: the entries up to `end` this audience may read
    (circle-visible ones only of the reading circle's members)."""
    own = None if circle_id is None else col(Recognition.member_id).in_(members_of(circle_id))
    clauses: list[ColumnElement[bool]] = [
        col(Recognition.day) <= end,
        may_read(audience, Recognition.visibility, own_circle=own),
    ]
    if audience != Audience.FACILITATOR:
        clauses.append(col(Member.consent_recognised).is_(True))
    return and_(*clauses)


@dataclass
class _Person:
    name: str
    kinds: dict[RecognitionKind, int] = field(default_factory=dict)
    badges: list[str] = field(default_factory=list)


@dataclass
class _Tally:
    """Recognitions per member and kind, gathered from the grouped rows."""

    people: dict[int, _Person] = field(default_factory=dict)

    def add(self, member_id: int, name: str, kind: RecognitionKind, count: int) -> None:
        """Count `count` recognitions of `kind` for the member (zero counts are left out)."""
        if count <= 0:
            return
        person = self.people.setdefault(member_id, _Person(name))
        person.kinds[kind] = person.kinds.get(kind, 0) + count

    def badge(self, member_id: int, badge: str) -> None:
        """Note a badge the member received (its kind was counted by `add`)."""
        if member_id in self.people:
            self.people[member_id].badges.append(badge)

    def lines(self) -> list[ContributorLine]:
        """Contributors, most recognitions first, then by name."""
        ordered = sorted(
            self.people.items(),
            key=lambda item: (-sum(item[1].kinds.values()), sort_key(item[1].name), item[0]),
        )
        return [
            ContributorLine(
                name=person.name,
                kinds=_in_order(person.kinds),
                badges=person.badges,
                total=sum(person.kinds.values()),
            )
            for _, person in ordered
        ]

    def kinds(self) -> list[KindCount]:
        """Recognitions by kind over every contributor."""
        totals: dict[RecognitionKind, int] = {}
        for person in self.people.values():
            for kind, count in person.kinds.items():
                totals[kind] = totals.get(kind, 0) + count
        return _in_order(totals)


def _in_order(counts: dict[RecognitionKind, int]) -> list[KindCount]:
    kinds: Iterable[RecognitionKind] = RecognitionKind
    return [KindCount(kind=kind, count=counts[kind]) for kind in kinds if counts.get(kind)]

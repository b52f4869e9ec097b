"""The ambassador report: goals against targets per person and per focus, coverage (members per
ambassador) and who rested, for one audience and period.

A goal is judged over each of its own periods (weeks from the facilitator's week start, or
calendar months) that finished inside the report's period, exactly as services/goals.py judges
them: a period mostly spent resting, or before the ambassador served, is not due. A period still
under way on the last day is left for the next report. Names come through
report_scope.shown_name in SQL, and a rest's reason is selected for facilitators only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, func, literal, not_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from circlekeeper.algorithms import programme_health as health
from circlekeeper.algorithms.goal_periods import Period, periods_between
from circlekeeper.db import Database
from circlekeeper.models import (
    FOCUS_PRESETS,
    Ambassador,
    AmbassadorFocus,
    AmbassadorRest,
    AmbassadorStatus,
    Audience,
    GoalPer,
    Member,
    MemberStatus,
)
from circlekeeper.services import goals
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings
from circlekeeper.services.report_models_ambassadors import (
    AmbassadorLine,
    AmbassadorReport,
    CoverageLine,
    FocusLine,
    GoalLine,
    RestLine,
)
from circlekeeper.services.report_scope import audience_of, period, reading_circle, shown_name
from circlekeeper.text import identity_key, sort_key

PRESETS = {identity_key(preset): preset for preset in FOCUS_PRESETS}


def ambassador_report(
    db: Database,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.COMMUNITY,
    settings: ProgrammeSettings | None = None,
    circle_ref: str | int | None = None,
) -> AmbassadorReport:
    """Every ambassador who served some of start..end with their goals judged over the periods
    that finished in it, the same added up per focus area, coverage on the last day, and the
    rests that overlap the period (with reasons for facilitators only)."""
    settings = settings or programme_settings()
    reader = audience_of(audience)
    first, last = period(start, end)
    periods = {
        per: [
            p for p in periods_between(first, last, per.value, settings.week_start) if p.end <= last
        ]
        for per in GoalPer
    }
    served = served_between(first, last)
    with db.read() as session:
        circle_id = reading_circle(session, reader, circle_ref)
        who = _who(session, served, reader, circle_id)
        lines = _goal_lines(session, served, who, periods, today=settings.today())
        focus = _focus(session, list(who))
        ambassadors = [
            AmbassadorLine(
                name=person.member_name,
                focus=focus.get(ambassador_id, []),
                goals=lines.get(ambassador_id, []),
            )
            for ambassador_id, person in who.items()
        ]
        return AmbassadorReport(
            audience=reader,
            start=first,
            end=last,
            ambassadors=ambassadors,
            focus=focus_lines(ambassadors),
            coverage=_coverage(session, last, settings),
            rested=_rests(session, reader, circle_id, first, last),
        )


def served_between(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """SQL over Ambassador: ambassadors for some of first..last (alumni who retired in it too)."""
    return and_(
        col(Ambassador.started_on) <= last,
        or_(col(Ambassador.retired_on).is_(None), col(Ambassador.retired_on) >= first),
    )


def serving_on(day: dt.date, today: dt.date) -> ColumnElement[bool]:
    """SQL over Ambassador: serving on `day` — started, not yet retired, and no rest covering it
    (from `today` on, a "resting until" status counts as a rest as well)."""
    resting: ColumnElement[bool] = exists().where(
        col(AmbassadorRest.ambassador_id) == col(Ambassador.id),
        col(AmbassadorRest.starts_on) <= day,
        col(AmbassadorRest.ends_on) >= day,
    )
    if day >= today:
        resting = or_(
            resting,
            and_(
                col(Ambassador.status) == AmbassadorStatus.RESTING.value,
                col(Ambassador.resting_until) >= day,
            ),
        )
    return and_(
        col(Ambassador.started_on) <= day,
        or_(col(Ambassador.retired_on).is_(None), col(Ambassador.retired_on) > day),
        not_(resting),
    )


def _who(
    session: Session, served: ColumnElement[bool], audience: Audience, circle_id: int | None
) -> dict[int, goals.Who]:
    """The ambassadors matching `served`, under the names this audience may see, in name
    order."""
    rows = session.execute(
        sa_select(
            col(Ambassador.id),
            shown_name(audience, Member, circle_id=circle_id),
            col(Ambassador.status),
            col(Ambassador.resting_until),
            col(Ambassador.started_on),
            col(Ambassador.retired_on),
        )
        .join(Member, col(Member.id) == col(Ambassador.member_id))
        .where(served)
        .order_by(col(Ambassador.id))
    ).all()
    people = [
        goals.Who(
            id=ambassador_id,
            member_name=name,
            name_key=sort_key(name),
            status=status,
            resting_until=resting_until,
            started_on=started_on,
            retired_on=retired_on,
        )
        for ambassador_id, name, status, resting_until, started_on, retired_on in rows
    ]
    people.sort(key=lambda person: (person.name_key, person.id))
    return {person.id: person for person in people}


def _goal_lines(
    session: Session,
    served: ColumnElement[bool],
    who: dict[int, goals.Who],
    periods: dict[GoalPer, list[Period]],
    *,
    today: dt.date,
) -> dict[int, list[GoalLine]]:
    """Ambassador id → one line per goal that was in force in a judged period, by metric."""
    judged_periods = [p for group in periods.values() for p in group]
    if not who or not judged_periods:
        return {}
    first = min(p.start for p in judged_periods)
    last = max(p.end for p in judged_periods)
    judged = goals.judge_spans(
        session,
        who=who,
        goals=goals.load_goals(session, served, first=first, last=last),
        periods=periods,
        rests=goals.load_rests(session, served, who, first=first, as_of=today),
    )
    tallies: dict[int, dict[int, GoalLine]] = {}
    for item in judged:
        goal = item.goal
        person = who[goal.ambassador_id]
        owned = tallies.setdefault(goal.ambassador_id, {})
        line = owned.setdefault(
            goal.id,
            GoalLine(
                metric=goal.metric,
                target=goal.target,
                per=goal.per,
                periods=0,
                met=0,
                rested=0,
                done=0,
                expected=0,
            ),
        )
        if item.due:
            line.periods += 1
            line.met += int(item.met)
            line.done += item.done
            line.expected += goal.target
        elif person.serving(item.period):
            line.rested += 1
    return {
        ambassador_id: sorted(
            owned.values(), key=lambda line: (identity_key(line.metric), line.per != GoalPer.WEEK)
        )
        for ambassador_id, owned in tallies.items()
    }


def _focus(session: Session, ambassador_ids: Sequence[int]) -> dict[int, list[str]]:
    """Ambassador id → focus areas in their order."""
    if not ambassador_ids:
        return {}
    focus: dict[int, list[str]] = {}
    for ambassador_id, text in session.execute(
        sa_select(col(AmbassadorFocus.ambassador_id), col(AmbassadorFocus.focus))
        .where(col(AmbassadorFocus.ambassador_id).in_(list(ambassador_ids)))
        .order_by(col(AmbassadorFocus.ambassador_id), col(AmbassadorFocus.position))
    ).all():
        focus.setdefault(ambassador_id, []).append(text)
    return focus


def focus_lines(ambassadors: Sequence[AmbassadorLine]) -> list[FocusLine]:
    """Per focus area (matched case-insensitively, shown as the preset or else one spelling
    whatever the order): how many ambassadors hold it and their goal lines added up; an
    ambassador with two areas counts in both. Most ambassadors first."""
    found: dict[str, FocusLine] = {}
    for ambassador in ambassadors:
        for text in ambassador.focus:
            key = identity_key(text)
            line = found.setdefault(
                key,
                FocusLine(focus=text, ambassadors=0, periods=0, met=0, done=0, expected=0),
            )
            line.focus = PRESETS.get(key, min(line.focus, text))
            line.ambassadors += 1
            for goal in ambassador.goals:
                line.periods += goal.periods
                line.met += goal.met
                line.done += goal.done
                line.expected += goal.expected
    return sorted(found.values(), key=lambda line: (-line.ambassadors, sort_key(line.focus)))


def _coverage(session: Session, day: dt.date, settings: ProgrammeSettings) -> CoverageLine:
    """Active members who had joined by `day`, per ambassador serving on `day`."""
    members = int(
        session.scalar(
            sa_select(func.count())
            .select_from(Member)
            .where(col(Member.status) == MemberStatus.ACTIVE.value, col(Member.joined_on) <= day)
        )
        or 0
    )
    ambassadors = int(
        session.scalar(
            sa_select(func.count()).select_from(Ambassador).where(serving_on(day, settings.today()))
        )
        or 0
    )
    return CoverageLine(
        active_members=members,
        serving_ambassadors=ambassadors,
        members_per_ambassador=health.members_per_ambassador(members, ambassadors),
        flag=health.coverage_flag(
            members, ambassadors, settings.coverage_min, settings.coverage_max
        ),
    )


def _rests(
    session: Session, audience: Audience, circle_id: int | None, first: dt.date, last: dt.date
) -> list[RestLine]:
    """Rests overlapping first..last, earliest first; the reason only for facilitators."""
    reason = col(AmbassadorRest.reason) if audience == Audience.FACILITATOR else literal("")
    rows = session.execute(
        sa_select(
            shown_name(audience, Member, circle_id=circle_id),
            col(AmbassadorRest.starts_on),
            col(AmbassadorRest.ends_on),
            reason,
        )
        .join(Ambassador, col(Ambassador.id) == col(AmbassadorRest.ambassador_id))
        .join(Member, col(Member.id) == col(Ambassador.member_id))
        .where(col(AmbassadorRest.starts_on) <= last, col(AmbassadorRest.ends_on) >= first)
        .order_by(col(AmbassadorRest.starts_on), col(AmbassadorRest.id))
    ).all()
    return [
        RestLine(name=name, starts_on=starts_on, ends_on=ends_on, reason=why or "")
        for name, starts_on, ends_on, why in rows
    ]

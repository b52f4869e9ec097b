"""Ambassador rules: make a member an ambassador, edit, rest, retire, list and show them.

"Today" is the facilitator's local date (ProgrammeSettings.today()), because goal periods are
judged in their timezone. A stored "resting" status is not trusted blindly: the status handed
out is the effective one (see `effective_status`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, and_, exists, func, not_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from circlekeeper import clock
from circlekeeper.algorithms.goal_periods import WEEK, period_of
from circlekeeper.db import Database
from circlekeeper.models import (
    FOCUS_PRESETS,
    Ambassador,
    AmbassadorDetail,
    AmbassadorFocus,
    AmbassadorRead,
    AmbassadorRest,
    AmbassadorRow,
    AmbassadorStatus,
    CircleSession,
    Goal,
    GoalPer,
    Member,
    MemberStatus,
    RestRead,
    RoleAssignment,
    SessionStatus,
)
from circlekeeper.models.ambassador import CAPACITY_MAX, FOCUS_MAX
from circlekeeper.services import goals
from circlekeeper.services.errors import Conflict, InvalidInput
from circlekeeper.services.goals_data import Loaded, id_in, mostly_resting, plain_rows
from circlekeeper.services.lookup import find_ambassador, find_member
from circlekeeper.services.members import member_filter
from circlekeeper.services.programme_settings import ProgrammeSettings, programme_settings
from circlekeeper.services.validation import clean_reason
from circlekeeper.services.versioning import versioned_update
from circlekeeper.text import clean_text, identity_key, quoted

NOTE_MAX = 500
BEHIND_WARNING = 3
"""Missed periods in a row after which the detail suggests a conversation."""
PAST_PERIODS = 8
MONTH_WEEKS = 4
"""A monthly target counts as ceil(target / 4) units of a week's load."""

_PRESETS = {identity_key(preset): preset for preset in FOCUS_PRESETS}


# --- input ---------------------------------------------------------------------------------


def clean_focus(focus: Sequence[str]) -> list[tuple[str, str]]:
    """(text, key) of each focus area in the order given: presets matched case-insensitively
    take the preset's spelling, custom text is kept as typed (cleaned), duplicates collapse."""
    items = [focus] if isinstance(focus, str) else list(focus)
    result: dict[str, str] = {}
    for item in items:
        text = clean_text(str(item))
        if not text:
            continue
        if len(text) > FOCUS_MAX:
            raise InvalidInput(
                f"focus: {quoted(text[:FOCUS_MAX])}… is longer than {FOCUS_MAX} characters — "
                "shorten it or pick a preset: " + ", ".join(FOCUS_PRESETS)
            )
        key = identity_key(text)
        result.setdefault(key, _PRESETS.get(key, text))
    if not result:
        raise InvalidInput("focus: give at least one focus area, e.g. " + ", ".join(FOCUS_PRESETS))
    return [(text, key) for key, text in result.items()]


def check_capacity(value: int) -> int:
    """`value` if it is a weekly capacity a person can give (1 to 100 units)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= CAPACITY_MAX:
        raise InvalidInput(f"capacity: a whole number of units a week from 1 to {CAPACITY_MAX}")
    return value


def clean_note(note: str) -> str:
    """An ambassador or decision note, cleaned (lines kept), at most 500 characters."""
    text = clean_text(note or "", multiline=True).strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"note: at most {NOTE_MAX} characters (this one has {len(text)})")
    return text


def _check_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInput(f"{what}: a date (YYYY-MM-DD)")
    return value


# --- changes -------------------------------------------------------------------------------


def add_ambassador(
    db: Database,
    *,
    member_ref: str | int,
    focus: Sequence[str],
    capacity_per_week: int = 5,
    started_on: dt.date | None = None,
    note: str = "",
    settings: ProgrammeSettings | None = None,
) -> AmbassadorRead:
    """Make a member an ambassador (an alumni member becomes active again, history kept)."""
    settings = settings or programme_settings()
    areas = clean_focus(focus)
    capacity = check_capacity(capacity_per_week)
    text = clean_note(note)
    today = settings.today()
    if started_on is not None and _check_date(started_on, "started_on") > today:
        raise InvalidInput(f"started_on {started_on} is in the future — use today or earlier")
    with db.write() as session:
        member = find_member(session, member_ref)
        ambassador = make_ambassador(
            session,
            member,
            focus=areas,
            capacity_per_week=capacity,
            started_on=started_on,
            note=text,
            today=today,
        )
        return ambassador_read(session, ambassador, today=today)


def make_ambassador(
    session: Session,
    member: Member,
    *,
    focus: list[tuple[str, str]],
    capacity_per_week: int,
    started_on: dt.date | None,
    note: str,
    today: dt.date,
) -> Ambassador:
    """The ambassador row for `member`, created or brought back from alumni (inside a caller's
    transaction, so that accepting a nomination is one transaction).

    A returning alumnus keeps their first started_on (so earlier progress stays theirs) unless
    `started_on` is given, and keeps their note unless a new one is given.
    """
    if member.status == MemberStatus.LEFT:
        raise Conflict(
            f"{member.name} has left the community — 'member resume' brings them back first"
        )
    existing = session.exec(
        select(Ambassador).where(col(Ambassador.member_id) == member.id)
    ).first()
    if existing is None:
        moment = clock.now()
        ambassador = Ambassador(
            member_id=_id(member.id),
            status=AmbassadorStatus.ACTIVE.value,
            capacity_per_week=capacity_per_week,
            started_on=started_on or today,
            note=note,
            created_at=moment,
            updated_at=moment,
        )
        session.add(ambassador)
        session.flush()
    elif existing.status != AmbassadorStatus.ALUMNI:
        raise Conflict(
            f"{member.name} is already an ambassador ({existing.status}) — "
            "'ambassador edit' changes their focus or capacity"
        )
    else:
        ambassador = existing
        values: dict[str, Any] = {
            "status": AmbassadorStatus.ACTIVE.value,
            "retired_on": None,
            "resting_until": None,
            "capacity_per_week": capacity_per_week,
        }
        if started_on is not None:
            values["started_on"] = started_on
        if note:
            values["note"] = note
        versioned_update(
            session,
            ambassador,
            values,
            expected_version=None,
            what=f"ambassador {quoted(member.name)}",
        )
    _replace_focus(session, _id(ambassador.id), focus)
    return ambassador


def _replace_focus(session: Session, ambassador_id: int, focus: list[tuple[str, str]]) -> None:
    session.exec(delete(AmbassadorFocus).where(col(AmbassadorFocus.ambassador_id) == ambassador_id))
    for position, (text, key) in enumerate(focus):
        session.add(
            AmbassadorFocus(
                ambassador_id=ambassador_id, focus_key=key, focus=text, position=position
            )
        )
    session.flush()


def edit_ambassador(
    db: Database,
    *,
    ref: str | int,
    focus: Sequence[str] | None = None,
    capacity_per_week: int | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    settings: ProgrammeSettings | None = None,
) -> AmbassadorRead:
    """Change focus areas (replacing them all), weekly capacity or note; only what is given
    changes, and an edit based on an older version is refused (StaleEdit)."""
    settings = settings or programme_settings()
    areas = clean_focus(focus) if focus is not None else None
    values: dict[str, Any] = {}
    if capacity_per_week is not None:
        values["capacity_per_week"] = check_capacity(capacity_per_week)
    if note is not None:
        values["note"] = clean_note(note)
    with db.write() as session:
        ambassador = find_ambassador(session, ref)
        versioned_update(
            session,
            ambassador,
            values,
            expected_version=expected_version,
            what=f"ambassador {quoted(_name(session, ambassador))}",
        )
        if areas is not None:
            _replace_focus(session, _id(ambassador.id), areas)
        return ambassador_read(session, ambassador, today=settings.today())


def rest_ambassador(
    db: Database,
    *,
    ref: str | int,
    until: dt.date,
    reason: str = "",
    starts_on: dt.date | None = None,
    settings: ProgrammeSettings | None = None,
) -> AmbassadorRead:
    """Record a rest (both dates inclusive, starting today unless `starts_on`): goals are not
    due in a period mostly spent resting.

    A rest under way makes the status "resting until `until`"; a rest planned for later leaves
    the status alone (they show as resting once it begins), and a rest entirely in the past
    only excuses those periods. Rests of one ambassador never overlap.
    """
    settings = settings or programme_settings()
    today = settings.today()
    first = today if starts_on is None else _check_date(starts_on, "from")
    last = _check_date(until, "until")
    if last < first:
        raise InvalidInput(f"a rest ends on or after its first day ({first}), not {last}")
    why = clean_reason(reason) or ""
    with db.write() as session:
        ambassador = find_ambassador(session, ref)
        name = _name(session, ambassador)
        if ambassador.status == AmbassadorStatus.ALUMNI:
            raise Conflict(f"{name} is alumni — 'ambassador add' makes them active again")
        clash = session.exec(
            select(AmbassadorRest).where(
                col(AmbassadorRest.ambassador_id) == ambassador.id,
                col(AmbassadorRest.starts_on) <= last,
                col(AmbassadorRest.ends_on) >= first,
            )
        ).first()
        if clash is not None:
            raise Conflict(
                f"{name} already rests from {clash.starts_on} to {clash.ends_on} — "
                "end that rest first or pick other dates"
            )
        session.add(
            AmbassadorRest(
                ambassador_id=_id(ambassador.id),
                starts_on=first,
                ends_on=last,
                reason=why,
                created_at=clock.now(),
            )
        )
        session.flush()
        if first <= today <= last:
            versioned_update(
                session,
                ambassador,
                {"status": AmbassadorStatus.RESTING.value, "resting_until": last},
                expected_version=None,
                what=f"ambassador {quoted(name)}",
            )
        return ambassador_read(session, ambassador, today=today)


def end_rest(
    db: Database, *, ref: str | int, settings: ProgrammeSettings | None = None
) -> AmbassadorRead:
    """End a rest under way: it now ends yesterday (a rest that began today is removed, as if it
    never started) and the ambassador is active again; rests planned for later are kept."""
    settings = settings or programme_settings()
    today = settings.today()
    with db.write() as session:
        ambassador = find_ambassador(session, ref)
        name = _name(session, ambassador)
        covering = session.exec(
            select(AmbassadorRest).where(
                col(AmbassadorRest.ambassador_id) == ambassador.id,
                col(AmbassadorRest.starts_on) <= today,
                col(AmbassadorRest.ends_on) >= today,
            )
        ).all()
        if ambassador.status == AmbassadorStatus.ALUMNI:
            raise Conflict(f"{name} is alumni, not resting")
        if not covering and ambassador.status != AmbassadorStatus.RESTING:
            raise Conflict(f"{name} is not resting")
        for rest in covering:
            if rest.starts_on >= today:
                session.delete(rest)
                continue
            rest.ends_on = today - dt.timedelta(days=1)
            session.add(rest)
        session.flush()
        versioned_update(
            session,
            ambassador,
            {"status": AmbassadorStatus.ACTIVE.value, "resting_until": None},
            expected_version=None,
            what=f"ambassador {quoted(name)}",
        )
        return ambassador_read(session, ambassador, today=today)


def retire_ambassador(
    db: Database,
    *,
    ref: str | int,
    reason: str = "",
    settings: ProgrammeSettings | None = None,
) -> AmbassadorRead:
    """Make an ambassador alumni today: current goals end before this period (see
    goals.end_goal_row), a rest under way ends today and planned rests go; focus, progress and
    past rests stay as history. The reason is added to their note."""
    settings = settings or programme_settings()
    today = settings.today()
    why = clean_reason(reason) or ""
    with db.write() as session:
        ambassador = find_ambassador(session, ref)
        name = _name(session, ambassador)
        if ambassador.status == AmbassadorStatus.ALUMNI:
            raise Conflict(f"{name} is already alumni (since {ambassador.retired_on})")
        retire_in_session(session, ambassador, why=why, today=today, settings=settings)
        return ambassador_read(session, ambassador, today=today)


def retire_in_session(
    session: Session,
    ambassador: Ambassador,
    *,
    why: str,
    today: dt.date,
    settings: ProgrammeSettings,
) -> None:
    """`retire_ambassador` inside the caller's write transaction (forgetting a member uses it);
    the ambassador must not be alumni yet."""
    ambassador_id = _id(ambassador.id)
    goals.end_current_goals(session, ambassador_id, today=today, settings=settings)
    session.exec(
        delete(AmbassadorRest).where(
            col(AmbassadorRest.ambassador_id) == ambassador_id,
            col(AmbassadorRest.starts_on) > today,
        )
    )
    for rest in session.exec(
        select(AmbassadorRest).where(
            col(AmbassadorRest.ambassador_id) == ambassador_id,
            col(AmbassadorRest.ends_on) > today,
        )
    ).all():
        rest.ends_on = today
        session.add(rest)
    session.flush()
    values: dict[str, Any] = {
        "status": AmbassadorStatus.ALUMNI.value,
        "retired_on": today,
        "resting_until": None,
    }
    if why:
        line = f"Retired {today}: {why}"
        values["note"] = f"{ambassador.note}\n{line}" if ambassador.note else line
    what = f"ambassador {quoted(_name(session, ambassador))}"
    versioned_update(session, ambassador, values, expected_version=None, what=what)


# --- reading -------------------------------------------------------------------------------


def effective_status(
    status: str, resting_until: dt.date | None, rest_until: dt.date | None, today: dt.date
) -> tuple[AmbassadorStatus, dt.date | None]:
    """The status to report and the date a rest ends, given the stored status, the stored
    resting_until and the end of a rest row covering today (`rest_until`).

    A "resting" ambassador whose resting_until has passed is reported active (nobody has to
    mark them back), and one with a planned rest that has begun is reported resting.
    """
    if status == AmbassadorStatus.ALUMNI:
        return AmbassadorStatus.ALUMNI, None
    ends = [rest_until] if rest_until is not None and rest_until >= today else []
    if status == AmbassadorStatus.RESTING and resting_until is not None and resting_until >= today:
        ends.append(resting_until)
    if ends:
        return AmbassadorStatus.RESTING, max(ends)
    return AmbassadorStatus.ACTIVE, None


def resting_clause(today: dt.date) -> ColumnElement[bool]:
    """SQL for "effectively resting today" (see effective_status), for filtering lists."""
    covering = exists().where(
        col(AmbassadorRest.ambassador_id) == col(Ambassador.id),
        col(AmbassadorRest.starts_on) <= today,
        col(AmbassadorRest.ends_on) >= today,
    )
    return and_(
        col(Ambassador.status) != AmbassadorStatus.ALUMNI.value,
        or_(
            and_(
                col(Ambassador.status) == AmbassadorStatus.RESTING.value,
                col(Ambassador.resting_until) >= today,
            ),
            covering,
        ),
    )


def serving_clause(today: dt.date) -> ColumnElement[bool]:
    """SQL for "an active ambassador today": neither alumni nor effectively resting (see
    effective_status) — the rule the list, coverage and overload all count by."""
    return and_(
        col(Ambassador.status).in_([AmbassadorStatus.ACTIVE.value, AmbassadorStatus.RESTING.value]),
        not_(resting_clause(today)),
    )


def ambassador_reads(
    session: Session, rows: Sequence[tuple[Ambassador, str]], *, today: dt.date
) -> list[AmbassadorRead]:
    """Read models for (ambassador, member name) pairs, with focus areas in their order and
    the effective status; two queries however many rows."""
    ids = [_id(ambassador.id) for ambassador, _ in rows]
    focus = focus_areas(session, ids)
    covering = covering_rests(session, ids, today=today)
    reads = []
    for ambassador, member_name in rows:
        ambassador_id = _id(ambassador.id)
        status, until = effective_status(
            ambassador.status, ambassador.resting_until, covering.get(ambassador_id), today
        )
        reads.append(
            AmbassadorRead(
                id=ambassador_id,
                member_id=ambassador.member_id,
                member_name=member_name,
                focus=focus.get(ambassador_id, []),
                status=status,
                resting_until=until,
                capacity_per_week=ambassador.capacity_per_week,
                started_on=ambassador.started_on,
                retired_on=ambassador.retired_on,
                note=ambassador.note,
                version=ambassador.version,
            )
        )
    return reads


def focus_areas(session: Session, ambassador_ids: Sequence[int]) -> dict[int, list[str]]:
    """Ambassador id → their focus areas in order (ids without any are left out)."""
    focus: dict[int, list[str]] = {}
    if not ambassador_ids:
        return focus
    for ambassador_id, text in plain_rows(
        session,
        sa_select(col(AmbassadorFocus.ambassador_id), col(AmbassadorFocus.focus))
        .where(id_in(AmbassadorFocus.ambassador_id, ambassador_ids))
        .order_by(col(AmbassadorFocus.ambassador_id), col(AmbassadorFocus.position)),
    ):
        focus.setdefault(ambassador_id, []).append(text)
    return focus


def covering_rests(
    session: Session, ambassador_ids: Sequence[int], *, today: dt.date
) -> dict[int, dt.date]:
    """Ambassador id → the last day of their rest rows covering `today` (if any)."""
    if not ambassador_ids:
        return {}
    rows = plain_rows(
        session,
        sa_select(col(AmbassadorRest.ambassador_id), func.max(col(AmbassadorRest.ends_on)))
        .where(
            id_in(AmbassadorRest.ambassador_id, ambassador_ids),
            col(AmbassadorRest.starts_on) <= today,
            col(AmbassadorRest.ends_on) >= today,
        )
        .group_by(col(AmbassadorRest.ambassador_id)),
    )
    return dict(rows)


def ambassador_read(session: Session, ambassador: Ambassador, *, today: dt.date) -> AmbassadorRead:
    """The read model of one ambassador row."""
    return ambassador_reads(session, [(ambassador, _name(session, ambassador))], today=today)[0]


def list_ambassadors(
    db: Database,
    *,
    status: AmbassadorStatus | None = None,
    include_alumni: bool = False,
    focus: str | None = None,
    search: str | None = None,
    settings: ProgrammeSettings | None = None,
) -> list[AmbassadorRow]:
    """Ambassadors by member name, each with this period's goals and behind streak.

    `status` filters on the effective status (a rest whose date has passed counts as active);
    alumni are left out unless `include_alumni` or status=alumni. `focus` matches one focus
    area case-insensitively; `search` works as in the member list (name, email, handle, tag).
    """
    settings = settings or programme_settings()
    today = settings.today()
    clauses: list[ColumnElement[bool]] = []
    if status == AmbassadorStatus.ALUMNI:
        clauses.append(col(Ambassador.status) == AmbassadorStatus.ALUMNI.value)
    elif status is not None:
        resting = resting_clause(today)
        clauses.append(col(Ambassador.status) != AmbassadorStatus.ALUMNI.value)
        clauses.append(resting if status == AmbassadorStatus.RESTING else not_(resting))
    elif not include_alumni:
        clauses.append(col(Ambassador.status) != AmbassadorStatus.ALUMNI.value)
    if focus is not None and clean_text(focus):
        clauses.append(
            exists().where(
                col(AmbassadorFocus.ambassador_id) == col(Ambassador.id),
                col(AmbassadorFocus.focus_key) == identity_key(focus),
            )
        )
    if search is not None and search.strip():
        clauses.append(member_filter(search, None))
    with db.read() as session:
        return _rows(session, and_(True, *clauses), today=today, settings=settings)


def _rows(
    session: Session, where: ColumnElement[bool], *, today: dt.date, settings: ProgrammeSettings
) -> list[AmbassadorRow]:
    """The list rows of the ambassadors matching `where`, by member name: their goals and
    rests are read once for this period's statuses and the behind streaks, and the list is
    validated in one call (a programme lists thousands of ambassadors)."""
    found = sorted(
        plain_rows(
            session,
            sa_select(
                col(Ambassador.id),
                col(Ambassador.member_id),
                col(Member.name),
                col(Ambassador.status),
                col(Ambassador.resting_until),
                col(Ambassador.capacity_per_week),
                col(Ambassador.started_on),
                col(Ambassador.retired_on),
                col(Ambassador.note),
                col(Ambassador.version),
                col(Member.name_key),
            )
            .select_from(Ambassador)
            .join(Member, col(Member.id) == col(Ambassador.member_id))
            .where(where),
        ),
        key=lambda row: (row[10], row[1]),
    )
    who = {
        row[0]: goals.Who(row[0], row[2], row[10], row[3], row[4], row[6], row[7]) for row in found
    }
    ids = list(who)
    loaded = programme_view(session, who, today=today, settings=settings)
    focus = focus_areas(session, ids)
    covering = covering_rests(session, ids, today=today)
    statuses = goals.current_goal_statuses(
        session, ambassador_ids=ids, today=today, settings=settings, loaded=loaded
    )
    behind = goals.behind_streaks(
        session, as_of=today, settings=settings, ambassador_ids=ids, loaded=loaded
    )
    rows = []
    for row in found:
        ambassador_id = row[0]
        status, until = effective_status(row[3], row[4], covering.get(ambassador_id), today)
        rows.append(
            {
                "id": ambassador_id,
                "member_id": row[1],
                "member_name": row[2],
                "focus": focus.get(ambassador_id, []),
                "status": status,
                "resting_until": until,
                "capacity_per_week": row[5],
                "started_on": row[6],
                "retired_on": row[7],
                "note": row[8],
                "version": row[9],
                "goals": statuses.get(ambassador_id, []),
                "behind_streak": behind.get(ambassador_id, 0),
            }
        )
    return _ROWS.validate_python(rows)


def programme_view(
    session: Session, who: dict[int, goals.Who], *, today: dt.date, settings: ProgrammeSettings
) -> Loaded:
    """The goals and rests of the ambassadors in `who` that this week's load and statuses and
    the streaks as of `today` read, in one read."""
    streak_first, streak_last = goals.streak_days(today, settings)
    now_first, now_last = goals.current_days(today, settings)
    return goals.load_programme(
        session,
        who,
        first=min(streak_first, now_first),
        last=max(streak_last, now_last),
        as_of=today,
    )


_ROWS = TypeAdapter(list[AmbassadorRow])


def week_loads(
    session: Session,
    *,
    ambassador_ids: Sequence[int],
    today: dt.date,
    settings: ProgrammeSettings,
    loaded: Loaded | None = None,
) -> dict[int, tuple[int, int]]:
    """Ambassador id → (goal units, role assignments) for the week holding `today`.

    Goal units: the target of each weekly goal in force that week, plus ceil(target / 4) of
    each monthly one; a week mostly spent resting carries no goal load. Role assignments: the
    roles the member holds at sessions that week that were not cancelled, plus each term role
    that runs during the week (as the programme-health overload counts them). Goals and rests
    come from `loaded` when the caller has read them already.
    """
    result = dict.fromkeys(ambassador_ids, (0, 0))
    if not ambassador_ids:
        return result
    week = period_of(today, WEEK, settings.week_start)
    where = id_in(Ambassador.id, ambassador_ids)
    if loaded is None or not loaded.covers(week.start, week.end, today):
        loaded = goals.load_programme(
            session, goals.load_who(session, where), first=week.start, last=week.end, as_of=today
        )
    goal_units: dict[int, int] = {}
    for goal in loaded.goals_between(week.start, week.end):
        if goal.ambassador_id not in result:
            continue
        rests = loaded.rests.get(goal.ambassador_id)
        if rests and mostly_resting(week, rests):
            continue
        units = goal.target if goal.per == GoalPer.WEEK else math.ceil(goal.target / MONTH_WEEKS)
        goal_units[goal.ambassador_id] = goal_units.get(goal.ambassador_id, 0) + units
    role_rows = session.exec(
        select(Ambassador.id, func.count())
        .join(RoleAssignment, col(RoleAssignment.member_id) == col(Ambassador.member_id))
        .join(CircleSession, col(CircleSession.id) == col(RoleAssignment.session_id))
        .where(
            where,
            col(CircleSession.local_date) >= week.start,
            col(CircleSession.local_date) <= week.end,
            col(CircleSession.status) != SessionStatus.CANCELLED.value,
        )
        .group_by(col(Ambassador.id))
    ).all()
    roles = {ambassador_id: int(count) for ambassador_id, count in role_rows}
    term_rows = session.exec(
        select(Ambassador.id, func.count())
        .join(RoleAssignment, col(RoleAssignment.member_id) == col(Ambassador.member_id))
        .where(
            where,
            col(RoleAssignment.session_id).is_(None),
            col(RoleAssignment.starts_on) <= week.end,
            or_(col(RoleAssignment.ends_on).is_(None), col(RoleAssignment.ends_on) >= week.start),
        )
        .group_by(col(Ambassador.id))
    ).all()
    for ambassador_id, count in term_rows:
        roles[ambassador_id] = roles.get(ambassador_id, 0) + int(count)
    for ambassador_id in result:
        result[ambassador_id] = (goal_units.get(ambassador_id, 0), roles.get(ambassador_id, 0))
    return result


def ambassador_detail(
    db: Database, *, ref: str | int, settings: ProgrammeSettings | None = None
) -> AmbassadorDetail:
    """One ambassador with all goals, recent progress, rests, the last 8 finished periods, this
    week's load, and warnings: over capacity, behind 3+ periods in a row, resting."""
    settings = settings or programme_settings()
    today = settings.today()
    with db.read() as session:
        ambassador = find_ambassador(session, ref)
        ambassador_id = _id(ambassador.id)
        [row] = _rows(session, col(Ambassador.id) == ambassador_id, today=today, settings=settings)
        goal_load, role_load = week_loads(
            session, ambassador_ids=[ambassador_id], today=today, settings=settings
        )[ambassador_id]
        load = goal_load + role_load
        all_goals = session.exec(
            select(Goal)
            .where(col(Goal.ambassador_id) == ambassador_id)
            .order_by(
                col(Goal.ends_on).is_not(None), col(Goal.metric_key), col(Goal.starts_on).desc()
            )
        ).all()
        rests = session.exec(
            select(AmbassadorRest)
            .where(col(AmbassadorRest.ambassador_id) == ambassador_id)
            .order_by(col(AmbassadorRest.starts_on).desc())
        ).all()
        return AmbassadorDetail(
            **row.model_dump(),
            all_goals=[goals.goal_read(goal) for goal in all_goals],
            history=goals.progress_history(session, ambassador_id),
            rests=[_rest_read(rest) for rest in rests],
            past_periods=goals.past_statuses(
                session,
                ambassador_id=ambassador_id,
                as_of=today,
                settings=settings,
                count=PAST_PERIODS,
            ),
            load=load,
            warnings=_warnings(row, load),
        )


def _warnings(row: AmbassadorRow, load: int) -> list[str]:
    warnings = []
    if load > row.capacity_per_week:
        warnings.append(
            f"this week's load of {load} is over the {row.capacity_per_week} a week they said "
            "they can give — ask whether to drop a goal or a role"
        )
    if row.behind_streak >= BEHIND_WARNING:
        warnings.append(
            f"behind on goals {row.behind_streak} periods in a row — a prompt to talk, "
            "not a penalty"
        )
    if row.status == AmbassadorStatus.RESTING and row.resting_until is not None:
        warnings.append(f"resting until {row.resting_until}")
    return warnings


def _rest_read(rest: AmbassadorRest) -> RestRead:
    return RestRead(
        id=_id(rest.id), starts_on=rest.starts_on, ends_on=rest.ends_on, reason=rest.reason
    )


def _name(session: Session, ambassador: Ambassador) -> str:
    member = session.get(Member, ambassador.member_id)
    assert member is not None
    return member.name


def _id(value: int | None) -> int:
    assert value is not None
    return value

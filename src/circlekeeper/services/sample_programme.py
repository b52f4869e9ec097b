"""The sample community's ambassador programme and recognition log, loaded through the services:
consent flags, ambassadors with goals and weeks of progress, a rest, an alumna, nominations and a
few recognitions — so the demo's Ambassadors and Recognition screens have something true to show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from circlekeeper.algorithms.goal_periods import period_of
from circlekeeper.db import Database
from circlekeeper.models import GoalPer, MemberRead, MemberUpdate, RecognitionKind, Visibility
from circlekeeper.services import ambassadors, goals, members, nominations, recognition
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.programme_settings import ProgrammeSettings
from circlekeeper.services.sample_community import _date as _optional_date
from circlekeeper.services.sample_community import _list, _table

Lookup = Callable[[object], MemberRead]


class SampleProgrammeSummary(BaseModel):
    """What the sample programme added."""

    ambassadors: int = 0
    progress_entries: int = 0
    nominations: int = 0
    recognitions: int = 0


def load_sample_programme(
    db: Database,
    community: dict[str, Any],
    *,
    lookup: Lookup,
    shift: dt.timedelta,
    today: dt.date,
) -> SampleProgrammeSummary:
    """Add the [consent], [[ambassadors]], [[nominations]] and [[recognitions]] of community.toml.

    Dates move forward by `shift` like the rest of the sample; progress is logged for whole weeks
    before `today` (weeks start on Monday, the default) so every bar and streak is deterministic.
    """
    summary = SampleProgrammeSummary()
    consent = _table(community.get("consent", {}), "[consent]")
    _apply_consent(db, consent, lookup)
    weeks = int(
        _table(community.get("ambassador_history", {}), "[ambassador_history]").get("weeks", 8)
    )
    settings = ProgrammeSettings(timezone="UTC", week_start=0)
    for index, raw in enumerate(_list(community.get("ambassadors", []), "ambassadors"), start=1):
        entry = _table(raw, f"ambassador #{index}")
        summary.progress_entries += _add_ambassador(
            db, entry, lookup=lookup, shift=shift, today=today, weeks=weeks, settings=settings
        )
        summary.ambassadors += 1
    for index, raw in enumerate(_list(community.get("nominations", []), "nominations"), start=1):
        entry = _table(raw, f"nomination #{index}")
        nominations.nominate(
            db,
            member_ref=lookup(entry.get("member")).id,
            reason=str(entry.get("reason", "")),
            by_ref=lookup(entry["by"]).id if entry.get("by") else None,
            focus=str(entry.get("focus", "")),
        )
        summary.nominations += 1
    for index, raw in enumerate(_list(community.get("recognitions", []), "recognitions"), start=1):
        entry = _table(raw, f"recognition #{index}")
        recognition.recognize(
            db,
            member_ref=lookup(entry.get("member")).id,
            kind=RecognitionKind(str(entry.get("kind", "shout-out"))),
            message=str(entry.get("message", "")),
            badge=entry.get("badge"),
            visibility=Visibility(str(entry.get("visibility", "private"))),
            day=today - dt.timedelta(days=int(entry.get("days_ago", 0))),
            by_ref=lookup(entry["by"]).id if entry.get("by") else None,
        )
        summary.recognitions += 1
    return summary


def _apply_consent(db: Database, consent: dict[str, Any], lookup: Lookup) -> None:
    named = {lookup(ref).id for ref in _list(consent.get("named", []), "consent.named")}
    recognised = {
        lookup(ref).id for ref in _list(consent.get("recognised", []), "consent.recognised")
    }
    for member_id in sorted(named | recognised):
        members.edit_member(
            db,
            ref=member_id,
            changes=MemberUpdate(
                consent_named=member_id in named, consent_recognised=member_id in recognised
            ),
        )


def _add_ambassador(
    db: Database,
    entry: dict[str, Any],
    *,
    lookup: Lookup,
    shift: dt.timedelta,
    today: dt.date,
    weeks: int,
    settings: ProgrammeSettings,
) -> int:
    """One ambassador with goals, logged weeks, and a rest or retirement; returns entries logged."""
    member = lookup(entry.get("member"))
    since = _date(entry.get("since"), "since") + shift
    ambassadors.add_ambassador(
        db,
        member_ref=member.id,
        focus=[str(f) for f in _list(entry.get("focus", []), "focus")],
        capacity_per_week=int(entry.get("capacity", 5)),
        started_on=since,
    )
    goal_list = [_table(g, "goal") for g in _list(entry.get("goals", []), "goals")]
    for goal in goal_list:
        goals.set_goal(
            db,
            ref=member.id,
            metric=str(goal["metric"]),
            target=int(goal["target"]),
            per=GoalPer(str(goal.get("per", "week"))),
            settings=settings,
            starts_on=since,
        )
    short = {int(n) for n in _list(entry.get("short_weeks", []), "short_weeks")}
    logged = 0
    this_week = period_of(today, "week")
    for weeks_ago in range(weeks, -1, -1):
        start = this_week.start - dt.timedelta(weeks=weeks_ago)
        day = min(start + dt.timedelta(days=2), today)
        if day < since:
            continue
        for goal in goal_list:
            target = int(goal["target"])
            month_goal_off_week = (start + dt.timedelta(days=7)).month == start.month
            if goal.get("per") == "month" and (weeks_ago == 0 or month_goal_off_week):
                continue
            if weeks_ago == 0:
                count = min(int(entry.get("this_week", 0)), target)
            else:
                count = max(1, target // 2) if weeks_ago in short else target
            if count:
                goals.log_progress(
                    db, ref=member.id, metric=str(goal["metric"]), count=count, day=day
                )
                logged += 1
    rest = entry.get("rest")
    if rest is not None:
        rest_entry = _table(rest, "rest")
        ambassadors.rest_ambassador(
            db,
            ref=member.id,
            starts_on=_date(rest_entry.get("from"), "rest.from") + shift,
            until=_date(rest_entry.get("until"), "rest.until") + shift,
            reason=str(rest_entry.get("reason", "")),
        )
    if entry.get("retired"):
        ambassadors.retire_ambassador(db, ref=member.id, reason=str(entry["retired"]))
    return logged


def _date(value: object, field: str) -> dt.date:
    day = _optional_date(value, field)
    if day is None:
        raise InvalidInput(f"{field}: a date (YYYY-MM-DD) is needed")
    return day

"""`circlekeeper goal …`: set and end an ambassador's weekly or monthly goals, log progress and
see how every goal stands in a period."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import (
    AmbassadorArg,
    JsonOpt,
    MetricOpt,
    RowsOpt,
    date_option,
    optional_day,
    parse_day,
)
from circlekeeper.models.enums import GoalPer

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import GoalStatus

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("set")
def set_(
    ctx: typer.Context,
    ambassador: AmbassadorArg,
    metric: MetricOpt,
    target: Annotated[
        int,
        typer.Option(
            "--target", metavar="N", help="How many each period (1-1000).", show_default=False
        ),
    ],
    per: Annotated[
        GoalPer, typer.Option("--per", help="How often the target is due.")
    ] = GoalPer.WEEK,
    since: Annotated[
        str | None,
        date_option("--from", "Backdate a new goal to the period holding this day (history)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Set (or change) an ambassador's goal for one metric; a change starts a new goal and keeps
    the old one for the periods it applied to.

    \b
    Example: circlekeeper goal set @ana --metric "welcome new members" --target 3 --per week
    """
    from circlekeeper.services.goals import set_goal

    goal = set_goal(
        open_db(ctx),
        ref=ambassador,
        metric=metric,
        target=target,
        per=per,
        starts_on=optional_day(since, "--from"),
    )
    if as_json:
        output.emit_json(goal)
    output.info(f"goal set: {goal.metric} {goal.target} a {goal.per}, from {goal.starts_on}")


@app.command("end")
def end(ctx: typer.Context, ambassador: AmbassadorArg, metric: MetricOpt) -> None:
    """End an ambassador's goal for one metric; its past periods stay in the history.

    \b
    Example: circlekeeper goal end @ana --metric "start threads"
    """
    from circlekeeper.services.goals import end_goal

    ended = end_goal(open_db(ctx), ref=ambassador, metric=metric)
    if ended.ends_on is not None and ended.ends_on < ended.starts_on:
        output.info(f"removed the goal {ended.metric}: it had only started this period")
    else:
        output.info(f"ended the goal {ended.metric}; it last applied on {ended.ends_on}")


@app.command("log")
def log(
    ctx: typer.Context,
    ambassador: AmbassadorArg,
    metric: MetricOpt,
    count: Annotated[
        int,
        typer.Option(
            "--count", metavar="N", help="How many were done (1-10000).", show_default=False
        ),
    ],
    day: Annotated[
        str | None, date_option("--date", "The day it was done (default: today).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="What was done, in a few words.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Log an ambassador's work: a count for a metric on a day, with an optional note.

    \b
    Example: circlekeeper goal log @ana --metric "welcome new members" --count 2 --note "Discord"
    """
    from circlekeeper.services.goals import log_progress

    logged = log_progress(
        open_db(ctx),
        ref=ambassador,
        metric=metric,
        count=count,
        day=optional_day(day, "--date"),
        note=note,
    )
    if as_json:
        output.emit_json(logged)
    output.info(f"logged {logged.count} {logged.metric} for {logged.member_name} on {logged.day}")


@app.command("status")
def status(
    ctx: typer.Context,
    period: Annotated[
        str,
        typer.Option(
            "--period",
            metavar="this|last|YYYY-MM-DD",
            help="This period, the last one, or the period holding a date.",
        ),
    ] = "this",
    ambassador: Annotated[
        str | None,
        typer.Option(
            "--ambassador",
            metavar="AMBASSADOR",
            help="Only this ambassador (member id, email or handle).",
            show_default=False,
        ),
    ] = None,
    limit: RowsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every current goal judged over a period: done against target, met or not.

    Weekly goals are judged over the week, monthly goals over the month, in your timezone.
    A goal is not due when the ambassador rested most of the period.

    \b
    Example: circlekeeper goal status --period last --ambassador @ana --json
    """
    found = _statuses(open_db(ctx), period, ambassador)
    if as_json:
        output.emit_json(found[:limit])
        return
    if not found:
        output.info(
            "no goals in that period — circlekeeper goal set AMBASSADOR --metric M --target N"
        )
        return
    columns = ["name", "metric", "progress", "period", "result"]
    output.first_rows(columns, found, _status_cells, "goals", limit=limit)


def _statuses(db: Database, period: str, ambassador: str | None) -> list[GoalStatus]:
    """Goals judged over this period, the last one (the week before this week for weekly goals,
    the month before this month for monthly ones) or the period holding a date."""
    from circlekeeper.algorithms.goal_periods import MONTH, WEEK, period_of
    from circlekeeper.services.goals import goal_status
    from circlekeeper.services.programme_settings import programme_settings

    choice = period.strip().lower()
    settings = programme_settings()
    if choice == "this":
        return goal_status(db, ref=ambassador, settings=settings)
    if choice != "last":
        day = parse_day(period, "--period")
        return goal_status(db, day=day, ref=ambassador, settings=settings)
    today = settings.today()
    found: list[GoalStatus] = []
    for per, unit in ((GoalPer.WEEK, WEEK), (GoalPer.MONTH, MONTH)):
        before = period_of(today, unit, settings.week_start).start - dt.timedelta(days=1)
        statuses = goal_status(db, day=before, ref=ambassador, settings=settings)
        found.extend(status for status in statuses if status.per == per)
    return sorted(found, key=lambda s: (s.member_name.casefold(), s.ambassador_id, s.metric))


def _status_cells(goal: GoalStatus) -> list[object]:
    from circlekeeper.cli.ambassadors import progress_bar

    result = "met" if goal.met else "not met"
    return [
        goal.member_name,
        goal.metric,
        f"{progress_bar(goal.done, goal.target)} {goal.done}/{goal.target}",
        f"{goal.period_start} to {goal.period_end}",
        result if goal.due else "not due",
    ]

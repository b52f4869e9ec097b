"""`circlekeeper ambassador …`: make members ambassadors, list and show them, rest, bring back
and retire them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import (
    AmbassadorArg,
    CapacityChangeOpt,
    CapacityOpt,
    ExpectVersionOpt,
    FocusOpt,
    JsonOpt,
    MemberArg,
    NoteOpt,
    ReasonOpt,
    RowsOpt,
    confirm,
    date_option,
    optional_day,
    parse_day,
)
from circlekeeper.models.enums import AmbassadorStatus

if TYPE_CHECKING:
    from circlekeeper.models import AmbassadorDetail, AmbassadorRead, AmbassadorRow, GoalStatus

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

BAR_WIDTH = 5
LIST_COLUMNS = ["member", "name", "focus", "status", "goals this period", "behind"]


@app.command("add")
def add(
    ctx: typer.Context,
    member: MemberArg,
    focus: FocusOpt = None,
    capacity: CapacityOpt = 5,
    note: NoteOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Make a member an ambassador with one or more focus areas (--focus, repeatable).

    \b
    Example: circlekeeper ambassador add @ana --focus "welcome team" --capacity 4
    """
    from circlekeeper.services.ambassadors import add_ambassador

    if not focus:
        output.error('give at least one --focus, e.g. --focus "welcome team" (see --help)')
        raise typer.Exit(2)
    made = add_ambassador(
        open_db(ctx), member_ref=member, focus=focus, capacity_per_week=capacity, note=note
    )
    if as_json:
        output.emit_json(made)
    output.info(f"{made.member_name} (#{made.member_id}) is now an ambassador: {_focus(made)}")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        AmbassadorStatus | None,
        typer.Option("--status", help="Only ambassadors with this status.", show_default=False),
    ] = None,
    include_alumni: Annotated[
        bool, typer.Option("--all", help="Include alumni (left out unless asked for).")
    ] = False,
    focus: Annotated[
        str | None,
        typer.Option("--focus", metavar="FOCUS", help="Only this focus area.", show_default=False),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="Text in name, email, handle or tags; or key=value.",
            show_default=False,
        ),
    ] = None,
    limit: RowsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List ambassadors with their focus, status and this period's goals (done/target).

    The member column is what other commands take as AMBASSADOR. "behind" counts the finished
    periods in a row in which a due goal was missed.

    \b
    Example: circlekeeper ambassador list --focus "welcome team" --json
    """
    from circlekeeper.services.ambassadors import list_ambassadors

    rows = list_ambassadors(
        open_db(ctx), status=status, include_alumni=include_alumni, focus=focus, search=search
    )
    if as_json:
        output.emit_json(rows[:limit])
        return
    if not rows:
        filtered = status or focus or search
        output.info(
            "no ambassadors match"
            if filtered
            else "no ambassadors yet — circlekeeper ambassador add MEMBER --focus FOCUS"
        )
        return
    output.first_rows(LIST_COLUMNS, rows, _row_cells, "ambassadors", limit=limit)


def _row_cells(row: AmbassadorRow) -> list[object]:
    goals = "; ".join(f"{goal.metric} {_done_text(goal)}" for goal in row.goals)
    behind = row.behind_streak if row.behind_streak >= 1 else ""
    return [row.member_id, row.member_name, _focus(row), status_text(row), goals, behind]


def _focus(ambassador: AmbassadorRead) -> str:
    return ", ".join(ambassador.focus)


def status_text(ambassador: AmbassadorRead) -> str:
    """The status in words: "active", "resting until DATE" or "alumni since DATE"."""
    if ambassador.status == AmbassadorStatus.RESTING and ambassador.resting_until:
        return f"resting until {ambassador.resting_until}"
    if ambassador.status == AmbassadorStatus.ALUMNI and ambassador.retired_on:
        return f"alumni since {ambassador.retired_on}"
    return str(ambassador.status)


def _done_text(goal: GoalStatus) -> str:
    return f"{goal.done}/{goal.target}" + ("" if goal.due else " (not due)")


def progress_bar(done: int, target: int, width: int = BAR_WIDTH) -> str:
    """A bar such as "███░░" for 2 of 3 (full once the target is met)."""
    filled = width if done >= target else min(width - 1, round(width * done / target))
    return "█" * filled + "░" * (width - filled)


@app.command("show")
def show(ctx: typer.Context, ambassador: AmbassadorArg, as_json: JsonOpt = False) -> None:
    """Show one ambassador: focus, status, capacity against load, goals, history and rests.

    Warnings (over capacity, behind for several periods) go to stderr.

    \b
    Example: circlekeeper ambassador show @ana --json
    """
    from circlekeeper.services.ambassadors import ambassador_detail

    found = ambassador_detail(open_db(ctx), ref=ambassador)
    if as_json:
        output.emit_json(found)
        return
    _print_detail(found)
    for warning in found.warnings:
        output.warning(warning)


def _print_detail(found: AmbassadorDetail) -> None:
    over = " — over capacity" if found.load > found.capacity_per_week else ""
    output.fields(
        [
            ("member", found.member_id),
            ("name", found.member_name),
            ("focus", _focus(found)),
            ("status", status_text(found)),
            ("serving since", found.started_on),
            ("load this week", f"{found.load} of {found.capacity_per_week}{over}"),
            ("behind", f"{found.behind_streak} periods in a row" if found.behind_streak else "no"),
            ("note", found.note),
            ("version", found.version),
        ]
    )
    if found.goals:
        output.table(
            ["metric", "progress", "per", "period"],
            (
                [
                    goal.metric,
                    f"{progress_bar(goal.done, goal.target)} {_done_text(goal)}",
                    goal.per,
                    f"{goal.period_start} to {goal.period_end}",
                ]
                for goal in found.goals
            ),
            title="goals this period",
        )
    else:
        output.fields([("goals", "none — circlekeeper goal set AMBASSADOR --metric M --target N")])
    if found.history:
        output.table(
            ["day", "metric", "count", "note", "by"],
            ([p.day, p.metric, p.count, p.note, p.by] for p in found.history),
            title="recent progress",
        )
    if found.rests:
        output.table(
            ["from", "to", "reason"],
            ([r.starts_on, r.ends_on, r.reason] for r in found.rests),
            title="rests",
        )
    if found.past_periods:
        output.table(
            ["period", "metric", "done", "result"],
            (
                [
                    f"{g.period_start} to {g.period_end}",
                    g.metric,
                    f"{g.done}/{g.target}",
                    _result(g),
                ]
                for g in found.past_periods
            ),
            title="past periods",
        )


def _result(goal: GoalStatus) -> str:
    if not goal.due:
        return "not due"
    return "met" if goal.met else "missed"


@app.command("edit")
def edit(
    ctx: typer.Context,
    ambassador: AmbassadorArg,
    focus: Annotated[
        list[str] | None,
        typer.Option(
            "--focus",
            metavar="FOCUS",
            help="Replace the focus areas; repeat for more.",
            show_default=False,
        ),
    ] = None,
    capacity: CapacityChangeOpt = None,
    note: Annotated[
        str | None, typer.Option("--note", help='New note; "" clears it.', show_default=False)
    ] = None,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an ambassador's focus areas, weekly capacity or note; only what is given changes.

    \b
    Example: circlekeeper ambassador edit @ana --focus "welcome team" --focus "event promoter"
    """
    from circlekeeper.services.ambassadors import edit_ambassador

    if focus is None and capacity is None and note is None:
        output.error("nothing to change — give --focus, --capacity or --note (see --help)")
        raise typer.Exit(2)
    changed = edit_ambassador(
        open_db(ctx),
        ref=ambassador,
        focus=focus,
        capacity_per_week=capacity,
        note=note,
        expected_version=expect_version,
    )
    if as_json:
        output.emit_json(changed)
    output.info(
        f"updated {changed.member_name} (#{changed.member_id}, now version {changed.version})"
    )


@app.command("rest")
def rest(
    ctx: typer.Context,
    ambassador: AmbassadorArg,
    until: Annotated[str, date_option("--until", "The last day of the rest.")],
    starts_on: Annotated[
        str | None, date_option("--from", "The first day of the rest (default: today).")
    ] = None,
    reason: ReasonOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Give an ambassador a rest: no goals are due in a period mostly spent resting.

    \b
    Example: circlekeeper ambassador rest @ana --until 2026-12-31 --reason "exams"
    """
    from circlekeeper.services.ambassadors import rest_ambassador

    resting = rest_ambassador(
        open_db(ctx),
        ref=ambassador,
        until=parse_day(until, "--until"),
        reason=reason,
        starts_on=optional_day(starts_on, "--from"),
    )
    if as_json:
        output.emit_json(resting)
    if resting.status == AmbassadorStatus.RESTING:
        output.info(f"{resting.member_name} (#{resting.member_id}) is {status_text(resting)}")
    else:
        output.info(f"{resting.member_name} (#{resting.member_id}) will rest from {starts_on}")


@app.command("back")
def back(ctx: typer.Context, ambassador: AmbassadorArg, as_json: JsonOpt = False) -> None:
    """End an ambassador's rest today: their goals are due again from this period.

    \b
    Example: circlekeeper ambassador back @ana
    """
    from circlekeeper.services.ambassadors import end_rest

    found = end_rest(open_db(ctx), ref=ambassador)
    if as_json:
        output.emit_json(found)
    again = " again" if found.status == AmbassadorStatus.ACTIVE else ""
    output.info(f"{found.member_name} (#{found.member_id}) is {status_text(found)}{again}")


@app.command("retire")
def retire(
    ctx: typer.Context,
    ambassador: AmbassadorArg,
    reason: ReasonOpt = "",
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Make an ambassador alumni: their goals end; focus, progress and rests stay as history.

    \b
    Example: circlekeeper ambassador retire @ana --reason "moved on" --yes
    """
    from circlekeeper.services.ambassadors import retire_ambassador

    confirm(
        f"Retire {ambassador} as an ambassador? Their goals end.",
        yes=yes,
        refused="not retired — answer y, or add --yes",
    )
    retired = retire_ambassador(open_db(ctx), ref=ambassador, reason=reason)
    if as_json:
        output.emit_json(retired)
    output.info(f"{retired.member_name} (#{retired.member_id}) is {status_text(retired)}")


def _register_health() -> None:
    from circlekeeper.cli.programme_health import register

    register(app)


_register_health()

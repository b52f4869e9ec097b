"""`circlekeeper health` (each circle thriving, steady, fading or dormant, and why) and
`circlekeeper health members` (who may need a personal note)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import JsonOpt, RowsOpt

if TYPE_CHECKING:
    from circlekeeper.services.health_models import CircleHealth, MemberAtRisk

app = typer.Typer(invoke_without_command=True, no_args_is_help=False, rich_markup_mode=None)

CIRCLE_COLUMNS = ["id", "circle", "status", "attendance", "last held", "reasons"]
MEMBER_COLUMNS = ["id", "name", "status", "urgency", "reasons"]


@app.callback(short_help="How each circle is doing, and members at risk.")
def health(
    ctx: typer.Context,
    circle: Annotated[
        str | None,
        typer.Option(
            "--circle",
            metavar="CIRCLE",
            help="Only this circle (an id or a name).",
            show_default=False,
        ),
    ] = None,
    limit: RowsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show each circle's health — thriving, steady, fading or dormant — and why.

    Forming, active and paused circles, the ones to look at first at the top; 'health members'
    lists the members who may need a personal note. Thresholds come from config.toml.

    \b
    Example: circlekeeper health --circle "Tuesday Builders"
    """
    if ctx.invoked_subcommand is not None:
        return
    from circlekeeper.services.health import circle_health
    from circlekeeper.services.health_settings import health_settings

    found = circle_health(open_db(ctx), circle_ref=circle, settings=health_settings())
    if as_json:
        output.emit_json(found[:limit])
        return
    if not found:
        output.info("no forming, active or paused circles")
        return
    output.first_rows(CIRCLE_COLUMNS, found, _circle_cells, "circles", limit=limit)


@app.command("members")
def members(
    ctx: typer.Context,
    limit: RowsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List members who may be drifting away — absent several times in a row, quiet for weeks,
    back from a pause soon, or in no active circle — most urgent first.

    A prompt for a personal note, never a judgement. Thresholds come from config.toml.

    \b
    Example: circlekeeper health members --limit 20
    """
    from circlekeeper.services.health_settings import health_settings
    from circlekeeper.services.member_risk import members_at_risk_overview

    rows = limit if as_json else output.table_rows(limit)
    found = members_at_risk_overview(open_db(ctx), settings=health_settings(), limit=rows)
    if as_json:
        output.emit_json(found.members)
        return
    if not found.members:
        output.info("nobody is at risk")
        return
    output.first_rows(
        MEMBER_COLUMNS,
        found.members,
        _member_cells,
        "members at risk",
        limit=limit,
        total=found.total,
    )


def _circle_cells(item: CircleHealth) -> list[object]:
    attendance = item.figures.recent_attendance
    return [
        item.circle_id,
        item.name,
        str(item.status),
        "—" if attendance is None else f"{attendance * 100:.0f}%",
        item.figures.last_held_on or "never",
        "; ".join(item.reasons),
    ]


def _member_cells(item: MemberAtRisk) -> list[object]:
    return [
        item.member_id,
        item.name,
        str(item.member_status),
        item.urgency,
        "; ".join(item.reasons),
    ]

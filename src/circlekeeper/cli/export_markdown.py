"""`circlekeeper export markdown REPORT`: the Markdown reports, filtered for their audience."""

from __future__ import annotations

from typing import Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import OutOpt
from circlekeeper.cli.sessions import optional_day

REPORT_NAMES = "circle, digest, ambassadors, recognition, facilitator"


def markdown(
    ctx: typer.Context,
    report: Annotated[str, typer.Argument(metavar="REPORT", help=f"One of: {REPORT_NAMES}.")],
    circle: Annotated[
        str | None,
        typer.Option(
            "--circle",
            help="The circle (id or name) of a circle summary, or the circle reading a report "
            "for the circle audience.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="YYYY-MM-DD",
            help="First day of the period (default: four weeks before --to).",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="YYYY-MM-DD",
            help="Last day of the period (default: today).",
            show_default=False,
        ),
    ] = None,
    audience: Annotated[
        str,
        typer.Option(
            "--audience",
            metavar="community|circle|facilitator",
            help="Who will read it: decides what it may contain.",
        ),
    ] = "community",
    out: OutOpt = None,
) -> None:
    """Write a Markdown report for the community, a circle or the facilitators.

    What a report may contain is decided by --audience (default community): community reports
    hold only what was marked shareable, and members who have not agreed to be named appear as
    "a member"; circle adds what one circle shared with its own members (name that circle with
    --circle); facilitator adds private notes and incidents and carries a warning. Titles,
    intros and headings can be changed in config.toml under [reports.NAME].

    \b
    Example: circlekeeper export markdown digest --from 2026-11-01 --to 2026-11-30 --out nov.md
    Example: circlekeeper export markdown circle --circle "Tuesday Builders"
    Example: circlekeeper export markdown digest --audience circle --circle "Tuesday Builders"
    """
    from circlekeeper.config import load_report_texts
    from circlekeeper.export.reports import build_report

    db = open_db(ctx)
    texts, warnings = load_report_texts()
    for warning in warnings:
        output.warning(warning)
    text = build_report(
        db,
        report,
        circle_ref=circle,
        start=optional_day(start, "--from"),
        end=optional_day(end, "--to"),
        audience=audience,
        texts=texts,
    )
    if audience.strip().casefold() == "facilitator":
        output.warning("confidential: this report holds private notes and incidents")
    if output.deliver(text, out):
        output.info(f"wrote the {report} report ({len(text.splitlines())} lines) to {out}")

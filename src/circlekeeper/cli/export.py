"""`circlekeeper export …`: files to take elsewhere: the sessions calendar (.ics), the member
list (CSV)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import OutOpt
from circlekeeper.cli.sessions import optional_day
from circlekeeper.models.enums import SessionStatus

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from circlekeeper.db import Database
    from circlekeeper.models import SessionRead
    from circlekeeper.services.member_rows import MemberExportRow

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

PAGE = 1000


def calendar_sessions(
    db: Database, *, circle: str | None, start: dt.date, end: dt.date | None
) -> list[SessionRead]:
    """Planned and cancelled sessions from `start` on (one circle's or all), a page at a time."""
    from circlekeeper.services.sessions import list_sessions

    found: list[SessionRead] = []
    for status in (SessionStatus.PLANNED, SessionStatus.CANCELLED):
        offset = 0
        while True:
            page = list_sessions(
                db,
                circle_ref=circle,
                start=start,
                end=end,
                status=status,
                limit=PAGE,
                offset=offset,
            )
            found.extend(page)
            if len(page) < PAGE:
                break
            offset += PAGE
    return found


@app.command("ics")
def ics(
    ctx: typer.Context,
    circle: Annotated[
        str | None,
        typer.Option(
            "--circle", help="Only this circle's sessions (id or name).", show_default=False
        ),
    ] = None,
    out: OutOpt = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="YYYY-MM-DD",
            help="Sessions from this day on (default: today).",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="YYYY-MM-DD", help="Sessions up to this day.", show_default=False
        ),
    ] = None,
) -> None:
    """Export planned sessions as an iCalendar file for calendar apps.

    Each session keeps its event UID, so importing a newer export updates events instead of
    adding them twice; cancelled sessions are included as cancelled. Times are in each circle's
    timezone; every event is shown as 60 minutes long.

    \b
    Example: circlekeeper export ics --circle "Tuesday Builders" --out builders.ics
    """
    from circlekeeper import clock
    from circlekeeper.export.ics import sessions_to_ics
    from circlekeeper.services.rituals import list_rituals
    from circlekeeper.services.rota import roles_for_sessions

    db = open_db(ctx)
    first = optional_day(start, "--from") or clock.today()
    last = optional_day(end, "--to")
    name = "circlekeeper sessions"
    if circle is not None:
        from circlekeeper.services.circles import get_circle

        found_circle = get_circle(db, ref=circle)
        circle = f"#{found_circle.id}"
        name = f"{found_circle.name} — circlekeeper"
    sessions = calendar_sessions(db, circle=circle, start=first, end=last)
    rituals = {ritual.id: ritual for ritual in list_rituals(db)}
    roles = roles_for_sessions(db, session_ids=[s.id for s in sessions])
    text = sessions_to_ics(sessions, rituals=rituals, stamp=clock.now(), name=name, roles=roles)
    planned = sum(1 for s in sessions if s.status == SessionStatus.PLANNED)
    cancelled = len(sessions) - planned
    summary = f"{planned} planned and {cancelled} cancelled sessions"
    if output.deliver(text, out):
        output.info(f"wrote {summary} to {out}")
    if not sessions:
        output.warning(
            "no planned sessions to export — plan some: circlekeeper session plan CIRCLE"
        )


@app.command("members")
def members(
    ctx: typer.Context,
    out: OutOpt = None,
) -> None:
    """Export the whole member list as CSV, for a spreadsheet or another tool.

    Columns: name, email, handle, timezone, joined_on, status, tags (key=value;key=value),
    sorted by name; every member is included, whatever their status. A cell a spreadsheet would
    run as a formula (it starts with = + - @, a tab or a line break) gets a leading apostrophe,
    so opening the file never runs what a member typed. The file holds contact details: keep it
    private.

    \b
    Example: circlekeeper export members --out members.csv
    """
    from contextlib import closing

    from circlekeeper.export.csv_text import member_csv_chunks
    from circlekeeper.services.member_rows import iter_member_rows

    db = open_db(ctx)
    count = 0

    def counted() -> Iterator[MemberExportRow]:
        nonlocal count
        with closing(iter_member_rows(db)) as rows:
            for row in rows:
                count += 1
                yield row

    if output.deliver(member_csv_chunks(counted()), out):
        output.info(f"wrote {count} members to {out}")


def _register_markdown() -> None:
    """Add `export markdown` (kept in its own module) to this sub-app."""
    from circlekeeper.cli.export_markdown import markdown

    app.command("markdown")(markdown)


_register_markdown()

"""`circlekeeper session …`: plan a circle's meetings, list and show them, record what happened."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import ExpectVersionOpt, JsonOpt, LimitOpt, OffsetOpt
from circlekeeper.models.enums import SessionStatus
from circlekeeper.text import quoted

if TYPE_CHECKING:
    from circlekeeper.models import SessionDetail, SessionRead

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

CircleArg = Annotated[
    str, typer.Argument(metavar="CIRCLE", help="The circle's id or name.", show_default=False)
]
SessionArg = Annotated[
    str,
    typer.Argument(
        metavar="SESSION", help="The session's id ('session list' shows them).", show_default=False
    ),
]
ReasonOpt = Annotated[
    str,
    typer.Option(
        "--reason", help="Why (required; kept in the circle's history).", show_default=False
    ),
]


def _members_option(name: str, who: str) -> typer.models.OptionInfo:
    return typer.Option(
        name,
        metavar="MEMBER,…",
        help=f"Members who {who}: ids, emails or handles, comma-separated; may be repeated.",
        show_default=False,
    )


def parse_day(text: str, option: str) -> dt.date:
    """A YYYY-MM-DD option value as a date, or an error that names the option."""
    from pydantic import TypeAdapter, ValidationError

    from circlekeeper.cli.options import refuse_blank_day
    from circlekeeper.models.fields import StrictDate
    from circlekeeper.services.errors import InvalidInput
    from circlekeeper.services.validation import describe

    refuse_blank_day(text, option)
    try:
        return TypeAdapter(StrictDate).validate_python(text)
    except ValidationError as exc:
        raise InvalidInput(f"{option}: {describe(exc)}") from exc


def optional_day(text: str | None, option: str) -> dt.date | None:
    """`parse_day` for an option that may be left out."""
    return None if text is None else parse_day(text, option)


def parse_days(values: list[str] | None, option: str) -> list[dt.date]:
    """Dates from a repeatable option whose values may also be comma-separated; an option given
    with no date in it at all ("") is refused rather than read as left out."""
    items = split_list(values)
    if values and not items:
        from circlekeeper.cli.options import refuse_blank_day

        refuse_blank_day("", option)
    return [parse_day(item, option) for item in items]


def split_list(values: list[str] | None) -> list[str]:
    """`--x a,b --x c` as ["a", "b", "c"]; blanks are dropped."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def session_number(text: str) -> int:
    """A session reference ("12" or "#12") as its id; anything else is a usage error."""
    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit() and len(digits) < 19):
        output.error(f"SESSION must be a session id such as 12 or #12, not {quoted(text)}")
        raise typer.Exit(2)
    return int(digits)


def when(session: SessionRead) -> str:
    """A session's start as the circle reads it, e.g. "Tue 2026-11-24 18:30 Europe/Berlin"."""
    return f"{session.local_start:%a %Y-%m-%d %H:%M} {session.timezone}"


@app.command("plan")
def plan(
    ctx: typer.Context,
    circle: CircleArg,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="YYYY-MM-DD",
            help="Plan meetings up to this day (default: 8 weeks, or the circle's end).",
            show_default=False,
        ),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", metavar="N", help="Plan the next N meetings.", show_default=False),
    ] = None,
    skip: Annotated[
        list[str] | None,
        typer.Option(
            "--skip",
            metavar="YYYY-MM-DD",
            help="Leave out this day (a holiday); may be repeated or comma-separated.",
            show_default=False,
        ),
    ] = None,
    on: Annotated[
        list[str] | None,
        typer.Option(
            "--on",
            metavar="YYYY-MM-DD",
            help="Meet on exactly these days instead of the circle's rhythm; may be repeated.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Plan a circle's meetings from today on, from its rhythm (or --on dates).

    Planning again replaces future meetings that are only planned; held and cancelled
    meetings, and those with check-ins, are kept.

    \b
    Example: circlekeeper session plan "Tuesday Builders" --count 6 --skip 2026-12-29
    """
    from circlekeeper import clock
    from circlekeeper.services.sessions import list_sessions, plan_sessions

    if until is not None and count is not None:
        output.error("give --until or --count, not both")
        raise typer.Exit(2)
    db = open_db(ctx)
    result = plan_sessions(
        db,
        circle_ref=circle,
        until=optional_day(until, "--until"),
        count=count,
        skip=parse_days(skip, "--skip"),
        dates=parse_days(on, "--on"),
    )
    if as_json:
        output.emit_json(result)
    else:
        now = clock.now()
        ahead = [
            s
            for s in list_sessions(
                db,
                circle_ref=result.circle_id,
                status=SessionStatus.PLANNED,
                start=clock.today() - dt.timedelta(days=1),
                limit=1000,
            )
            if s.starts_at > now
        ]
        added = {s.id for s in result.added}
        if ahead:
            output.table(
                ["id", "when", "ritual", "new"],
                ([s.id, when(s), s.ritual_name, "new" if s.id in added else ""] for s in ahead),
                title=f"planned sessions of {result.circle_name}",
            )
    output.info(
        f"{result.circle_name}: {len(result.added)} added, {result.removed} removed, "
        f"{result.kept} kept"
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    circle: Annotated[
        str | None,
        typer.Option(
            "--circle", help="Only this circle's sessions (id or name).", show_default=False
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="YYYY-MM-DD", help="From this day on (inclusive).", show_default=False
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="YYYY-MM-DD", help="Up to this day (inclusive).", show_default=False
        ),
    ] = None,
    status: Annotated[
        SessionStatus | None,
        typer.Option("--status", help="Only sessions with this status.", show_default=False),
    ] = None,
    limit: LimitOpt = 200,
    offset: OffsetOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """List sessions across all circles (or one) in time order, each in its circle's local time.

    \b
    Example: circlekeeper session list --from 2026-12-01 --to 2026-12-31 --status planned
    """
    from circlekeeper.services.sessions import list_sessions

    found = list_sessions(
        open_db(ctx),
        circle_ref=circle,
        start=optional_day(start, "--from"),
        end=optional_day(end, "--to"),
        status=status,
        limit=limit,
        offset=offset,
    )
    if as_json:
        output.emit_json(found)
        return
    if not found:
        output.info("no sessions match" if offset == 0 else "no sessions past --offset")
        return
    output.table(
        ["id", "when", "circle", "ritual", "status", "reason"],
        ([s.id, when(s), s.circle_name, s.ritual_name, s.status, s.reason] for s in found),
    )
    if len(found) == limit:
        output.info(f"showing {len(found)} — there may be more: --offset {offset + len(found)}")


@app.command("show")
def show(ctx: typer.Context, session: SessionArg, as_json: JsonOpt = False) -> None:
    """Show a session: when, its status, the ritual's prompts and every check-in.

    \b
    Example: circlekeeper session show 12 --json
    """
    from circlekeeper.services.sessions import get_session

    detail = get_session(open_db(ctx), session_id=session_number(session))
    if as_json:
        output.emit_json(detail)
        return
    print_detail(detail)


def print_detail(detail: SessionDetail) -> None:
    """A session's fields, then its prompts and its check-ins as tables."""
    output.fields(
        [
            ("id", detail.id),
            ("circle", f"{detail.circle_name} (#{detail.circle_id})"),
            ("when", when(detail)),
            ("status", detail.status),
            ("reason", detail.reason),
            ("ritual", detail.ritual_name),
            ("timebox", f"{detail.timebox_minutes} min per person"),
            ("notes", "\n  ".join(detail.notes.split("\n"))),
            ("version", detail.version),
        ]
    )
    if detail.prompts:
        output.table(
            ["#", "prompt"],
            ([n, prompt] for n, prompt in enumerate(detail.prompts, start=1)),
            title="prompts",
        )
    if detail.checkins:
        output.table(
            ["member", "attendance", "mood", "visibility", "answers"],
            (
                [c.member_name, c.attendance, c.mood, c.visibility, answers_text(c.answers)]
                for c in detail.checkins
            ),
            title="check-ins",
        )
    else:
        output.fields([("check-ins", "none")])


def answers_text(answers: dict[str, str]) -> str:
    """Answers as "prompt: answer" lines, for a table cell."""
    return "\n".join(f"{prompt}: {answer}" for prompt, answer in answers.items())


@app.command("record")
def record(
    ctx: typer.Context,
    circle: CircleArg,
    date: Annotated[
        str,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day it was held (required).",
            show_default=False,
        ),
    ],
    present: Annotated[list[str] | None, _members_option("--present", "came")] = None,
    absent: Annotated[list[str] | None, _members_option("--absent", "missed it")] = None,
    excused: Annotated[
        list[str] | None, _members_option("--excused", "sent word they could not come")
    ] = None,
    notes: Annotated[
        str | None,
        typer.Option("--notes", help="Session notes (facilitator only).", show_default=False),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a session held on a day, with who was present, absent or excused.

    Uses the session planned that day if there is one; answers already written are kept.

    \b
    Example: circlekeeper session record Builders --date 2026-11-17 --present @ana,@bo --absent @cy
    """
    from circlekeeper.services.sessions import record_session

    detail = record_session(
        open_db(ctx),
        circle_ref=circle,
        day=parse_day(date, "--date"),
        present=split_list(present),
        absent=split_list(absent),
        excused=split_list(excused),
        notes=notes or "",
    )
    if as_json:
        output.emit_json(detail)
    counts = dict.fromkeys(("present", "absent", "excused"), 0)
    for checkin in detail.checkins:
        counts[str(checkin.attendance)] += 1
    output.info(
        f"recorded session #{detail.id} of {detail.circle_name} on {detail.local_date} as held: "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
    )


def _set_status(
    ctx: typer.Context,
    session: str,
    status: SessionStatus,
    reason: str,
    expect_version: int | None,
    as_json: bool,
) -> None:
    from circlekeeper.services.sessions import set_session_status

    changed = set_session_status(
        open_db(ctx),
        session_id=session_number(session),
        status=status,
        reason=reason,
        expected_version=expect_version,
    )
    if as_json:
        output.emit_json(changed)
    output.info(f"session #{changed.id} of {changed.circle_name} ({when(changed)}) is {status}")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    session: SessionArg,
    reason: ReasonOpt,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel a planned session in advance (planning again will not bring it back).

    \b
    Example: circlekeeper session cancel 12 --reason "public holiday"
    """
    _set_status(ctx, session, SessionStatus.CANCELLED, reason, expect_version, as_json)


@app.command("restore")
def restore(
    ctx: typer.Context,
    session: SessionArg,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Bring a cancelled session back as planned (its cancel reason is cleared).

    \b
    Example: circlekeeper session restore 12
    """
    _set_status(ctx, session, SessionStatus.PLANNED, "", expect_version, as_json)


@app.command("did-not-happen")
def did_not_happen(
    ctx: typer.Context,
    session: SessionArg,
    reason: ReasonOpt,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that a planned session did not take place after all.

    \b
    Example: circlekeeper session did-not-happen 12 --reason "nobody came"
    """
    _set_status(ctx, session, SessionStatus.DID_NOT_HAPPEN, reason, expect_version, as_json)

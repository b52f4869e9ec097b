"""`circlekeeper role …`: a circle's roles, the planned rota, swaps, skips, terms and history."""

from __future__ import annotations

import datetime as dt
import shlex
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import JsonOpt
from circlekeeper.text import quoted

if TYPE_CHECKING:
    from circlekeeper.models import AssignmentRead, RotaRead

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

CircleArg = Annotated[
    str, typer.Argument(metavar="CIRCLE", help="The circle's id or name.", show_default=False)
]
MemberArg = Annotated[
    str,
    typer.Argument(metavar="MEMBER", help="The member's id, email or handle.", show_default=False),
]
RoleArg = Annotated[
    str,
    typer.Argument(
        metavar="ROLE", help="The role's name ('role list' shows them).", show_default=False
    ),
]
CapOpt = Annotated[
    int,
    typer.Option(
        "--cap",
        metavar="N",
        min=1,
        help="At most N roles per person in any 4 weeks, across circles.",
    ),
]
ROTA_COLUMNS = ["id", "date", "role", "who", "deputy"]
TERM_COLUMNS = ["id", "role", "who", "deputy", "from", "to"]


def parse_day(text: str, option: str) -> dt.date:
    """A YYYY-MM-DD option value as a date, or an error that names the option."""
    from pydantic import TypeAdapter, ValidationError

    from circlekeeper.models.fields import StrictDate
    from circlekeeper.services.errors import InvalidInput
    from circlekeeper.services.validation import describe

    try:
        return TypeAdapter(StrictDate).validate_python(text)
    except ValidationError as exc:
        raise InvalidInput(f"{option}: {describe(exc)}") from exc


def assignment_number(text: str) -> int:
    """An assignment reference ("12" or "#12") as its id; anything else is a usage error."""
    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit() and len(digits) < 19):
        output.error(
            f"ASSIGNMENT must be an id from 'role show' such as 12 or #12, not {quoted(text)}"
        )
        raise typer.Exit(2)
    return int(digits)


def command_for(*words: str) -> str:
    """A command line the user can paste, each argument quoted for the shell as needed."""
    return "circlekeeper " + " ".join(shlex.quote(word) for word in words)


def when(line: AssignmentRead) -> str:
    """The date of a session's role, or the span of a term."""
    if line.session_id is not None:
        return str(line.day) if line.day else "?"
    return f"{line.starts_on} to {line.ends_on or '…'}"


def _rota_table(lines: list[AssignmentRead], *, title: str | None = None) -> None:
    output.table(
        ROTA_COLUMNS,
        ([a.id, a.day, a.role, a.member_name or "—", a.deputy_name or "—"] for a in lines),
        title=title,
    )


def _term_table(lines: list[AssignmentRead], *, title: str | None = None) -> None:
    output.table(
        TERM_COLUMNS,
        (
            [a.id, a.role, a.member_name or "—", a.deputy_name or "—", a.starts_on, a.ends_on]
            for a in lines
        ),
        title=title,
    )


@app.command("add")
def add(
    ctx: typer.Context,
    circle: CircleArg,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The new role's name.", show_default=False)
    ],
    term: Annotated[
        bool,
        typer.Option("--term", help="Held for a period ('role term') instead of per session."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a custom role to a circle: rotating per session, or held for a term with --term.

    \b
    Example: circlekeeper role add "Tuesday Builders" steward --term
    """
    from circlekeeper.services.roles import add_role

    role = add_role(open_db(ctx), circle_ref=circle, name=name, rotating=not term)
    if as_json:
        output.emit_json(role)
    how = "is held for a term — 'role term' gives it to someone" if term else "rotates per session"
    output.info(f"added role {role.name} (#{role.id}); it {how}")


@app.command("list")
def list_(ctx: typer.Context, circle: CircleArg, as_json: JsonOpt = False) -> None:
    """List a circle's roles in rota order (facilitator, timekeeper and note-taker at first).

    \b
    Example: circlekeeper role list "Tuesday Builders" --json
    """
    from circlekeeper.services.roles import list_roles

    found = list_roles(open_db(ctx), circle_ref=circle)
    if as_json:
        output.emit_json(found)
        return
    output.table(
        ["id", "name", "held"],
        ([r.id, r.name, "per session" if r.rotating else "for a term"] for r in found),
    )


@app.command("remove")
def remove(ctx: typer.Context, circle: CircleArg, name: RoleArg) -> None:
    """Remove a role from a circle, with its rota lines; the record of changes stays.

    \b
    Example: circlekeeper role remove "Tuesday Builders" note-taker
    """
    from circlekeeper.services.roles import remove_role

    role = remove_role(open_db(ctx), circle_ref=circle, name=name)
    output.info(f"removed role {role.name} (#{role.id}) and its rota lines")


@app.command("plan")
def plan(
    ctx: typer.Context,
    circle: CircleArg,
    sessions: Annotated[
        int,
        typer.Option("--sessions", metavar="N", help="How many upcoming sessions to plan (1-52)."),
    ] = 4,
    cap: CapOpt = 2,
    as_json: JsonOpt = False,
) -> None:
    """Give every rotating role, and a deputy, to someone for the circle's next sessions.

    Hand-made swaps stay; the rest of the upcoming rota is planned again, and every turn that
    now goes to someone else is listed. Past sessions are history and never change. Warnings (a
    cap that cannot hold, nobody left) go to stderr.

    \b
    Example: circlekeeper role plan "Tuesday Builders" --sessions 6 --cap 2
    """
    from circlekeeper.services.rota import plan_roles

    found = plan_roles(open_db(ctx), circle_ref=circle, sessions=sessions, cap=cap)
    if as_json:
        output.emit_json(found)
    else:
        _rota_table([a for a in found.assignments if a.session_id is not None])
    planned = len({a.session_id for a in found.assignments if a.session_id is not None})
    output.info(f"planned the roles of {planned} sessions of {found.circle_name}")
    if found.changes:
        moved = len(found.changes)
        turns = (
            "1 turn planned before now goes"
            if moved == 1
            else f"{moved} turns planned before now go"
        )
        output.info(f"{turns} to someone else:")
    for change in found.changes:
        output.info(f"  {change.message}")
    for warning in found.warnings:
        output.warning(warning)


@app.command("show")
def show(ctx: typer.Context, circle: CircleArg, cap: CapOpt = 2, as_json: JsonOpt = False) -> None:
    """Show a circle's upcoming rota, each person's load against the cap, and its term roles.

    \b
    Example: circlekeeper role show "Tuesday Builders" --json
    """
    from circlekeeper.services.roles import term_warnings
    from circlekeeper.services.rota import rota

    db = open_db(ctx)
    found = rota(db, circle_ref=circle, cap=cap)
    warnings = term_warnings(db, circle_ref=found.circle_id)
    if as_json:
        output.emit_json({**found.model_dump(mode="json"), "term_warnings": warnings})
        return
    _print_rota(found)
    for text in [*found.warnings, *(warning.message for warning in warnings)]:
        output.warning(text)


def _print_rota(found: RotaRead) -> None:
    sessions = [a for a in found.assignments if a.session_id is not None]
    terms = [a for a in found.assignments if a.session_id is None]
    if sessions:
        _rota_table(sessions, title=f"rota of {found.circle_name}")
    else:
        output.info(f"nothing planned yet — {command_for('role', 'plan', found.circle_name)}")
    if found.load:
        output.table(
            ["who", "roles", "cap", "over"],
            (
                [name, count, found.cap, "over the cap" if count > found.cap else ""]
                for name, count in sorted(found.load.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            title="load, next 4 weeks",
        )
    if terms:
        _term_table(terms, title="term roles")


@app.command("swap")
def swap(
    ctx: typer.Context,
    first: Annotated[
        str,
        typer.Argument(
            metavar="ASSIGNMENT", help="An id from 'role show', e.g. 12.", show_default=False
        ),
    ],
    second: Annotated[
        str,
        typer.Argument(metavar="ASSIGNMENT", help="Another id, same circle.", show_default=False),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why (kept in the record of changes).")
    ] = "",
) -> None:
    """Exchange the people of two rota lines of one circle (re-planning keeps the swap).

    \b
    Example: circlekeeper role swap 12 15 --reason "Ana travels that week"
    """
    from circlekeeper.services.roles import swap_assignments

    one, two = swap_assignments(
        open_db(ctx),
        first_id=assignment_number(first),
        second_id=assignment_number(second),
        reason=reason,
    )
    for line in (one, two):
        output.info(f"#{line.id} {line.role} on {when(line)}: now {line.member_name or 'nobody'}")


@app.command("override")
def override(
    ctx: typer.Context,
    assignment: Annotated[
        str,
        typer.Argument(
            metavar="ASSIGNMENT", help="An id from 'role show', e.g. 12.", show_default=False
        ),
    ],
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why (required; kept in the record).", show_default=False),
    ],
    member: Annotated[
        str | None,
        typer.Argument(
            metavar="MEMBER",
            help="Who takes the role (id, email or handle); leave out with --nobody.",
            show_default=False,
        ),
    ] = None,
    nobody: Annotated[
        bool, typer.Option("--nobody", help="Leave the role empty that day.")
    ] = False,
    deputy: Annotated[
        str | None,
        typer.Option("--deputy", metavar="MEMBER", help="Also change the deputy."),
    ] = None,
    cap: CapOpt = 2,
) -> None:
    """Put another member of the circle in one rota line (re-planning keeps it).

    The change is made even if it breaks a rota rule (paused or excused that day, opted out,
    a second role that session, over the cap); each rule broken is printed as a warning.

    \b
    Example: circlekeeper role override 12 @ana --reason "Ana knows this topic best"
    """
    from circlekeeper.services.roles import override_assignment

    if (member is None) == (not nobody):
        output.error("name the MEMBER who takes the role, or give --nobody (not both)")
        raise typer.Exit(2)
    if not reason.strip():
        output.error("--reason: say why (it is kept in the record of changes)")
        raise typer.Exit(2)
    done = override_assignment(
        open_db(ctx),
        assignment_id=assignment_number(assignment),
        member_ref=member,
        deputy_ref=deputy,
        reason=reason,
        cap=cap,
    )
    line = done.line
    output.info(f"#{line.id} {line.role} on {when(line)}: now {line.member_name or 'nobody'}")
    for warning in done.warnings:
        output.warning(warning)


@app.command("skip")
def skip(
    ctx: typer.Context,
    circle: CircleArg,
    member: MemberArg,
    date: Annotated[
        str,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="The day they are away.", show_default=False
        ),
    ],
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why (required; kept in the record).", show_default=False),
    ],
) -> None:
    """Excuse a member from roles in a circle on one date; the next 'role plan' respects it.

    The rota is not planned again by this command: if the member is on it that day, the
    lines are named and the 'role plan' to run is printed.

    \b
    Example: circlekeeper role skip "Tuesday Builders" @ana --date 2026-12-01 --reason dentist
    """
    from circlekeeper.services.members import get_member
    from circlekeeper.services.roles import skip_member

    day = parse_day(date, "--date")
    db = open_db(ctx)
    still = skip_member(db, circle_ref=circle, member_ref=member, day=day, reason=reason)
    person = get_member(db, ref=member)
    output.info(f"excused {person.name} (#{person.id}) from roles in {circle} on {day}")
    replan = False
    for line in still:
        what = line.role if line.member_id == person.id else f"deputy for {line.role}"
        if line.version > 1:
            output.warning(
                f"#{line.id}: {person.name} is still {what} that day; it was changed by hand, "
                "so re-planning keeps it — swap it with another line: "
                + command_for("role", "swap", str(line.id), "ID")
            )
        else:
            replan = True
            output.warning(f"#{line.id}: {person.name} is still {what} that day")
    if replan:
        output.info(f"re-plan to fill in for them: {command_for('role', 'plan', circle)}")


@app.command("opt-out")
def opt_out(
    ctx: typer.Context,
    circle: CircleArg,
    member: MemberArg,
    role: RoleArg,
    undo: Annotated[bool, typer.Option("--undo", help="They may be given the role again.")] = False,
) -> None:
    """Never give a member one role in a circle (or, with --undo, allow it again).

    \b
    Example: circlekeeper role opt-out "Tuesday Builders" @bo facilitator
    """
    from circlekeeper.services.roles import set_opt_out

    set_opt_out(open_db(ctx), circle_ref=circle, member_ref=member, role=role, opted_out=not undo)
    if undo:
        output.info(f"{member} may be given {role} in {circle} again")
    else:
        output.info(f"{member} will not be given {role} in {circle}")
    output.info(f"the next plan takes it into account: {command_for('role', 'plan', circle)}")


@app.command("term")
def term(
    ctx: typer.Context,
    circle: CircleArg,
    role: RoleArg,
    member: MemberArg,
    starts_on: Annotated[
        str,
        typer.Option(
            "--from", metavar="YYYY-MM-DD", help="The term's first day.", show_default=False
        ),
    ],
    ends_on: Annotated[
        str,
        typer.Option("--to", metavar="YYYY-MM-DD", help="Its last day.", show_default=False),
    ],
    deputy: Annotated[
        str | None,
        typer.Option(
            "--deputy", metavar="MEMBER", help="Who stands in when needed.", show_default=False
        ),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why (kept in the record of changes).")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """Give a term role (one added with 'role add --term') to a member for a period.

    Terms of one role cannot overlap. 'role show' warns 14 days before a term ends.

    \b
    Example: circlekeeper role term Builders steward @ana --from 2027-01-01 --to 2027-03-31
    """
    from circlekeeper.services.roles import assign_term

    line = assign_term(
        open_db(ctx),
        circle_ref=circle,
        role=role,
        member_ref=member,
        starts_on=parse_day(starts_on, "--from"),
        ends_on=parse_day(ends_on, "--to"),
        deputy_ref=deputy,
        reason=reason,
    )
    if as_json:
        output.emit_json(line)
    deputy_part = f", deputy {line.deputy_name}" if line.deputy_name else ""
    output.info(
        f"{line.member_name} holds {line.role} in {line.circle_name} from {line.starts_on} "
        f"to {line.ends_on}{deputy_part} (#{line.id})"
    )


@app.command("holders")
def holders(ctx: typer.Context, circle: CircleArg, role: RoleArg, as_json: JsonOpt = False) -> None:
    """Show who holds a term role now, who will, and who held it before, latest term first.

    \b
    Example: circlekeeper role holders "Tuesday Builders" steward
    """
    from circlekeeper.services.roles import term_holders

    found = term_holders(open_db(ctx), circle_ref=circle, role=role)
    if as_json:
        output.emit_json(found)
        return
    if not found:
        output.info(
            f"nobody has held {role} yet — {command_for('role', 'term', circle, role, 'MEMBER')}"
        )
        return
    _term_table(found)


@app.command("history")
def history(ctx: typer.Context, member: MemberArg, as_json: JsonOpt = False) -> None:
    """Show every role a member held, holds or is planned for, and the changes that named them.

    \b
    Example: circlekeeper role history @ana --json
    """
    from circlekeeper.services.roles import member_history, role_events

    db = open_db(ctx)
    lines = member_history(db, member_ref=member)
    events = role_events(db, member_ref=member)
    if as_json:
        output.emit_json({"assignments": lines, "events": events})
        return
    if lines:
        output.table(
            ["id", "circle", "role", "when", "who", "deputy"],
            (
                [a.id, a.circle_name, a.role, when(a), a.member_name or "—", a.deputy_name or "—"]
                for a in lines
            ),
            title="roles",
        )
    else:
        output.info(f"{member} has not been given a role yet")
    if events:
        output.table(
            ["at", "circle", "change", "role", "day", "member", "other", "by", "reason"],
            (
                [
                    f"{e.created_at:%Y-%m-%d %H:%M}",
                    e.circle_name,
                    e.kind,
                    e.role_name,
                    e.day,
                    e.member_name,
                    e.other_member_name,
                    e.by,
                    e.reason,
                ]
                for e in events
            ),
            title="changes",
        )

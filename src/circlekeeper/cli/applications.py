"""`circlekeeper application …`: members apply to circles whose visibility is "application",
with a short answer; the facilitator accepts (the member gets a seat) or declines."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import JsonOpt, LimitOpt, MemberArg, OffsetOpt, record_number

if TYPE_CHECKING:
    from circlekeeper.models import ApplicationRead

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

CircleArg = Annotated[
    str, typer.Argument(metavar="CIRCLE", help="The circle's id or name.", show_default=False)
]
ApplicationArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="The application's id ('application list' shows them).",
        show_default=False,
    ),
]
DecisionNoteOpt = Annotated[
    str, typer.Option("--note", help="A note kept with the decision (at most 500 characters).")
]
LIST_COLUMNS = ["id", "circle", "member", "name", "answer", "status", "applied"]
WHERE = "application list"


class StatusFilter(StrEnum):
    """Which applications `application list` shows."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ALL = "all"


@app.command("add")
def add(
    ctx: typer.Context,
    circle: CircleArg,
    member: MemberArg,
    answer: Annotated[
        str,
        typer.Option(
            "--answer", help="Why they want to join (at most 1000 characters).", show_default=False
        ),
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a member's application to a circle whose visibility is "application".

    \b
    Example: circlekeeper application add "Founders Circle" @bo --answer "I run a small studio"
    """
    from circlekeeper.services.applications import apply_to_circle

    made = apply_to_circle(open_db(ctx), circle_ref=circle, member_ref=member, answer=answer)
    if as_json:
        output.emit_json(made)
    output.info(
        f"{made.member_name} (#{made.member_id}) applied to {made.circle_name} as application "
        f"#{made.id} — decide with: circlekeeper application accept {made.id}"
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    circle: Annotated[
        str | None,
        typer.Option(
            "--circle", metavar="CIRCLE", help="Only applications to this circle (id or name)."
        ),
    ] = None,
    status: Annotated[
        StatusFilter, typer.Option("--status", help="Which applications to show.")
    ] = StatusFilter.PENDING,
    limit: LimitOpt = 50,
    offset: OffsetOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """List applications, newest first: pending ones unless --status says otherwise.

    \b
    Example: circlekeeper application list --circle "Founders Circle" --status all --json
    """
    from circlekeeper.models.enums import ApplicationStatus
    from circlekeeper.services.applications import list_applications

    wanted = None if status == StatusFilter.ALL else ApplicationStatus(status.value)
    found = list_applications(
        open_db(ctx), circle_ref=circle, status=wanted, limit=limit, offset=offset
    )
    if as_json:
        output.emit_json(found)
        return
    if not found:
        output.info(f"no {'' if wanted is None else wanted.value + ' '}applications")
        return
    output.table(LIST_COLUMNS, (_cells(a) for a in found))


def _cells(application: ApplicationRead) -> list[object]:
    """One table row: the decision date follows a decided status."""
    status = str(application.status)
    if application.decided_on:
        status += f" on {application.decided_on}"
    return [
        application.id,
        application.circle_name,
        application.member_id,
        application.member_name,
        application.answer,
        status,
        f"{application.created_at:%Y-%m-%d}",
    ]


@app.command("accept")
def accept(
    ctx: typer.Context,
    application: ApplicationArg,
    note: DecisionNoteOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Accept an application: the member gets a seat today, if the circle has one free.

    \b
    Example: circlekeeper application accept 3 --note "welcome!"
    """
    from circlekeeper.services.applications import accept_application

    decided = accept_application(
        open_db(ctx), application_id=record_number(application, "ID", WHERE), note=note
    )
    if as_json:
        output.emit_json(decided)
    output.info(
        f"accepted application #{decided.id}: {decided.member_name} (#{decided.member_id}) "
        f"joined {decided.circle_name}"
    )


@app.command("decline")
def decline(
    ctx: typer.Context,
    application: ApplicationArg,
    note: DecisionNoteOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Decline an application; it stays in the list as declined, and they may apply again.

    \b
    Example: circlekeeper application decline 3 --note "full this season; try in spring"
    """
    from circlekeeper.services.applications import decline_application

    decided = decline_application(
        open_db(ctx), application_id=record_number(application, "ID", WHERE), note=note
    )
    if as_json:
        output.emit_json(decided)
    output.info(
        f"declined application #{decided.id} of {decided.member_name} to {decided.circle_name}"
    )


@app.command("withdraw")
def withdraw(ctx: typer.Context, application: ApplicationArg, as_json: JsonOpt = False) -> None:
    """Withdraw a pending application on the applicant's behalf.

    \b
    Example: circlekeeper application withdraw 3
    """
    from circlekeeper.services.applications import withdraw_application

    decided = withdraw_application(
        open_db(ctx), application_id=record_number(application, "ID", WHERE)
    )
    if as_json:
        output.emit_json(decided)
    output.info(
        f"withdrew application #{decided.id} of {decided.member_name} to {decided.circle_name}"
    )

"""`circlekeeper nominate …` and `circlekeeper nomination …`: put members forward as
ambassadors, with a reason, and decide."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import (
    CapacityOpt,
    FocusOpt,
    JsonOpt,
    MemberArg,
    NoteOpt,
    record_number,
)

if TYPE_CHECKING:
    from circlekeeper.models import NominationRead

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

NominationArg = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="The nomination's id ('nomination list' shows them).", show_default=False
    ),
]
LIST_COLUMNS = ["id", "member", "name", "by", "focus", "reason", "status", "nominated"]


class StatusFilter(StrEnum):
    """Which nominations `nomination list` shows."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALL = "all"


def register(root: typer.Typer) -> None:
    """Add the top-level `nominate` command to the root app."""

    @root.command("nominate")
    def nominate(
        ctx: typer.Context,
        member: MemberArg,
        reason: Annotated[
            str,
            typer.Option(
                "--reason", help="Why they would make a good ambassador.", show_default=False
            ),
        ],
        by: Annotated[
            str | None,
            typer.Option(
                "--by",
                metavar="MEMBER",
                help="The member who nominates them (default: you).",
                show_default=False,
            ),
        ] = None,
        focus: Annotated[
            str,
            typer.Option(
                "--focus", metavar="FOCUS", help="A focus to suggest, e.g. 'welcome team'."
            ),
        ] = "",
        as_json: JsonOpt = False,
    ) -> None:
        """Nominate a member as an ambassador; a facilitator accepts or declines later.

        \b
        Example: circlekeeper nominate @bo --reason "welcomes every newcomer" --by @ana
        """
        from circlekeeper.services.nominations import nominate as nominate_member

        made = nominate_member(
            open_db(ctx), member_ref=member, reason=reason, by_ref=by, focus=focus
        )
        if as_json:
            output.emit_json(made)
        output.info(
            f"nominated {made.member_name} (#{made.member_id}) as nomination #{made.id} — "
            f"decide with: circlekeeper nomination accept {made.id}"
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        StatusFilter, typer.Option("--status", help="Which nominations to show.")
    ] = StatusFilter.PENDING,
    as_json: JsonOpt = False,
) -> None:
    """List nominations, newest first: pending ones unless --status says otherwise.

    \b
    Example: circlekeeper nomination list --status all --json
    """
    from circlekeeper.models.enums import NominationStatus
    from circlekeeper.services.nominations import list_nominations

    wanted = None if status == StatusFilter.ALL else NominationStatus(status.value)
    found = list_nominations(open_db(ctx), status=wanted)
    if as_json:
        output.emit_json(found)
        return
    if not found:
        output.info(f"no {'' if wanted is None else wanted.value + ' '}nominations")
        return
    output.table(LIST_COLUMNS, (_cells(n) for n in found))


def _cells(nomination: NominationRead) -> list[object]:
    status = str(nomination.status)
    if nomination.decided_on:
        status += f" on {nomination.decided_on}"
    return [
        nomination.id,
        nomination.member_id,
        nomination.member_name,
        nomination.nominated_by,
        nomination.focus,
        nomination.reason,
        status,
        f"{nomination.created_at:%Y-%m-%d}",
    ]


@app.command("accept")
def accept(
    ctx: typer.Context,
    nomination: NominationArg,
    focus: FocusOpt = None,
    capacity: CapacityOpt = 5,
    note: NoteOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Accept a nomination: the member becomes an ambassador (focus as nominated unless given).

    \b
    Example: circlekeeper nomination accept 3 --focus "welcome team" --capacity 4
    """
    from circlekeeper.services.nominations import accept_nomination

    decided, made = accept_nomination(
        open_db(ctx),
        nomination_id=record_number(nomination, "ID", "nomination list"),
        focus=focus or None,
        capacity_per_week=capacity,
        note=note,
    )
    if as_json:
        output.emit_json({"nomination": decided, "ambassador": made})
    output.info(
        f"accepted nomination #{decided.id}: {made.member_name} (#{made.member_id}) is now an "
        f"ambassador: {', '.join(made.focus)}"
    )


@app.command("decline")
def decline(
    ctx: typer.Context,
    nomination: NominationArg,
    note: Annotated[str, typer.Option("--note", help="Why (kept with the nomination).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Decline a nomination; it stays in the list as declined, with your note.

    \b
    Example: circlekeeper nomination decline 3 --note "asked again in spring"
    """
    from circlekeeper.services.nominations import decline_nomination

    decided = decline_nomination(
        open_db(ctx), nomination_id=record_number(nomination, "ID", "nomination list"), note=note
    )
    if as_json:
        output.emit_json(decided)
    output.info(f"declined nomination #{decided.id} of {decided.member_name}")

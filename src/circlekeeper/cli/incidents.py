"""`circlekeeper incident …`: confidential records of harm and of broken confidentiality, who
follows each up, and when; every command that shows one reminds that they are confidential."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import (
    ExpectVersionOpt,
    JsonOpt,
    LimitOpt,
    OffsetOpt,
    date_option,
    optional_day,
    record_number,
)
from circlekeeper.models.enums import IncidentKind, IncidentSeverity, IncidentStatus

if TYPE_CHECKING:
    from circlekeeper.models import IncidentRead

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

IncidentArg = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="The incident's id ('incident list' shows them).", show_default=False
    ),
]
ContactOpt = Annotated[
    str | None,
    typer.Option(
        "--contact",
        metavar="NAME",
        help="Who follows it up (not someone involved).",
        show_default=False,
    ),
]
AlternateOpt = Annotated[
    str | None,
    typer.Option(
        "--alternate",
        metavar="NAME",
        help="Who to go to when the contact cannot be.",
        show_default=False,
    ),
]
FollowUpOpt = Annotated[str | None, date_option("--follow-up", "The day to look at it again.")]
SeverityOpt = Annotated[
    IncidentSeverity | None,
    typer.Option("--severity", help="How serious it is.", show_default=False),
]
CONFIDENTIAL = (
    "confidential: incidents are private to the facilitators — do not share or paste them"
)
LIST_COLUMNS = ["id", "on", "kind", "severity", "status", "circle", "summary", "follow up"]
WHERE = "incident list"


def _confidential() -> None:
    """The one-line reminder printed on stderr whenever an incident is shown."""
    output.info(CONFIDENTIAL)


@app.command("add")
def add(
    ctx: typer.Context,
    summary: Annotated[
        str, typer.Option("--summary", help="What happened (kept private).", show_default=False)
    ],
    kind: Annotated[
        IncidentKind, typer.Option("--kind", help="Harm or a breach of confidence.")
    ] = (IncidentKind.HARM),
    severity: Annotated[
        IncidentSeverity, typer.Option("--severity", help="How serious it is.")
    ] = IncidentSeverity.MEDIUM,
    circle: Annotated[
        str | None,
        typer.Option("--circle", metavar="CIRCLE", help="The circle it happened in (id or name)."),
    ] = None,
    people: Annotated[
        list[str] | None,
        typer.Option(
            "--person", metavar="MEMBER", help="A member involved; repeatable.", show_default=False
        ),
    ] = None,
    contact: ContactOpt = None,
    alternate: AlternateOpt = None,
    follow_up: FollowUpOpt = None,
    on: Annotated[str | None, date_option("--on", "The day it happened (default: today).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record an incident, open, with the members involved and who follows it up.

    \b
    Example: circlekeeper incident add --summary "told a story outside" --kind breach --person @bo
    Example: circlekeeper incident add --summary "…" --contact Sam --alternate Ana --severity high
    """
    from circlekeeper.services.incidents import add_incident

    made = add_incident(
        open_db(ctx),
        summary=summary,
        kind=kind,
        severity=severity,
        occurred_on=optional_day(on, "--on"),
        circle_ref=circle,
        people=people or [],
        contact=contact or "",
        alternate_contact=alternate or "",
        follow_up_on=optional_day(follow_up, "--follow-up"),
    )
    if as_json:
        output.emit_json(made)
    _confidential()
    output.info(f"recorded incident #{made.id} ({made.severity} {made.kind}), open")


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Resolved incidents too.")] = False,
    status: Annotated[
        IncidentStatus | None,
        typer.Option("--status", help="Only incidents with this status.", show_default=False),
    ] = None,
    limit: LimitOpt = 50,
    offset: OffsetOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """List incidents, newest first: open and escalated ones unless --all or --status.

    \b
    Example: circlekeeper incident list --all --json
    """
    from circlekeeper.services.incidents import list_incidents

    found = list_incidents(
        open_db(ctx), status=status, include_resolved=all_, limit=limit, offset=offset
    )
    _confidential()
    if as_json:
        output.emit_json(found)
        return
    if not found:
        output.info("no incidents" if all_ or status else "no open incidents")
        return
    output.table(LIST_COLUMNS, (_cells(incident) for incident in found))


def _cells(incident: IncidentRead) -> list[object]:
    follow_up = incident.follow_up_on or ""
    if incident.overdue:
        follow_up = f"{follow_up} (overdue)"
    return [
        incident.id,
        incident.occurred_on,
        incident.kind.value,
        incident.severity.value,
        incident.status.value,
        incident.circle_name,
        incident.summary.split("\n", 1)[0],
        follow_up,
    ]


@app.command("show")
def show(ctx: typer.Context, incident: IncidentArg, as_json: JsonOpt = False) -> None:
    """Show one incident in full, with the members involved.

    \b
    Example: circlekeeper incident show 3
    """
    from circlekeeper.services.incidents import get_incident

    found = get_incident(open_db(ctx), incident_id=record_number(incident, "ID", WHERE))
    _confidential()
    if as_json:
        output.emit_json(found)
        return
    _print(found)


def _print(incident: IncidentRead) -> None:
    people = ", ".join(f"{p.name} (#{p.member_id})" for p in incident.people)
    follow_up = f"{incident.follow_up_on}{' (overdue)' if incident.overdue else ''}"
    output.fields(
        [
            ("id", incident.id),
            ("kind", incident.kind.value),
            ("severity", incident.severity.value),
            ("status", incident.status.value),
            ("occurred", incident.occurred_on),
            ("circle", incident.circle_name),
            ("people", people or "none"),
            ("contact", incident.contact),
            ("alternate", incident.alternate_contact),
            ("follow up", follow_up if incident.follow_up_on else None),
            ("summary", _block(incident.summary)),
            ("resolution", _block(incident.resolution)),
            ("resolved", incident.resolved_on),
            ("version", incident.version),
        ]
    )


def _block(text: str) -> str:
    """Multi-line text indented under its label."""
    return "\n  ".join(text.split("\n"))


@app.command("update")
def update(
    ctx: typer.Context,
    incident: IncidentArg,
    status: Annotated[
        IncidentStatus | None,
        typer.Option("--status", help="open, escalated or resolved.", show_default=False),
    ] = None,
    resolution: Annotated[
        str | None,
        typer.Option("--resolution", help="How it was resolved (needed to resolve it)."),
    ] = None,
    follow_up: FollowUpOpt = None,
    severity: SeverityOpt = None,
    contact: ContactOpt = None,
    alternate: AlternateOpt = None,
    add_people: Annotated[
        list[str] | None,
        typer.Option(
            "--add-person",
            metavar="MEMBER",
            help="Add a member involved; repeatable.",
            show_default=False,
        ),
    ] = None,
    remove_people: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-person",
            metavar="MEMBER",
            help="Remove a member; repeatable.",
            show_default=False,
        ),
    ] = None,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an incident: escalate, resolve, reopen, re-date the follow-up, change people.

    \b
    Example: circlekeeper incident update 3 --status resolved --resolution "apologised; agreed"
    """
    from circlekeeper.services.incidents import update_incident

    changes: dict[str, Any] = {}
    for key, value in (
        ("status", status),
        ("resolution", resolution),
        ("severity", severity),
        ("contact", contact),
        ("alternate_contact", alternate),
        ("add_people", add_people),
        ("remove_people", remove_people),
    ):
        if value:
            changes[key] = value
    if follow_up is not None:
        changes["follow_up_on"] = optional_day(follow_up, "--follow-up")
    if contact == "":
        changes["contact"] = ""
    if alternate == "":
        changes["alternate_contact"] = ""
    changed = update_incident(
        open_db(ctx),
        incident_id=record_number(incident, "ID", WHERE),
        expected_version=expect_version,
        **changes,
    )
    if as_json:
        output.emit_json(changed)
    _confidential()
    output.info(f"updated incident #{changed.id}: {changed.status.value}")

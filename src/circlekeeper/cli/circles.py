"""`circlekeeper circle …`: circles by id or name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import ExpectVersionOpt, JsonOpt, LimitOpt, OffsetOpt
from circlekeeper.models.enums import (
    Cadence,
    CircleKind,
    CircleStatus,
    CircleVisibility,
    Weekday,
)
from circlekeeper.text import quoted

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import CircleDetail, CirclePage, CircleRead, CircleRow

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

RefArg = Annotated[
    str, typer.Argument(metavar="CIRCLE", help="The circle's id or name.", show_default=False)
]
MemberRefArg = Annotated[
    str,
    typer.Argument(metavar="MEMBER", help="The member's id, email or handle.", show_default=False),
]
KindOpt = Annotated[
    CircleKind | None,
    typer.Option("--kind", help="Why the circle exists (new circles: cohort).", show_default=False),
]
PurposeOpt = Annotated[
    str | None, typer.Option("--purpose", help="What the circle is for.", show_default=False)
]
TrustFocusOpt = Annotated[
    str | None,
    typer.Option("--trust-focus", help="The kind of trust it builds.", show_default=False),
]
VisibilityOpt = Annotated[
    CircleVisibility | None,
    typer.Option("--visibility", help="How people get in (new circles: open).", show_default=False),
]
MinOpt = Annotated[
    int | None,
    typer.Option(
        "--min", metavar="N", help="Smallest healthy size (new circles: 4).", show_default=False
    ),
]
MaxOpt = Annotated[
    int | None,
    typer.Option(
        "--max", metavar="N", help="Number of seats (new circles: 10).", show_default=False
    ),
]
CadenceOpt = Annotated[
    Cadence | None,
    typer.Option("--cadence", help="How often it meets (new circles: weekly).", show_default=False),
]
EveryOpt = Annotated[
    int | None,
    typer.Option(
        "--every",
        metavar="N",
        help="Meet every N weeks (implies --cadence every-n-weeks).",
        show_default=False,
    ),
]
WeekdayOpt = Annotated[
    Weekday | None,
    typer.Option("--weekday", help="Meeting day.", show_default=False),
]
TimeOpt = Annotated[
    str | None,
    typer.Option(
        "--time", metavar="HH:MM", help='Meeting time, 24-hour; "" clears it.', show_default=False
    ),
]
TimezoneOpt = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        help="IANA timezone of the meeting time (new circles: UTC).",
        show_default=False,
    ),
]
StartsOnOpt = Annotated[
    str | None,
    typer.Option(
        "--starts-on", metavar="YYYY-MM-DD", help='First day; "" clears it.', show_default=False
    ),
]
EndsOnOpt = Annotated[
    str | None,
    typer.Option(
        "--ends-on",
        metavar="YYYY-MM-DD",
        help="Last day for a time-bound circle.",
        show_default=False,
    ),
]
AgreementsOpt = Annotated[
    str | None,
    typer.Option(
        "--agreements", help="The norms everyone in the circle accepted.", show_default=False
    ),
]

RitualOpt = Annotated[
    str | None,
    typer.Option(
        "--ritual",
        help="The default ritual of its sessions, by id or name ('ritual list'); \"\" clears it.",
        show_default=False,
    ),
]
WeekOfMonthOpt = Annotated[
    int | None,
    typer.Option(
        "--week-of-month",
        metavar="N",
        help="Monthly circles: meet on the Nth weekday of the month (1-5, or -1 for the last).",
        show_default=False,
    ),
]


def ritual_value(db: Database, ritual: str | None, values: dict[str, Any]) -> None:
    """Put the id of the ritual named by --ritual into `values` (None clears it when "")."""
    if ritual is None:
        return
    if not ritual.strip():
        values["ritual_id"] = None
        return
    from circlekeeper.services.rituals import get_ritual

    values["ritual_id"] = get_ritual(db, ref=ritual).id


def circle_values(**options: Any) -> dict[str, Any]:
    """The options given (None means not given) under the model's field names.

    --every alone means every-n-weeks; another cadence resets the interval to 1.
    """
    from circlekeeper.services.errors import InvalidInput

    values = {key: value for key, value in options.items() if value is not None}
    renames = {
        "min": "min_size",
        "max": "max_size",
        "every": "cadence_interval",
        "time": "meeting_time",
    }
    for option, field in renames.items():
        if option in values:
            values[field] = values.pop(option)
    cadence = values.get("cadence")
    if "cadence_interval" in values:
        if cadence is None:
            values["cadence"] = Cadence.EVERY_N_WEEKS
        elif cadence != Cadence.EVERY_N_WEEKS:
            raise InvalidInput(f"--every goes with --cadence every-n-weeks, not {cadence}")
    elif cadence is not None and cadence != Cadence.EVERY_N_WEEKS:
        values["cadence_interval"] = 1
    return values


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The circle's name (unique).", show_default=False)
    ],
    kind: KindOpt = None,
    purpose: PurposeOpt = None,
    trust_focus: TrustFocusOpt = None,
    visibility: VisibilityOpt = None,
    min_size: MinOpt = None,
    max_size: MaxOpt = None,
    cadence: CadenceOpt = None,
    every: EveryOpt = None,
    weekday: WeekdayOpt = None,
    time: TimeOpt = None,
    timezone: TimezoneOpt = None,
    starts_on: StartsOnOpt = None,
    ends_on: EndsOnOpt = None,
    agreements: AgreementsOpt = None,
    ritual: RitualOpt = None,
    week_of_month: WeekOfMonthOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a circle; it starts out forming until you run 'circle start'.

    \b
    Example: circlekeeper circle create "Tuesday Builders" --kind goal --weekday tue --time 18:30
    """
    from circlekeeper.models import CircleCreate
    from circlekeeper.services.circles import create_circle
    from circlekeeper.services.validation import parse

    values = circle_values(
        name=name,
        kind=kind,
        purpose=purpose,
        trust_focus=trust_focus,
        visibility=visibility,
        min=min_size,
        max=max_size,
        cadence=cadence,
        every=every,
        weekday=weekday,
        time=time,
        timezone=timezone,
        starts_on=starts_on,
        ends_on=ends_on,
        agreements=agreements,
        week_of_month=week_of_month,
    )
    db = open_db(ctx)
    ritual_value(db, ritual, values)
    circle = create_circle(db, data=parse(CircleCreate, **values))
    if as_json:
        output.emit_json(circle)
    output.info(f"created circle {circle.name} (#{circle.id}); it is forming")


@app.command("list")
def list_(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Text in the name or purpose.", show_default=False),
    ] = None,
    status: Annotated[
        CircleStatus | None,
        typer.Option("--status", help="Only circles with this status.", show_default=False),
    ] = None,
    kind: Annotated[
        CircleKind | None,
        typer.Option("--kind", help="Only circles of this kind.", show_default=False),
    ] = None,
    limit: LimitOpt = 50,
    offset: OffsetOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """List circles sorted by name, with their size, status and rhythm.

    \b
    Example: circlekeeper circle list --status active --kind goal --json
    """
    from circlekeeper.services.circles import list_circles

    page = list_circles(
        open_db(ctx),
        search=search,
        status=status,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    if as_json:
        output.emit_json(page)
        return
    _print_page(page, filtered=bool(search or status or kind))


def _print_page(page: CirclePage, *, filtered: bool) -> None:
    if not page.items:
        if page.total:
            output.info(f"showing none of {page.total} — --offset {page.offset} is past the end")
        elif filtered:
            output.info("no circles match")
        else:
            output.info("no circles yet — create one: circlekeeper circle create NAME")
        return
    output.table(
        ["id", "name", "kind", "status", "size", "visibility", "meets"],
        (
            [
                row.id,
                row.name,
                row.kind,
                row.status,
                f"{row.size}/{row.max_size}",
                row.visibility,
                rhythm(row),
            ]
            for row in page.items
        ),
    )
    output.page_note(page.offset, len(page.items), page.total)


def rhythm(circle: CircleRow | CircleRead) -> str:
    """A circle's cadence and meeting slot as one phrase, e.g. "every 2 weeks, tue 18:30 UTC"."""
    if circle.cadence == Cadence.EVERY_N_WEEKS and circle.cadence_interval > 1:
        every = f"every {circle.cadence_interval} weeks"
    elif circle.cadence == Cadence.EVERY_N_WEEKS:
        every = "every week"
    else:
        every = str(circle.cadence)
    slot = " ".join(str(part) for part in (circle.weekday, circle.meeting_time) if part)
    if slot:
        return f"{every}, {slot} {circle.timezone}"
    return every


@app.command("show")
def show(ctx: typer.Context, ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show a circle: its rhythm, agreements, members, past members and warnings.

    \b
    Example: circlekeeper circle show "Tuesday Builders"
    """
    from circlekeeper.services.circles import get_circle

    circle = get_circle(open_db(ctx), ref=ref)
    if as_json:
        output.emit_json(circle)
        return
    _print_circle(circle)


def _block(text: str) -> str:
    """Multi-line text indented under its label."""
    return "\n  ".join(text.split("\n"))


def _print_circle(circle: CircleDetail) -> None:
    output.fields(
        [
            ("id", circle.id),
            ("name", circle.name),
            ("kind", circle.kind),
            ("status", circle.status),
            ("visibility", circle.visibility),
            ("size", f"{circle.size} (min {circle.min_size}, max {circle.max_size})"),
            ("meets", rhythm(circle)),
            ("starts", circle.starts_on),
            ("ends", circle.ends_on),
            ("purpose", _block(circle.purpose)),
            ("trust focus", circle.trust_focus),
            ("agreements", _block(circle.agreements)),
            ("ritual", circle.ritual_name),
            ("week of month", circle.week_of_month),
            ("version", circle.version),
        ]
    )
    if circle.members:
        output.table(
            ["id", "name", "handle", "email", "status", "since"],
            (
                [m.member_id, m.name, m.handle, m.email, m.status, m.joined_on]
                for m in circle.members
            ),
            title="members",
        )
    else:
        output.fields([("members", "none")])
    if circle.past_members:
        output.table(
            ["id", "name", "from", "until", "reason"],
            (
                [m.member_id, m.name, m.joined_on, m.left_on, m.leave_reason]
                for m in circle.past_members
            ),
            title="past members",
        )
    for warning in circle.warnings:
        output.warning(warning)


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: RefArg,
    name: Annotated[
        str | None, typer.Option("--name", help="New name.", show_default=False)
    ] = None,
    kind: KindOpt = None,
    purpose: PurposeOpt = None,
    trust_focus: TrustFocusOpt = None,
    visibility: VisibilityOpt = None,
    min_size: MinOpt = None,
    max_size: MaxOpt = None,
    cadence: CadenceOpt = None,
    every: EveryOpt = None,
    weekday: WeekdayOpt = None,
    time: TimeOpt = None,
    timezone: TimezoneOpt = None,
    starts_on: StartsOnOpt = None,
    ends_on: EndsOnOpt = None,
    agreements: AgreementsOpt = None,
    ritual: RitualOpt = None,
    week_of_month: WeekOfMonthOpt = None,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a circle; only the options given are changed.

    \b
    Example: circlekeeper circle edit "Tuesday Builders" --max 8 --every 2 --expect-version 3
    """
    from circlekeeper.models import CircleUpdate
    from circlekeeper.services.circles import edit_circle
    from circlekeeper.services.validation import parse

    values = circle_values(
        name=name,
        kind=kind,
        purpose=purpose,
        trust_focus=trust_focus,
        visibility=visibility,
        min=min_size,
        max=max_size,
        cadence=cadence,
        every=every,
        weekday=weekday,
        time=time,
        timezone=timezone,
        starts_on=starts_on,
        ends_on=ends_on,
        agreements=agreements,
        week_of_month=week_of_month,
    )
    if not values and ritual is None:
        output.error("nothing to change — give at least one option such as --max (see --help)")
        raise typer.Exit(2)
    db = open_db(ctx)
    ritual_value(db, ritual, values)
    changes = parse(CircleUpdate, **values)
    circle = edit_circle(db, ref=ref, changes=changes, expected_version=expect_version)
    if as_json:
        output.emit_json(circle)
    output.info(f"updated circle {circle.name} (#{circle.id}, now version {circle.version})")


def _current_ids(db: Database, ref: str) -> set[int]:
    from circlekeeper.services.circles import get_circle

    return {m.member_id for m in get_circle(db, ref=ref).members}


@app.command("add")
def add(
    ctx: typer.Context,
    circle_ref: RefArg,
    member_refs: Annotated[
        list[str],
        typer.Argument(
            metavar="MEMBER...", help="Members by id, email or handle.", show_default=False
        ),
    ],
) -> None:
    """Give members seats in a circle, one after another; stops at the first refusal.

    \b
    Example: circlekeeper circle add "Tuesday Builders" ana@example.org @bo 17
    """
    from circlekeeper.errors import CircleKeeperError
    from circlekeeper.services.circles import add_member_to_circle

    db = open_db(ctx)
    seated = _current_ids(db, circle_ref)
    added: list[str] = []
    for member_ref in member_refs:
        try:
            circle = add_member_to_circle(db, circle_ref=circle_ref, member_ref=member_ref)
        except CircleKeeperError:
            if added:
                output.info(
                    f"added {len(added)} of {len(member_refs)} before stopping at {member_ref}: "
                    + ", ".join(added)
                )
            raise
        for member in circle.members:
            if member.member_id not in seated:
                seated.add(member.member_id)
                added.append(f"{member.name} (#{member.member_id})")
                output.info(
                    f"added {member.name} (#{member.member_id}) to {circle.name} "
                    f"({circle.size} of {circle.max_size} seats)"
                )


@app.command("remove")
def remove(
    ctx: typer.Context,
    circle_ref: RefArg,
    member_ref: MemberRefArg,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", help="Why they left the circle (kept in its history).", show_default=False
        ),
    ] = None,
) -> None:
    """End a member's seat in a circle today; the circle's history keeps the stay.

    \b
    Example: circlekeeper circle remove "Tuesday Builders" @bo --reason "moved to evenings"
    """
    from circlekeeper.services.circles import remove_member_from_circle
    from circlekeeper.text import clean_text

    db = open_db(ctx)
    before = _current_ids(db, circle_ref)
    circle = remove_member_from_circle(
        db,
        circle_ref=circle_ref,
        member_ref=member_ref,
        reason=clean_text(reason) if reason else None,
    )
    left = before - {m.member_id for m in circle.members}
    names = [f"{m.name} (#{m.member_id})" for m in circle.past_members if m.member_id in left]
    who = names[0] if names else member_ref
    output.info(f"removed {who} from {circle.name} ({circle.size} of {circle.max_size} seats)")


def _move(
    ctx: typer.Context,
    ref: str,
    target: CircleStatus,
    allowed_from: set[CircleStatus] | None = None,
) -> None:
    """Change a circle's status through the service, optionally only from some statuses.

    The status is read first and its version passed on, so a change made in between is refused
    rather than overwritten.
    """
    from circlekeeper.services.circles import get_circle, set_circle_status, size_warnings
    from circlekeeper.services.errors import Conflict

    db = open_db(ctx)
    version: int | None = None
    if allowed_from is not None:
        current = get_circle(db, ref=ref)
        if current.status not in allowed_from:
            raise Conflict(_wrong_command(current.name, current.status, target))
        version = current.version
    circle = set_circle_status(db, ref=ref, status=target, expected_version=version)
    output.info(f"{circle.name} (#{circle.id}) is now {circle.status}")
    for warning in size_warnings(circle):
        output.warning(warning)


def _wrong_command(name: str, status: CircleStatus, target: CircleStatus) -> str:
    if status == target:
        return f"circle {quoted(name)} is already {status}"
    if status == CircleStatus.FORMING:
        return (
            f"circle {quoted(name)} is forming — use 'circlekeeper circle start' to make it active"
        )
    return f"circle {quoted(name)} is {status} — use 'circlekeeper circle reopen' to make it active"


@app.command("start")
def start(ctx: typer.Context, ref: RefArg) -> None:
    """Start a forming circle: it becomes active.

    \b
    Example: circlekeeper circle start "Tuesday Builders"
    """
    _move(ctx, ref, CircleStatus.ACTIVE, allowed_from={CircleStatus.FORMING})


@app.command("pause")
def pause(ctx: typer.Context, ref: RefArg) -> None:
    """Pause an active circle (members keep their seats).

    \b
    Example: circlekeeper circle pause "Tuesday Builders"
    """
    _move(ctx, ref, CircleStatus.PAUSED)


@app.command("close")
def close(ctx: typer.Context, ref: RefArg) -> None:
    """Close a circle; no one can be added until it is reopened.

    \b
    Example: circlekeeper circle close "Tuesday Builders"
    """
    _move(ctx, ref, CircleStatus.CLOSED)


@app.command("reopen")
def reopen(ctx: typer.Context, ref: RefArg) -> None:
    """Make a paused or closed circle active again.

    \b
    Example: circlekeeper circle reopen "Tuesday Builders"
    """
    _move(ctx, ref, CircleStatus.ACTIVE, allowed_from={CircleStatus.PAUSED, CircleStatus.CLOSED})


def _register_formation() -> None:
    """Add `circle form` (kept in its own module) to this sub-app."""
    from circlekeeper.cli.formation import register

    register(app)


_register_formation()

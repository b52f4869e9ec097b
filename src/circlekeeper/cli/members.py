"""`circlekeeper member …`: members by id, email or handle, and their data rights (export,
forget)."""

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
    OutOpt,
)
from circlekeeper.models.enums import MemberStatus
from circlekeeper.text import quoted

if TYPE_CHECKING:
    import datetime as dt

    from circlekeeper.db import Database
    from circlekeeper.models import MemberDetail, MemberPage

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

RefArg = Annotated[
    str,
    typer.Argument(metavar="MEMBER", help="The member's id, email or handle.", show_default=False),
]
EmailOpt = Annotated[str | None, typer.Option("--email", help="Email address.", show_default=False)]
HandleOpt = Annotated[
    str | None,
    typer.Option(
        "--handle", help="Handle on the community platform, e.g. @ana.", show_default=False
    ),
]
TimezoneOpt = Annotated[
    str | None,
    typer.Option("--timezone", help="IANA timezone such as Europe/Berlin.", show_default=False),
]
JoinedOnOpt = Annotated[
    str | None,
    typer.Option(
        "--joined-on",
        metavar="YYYY-MM-DD",
        help="When they joined the community.",
        show_default=False,
    ),
]
NamedOpt = Annotated[
    bool | None,
    typer.Option(
        "--consent-named/--no-consent-named",
        help="May be named in exports shared with the community.",
        show_default=False,
    ),
]
RecognisedOpt = Annotated[
    bool | None,
    typer.Option(
        "--consent-recognised/--no-consent-recognised",
        help="May be recognised publicly (shout-outs, spotlights).",
        show_default=False,
    ),
]


def _given(**values: Any) -> dict[str, Any]:
    """Only the options the user actually gave (None means "not given")."""
    return {key: value for key, value in values.items() if value is not None}


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The member's name.", show_default=False)
    ],
    email: EmailOpt = None,
    handle: HandleOpt = None,
    timezone: TimezoneOpt = None,
    joined_on: JoinedOnOpt = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", metavar="KEY=VALUE", help="An attribute; repeat for more.", show_default=False
        ),
    ] = None,
    consent_named: NamedOpt = None,
    consent_recognised: RecognisedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a member; give an email or a handle (or both) so they can be found again.

    \b
    Example: circlekeeper member add "Ana Lima" --email ana@example.org --tag city=Porto
    """
    from circlekeeper.models import MemberCreate
    from circlekeeper.services.members import add_member
    from circlekeeper.services.validation import parse

    values = _given(
        name=name,
        email=email,
        handle=handle,
        timezone=timezone,
        joined_on=_given_day(joined_on, "--joined-on"),
        consent_named=consent_named,
        consent_recognised=consent_recognised,
    )
    if tag:
        values["tags"] = _tag_pairs(tag)
    data = parse(MemberCreate, **values)
    member = add_member(open_db(ctx), data=data)
    if as_json:
        output.emit_json(member)
    output.info(f"added {member.name} (#{member.id})")


def _tag_pairs(items: list[str]) -> dict[str, str]:
    """`--tag k=v` options as a dict; the model checks keys and values."""
    from circlekeeper.services.errors import InvalidInput

    tags: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidInput(
                f"--tag {quoted(item)} must be written key=value, e.g. --tag city=Porto"
            )
        tags[key.strip()] = value.strip()
    return tags


@app.command("list")
def list_(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="Text in name, email, handle or tags; or key=value.",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        MemberStatus | None,
        typer.Option("--status", help="Only members with this status.", show_default=False),
    ] = None,
    limit: LimitOpt = 50,
    offset: OffsetOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """List members sorted by name, a page at a time.

    \b
    Example: circlekeeper member list --search city=porto --status active --limit 20
    """
    from circlekeeper.services.members import list_members

    page = list_members(
        open_db(ctx),
        search=search,
        status=status,
        limit=limit,
        offset=offset,
    )
    if as_json:
        output.emit_json(page)
        return
    _print_page(page, filtered=bool(search or status))


def _print_page(page: MemberPage, *, filtered: bool) -> None:
    if not page.items:
        if page.total:
            output.info(f"showing none of {page.total} — --offset {page.offset} is past the end")
        elif filtered:
            output.info("no members match")
        else:
            output.info("no members yet — add one: circlekeeper member add NAME --email ADDRESS")
        return
    output.table(
        ["id", "name", "email", "handle", "timezone", "status", "circles", "tags"],
        (
            [
                row.id,
                row.name,
                row.email,
                row.handle,
                row.timezone,
                _status_text(row.status, row.paused_until),
                row.circle_count,
                _tags_text(row.tags),
            ]
            for row in page.items
        ),
    )
    output.page_note(page.offset, len(page.items), page.total)


def _status_text(status: str, paused_until: dt.date | None) -> str:
    return f"{status} until {paused_until}" if paused_until else str(status)


def _tags_text(tags: dict[str, str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted(tags.items()))


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


@app.command("show")
def show(ctx: typer.Context, ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show one member with their circles, current and past.

    \b
    Example: circlekeeper member show ana@example.org --json
    """
    from circlekeeper.services.members import get_member

    member = get_member(open_db(ctx), ref=ref)
    if as_json:
        output.emit_json(member)
        return
    _print_member(member)


def _print_member(member: MemberDetail) -> None:
    output.fields(
        [
            ("id", member.id),
            ("name", member.name),
            ("email", member.email),
            ("handle", member.handle),
            ("timezone", member.timezone),
            ("joined", member.joined_on),
            ("status", _status_text(member.status, member.paused_until)),
            ("tags", _tags_text(member.tags)),
            ("may be named in exports", _yes_no(member.consent_named)),
            ("may be recognised publicly", _yes_no(member.consent_recognised)),
            ("version", member.version),
        ]
    )
    current = [stay for stay in member.circles if stay.left_on is None]
    past = [stay for stay in member.circles if stay.left_on is not None]
    if current:
        output.table(
            ["id", "circle", "since"],
            ([s.circle_id, s.circle_name, s.joined_on] for s in current),
            title="current circles",
        )
    else:
        output.fields([("current circles", "none")])
    if past:
        output.table(
            ["id", "circle", "from", "until", "reason"],
            ([s.circle_id, s.circle_name, s.joined_on, s.left_on, s.leave_reason] for s in past),
            title="past circles",
        )


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: RefArg,
    name: Annotated[
        str | None, typer.Option("--name", help="New name.", show_default=False)
    ] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", help='New email; "" clears it.', show_default=False),
    ] = None,
    handle: Annotated[
        str | None,
        typer.Option("--handle", help='New handle; "" clears it.', show_default=False),
    ] = None,
    timezone: TimezoneOpt = None,
    joined_on: JoinedOnOpt = None,
    tags: Annotated[
        str | None,
        typer.Option(
            "--tags",
            metavar="K=V;K=V",
            help='Replace all tags; "" removes them.',
            show_default=False,
        ),
    ] = None,
    consent_named: NamedOpt = None,
    consent_recognised: RecognisedOpt = None,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a member; only the options given are changed.

    \b
    Example: circlekeeper member edit @ana --timezone Europe/Lisbon --tags "city=Porto;role=host"
    """
    from circlekeeper.models import MemberUpdate
    from circlekeeper.services.members import edit_member
    from circlekeeper.services.validation import parse

    values = _given(
        name=name,
        email=email,
        handle=handle,
        timezone=timezone,
        joined_on=_given_day(joined_on, "--joined-on"),
        consent_named=consent_named,
        consent_recognised=consent_recognised,
    )
    if tags is not None:
        values["tags"] = _parse_tag_list(tags)
    if not values:
        output.error("nothing to change — give at least one option such as --email (see --help)")
        raise typer.Exit(2)
    changes = parse(MemberUpdate, **values)
    member = edit_member(open_db(ctx), ref=ref, changes=changes, expected_version=expect_version)
    if as_json:
        output.emit_json(member)
    output.info(f"updated {member.name} (#{member.id}, now version {member.version})")


def _parse_tag_list(text: str) -> dict[str, str]:
    from circlekeeper.models.fields import parse_tags
    from circlekeeper.services.errors import InvalidInput

    try:
        return parse_tags(text)
    except ValueError as exc:
        raise InvalidInput(f"tags: {exc}") from exc


def _given_day(text: str | None, option: str) -> str | None:
    """The text of a date option for the model to check; a blank one is refused here, as the
    model would take it for the option left out."""
    from circlekeeper.cli.options import refuse_blank_day

    if text is not None:
        refuse_blank_day(text, option)
    return text


def _parse_date(text: str, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value as a date, with the models' own wording on error; a blank
    value is refused (it would otherwise read as the option left out)."""
    from pydantic import TypeAdapter, ValidationError

    from circlekeeper.cli.options import refuse_blank_day
    from circlekeeper.models.fields import OptionalDate
    from circlekeeper.services.errors import InvalidInput
    from circlekeeper.services.validation import describe

    refuse_blank_day(text, option)
    try:
        return TypeAdapter(OptionalDate).validate_python(text)
    except ValidationError as exc:
        raise InvalidInput(f"{option}: {describe(exc)}") from exc


@app.command("pause")
def pause(
    ctx: typer.Context,
    ref: RefArg,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="YYYY-MM-DD",
            help="When the pause ends (optional).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Pause a member (they keep their circle seats).

    \b
    Example: circlekeeper member pause @ana --until 2027-01-15
    """
    from circlekeeper.services.members import pause_member

    until_date = _parse_date(until, "--until") if until is not None else None
    member = pause_member(open_db(ctx), ref=ref, until=until_date)
    suffix = f" until {member.paused_until}" if member.paused_until else ""
    output.info(f"paused {member.name} (#{member.id}){suffix}")


@app.command("resume")
def resume(ctx: typer.Context, ref: RefArg) -> None:
    """Make a paused or departed member active again.

    \b
    Example: circlekeeper member resume @ana
    """
    from circlekeeper.services.members import resume_member

    member = resume_member(open_db(ctx), ref=ref)
    output.info(f"{member.name} (#{member.id}) is active again")


@app.command("leave")
def leave(
    ctx: typer.Context,
    ref: RefArg,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", help="Why they left (kept in their circle history).", show_default=False
        ),
    ] = None,
) -> None:
    """Mark a member as having left; their current circle stays end today.

    \b
    Example: circlekeeper member leave ana@example.org --reason "moved away"
    """
    from circlekeeper.services.members import leave_member
    from circlekeeper.text import clean_text

    member = leave_member(open_db(ctx), ref=ref, reason=clean_text(reason) if reason else None)
    output.info(f"{member.name} (#{member.id}) has left the community")


@app.command("export")
def export(ctx: typer.Context, ref: RefArg, out: OutOpt = None) -> None:
    """Write everything the database holds about a member as one JSON document.

    The document has one key per table (member, checkin, recognition, incident, …), each a
    list of rows: their own records, and other people's notes that name them. Review it
    before you share it.

    \b
    Example: circlekeeper member export ana@example.org --out ana-data.json
    """
    import json

    from circlekeeper.services.data_rights import export_member_data

    data = export_member_data(open_db(ctx), member_ref=ref)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    rows = sum(len(found) for found in data.values())
    if output.deliver(text, out):
        output.info(f"wrote {rows} rows about member #{data['member'][0]['id']} to {out}")
    output.warning(
        "this export can hold private check-ins, notes and incidents that mention them — "
        "read it before you share it"
    )


@app.command("forget")
def forget(
    ctx: typer.Context,
    ref: RefArg,
    yes: Annotated[
        bool, typer.Option("--yes", help="Erase for good; without it nothing is changed.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Erase a member's personal data everywhere, keeping anonymous counts. Cannot be undone.

    Their name, email, handle, tags, check-in answers and moods, recognitions, notes and
    every mention of them in incidents and session notes are erased; their attendance stays
    (as "Forgotten member #ID") so attendance figures stay true. Without --yes it only says
    what would be erased. Backups taken before still hold the data; no automatic backup is
    taken first, since it would keep exactly what the member asked to erase.

    \b
    Example: circlekeeper member forget ana@example.org --yes
    """
    from circlekeeper.services.data_rights import forget_member

    db = open_db(ctx, automatic_backup=False)
    if not yes:
        _explain_forget(db, ref)
        raise typer.Exit(1)
    report = forget_member(db, member_ref=ref)
    if as_json:
        output.emit_json(report)
    erased = sum(report.erased.values())
    deleted = sum(report.deleted.values())
    mentions = sum(report.mentions.values())
    output.info(
        f"forgot member #{report.member_id} (now {quoted(report.placeholder)}): {erased} rows "
        "erased, "
        f"{deleted} deleted, {mentions} mentions replaced — erasure log #{report.erasure_id}"
    )
    if not report.checkpointed:
        output.warning(
            "another circlekeeper has the database open, so its -wal file may still hold the "
            "erased text until every circlekeeper window is closed"
        )
    found = f"{report.backups} backup(s)" if report.backups else "none found"
    output.warning(
        f"backups taken before still hold their data ({found} in {report.backup_folder}), "
        "and so do files exported before — delete those copies or keep them safe"
    )


def _explain_forget(db: Database, ref: str) -> None:
    """Say what `member forget` would erase for this member, changing nothing."""
    from circlekeeper.services.data_rights import FORGET_RULES, forget_preview

    preview = forget_preview(db, member_ref=ref)
    if preview.forgotten_on is not None:
        output.error(
            f"member #{preview.member_id} was already forgotten on "
            f"{preview.forgotten_on:%Y-%m-%d}; there is nothing left to erase"
        )
        return
    output.info(f"forgetting {preview.name} (#{preview.member_id}) would, in one go and for good:")
    for table, rule in FORGET_RULES.items():
        count = preview.erased.get(table, 0) + preview.deleted.get(table, 0)
        if count or table == "member":
            output.info(f"  {table}: {rule} ({count} row{'' if count == 1 else 's'})")
    if preview.mentions:
        where = ", ".join(f"{table} {count}" for table, count in preview.mentions.items())
        output.info(f"  mentions: {FORGET_RULES['mentions']} ({where})")
    output.info("backups taken before keep the data; so do files exported before")
    output.error(f"nothing was changed — add --yes to forget member #{preview.member_id}")


def _register_import() -> None:
    from circlekeeper.cli.member_import import register

    register(app)


_register_import()

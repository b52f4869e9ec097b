"""`circlekeeper recognize …`, `recognition …` and `badge …`: the recognition log, suggestions
of who could be thanked, and badge definitions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import JsonOpt, LimitOpt, OffsetOpt
from circlekeeper.models.enums import RecognitionKind, Visibility

if TYPE_CHECKING:
    from circlekeeper.models import BadgeRead, RecognitionPage, RecognitionRead, Suggestion

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
badge_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

MemberArg = Annotated[
    str,
    typer.Argument(metavar="MEMBER", help="The member's id, email or handle.", show_default=False),
]
VisibilityOpt = Annotated[
    Visibility | None,
    typer.Option(
        "--visibility",
        help="private (facilitator only), circle, or community; public ones need the member's "
        "consent.",
        show_default=False,
    ),
]


def recognize(
    ctx: typer.Context,
    member: MemberArg,
    message: Annotated[
        str,
        typer.Option(
            "--message",
            "-m",
            help="What they are thanked for (1-2000 characters).",
            show_default=False,
        ),
    ],
    kind: Annotated[
        RecognitionKind | None,
        typer.Option(
            "--kind",
            help="shout-out, spotlight, badge, note or gift (default: badge with --badge, "
            "else shout-out).",
            show_default=False,
        ),
    ] = None,
    badge: Annotated[
        str | None,
        typer.Option(
            "--badge",
            metavar="BADGE",
            help="The badge given (name or id; 'badge list'); implies --kind badge.",
            show_default=False,
        ),
    ] = None,
    visibility: VisibilityOpt = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="When (default today).", show_default=False
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="MEMBER",
            help="The member who gives the thanks (default: you).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a shout-out, spotlight, badge, note or gift to the recognition log.

    Entries are private unless --visibility says otherwise; a member who has not agreed to
    public recognition can only be recognised privately. A badge is given to someone once.

    \b
    Example: circlekeeper recognize @ana --kind spotlight -m "Welcomed 40 people"
    """
    from circlekeeper.cli.roles import parse_day
    from circlekeeper.services.recognition import recognize as add_entry

    chosen = kind or (RecognitionKind.BADGE if badge is not None else RecognitionKind.SHOUT_OUT)
    entry = add_entry(
        open_db(ctx),
        member_ref=member,
        kind=chosen,
        message=message,
        badge=badge,
        visibility=visibility or Visibility.PRIVATE,
        day=parse_day(day, "--date") if day is not None else None,
        by_ref=by,
    )
    if as_json:
        output.emit_json(entry)
    output.info(_recorded(entry))


@app.command("list")
def list_(
    ctx: typer.Context,
    member: Annotated[
        str | None,
        typer.Option(
            "--member", metavar="MEMBER", help="Only this member's entries.", show_default=False
        ),
    ] = None,
    kind: Annotated[
        RecognitionKind | None,
        typer.Option("--kind", help="Only entries of this kind.", show_default=False),
    ] = None,
    visibility: Annotated[
        Visibility | None,
        typer.Option("--visibility", help="Only entries with this visibility.", show_default=False),
    ] = None,
    limit: LimitOpt = 50,
    offset: OffsetOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """List the recognition log, newest first, a page at a time.

    \b
    Example: circlekeeper recognition list --member @ana --kind badge --json
    """
    from circlekeeper.services.recognition import list_recognitions

    page = list_recognitions(
        open_db(ctx),
        member_ref=member,
        kind=kind,
        visibility=visibility,
        limit=limit,
        offset=offset,
    )
    if as_json:
        output.emit_json(page)
        return
    _print_page(page, filtered=bool(member or kind or visibility))


@app.command("suggest")
def suggest(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many people per badge or reason.")
    ] = 200,
    as_json: JsonOpt = False,
) -> None:
    """Suggest who could be recognised: rule badges earned, ambassadors' goal streaks and this
    month's facilitators. Nothing is granted until you run 'recognition grant KEY'.

    \b
    Example: circlekeeper recognition suggest --json
    """
    from circlekeeper.services.recognition_suggestions import suggest as compute

    found = compute(open_db(ctx), limit=limit)
    if as_json:
        output.emit_json(found)
        return
    _print_suggestions(found)


@app.command("grant")
def grant(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY",
            help="A suggestion's key from 'recognition suggest', e.g. badge:3:17.",
            show_default=False,
        ),
    ],
    visibility: Annotated[
        Visibility | None,
        typer.Option(
            "--visibility",
            help="Default: community when the member agreed to public recognition, else private.",
            show_default=False,
        ),
    ] = None,
    message: Annotated[
        str | None,
        typer.Option(
            "--message",
            "-m",
            help="Your own words instead of the suggested message.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Grant one suggestion: record the badge or shout-out it offers, if it still applies.

    \b
    Example: circlekeeper recognition grant badge:2:17 --visibility private
    """
    from circlekeeper.services.recognition_suggestions import grant_suggestion

    entry = grant_suggestion(open_db(ctx), key=key, visibility=visibility, message=message)
    if as_json:
        output.emit_json(entry)
    output.info(_recorded(entry))


@badge_app.command("list")
def badge_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List every badge, built-in and your own, with the rule circlekeeper checks (if any).

    \b
    Example: circlekeeper badge list --json
    """
    from circlekeeper.services.badges import list_badges

    found = list_badges(open_db(ctx))
    if as_json:
        output.emit_json(found)
        return
    _badge_table(found)


@badge_app.command("add")
def badge_add(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The badge's name.", show_default=False)
    ],
    description: Annotated[
        str, typer.Option("--description", help="What the badge stands for.")
    ] = "",
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule",
            metavar="RULE",
            help='What earns it, so it can be suggested: "attended N sessions", "facilitated N '
            'sessions" or "met goals N periods running".',
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a badge of your own; with a rule, 'recognition suggest' offers it to who earned it.

    \b
    Example: circlekeeper badge add "Night owl" --rule "facilitated 10 sessions"
    """
    from circlekeeper.services.badges import add_badge

    badge = add_badge(open_db(ctx), name=name, description=description, rule=rule)
    if as_json:
        output.emit_json(badge)
    output.info(f"added badge {badge.name} (#{badge.id})")


@badge_app.command("import")
def badge_import(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.toml",
            help="[[badge]] tables with name, description and an optional rule.",
            show_default=False,
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Add the badges of a TOML file (like sample_data/badges.toml) in one go.

    Badges whose name is already taken are skipped and left as they are, so a file can be
    imported again after adding to it; a broken file imports nothing.

    \b
    Example: circlekeeper badge import my-badges.toml
    """
    from circlekeeper.services.badges import import_badges

    result = import_badges(open_db(ctx), path)
    if as_json:
        output.emit_json(result)
    output.info(f"added {len(result.added)} badge{'' if len(result.added) == 1 else 's'}")
    if result.skipped:
        names = ", ".join(badge.name for badge in result.skipped)
        output.info(f"skipped {len(result.skipped)} already present (left unchanged): {names}")


@badge_app.command("remove")
def badge_remove(
    ctx: typer.Context,
    badge: Annotated[
        str,
        typer.Argument(metavar="BADGE", help="The badge's name or id.", show_default=False),
    ],
) -> None:
    """Remove a badge you added (built-ins stay); entries that gave it keep its name.

    \b
    Example: circlekeeper badge remove "Night owl"
    """
    from circlekeeper.services.badges import remove_badge

    removed = remove_badge(open_db(ctx), ref=badge)
    output.info(f"removed badge {removed.name} (#{removed.id})")


def _recorded(entry: RecognitionRead) -> str:
    what = f"the {entry.badge} badge" if entry.badge else f"a {entry.kind.value}"
    return (
        f"recorded {what} for {entry.member_name} (#{entry.id}, {entry.day}, "
        f"{entry.visibility.value})"
    )


def _print_page(page: RecognitionPage, *, filtered: bool) -> None:
    if not page.items:
        if page.total:
            output.info(f"showing none of {page.total} — --offset {page.offset} is past the end")
        elif filtered:
            output.info("no entries match")
        else:
            output.info(
                "the log is empty — circlekeeper recognize MEMBER --kind shout-out -m MESSAGE"
            )
        return
    output.table(
        ["id", "date", "member", "kind", "badge", "visibility", "given by", "message"],
        (
            [
                entry.id,
                entry.day,
                entry.member_name,
                entry.kind.value,
                entry.badge or "",
                entry.visibility.value,
                entry.given_by,
                entry.message,
            ]
            for entry in page.items
        ),
    )
    output.page_note(page.offset, len(page.items), page.total)


def _print_suggestions(found: list[Suggestion]) -> None:
    if not found:
        output.info("nobody to suggest right now")
        return
    output.table(
        ["key", "member", "kind", "badge", "why", "public ok"],
        (
            [
                item.key,
                item.member_name,
                item.kind.value,
                item.badge or "",
                item.evidence,
                "yes" if item.public_allowed else "no",
            ]
            for item in found
        ),
    )
    output.info(
        "grant one with: circlekeeper recognition grant KEY (nothing is granted until then)"
    )


def _badge_table(found: list[BadgeRead]) -> None:
    output.table(
        ["id", "name", "rule", "description", "built-in"],
        (
            [
                badge.id,
                badge.name,
                badge.rule or "",
                badge.description,
                "yes" if badge.builtin else "",
            ]
            for badge in found
        ),
    )

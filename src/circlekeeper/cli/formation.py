"""`circlekeeper circle form`: new circles from active members by the grouping solver."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.errors import EXIT_USAGE, EXIT_USER
from circlekeeper.cli.options import JsonOpt
from circlekeeper.models.enums import CircleKind
from circlekeeper.text import quoted

CIRCLES_WITHOUT_BAR = 500
"""A round of more circles than this shows a bar while they are created (in a terminal)."""

if TYPE_CHECKING:
    from circlekeeper.services.formation_models import FormationPreview


def register(circle_app: typer.Typer) -> None:
    """Add the `form` command to the `circle` sub-app."""
    circle_app.command("form")(form)


def form(
    ctx: typer.Context,
    prefix: Annotated[
        str,
        typer.Option(
            "--prefix",
            help='Circles are named "PREFIX 1", "PREFIX 2", … (by interest: "PREFIX INTEREST").',
            show_default=False,
        ),
    ],
    size: Annotated[int, typer.Option("--size", metavar="N", help="Target circle size.")] = 5,
    kind: Annotated[CircleKind, typer.Option("--kind", help="Kind of the new circles.")] = (
        CircleKind.COHORT
    ),
    min_size: Annotated[
        int | None,
        typer.Option(
            "--min", metavar="N", help="Smallest circle (default: --size).", show_default=False
        ),
    ] = None,
    max_size: Annotated[
        int | None,
        typer.Option(
            "--max", metavar="N", help="Largest circle (default: --size).", show_default=False
        ),
    ] = None,
    members: Annotated[
        str,
        typer.Option(
            "--members",
            metavar="all|tag:K=V|circle:C|review:ID",
            help="Active members: all, with a tag, now in a circle, or a review's regroup pool.",
        ),
    ] = "all",
    balance: Annotated[
        str | None,
        typer.Option(
            "--balance", metavar="TAG", help="Spread this tag's values evenly.", show_default=False
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="TAG",
            help="Keep people with the same value together.",
            show_default=False,
        ),
    ] = None,
    keep_apart: Annotated[
        list[str] | None,
        typer.Option(
            "--keep-apart",
            metavar="A,B",
            help="Two members never in one circle; repeatable.",
            show_default=False,
        ),
    ] = None,
    keep_together: Annotated[
        list[str] | None,
        typer.Option(
            "--keep-together",
            metavar="A,B",
            help="Two members always together; repeatable.",
            show_default=False,
        ),
    ] = None,
    by_interest: Annotated[
        str | None,
        typer.Option(
            "--by-interest",
            metavar="TAG",
            help="One circle per interest listed in this tag (comma-separated), split when "
            "too big.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same circles.")] = 0,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", metavar="SECONDS", help="Stop searching after this long."),
    ] = 10.0,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the proposed circles; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Form new circles so that people meet people they have not shared a circle with.

    Earlier shared circles count less the longer ago they ended. Without --dry-run the circles
    are created (forming) with their members, all at once or not at all.

    With --by-interest TAG members choose for themselves: each interest listed in their TAG
    (e.g. interest=gardening, reading) gets one circle of everyone who listed it, split into the
    fewest circles of --min..--max when more are interested than --max, people who met before
    spread apart. Interests with fewer takers than --min are not formed (see the warnings).

    \b
    Example: circlekeeper circle form --prefix "Cohort Dec" --size 5 --min 4 --max 6 --dry-run
    Example: circlekeeper circle form --prefix Dec --by-interest interest --min 4 --max 8
    """
    if not (math.isfinite(time_limit) and time_limit > 0):
        _usage(f"--time-limit must be a number of seconds more than 0, not {time_limit:g}")
    if by_interest is not None:
        _refuse_with_interest(cluster=cluster, apart=keep_apart, together=keep_together)
    apart = [_pair(text, "--keep-apart") for text in keep_apart or []]
    together = [_pair(text, "--keep-together") for text in keep_together or []]
    from circlekeeper.services.formation import (
        FormationInfeasible,
        commit_formation,
        preview_formation,
    )
    from circlekeeper.services.formation_models import FormationCommitted

    db = open_db(ctx)
    try:
        if by_interest is not None:
            from circlekeeper.services.interest_formation import preview_interest_formation

            preview = preview_interest_formation(
                db,
                prefix=prefix,
                interest_tag=by_interest,
                kind=kind,
                size=size,
                min_size=min_size,
                max_size=max_size,
                members=members,
                balance=balance,
                seed=seed,
                time_limit=time_limit,
            )
        else:
            preview = preview_formation(
                db,
                prefix=prefix,
                kind=kind,
                size=size,
                min_size=min_size,
                max_size=max_size,
                members=members,
                balance=balance,
                cluster=cluster,
                keep_apart=apart,
                keep_together=together,
                seed=seed,
                time_limit=time_limit,
            )
    except FormationInfeasible as exc:
        for reason in exc.reasons:
            output.error(reason)
        raise typer.Exit(EXIT_USER) from None
    if dry_run:
        _show(preview, as_json=as_json)
        output.info("dry run: nothing was created")
        return
    with output.progress(len(preview.circles), "creating circles", CIRCLES_WITHOUT_BAR) as done:
        created = commit_formation(db, preview, progress=done)
    if as_json:
        output.emit_json(FormationCommitted(**dict(preview), created=tuple(created)))
    else:
        _print(preview)
    for warning in preview.warnings:
        output.warning(warning)
    listing = ", ".join(f"{c.name} (#{c.id})" for c in created)
    output.info(f"created {len(created)} circles, forming: {listing}")


def _refuse_with_interest(
    *, cluster: str | None, apart: list[str] | None, together: list[str] | None
) -> None:
    """--by-interest lets members choose their circles, so the grouping rules do not apply."""
    given = [
        option
        for option, value in (
            ("--cluster", cluster),
            ("--keep-apart", apart),
            ("--keep-together", together),
        )
        if value is not None and value != []
    ]
    if given:
        _usage(f"--by-interest cannot be combined with {', '.join(given)}")


def _pair(text: str, option: str) -> tuple[str, str]:
    """`A,B` as two member references; anything else is a usage error."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(parts):
        _usage(
            f"{option} takes two members separated by a comma, such as @ana,@bo — not "
            f"{quoted(text)}"
        )
    return parts[0], parts[1]


def _show(preview: FormationPreview, *, as_json: bool) -> None:
    """The preview as JSON or as text, with its warnings on stderr."""
    if as_json:
        output.emit_json(preview)
    else:
        _print(preview)
    for warning in preview.warnings:
        output.warning(warning)


def _print(preview: FormationPreview) -> None:
    """Each proposed circle: its members, who met before and when, and its balance counts."""
    from rich.text import Text

    for circle in preview.circles:
        output.stdout.print(Text(f"{circle.name} ({len(circle.members)} members)", style="bold"))
        for member in circle.members:
            output.stdout.print(Text(f"  {member.name} (#{member.id})"))
        for met in circle.met_before:
            when = "still together" if met.current else f"until {met.last_together}"
            output.stdout.print(
                Text(f"  met before: {met.first} and {met.second} in {met.circle} ({when})")
            )
        if preview.balance_tag is not None:
            counts = ", ".join(f"{value or '(none)'} {n}" for value, n in circle.balance.items())
            output.stdout.print(Text(f"  {preview.balance_tag}: {counts}"))
    output.info(
        f"{preview.pool_size} members in {len(preview.circles)} circles of "
        f"{preview.min_size}..{preview.max_size}; {preview.repeated_pairs} pairs met before "
        f"({preview.method})"
    )


def _usage(message: str) -> NoReturn:
    """Stop with one error line on stderr and the usage exit code (2)."""
    output.error(message)
    raise typer.Exit(EXIT_USAGE)

"""`circlekeeper review …`: seasonal reviews — each member of a circle says whether they
continue, pause, leave or regroup, and applying the review changes the seats at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.errors import EXIT_USAGE
from circlekeeper.cli.options import (
    JsonOpt,
    MemberArg,
    RowsOpt,
    confirm,
    date_option,
    optional_day,
)
from circlekeeper.cli.roles import command_for
from circlekeeper.models.enums import ReviewChoice

if TYPE_CHECKING:
    from circlekeeper.models import ReviewEntryRead, ReviewRead
    from circlekeeper.services.review_models import ReviewApplied, ReviewOutcome

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

CircleArg = Annotated[
    str, typer.Argument(metavar="CIRCLE", help="The circle's id or name.", show_default=False)
]
ENTRY_COLUMNS = ["member", "name", "choice", "until", "note"]
OUTCOME_COLUMNS = ["member", "name", "choice", "what happens"]
DUE_COLUMNS = ["circle", "name", "due", "reason"]
LARGEST_SINGLE_CIRCLE = 6
"""A regroup pool up to this size is hinted as one new circle; a larger one as circles of 3-6."""


@app.command("start")
def start(
    ctx: typer.Context,
    circle: Annotated[
        str | None,
        typer.Argument(
            metavar="[CIRCLE]", help="The circle's id or name (or --all).", show_default=False
        ),
    ] = None,
    all_circles: Annotated[
        bool, typer.Option("--all", help="Every active circle without an open review.")
    ] = False,
    with_ritual: Annotated[
        bool,
        typer.Option(
            "--with-ritual",
            help='Hold it in a session today with the "Seasonal review" ritual.',
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Open a seasonal review of a circle (or of every active circle with --all).

    \b
    Example: circlekeeper review start "Tuesday Builders" --with-ritual
    Example: circlekeeper review start --all
    """
    if (circle is None) == (not all_circles):
        output.error("give one CIRCLE, or --all for every active circle")
        raise typer.Exit(EXIT_USAGE)
    from circlekeeper.services.reviews import start_review, start_reviews_for_all

    db = open_db(ctx)
    if circle is not None:
        made = start_review(db, circle_ref=circle, with_ritual=with_ritual)
        if as_json:
            output.emit_json(made)
        _say_started(made)
        return
    batch = start_reviews_for_all(db, with_ritual=with_ritual)
    if as_json:
        output.emit_json(batch)
    for review in batch.started:
        _say_started(review)
    for skip in batch.skipped:
        output.info(f"skipped {skip.circle_name} (#{skip.circle_id}): {skip.reason}")
    if not batch.started:
        output.info("no review started")


def _count(number: int, noun: str) -> str:
    """ "1 member", "3 members"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _say_started(review: ReviewRead) -> None:
    held = f" in session #{review.session_id}" if review.session_id is not None else ""
    hint = command_for("review", "record", review.circle_name, "MEMBER", "--choice", "continue")
    output.info(
        f"started review #{review.id} of {review.circle_name}{held}: "
        f"{_count(len(review.entries), 'member')} to hear from — record each choice with: {hint}"
    )


@app.command("record")
def record(
    ctx: typer.Context,
    circle: CircleArg,
    member: MemberArg,
    choice: Annotated[
        ReviewChoice, typer.Option("--choice", help="What they decided.", show_default=False)
    ],
    until: Annotated[
        str | None, date_option("--until", "The day a pause ends (needed with --choice pause).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="What they said (at most 1000).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Record a member's choice in the circle's open review; recording again replaces it.

    \b
    Example: circlekeeper review record "Tuesday Builders" @bo --choice pause --until 2027-03-01
    """
    from circlekeeper.services.reviews import record_choice

    review = record_choice(
        open_db(ctx),
        circle_ref=circle,
        member_ref=member,
        choice=choice.value,
        pause_until=optional_day(until, "--until"),
        note=note,
    )
    if as_json:
        output.emit_json(review)
    undecided = sum(entry.choice is None for entry in review.entries)
    output.info(
        f"recorded in review #{review.id} of {review.circle_name}; "
        f"{undecided} of {len(review.entries)} still to say"
    )


@app.command("show")
def show(ctx: typer.Context, circle: CircleArg, as_json: JsonOpt = False) -> None:
    """Show the circle's open review (else its latest) and each member's choice.

    \b
    Example: circlekeeper review show "Tuesday Builders" --json
    """
    from circlekeeper.services.reviews import get_review

    review = get_review(open_db(ctx), circle_ref=circle)
    if as_json:
        output.emit_json(review)
        return
    output.fields(
        [
            ("review", review.id),
            ("circle", f"{review.circle_name} (#{review.circle_id})"),
            ("status", review.status),
            ("started", review.started_on),
            ("applied", review.applied_on),
            ("session", review.session_id),
        ]
    )
    if review.entries:
        output.table(ENTRY_COLUMNS, (_entry_cells(entry) for entry in review.entries))
    else:
        output.fields([("members", "none")])


def _entry_cells(entry: ReviewEntryRead) -> list[object]:
    choice = entry.choice.value if entry.choice is not None else "not yet"
    return [entry.member_id, entry.member_name, choice, entry.pause_until, entry.note]


@app.command("apply")
def apply(
    ctx: typer.Context,
    circle: CircleArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Apply the open review: seats of those who leave, pause or regroup end today, at once.

    Members who made no choice keep their seats. Those who chose to regroup form a pool that
    `circle form --members review:ID` can form new circles from. The database is backed up
    first (before-review-apply in the backups folder).

    \b
    Example: circlekeeper review apply "Tuesday Builders" --yes
    """
    from circlekeeper.services.reviews import apply_review, preview_review

    db = open_db(ctx)
    if not yes:
        planned = preview_review(db, circle_ref=circle)
        output.info(f"applying review #{planned.review.id} of {planned.review.circle_name} will:")
        for outcome in planned.outcomes:
            output.info(f"  - {outcome.member_name}: {_what_happens(outcome)}")
        for person in planned.undecided:
            output.info(f"  - {person.name}: keeps their seat (no choice recorded)")
    confirm("Apply the review?", yes=yes, refused="review not applied — answer y, or add --yes")
    from circlekeeper.services.backups import backup_before_change

    backup_before_change(db_path=db.path, action="review-apply")
    applied = apply_review(db, circle_ref=circle)
    if as_json:
        output.emit_json(applied)
    else:
        output.table(
            OUTCOME_COLUMNS,
            (
                [o.member_id, o.member_name, o.choice.value, _what_happens(o)]
                for o in applied.outcomes
            ),
        )
    output.info(f"applied review #{applied.review.id} of {applied.review.circle_name}")
    if applied.undecided:
        names = ", ".join(f"{p.name} (#{p.member_id})" for p in applied.undecided)
        output.info(f"undecided, kept their seats: {names}")
    _regroup_hint(applied)


def _what_happens(outcome: ReviewOutcome) -> str:
    if outcome.leave_reason is None:
        return "keeps their seat"
    if outcome.member_paused:
        return f"seat ends ({outcome.leave_reason}); paused as a member (in no other circle)"
    return f"seat ends ({outcome.leave_reason})"


def _regroup_hint(applied: ReviewApplied) -> None:
    """Name the regroup pool and the command that forms circles from it."""
    pool = applied.regroup_pool
    if not pool:
        return
    names = {entry.member_id: entry.member_name for entry in applied.review.entries}
    listed = ", ".join(f"{names.get(member_id, '?')} (#{member_id})" for member_id in pool)
    output.info(f"regroup pool ({len(pool)}): {listed}")
    if len(pool) == 1:
        output.info(
            "one member to regroup — give them a seat elsewhere with: "
            + command_for("circle", "add", "CIRCLE", str(pool[0]))
        )
        return
    name = applied.review.circle_name
    prefix = f"{name} regroup" if len(name) <= 100 else "Regroup"
    sizes = (
        ["--size", str(len(pool))]
        if len(pool) <= LARGEST_SINGLE_CIRCLE
        else ["--size", "5", "--min", "3", "--max", "6"]
    )
    words = ["circle", "form", "--members", applied.regroup_members, "--prefix", prefix, *sizes]
    output.info("form new circles from them with: " + command_for(*words, "--dry-run"))


@app.command("cancel")
def cancel(ctx: typer.Context, circle: CircleArg, as_json: JsonOpt = False) -> None:
    """Cancel the circle's open review; nobody's seat changes and the choices stay as history.

    \b
    Example: circlekeeper review cancel "Tuesday Builders"
    """
    from circlekeeper.services.reviews import cancel_review

    review = cancel_review(open_db(ctx), circle_ref=circle)
    if as_json:
        output.emit_json(review)
    output.info(f"cancelled review #{review.id} of {review.circle_name}; no seat changed")


@app.command("due")
def due(ctx: typer.Context, limit: RowsOpt = None, as_json: JsonOpt = False) -> None:
    """List the active circles whose seasonal review is due (and none is open), soonest first:
    the first 100 (--limit N for more; --json holds them all unless --limit is given).

    \b
    Example: circlekeeper review due --json
    """
    from circlekeeper.services.health_settings import health_settings
    from circlekeeper.services.reviews import reviews_due

    found = reviews_due(open_db(ctx), settings=health_settings())
    if as_json:
        output.emit_json(found[:limit])
        return
    if not found:
        output.info("no reviews due")
        return
    output.first_rows(
        DUE_COLUMNS,
        found,
        lambda d: [d.circle_id, d.circle_name, d.due_on, d.reason],
        "reviews due",
        limit=limit,
    )

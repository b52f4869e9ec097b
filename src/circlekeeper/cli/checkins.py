"""`circlekeeper checkin …`: one member's attendance and answers, and the history of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import (
    ExpectVersionOpt,
    JsonOpt,
    LimitOpt,
    OffsetOpt,
    record_number,
)
from circlekeeper.cli.sessions import answers_text, optional_day, parse_day, session_number
from circlekeeper.models.enums import Attendance, Visibility
from circlekeeper.text import counted, quoted

if TYPE_CHECKING:
    from circlekeeper.db import Database

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def resolve_answers(items: list[str], prompts: list[str]) -> dict[str, str]:
    """`--answer PROMPT=TEXT` values as {prompt: text}; PROMPT may be the prompt's number (1, 2 …).

    Prompt text is matched by the service regardless of case; a number outside the ritual's
    prompts, a missing "=", or two answers to one prompt are refused here.
    """
    from circlekeeper.services.errors import InvalidInput

    answers: dict[str, str] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInput(
                f'--answer {quoted(item)} must be written PROMPT=TEXT, e.g. --answer 1="shipped it"'
            )
        if key.isascii() and key.isdigit() and prompts:
            number = int(key)
            if not 1 <= number <= len(prompts):
                raise InvalidInput(
                    f"--answer {key}: this ritual has prompts 1 to {len(prompts)}: "
                    + "; ".join(f"{n}. {p}" for n, p in enumerate(prompts, start=1))
                )
            key = prompts[number - 1]
        if key.casefold() in {known.casefold() for known in answers}:
            raise InvalidInput(
                f"two answers to the prompt {quoted(key)}; give one --answer per prompt"
            )
        answers[key] = text
    return answers


def _circle_prompts(db: Database, circle: str) -> list[str]:
    from circlekeeper.services.circles import get_circle
    from circlekeeper.services.rituals import get_ritual

    ritual_id = get_circle(db, ref=circle).ritual_id
    return get_ritual(db, ref=ritual_id).prompts if ritual_id is not None else []


@app.command("add")
def add(
    ctx: typer.Context,
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[SESSION] MEMBER",
            help="The session's id and the member (id, email or handle); "
            "only the member with --circle and --date.",
            show_default=False,
        ),
    ] = None,
    answer: Annotated[
        list[str] | None,
        typer.Option(
            "--answer",
            metavar="PROMPT=TEXT",
            help="An answer to one prompt, by its number or its text; repeat for more.",
            show_default=False,
        ),
    ] = None,
    mood: Annotated[
        int | None, typer.Option("--mood", metavar="1-5", help="How they feel.", show_default=False)
    ] = None,
    visibility: Annotated[
        Visibility,
        typer.Option("--visibility", help="Who may read the answers."),
    ] = Visibility.PRIVATE,
    attendance: Annotated[
        Attendance | None,
        typer.Option(
            "--attendance",
            help="Whether they were there (default: present, or as already recorded).",
            show_default=False,
        ),
    ] = None,
    circle: Annotated[
        str | None,
        typer.Option(
            "--circle",
            help="A written check-in for this async circle, without a session (needs --date).",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day of a written check-in (with --circle).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add one member's check-in at a session, or a written one for an async circle.

    Answers are private (facilitator only) unless --visibility says otherwise.

    \b
    Example: circlekeeper checkin add 12 @ana --answer 1="shipped the site" --mood 4
    Example: circlekeeper checkin add --circle "Night Writers" --date 2026-11-20 @ana --answer 1=…
    """
    from circlekeeper.models import CheckInCreate
    from circlekeeper.services.checkins import add_checkin, add_written_checkin
    from circlekeeper.services.sessions import get_session
    from circlekeeper.services.validation import parse

    refs = refs or []
    if circle is not None:
        if len(refs) != 1 or date is None:
            output.error("a written check-in takes --circle C --date D and one MEMBER")
            raise typer.Exit(2)
    elif len(refs) != 2 or date is not None:
        output.error(
            "give a SESSION and a MEMBER (or --circle C --date D MEMBER for async circles)"
        )
        raise typer.Exit(2)
    session_id = None if circle is not None else session_number(refs[0])
    day = parse_day(date, "--date") if date is not None else None
    db = open_db(ctx)
    if circle is not None:
        prompts = _circle_prompts(db, circle)
    else:
        assert session_id is not None
        prompts = get_session(db, session_id=session_id).prompts
    given = {"attendance": attendance} if attendance is not None else {}
    data = parse(
        CheckInCreate,
        **given,
        answers=resolve_answers(answer or [], prompts),
        mood=mood,
        visibility=visibility,
    )
    if circle is not None and day is not None:
        checkin = add_written_checkin(db, circle_ref=circle, member_ref=refs[0], day=day, data=data)
        where = f"a written check-in in {checkin.circle_name} on {checkin.day}"
    else:
        assert session_id is not None
        checkin = add_checkin(db, session_id=session_id, member_ref=refs[1], data=data)
        where = f"session #{checkin.session_id} of {checkin.circle_name}"
    if as_json:
        output.emit_json(checkin)
    output.info(
        f"checked in {checkin.member_name} (#{checkin.member_id}) at {where}: "
        f"{checkin.attendance}, {counted(len(checkin.answers), 'answer')}, {checkin.visibility}"
    )


@app.command("edit")
def edit(
    ctx: typer.Context,
    checkin: Annotated[
        str,
        typer.Argument(
            metavar="CHECKIN", help="An id from 'checkin list', e.g. 42.", show_default=False
        ),
    ],
    answer: Annotated[
        list[str] | None,
        typer.Option(
            "--answer",
            metavar="PROMPT=TEXT",
            help="Replace the answer to one prompt (number or text); PROMPT= with no text "
            "removes it. Other answers stay. Repeat for more.",
            show_default=False,
        ),
    ] = None,
    mood: Annotated[
        int | None,
        typer.Option("--mood", metavar="1-5", help="How they feel.", show_default=False),
    ] = None,
    no_mood: Annotated[bool, typer.Option("--no-mood", help="Clear the mood.")] = False,
    visibility: Annotated[
        Visibility | None,
        typer.Option("--visibility", help="Who may read the answers.", show_default=False),
    ] = None,
    attendance: Annotated[
        Attendance | None,
        typer.Option("--attendance", help="Whether they were there.", show_default=False),
    ] = None,
    expect_version: ExpectVersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct a check-in: what is given changes, the rest stays as it was.

    Use it when someone asks for their words to be shared less widely, or to fix a typo.

    \b
    Example: circlekeeper checkin edit 42 --visibility private
    Example: circlekeeper checkin edit 42 --answer 2="moved to Lisbon" --answer 3=
    """
    from circlekeeper.models import CheckInUpdate
    from circlekeeper.services.checkins import checkin_prompts, edit_checkin
    from circlekeeper.services.validation import parse

    if mood is not None and no_mood:
        output.error("give --mood or --no-mood, not both")
        raise typer.Exit(2)
    number = record_number(checkin, "CHECKIN", "checkin list")
    db = open_db(ctx)
    given: dict[str, object] = {}
    if answer:
        given["answers"] = resolve_answers(answer, checkin_prompts(db, checkin_id=number))
    if mood is not None or no_mood:
        given["mood"] = mood
    if visibility is not None:
        given["visibility"] = visibility
    if attendance is not None:
        given["attendance"] = attendance
    changed = edit_checkin(
        db,
        checkin_id=number,
        data=parse(CheckInUpdate, **given),
        expected_version=expect_version,
    )
    if as_json:
        output.emit_json(changed)
    output.info(
        f"check-in #{changed.id} of {changed.member_name} ({changed.circle_name}, {changed.day}): "
        f"{changed.attendance}, {counted(len(changed.answers), 'answer')}, {changed.visibility}"
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    circle: Annotated[
        str | None,
        typer.Option("--circle", help="Only this circle (id or name).", show_default=False),
    ] = None,
    member: Annotated[
        str | None,
        typer.Option(
            "--member", help="Only this member (id, email or handle).", show_default=False
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
    visibility: Annotated[
        Visibility | None,
        typer.Option(
            "--visibility", help="Only check-ins with this visibility.", show_default=False
        ),
    ] = None,
    limit: LimitOpt = 200,
    offset: OffsetOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """List check-ins, newest day first: a circle's or a member's history over a date range.

    \b
    Example: circlekeeper checkin list --member @ana --from 2026-09-01 --visibility community
    """
    from circlekeeper.services.checkins import list_checkins

    found = list_checkins(
        open_db(ctx),
        circle_ref=circle,
        member_ref=member,
        start=optional_day(start, "--from"),
        end=optional_day(end, "--to"),
        visibility=visibility,
        limit=limit,
        offset=offset,
    )
    if as_json:
        output.emit_json(found)
        return
    if not found:
        output.info("no check-ins match" if offset == 0 else "no check-ins past --offset")
        return
    output.table(
        ["id", "day", "circle", "member", "attendance", "mood", "visibility", "session", "answers"],
        (
            [
                c.id,
                c.day,
                c.circle_name,
                c.member_name,
                c.attendance,
                c.mood,
                c.visibility,
                f"#{c.session_id}" if c.session_id is not None else "written",
                answers_text(c.answers),
            ]
            for c in found
        ),
    )
    if len(found) == limit:
        output.info(f"showing {len(found)} — there may be more: --offset {offset + len(found)}")

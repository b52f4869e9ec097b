"""Arguments and options shared by the commands (--json, paging, people, goals), and the small
parsers behind them (dates, ids, the --yes confirmation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.models.enums import FOCUS_PRESETS, METRIC_PRESETS
from circlekeeper.text import quoted

OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        metavar="FILE",
        help="Write to this file (replaced atomically, mode 0600) instead of stdout.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
NUMBER_MAX = 1_000_000_000
"""The largest offset or version a command takes: far above any real one, far below what SQLite
can store (a larger whole number would stop the query with an overflow, not a message)."""
LimitOpt = Annotated[int, typer.Option("--limit", help="How many to show (1-1000).")]
RowsOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        metavar="N",
        help="Show only the first N (a table shows 100 unless told; --json all).",
        min=1,
        show_default=False,
    ),
]
"""--limit of a command that lists everything it finds: tables stop at output.TABLE_ROWS."""


def bounded_offset(value: int) -> int:
    """--offset as given, refused above NUMBER_MAX (exit 2, naming the option)."""
    if value > NUMBER_MAX:
        raise typer.BadParameter(f"at most {NUMBER_MAX:,}, not {value}")
    return value


def version_number(value: int | None) -> int | None:
    """--expect-version as given, refused outside 1..NUMBER_MAX (no record has such a version)."""
    if value is not None and not 1 <= value <= NUMBER_MAX:
        raise typer.BadParameter(f"versions are numbered 1 to {NUMBER_MAX:,}, not {value}")
    return value


OffsetOpt = Annotated[
    int, typer.Option("--offset", help="How many to skip first.", callback=bounded_offset)
]
AmbassadorArg = Annotated[
    str,
    typer.Argument(
        metavar="AMBASSADOR",
        help="The ambassador's member id, email or handle.",
        show_default=False,
    ),
]
MemberArg = Annotated[
    str,
    typer.Argument(metavar="MEMBER", help="The member's id, email or handle.", show_default=False),
]
FOCUS_HELP = (
    f"A focus area; repeat for more. Presets: {', '.join(FOCUS_PRESETS)}; other short text is "
    "a custom focus."
)
FocusOpt = Annotated[
    list[str] | None,
    typer.Option("--focus", metavar="FOCUS", help=FOCUS_HELP, show_default=False),
]
CAPACITY_HELP = "Units of work a week they can give (1-100): each unit of a goal target, each role."
CapacityOpt = Annotated[int, typer.Option("--capacity", metavar="N", help=CAPACITY_HELP)]
CapacityChangeOpt = Annotated[
    int | None,
    typer.Option("--capacity", metavar="N", help=CAPACITY_HELP, show_default=False),
]
NoteOpt = Annotated[str, typer.Option("--note", help="A note for the facilitator.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept with the record).")]
METRIC_HELP = f"What is counted. Presets: {', '.join(METRIC_PRESETS)}; custom text is allowed."
MetricOpt = Annotated[
    str, typer.Option("--metric", metavar="METRIC", help=METRIC_HELP, show_default=False)
]


def date_option(flag: str, what: str) -> typer.models.OptionInfo:
    """A YYYY-MM-DD option (parsed with parse_day so the error names the flag)."""
    return typer.Option(flag, metavar="YYYY-MM-DD", help=what, show_default=False)


def parse_day(text: str, option: str) -> dt.date:
    """A YYYY-MM-DD option value as a date, or an error that names the option."""
    from circlekeeper.cli.roles import parse_day as parse_strict_day

    refuse_blank_day(text, option)
    return parse_strict_day(text, option)


def refuse_blank_day(text: str, option: str) -> None:
    """An option given a blank date ("" or spaces) is refused, not read as left out."""
    if not text.strip():
        from circlekeeper.services.errors import InvalidInput

        raise InvalidInput(f"{option}: give a date as YYYY-MM-DD (or leave {option} out)")


def optional_day(text: str | None, option: str) -> dt.date | None:
    """parse_day for an option that may be left out."""
    return None if text is None else parse_day(text, option)


def record_number(text: str, what: str, where: str) -> int:
    """A reference such as "12" or "#12" as an id; anything else is a usage error (exit 2)."""
    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit() and len(digits) < 19):
        output.error(f"{what} must be an id from '{where}' such as 12 or #12, not {quoted(text)}")
        raise typer.Exit(2)
    return int(digits)


def confirm(question: str, *, yes: bool, refused: str) -> None:
    """Go on when --yes was given or the user answers y; otherwise stop with exit 1, unchanged."""
    if yes:
        return
    try:
        agreed = typer.confirm(question, default=False, err=True)
    except typer.Abort:
        output.stderr.print()
        agreed = False
    if not agreed:
        output.error(refused)
        raise typer.Exit(1)


ExpectVersionOpt = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        metavar="N",
        callback=version_number,
        help="Refuse the change if the record is no longer at version N (lost-update guard).",
        show_default=False,
    ),
]

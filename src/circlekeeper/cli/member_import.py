"""`circlekeeper member import FILE.csv`: a roster in, one transaction, a report out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.text import quoted

if TYPE_CHECKING:
    from circlekeeper.services.member_import import ImportReport

PROGRESS_THRESHOLD = 2000
"""Files with more data rows than this show a progress bar (when stderr is a terminal)."""

PROBLEMS_SHOWN = 50
"""How many problem rows the text report lists; --json always has them all."""

UNKNOWN_COLUMNS_SHOWN = 5
"""How many ignored columns get a warning line each; the rest are counted in one more line."""


def register(app: typer.Typer) -> None:
    """Add the import command to the member sub-app."""

    @app.command("import")
    def import_(
        ctx: typer.Context,
        file: Annotated[
            Path,
            typer.Argument(
                help="The roster CSV (UTF-8). Columns: name, email, handle, timezone, "
                "joined_on (YYYY-MM-DD), tags (key=value;key=value).",
                metavar="FILE.csv",
                show_default=False,
            ),
        ],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Report what would happen; change nothing.")
        ] = False,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the report as JSON on stdout.")
        ] = False,
    ) -> None:
        """Import members from a CSV roster, all or nothing, reporting every skipped row.

        The header names the columns (any case, any order): name, and email or handle, are
        required; timezone, joined_on and tags are optional, other columns are ignored. A row
        matching a member by email or handle updates that member; duplicates within the file
        and invalid rows are skipped and listed with their line (the header is line 1). The
        apostrophe 'export members' puts before a cell such as '@ana is taken off again. A
        backup of the database is taken first (not for --dry-run).

        Example: circlekeeper member import roster.csv --dry-run
        """
        from circlekeeper.cli import output
        from circlekeeper.cli.context import open_db
        from circlekeeper.services.backups import backup_before_change
        from circlekeeper.services.member_import import import_members, read_roster

        roster = read_roster(file)
        _warn_unknown(roster.unknown_columns)
        db = open_db(ctx)
        if not dry_run:
            backup_before_change(db_path=db.path, action="member-import")
        with output.progress(len(roster.rows), "checking rows", PROGRESS_THRESHOLD) as progress:
            report = import_members(db, source=roster, dry_run=dry_run, progress=progress)
        _print_summary(report, with_problems=not as_json)
        if as_json:
            output.emit_json(report)


def _warn_unknown(columns: tuple[str, ...]) -> None:
    """A warning for each ignored column, at most UNKNOWN_COLUMNS_SHOWN lines and one count."""
    from circlekeeper.cli import output

    for column in columns[:UNKNOWN_COLUMNS_SHOWN]:
        output.warning(f"column {quoted(column)} is not one circlekeeper knows; it was ignored")
    hidden = len(columns) - UNKNOWN_COLUMNS_SHOWN
    if hidden > 0:
        output.warning(f"… and {hidden} more unknown columns were ignored (--json lists them)")


def summary_line(report: ImportReport) -> str:
    """One sentence with the counts, worded for a dry run or a real import."""
    counts = (
        f"{report.imported} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.skipped} skipped ({report.total_rows} rows)"
    )
    if report.dry_run:
        return f"dry run, nothing was changed — the import would give: {counts}"
    return f"imported: {counts}"


def _print_summary(report: ImportReport, *, with_problems: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from circlekeeper.cli import output

    output.info(summary_line(report))
    if not with_problems or not report.problems:
        return
    grid = Table(title=Text("skipped rows"), header_style="bold")
    grid.add_column(Text("line"), justify="right")
    grid.add_column(Text("reason"), overflow="fold")
    for problem in report.problems[:PROBLEMS_SHOWN]:
        grid.add_row(Text(str(problem.line)), Text(problem.reason))
    output.stderr.print(grid)
    hidden = len(report.problems) - PROBLEMS_SHOWN
    if hidden > 0:
        output.info(f"… and {hidden} more skipped rows (--json lists them all)")

"""`circlekeeper db`: back up, restore and check the database file, and show where it is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import state
from circlekeeper.cli.options import JsonOpt, confirm

if TYPE_CHECKING:
    from circlekeeper.services.backup_models import CheckReport

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def _db_path(ctx: typer.Context) -> Path:
    """The database this invocation is about (--db, CIRCLEKEEPER_DB or the default one)."""
    from circlekeeper.services.workspace import resolve_path

    return resolve_path(state(ctx).db_path)[0]


@app.command("backup")
def backup(
    ctx: typer.Context,
    destination: Annotated[
        Path | None,
        typer.Argument(
            metavar="PATH",
            help="A folder to put the backup in, or a new file name (default: the backups "
            "folder beside the database).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Back up the database now: a consistent copy even while circlekeeper is open elsewhere.

    The copy is made through SQLite's backup API, checked with integrity_check, and written
    with mode 0600 (its folder 0700); an existing file is never replaced. Backups you take are
    never pruned automatically. The backup's path is printed on stdout.

    \b
    Example: circlekeeper db backup ~/Documents/circles-backup.db
    """
    from circlekeeper.services.backups import backup_now

    made = backup_now(db_path=_db_path(ctx), destination=destination)
    if as_json:
        output.emit_json(made)
        return
    typer.echo(made.path)
    output.info(f"backed up {made.database} ({_size(made.size_bytes)})")


@app.command("restore")
def restore(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(metavar="PATH", help="The backup file to restore.", show_default=False),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with a backup; the current database is kept as a backup first.

    The file is checked before anything changes: it must be a circlekeeper database, pass
    integrity_check and not come from a newer circlekeeper (an older one is upgraded). Close
    circlekeeper everywhere else first: a database open in another window is not replaced.
    A refused restore changes nothing.

    \b
    Example: circlekeeper db restore ~/Documents/circles-backup.db --yes
    """
    from circlekeeper.services.backups import restore as restore_backup

    db_path = _db_path(ctx)
    confirm(
        f"Replace {db_path} with {source}? The current database is kept as a backup.",
        yes=yes,
        refused="nothing restored — answer y, or add --yes",
    )
    done = restore_backup(db_path=db_path, source=source)
    if as_json:
        output.emit_json(done)
    output.info(f"restored {done.database} from {done.restored_from}")
    if done.kept is not None:
        output.info(f"the database it replaced was kept as {done.kept}")
    if done.upgraded_from_schema is not None:
        output.info(f"the backup was upgraded from schema {done.upgraded_from_schema}")


@app.command("check")
def check(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the database file with SQLite's quick_check, integrity_check and foreign_key_check.

    Reads only. Exits with 1 when any check finds a problem; then restore a backup
    ('circlekeeper db path' shows the backups folder).

    \b
    Example: circlekeeper db check
    """
    from circlekeeper.db.location import location_warning
    from circlekeeper.services.backups import check as check_database

    db_path = _db_path(ctx)
    warning = location_warning(db_path)
    if warning is not None:
        output.warning(warning)
    with output.status("checking the database file…") as say:
        report = check_database(
            db_path=db_path,
            starting=lambda name, number, total: say(
                f"{name} ({number} of {total}) — a large file takes a while…"
            ),
        )
    if as_json:
        output.emit_json(report)
    else:
        _print_report(report)
    if not report.ok:
        output.error(
            f"{report.database} has problems — restore a backup with 'circlekeeper db restore "
            "PATH' ('circlekeeper db path' shows where the backups are)"
        )
        raise typer.Exit(1)


def _print_report(report: CheckReport) -> None:
    """One line per check, each problem indented below it."""
    from rich.text import Text

    for item in report.checks:
        if item.ok:
            output.fields([(item.name, "ok")])
            continue
        count = len(item.problems)
        output.fields([(item.name, f"{count} problem{'' if count == 1 else 's'}")])
        for problem in item.problems:
            output.stdout.print(Text(f"  - {problem}"))


@app.command("path")
def path(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show where the database and its backups are (and warn if the folder is synced).

    \b
    Example: circlekeeper db path
    """
    from circlekeeper.services.backups import location

    found = location(db_path=_db_path(ctx))
    if found.warning is not None:
        output.warning(found.warning)
    if as_json:
        output.emit_json(found)
        return
    count = found.backup_count
    output.fields(
        [
            ("database", found.database),
            ("backups", f"{found.backups} ({count} backup{'' if count == 1 else 's'})"),
        ]
    )
    if not found.exists:
        output.info("there is no database there yet — run 'circlekeeper init'")


def _size(size: int) -> str:
    """A file size a person reads at a glance."""
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"

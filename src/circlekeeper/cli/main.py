"""The `circlekeeper` command: sub-apps are joined here; heavy imports wait until needed."""

from __future__ import annotations

import atexit
import gc
from pathlib import Path
from typing import Annotated

import typer

from circlekeeper.cli.context import CliState
from circlekeeper.cli.errors import GuardedGroup

app = typer.Typer(
    name="circlekeeper",
    cls=GuardedGroup,
    help="Keep trust circles alive: members, circles, rituals, roles and shareable summaries.\n\n"
    "Run without a command to open the TUI. Example: circlekeeper member list --json",
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Database file to use (default: your data folder; CIRCLEKEEPER_DB also sets it).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Open the TUI when no command is given."""
    if version:
        from circlekeeper import __version__

        typer.echo(f"circlekeeper {__version__}")
        raise typer.Exit()
    ctx.obj = CliState(db_path=db)
    if ctx.invoked_subcommand is None:
        from circlekeeper.cli.launch import launch_tui

        launch_tui(ctx.obj.db_path)


def _register() -> None:
    from circlekeeper.cli import (
        ambassadors,
        applications,
        checkins,
        circles,
        database,
        db_commands,
        demo,
        export,
        formation,
        groups,
        health,
        incidents,
        members,
        metrics,
        recognition,
        reviews,
        rituals,
        roles,
        sessions,
    )

    database.register(app)
    demo.register(app)
    app.add_typer(
        db_commands.app,
        name="db",
        help="Back up, restore and check the database file; show where it and its backups are.",
    )
    app.add_typer(members.app, name="member", help="Add, find, edit, pause and import members.")
    app.add_typer(
        circles.app, name="circle", help="Create circles and manage their seats and lifecycle."
    )
    formation.register(circles.app)
    app.add_typer(
        applications.app,
        name="application",
        help="Applications to circles that take them: add, list, accept, decline, withdraw.",
    )
    app.add_typer(rituals.app, name="ritual", help="List, add and edit rituals (prompt packs).")
    app.add_typer(sessions.app, name="session", help="Plan, list and record sessions; cancel them.")
    app.add_typer(checkins.app, name="checkin", help="Add check-ins and read their history.")
    from circlekeeper.cli.export_markdown import markdown

    export.app.command("markdown")(markdown)
    app.add_typer(
        export.app,
        name="export",
        help="Markdown reports for the community, member lists, the sessions calendar.",
    )
    app.add_typer(
        roles.app, name="role", help="Rotate roles fairly: plan, show, swap, skip; term roles."
    )
    app.add_typer(
        reviews.app,
        name="review",
        help="Seasonal reviews: start, record each choice, apply or cancel; see which are due.",
    )
    app.add_typer(
        incidents.app,
        name="incident",
        help="Confidential incident records: add, list, show and update (escalate, resolve).",
    )
    app.add_typer(health.app, name="health")
    recognition.register(app)
    metrics.register(app)
    ambassadors.register(app)
    app.add_typer(
        groups.app,
        name="groups",
        help="Form groups for rounds from an instance file (no database).",
    )


_register()


def run() -> None:
    """Console-script entry point.

    A command lives for well under a second, so the cyclic garbage collector is off while it runs
    and the objects still alive at exit are frozen instead of collected (a measured 150 to 250 ms of
    a `member list`); the TUI turns collection back on once it has painted.
    """
    gc.disable()
    atexit.register(gc.freeze)
    app()

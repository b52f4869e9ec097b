"""The `circlekeeper` command: the root options; its commands come from the registry and are
imported only when used, so `--help` and shell completion stay as light as a bare Typer app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from circlekeeper.cli.context import CliState
from circlekeeper.cli.lazy import LazyGroup
from circlekeeper.cli.registry import ROOT_COMMANDS


class RootGroup(LazyGroup):
    """The root group: every command is listed from the registry and loaded only when used."""

    entries = ROOT_COMMANDS


app = typer.Typer(
    name="circlekeeper",
    cls=RootGroup,
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

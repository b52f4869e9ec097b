"""`circlekeeper demo`: the TUI on a fresh sample community, never the user's own database."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""

    @app.command()
    def demo(
        no_tui: Annotated[
            bool,
            typer.Option("--no-tui", help="Only build the demo database and print its path."),
        ] = False,
    ) -> None:
        """Open the TUI on a freshly built sample community; your own database is never touched.

        The demo database is rebuilt from scratch every time, in its own file in the data folder.

        Example: circlekeeper demo
        """
        from circlekeeper import paths
        from circlekeeper.cli import output
        from circlekeeper.services.demo import build_demo_database

        if not no_tui:
            output.info("building the sample community…")
        path = build_demo_database(paths.demo_db_path())
        if no_tui:
            typer.echo(str(path))
            return
        from circlekeeper.cli.launch import launch_tui

        launch_tui(path, demo=True)

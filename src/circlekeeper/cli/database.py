"""Top-level commands about the database file itself: init."""

from __future__ import annotations

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import state


def register(app: typer.Typer) -> None:
    """Add the top-level database commands to the root app."""

    @app.command()
    def init(ctx: typer.Context) -> None:
        """Create a database at --db, CIRCLEKEEPER_DB or the default place (file 0600, folder 0700).

        An existing circlekeeper database is left as it is; any other file is refused untouched.
        Other commands never create a database at a path you named: they ask you to run init.

        \b
        Example: circlekeeper --db ~/circles/spring.db init
        """
        from circlekeeper.services.workspace import init_workspace

        result = init_workspace(state(ctx).db_path)
        if result.created:
            output.info(f"created {result.path}")
        else:
            output.info(f"{result.path} is already a circlekeeper database; left as it is")

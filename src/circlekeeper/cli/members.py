"""`circlekeeper member …`: members by id, email or handle."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


def _register_import() -> None:
    from circlekeeper.cli.member_import import register

    register(app)


_register_import()

"""`circlekeeper member import FILE.csv`: a roster in, one transaction, a report out."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the import command to the member sub-app."""

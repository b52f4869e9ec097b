"""`circlekeeper demo`: the TUI on a fresh sample community, never the user's own database."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""

"""State shared by every command: which database the user named."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from circlekeeper.db import Database


@dataclass
class CliState:
    """Options given before the command (`circlekeeper --db PATH member list`)."""

    db_path: Path | None = None


def state(ctx: typer.Context) -> CliState:
    """The CliState of this invocation (a default one when a sub-app is run on its own)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def open_db(ctx: typer.Context, *, automatic_backup: bool = True) -> Database:
    """Open the database this invocation works on (imports the storage stack only now); a
    synced-folder warning, a failed automatic backup or a value of config.toml that was set
    aside for its default is printed on stderr."""
    from circlekeeper.cli import output
    from circlekeeper.config import load_config
    from circlekeeper.services.workspace import open_workspace

    for problem in load_config()[1]:
        output.warning(problem)

    db = open_workspace(
        state(ctx).db_path,
        automatic_backup=automatic_backup,
        warn=output.warning,
        inform=output.info,
    )
    ctx.call_on_close(db.close)
    return db

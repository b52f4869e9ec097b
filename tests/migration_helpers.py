"""Older and broken schemas for tests: step a file back through the real downgrades, or add a
revision after the real head (one that fails, or one that rebuilds tables)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from circlekeeper.db import migrate
from circlekeeper.db.connection import connect
from circlekeeper.db.migrate import head_revision


def step_back(path: Path, revision: str = "-1") -> None:
    """Run the real downgrades (of the newest migration, or down to `revision`), leaving a
    faithful file of that older schema."""
    engine = create_engine("sqlite://", creator=lambda: connect(path), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            config = migrate._alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, revision)
            conn.exec_driver_sql("COMMIT")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def add_revision_after_head(
    folder: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str
) -> None:
    """Make `source` (a revision text with a `{head}` placeholder for its down_revision) the
    newest migration, in `folder`, for the rest of the test."""
    folder.mkdir()
    (folder / name).write_text(source.format(head=head_revision()))
    real_config = migrate._alembic_config

    def config_with_extra_revision() -> Any:
        config = real_config()
        versions = Path(migrate.__file__).with_name("migrations") / "versions"
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join([str(versions), str(folder)]))
        return config

    monkeypatch.setattr(migrate, "_alembic_config", config_with_extra_revision)

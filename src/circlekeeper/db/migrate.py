"""Running Alembic migrations (batch mode for SQLite) programmatically on an open file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from circlekeeper.db.connection import connect
from circlekeeper.db.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    return config


def upgrade_to_head(path: Path) -> None:
    """Apply every pending migration to the database at `path` in one transaction.

    Foreign keys are off while migrating: batch mode rebuilds a table by dropping the old copy,
    which with foreign keys on is refused (RESTRICT) or empties child tables (CASCADE). The
    references are checked before the commit instead.
    """
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine("sqlite://", creator=lambda: connect(path), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # only works outside BEGIN
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                connection.exec_driver_sql("ROLLBACK")
                raise StorageError(
                    f"upgrading {path} would break {len(broken)} references between tables; "
                    "the file was left as it was — please report this"
                )
            connection.exec_driver_sql("COMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision id known to this code."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head

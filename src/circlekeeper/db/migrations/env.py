"""Alembic environment: always called programmatically with a connection from circlekeeper.db."""

from alembic import context
from sqlmodel import SQLModel

import circlekeeper.models  # noqa: F401  (registers every table)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("circlekeeper migrations run through circlekeeper.db.migrate only")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    transactional_ddl=False,
)
context.run_migrations()

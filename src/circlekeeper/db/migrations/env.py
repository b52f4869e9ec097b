"""Alembic environment: always called programmatically with a connection from circlekeeper.db."""

from alembic import context
from sqlmodel import SQLModel

from circlekeeper.models import register_tables

register_tables()

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

"""rotating and term roles: roles per circle, assignments with deputies, opt-outs, skips, events

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 5


def upgrade() -> None:
    op.create_table(
        "role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("rotating", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 40", name=op.f("ck_role_name_length")),
        sa.ForeignKeyConstraint(
            ["circle_id"], ["circle.id"], name=op.f("fk_role_circle_id_circle"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role")),
    )
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.create_index("uq_role_circle_name", ["circle_id", "name_key"], unique=True)

    op.create_table(
        "role_skip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_role_skip_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_role_skip_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_skip")),
    )
    with op.batch_alter_table("role_skip", schema=None) as batch_op:
        batch_op.create_index("uq_role_skip", ["circle_id", "member_id", "day"], unique=True)

    op.create_table(
        "role_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "deputy_id IS NULL OR deputy_id != member_id",
            name=op.f("ck_role_assignment_deputy_differs"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_role_assignment_term_order")
        ),
        sa.CheckConstraint(
            "session_id IS NOT NULL OR starts_on IS NOT NULL",
            name=op.f("ck_role_assignment_session_or_term"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_role_assignment_version_positive")),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["member.id"],
            name=op.f("fk_role_assignment_deputy_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_role_assignment_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["role.id"],
            name=op.f("fk_role_assignment_role_id_role"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_session.id"],
            name=op.f("fk_role_assignment_session_id_circle_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_assignment")),
    )
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_role_assignment_member", ["member_id", "session_id"], unique=False
        )
        batch_op.create_index("ix_role_assignment_session", ["session_id"], unique=False)
        batch_op.create_index(
            "uq_role_assignment_role_session",
            ["role_id", "session_id"],
            unique=True,
            sqlite_where=sa.text("session_id IS NOT NULL"),
            postgresql_where=sa.text("session_id IS NOT NULL"),
        )

    op.create_table(
        "role_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("role_name", sa.String(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("other_member_id", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('planned', 'swap', 'skip', 'override', 'term')",
            name=op.f("ck_role_event_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_role_event_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_role_event_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["other_member_id"],
            ["member.id"],
            name=op.f("fk_role_event_other_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_session.id"],
            name=op.f("fk_role_event_session_id_circle_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_event")),
    )
    with op.batch_alter_table("role_event", schema=None) as batch_op:
        batch_op.create_index("ix_role_event_circle", ["circle_id", "created_at"], unique=False)
        batch_op.create_index("ix_role_event_member", ["member_id", "created_at"], unique=False)

    op.create_table(
        "role_opt_out",
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_role_opt_out_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["role.id"], name=op.f("fk_role_opt_out_role_id_role"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("role_id", "member_id", name=op.f("pk_role_opt_out")),
    )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    op.drop_table("role_opt_out")
    with op.batch_alter_table("role_event", schema=None) as batch_op:
        batch_op.drop_index("ix_role_event_member")
        batch_op.drop_index("ix_role_event_circle")

    op.drop_table("role_event")
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_role_assignment_role_session",
            sqlite_where=sa.text("session_id IS NOT NULL"),
            postgresql_where=sa.text("session_id IS NOT NULL"),
        )
        batch_op.drop_index("ix_role_assignment_session")
        batch_op.drop_index("ix_role_assignment_member")

    op.drop_table("role_assignment")
    with op.batch_alter_table("role_skip", schema=None) as batch_op:
        batch_op.drop_index("uq_role_skip")

    op.drop_table("role_skip")
    with op.batch_alter_table("role", schema=None) as batch_op:
        batch_op.drop_index("uq_role_circle_name")

    op.drop_table("role")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")

"""initial schema: members, tags, circles, memberships

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPLICATION_ID = 0x436B7072
SCHEMA_VERSION = 1


def upgrade() -> None:
    op.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    op.create_table(
        "circle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("trust_focus", sa.String(), nullable=False),
        sa.Column("visibility", sa.String(), nullable=False),
        sa.Column("min_size", sa.Integer(), nullable=False),
        sa.Column("max_size", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(), nullable=False),
        sa.Column("cadence_interval", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.String(), nullable=True),
        sa.Column("meeting_time", sa.String(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("agreements", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'every-n-weeks', 'monthly')",
            name=op.f("ck_circle_cadence_valid"),
        ),
        sa.CheckConstraint(
            "kind IN ('goal', 'identity', 'cohort', 'leadership')",
            name=op.f("ck_circle_kind_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('forming', 'active', 'paused', 'closed')",
            name=op.f("ck_circle_status_valid"),
        ),
        sa.CheckConstraint(
            "visibility IN ('open', 'opt-in', 'application')",
            name=op.f("ck_circle_visibility_valid"),
        ),
        sa.CheckConstraint(
            "weekday IS NULL OR weekday IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')",
            name=op.f("ck_circle_weekday_valid"),
        ),
        sa.CheckConstraint(
            "cadence_interval BETWEEN 1 AND 52", name=op.f("ck_circle_interval_range")
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_circle_ends_after_start"),
        ),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 120", name=op.f("ck_circle_name_length")),
        sa.CheckConstraint(
            "min_size >= 2 AND min_size <= max_size AND max_size <= 50",
            name=op.f("ck_circle_size_range"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_circle_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle")),
        sa.UniqueConstraint("name_key", name=op.f("uq_circle_name_key")),
    )
    with op.batch_alter_table("circle", schema=None) as batch_op:
        batch_op.create_index("ix_circle_status", ["status"], unique=False)

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_key", sa.String(), nullable=True),
        sa.Column("handle", sa.String(length=64), nullable=True),
        sa.Column("handle_key", sa.String(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("consent_named", sa.Boolean(), nullable=False),
        sa.Column("consent_recognised", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status = 'paused' OR paused_until IS NULL",
            name=op.f("ck_member_paused_until_only_paused"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'left')", name=op.f("ck_member_status_valid")
        ),
        sa.CheckConstraint(
            "consent_named IN (0, 1) AND consent_recognised IN (0, 1)",
            name=op.f("ck_member_consent_bool"),
        ),
        sa.CheckConstraint(
            "email IS NOT NULL OR handle IS NOT NULL", name=op.f("ck_member_email_or_handle")
        ),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 200", name=op.f("ck_member_name_length")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_member_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("email_key", name=op.f("uq_member_email_key")),
        sa.UniqueConstraint("handle_key", name=op.f("uq_member_handle_key")),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index("ix_member_name_key_id", ["name_key", "id"], unique=False)
        batch_op.create_index("ix_member_status", ["status"], unique=False)

    op.create_table(
        "member_tag",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_member_tag_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "key", name=op.f("pk_member_tag")),
    )
    with op.batch_alter_table("member_tag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_member_tag_key_value", ["key", "value", "member_id"], unique=False
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on", name=op.f("ck_membership_left_after_joined")
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_membership_circle_id_circle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_membership_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(
            "ix_membership_circle", ["circle_id", "left_on", "member_id"], unique=False
        )
        batch_op.create_index("ix_membership_member", ["member_id", "left_on"], unique=False)
        batch_op.create_index(
            "uq_membership_current",
            ["circle_id", "member_id"],
            unique=True,
            sqlite_where=sa.text("left_on IS NULL"),
            postgresql_where=sa.text("left_on IS NULL"),
        )
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_membership_current",
            sqlite_where=sa.text("left_on IS NULL"),
            postgresql_where=sa.text("left_on IS NULL"),
        )
        batch_op.drop_index("ix_membership_member")
        batch_op.drop_index("ix_membership_circle")

    op.drop_table("membership")
    with op.batch_alter_table("member_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_member_tag_key_value")

    op.drop_table("member_tag")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index("ix_member_status")
        batch_op.drop_index("ix_member_name_key_id")

    op.drop_table("member")
    with op.batch_alter_table("circle", schema=None) as batch_op:
        batch_op.drop_index("ix_circle_status")

    op.drop_table("circle")
    op.execute("PRAGMA user_version = 0")

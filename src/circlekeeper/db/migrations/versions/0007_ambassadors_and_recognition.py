"""ambassadors (focus, rests, goals, progress, nominations), badges and the recognition log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21

The starter badges (sample_data/badges.toml) are installed as data here, like the built-in
rituals, so every database has them; facilitators add their own with `badge add` or
`badge import FILE.toml`.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from circlekeeper.paths import bundled_dir

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 7


def upgrade() -> None:
    op.create_table(
        "badge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("rule_kind", sa.String(), nullable=True),
        sa.Column("rule_count", sa.Integer(), nullable=True),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "rule_kind IS NULL OR rule_kind IN ('attended', 'facilitated', 'goal-streak')",
            name=op.f("ck_badge_rule_kind_valid"),
        ),
        sa.CheckConstraint(
            "(rule_kind IS NULL) = (rule_count IS NULL)", name=op.f("ck_badge_rule_complete")
        ),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 60", name=op.f("ck_badge_name_length")),
        sa.CheckConstraint(
            "rule_count IS NULL OR rule_count BETWEEN 1 AND 10000", name=op.f("ck_badge_rule_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge")),
        sa.UniqueConstraint("name_key", name=op.f("uq_badge_name_key")),
    )
    op.create_table(
        "ambassador",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("resting_until", sa.Date(), nullable=True),
        sa.Column("capacity_per_week", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(status = 'alumni') = (retired_on IS NOT NULL)",
            name=op.f("ck_ambassador_alumni_has_date"),
        ),
        sa.CheckConstraint(
            "(status = 'resting') = (resting_until IS NOT NULL)",
            name=op.f("ck_ambassador_resting_has_date"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'resting', 'alumni')", name=op.f("ck_ambassador_status_valid")
        ),
        sa.CheckConstraint(
            "capacity_per_week BETWEEN 1 AND 100", name=op.f("ck_ambassador_capacity_range")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_ambassador_version_positive")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_ambassador_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ambassador")),
        sa.UniqueConstraint("member_id", name=op.f("uq_ambassador_member_id")),
    )
    with op.batch_alter_table("ambassador", schema=None) as batch_op:
        batch_op.create_index("ix_ambassador_status", ["status", "member_id"], unique=False)

    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("nominated_by_id", sa.Integer(), nullable=True),
        sa.Column("nominated_by", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("focus", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decision_note", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_on IS NULL)",
            name=op.f("ck_nomination_decided_when_not_pending"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined')", name=op.f("ck_nomination_status_valid")
        ),
        sa.CheckConstraint(
            "length(reason) BETWEEN 1 AND 500", name=op.f("ck_nomination_reason_length")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_nomination_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_id"],
            ["member.id"],
            name=op.f("fk_nomination_nominated_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination")),
    )
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index("ix_nomination_member", ["member_id"], unique=False)
        batch_op.create_index("ix_nomination_nominated_by", ["nominated_by_id"], unique=False)
        batch_op.create_index("ix_nomination_status", ["status", "created_at"], unique=False)

    op.create_table(
        "recognition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("badge_id", sa.Integer(), nullable=True),
        sa.Column("badge_name", sa.String(), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column("given_by", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visibility", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind != 'badge' OR badge_name != ''", name=op.f("ck_recognition_badge_named")
        ),
        sa.CheckConstraint(
            "kind IN ('shout-out', 'spotlight', 'badge', 'note', 'gift')",
            name=op.f("ck_recognition_kind_valid"),
        ),
        sa.CheckConstraint(
            "visibility IN ('private', 'circle', 'community')",
            name=op.f("ck_recognition_visibility_valid"),
        ),
        sa.CheckConstraint(
            "length(message) BETWEEN 1 AND 2000", name=op.f("ck_recognition_message_length")
        ),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badge.id"],
            name=op.f("fk_recognition_badge_id_badge"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["given_by_id"],
            ["member.id"],
            name=op.f("fk_recognition_given_by_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_recognition_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition")),
    )
    with op.batch_alter_table("recognition", schema=None) as batch_op:
        batch_op.create_index("ix_recognition_day", ["day", "id"], unique=False)
        batch_op.create_index("ix_recognition_given_by", ["given_by_id"], unique=False)
        batch_op.create_index("ix_recognition_kind", ["kind", "day"], unique=False)
        batch_op.create_index("ix_recognition_member", ["member_id", "day"], unique=False)

    op.create_table(
        "ambassador_focus",
        sa.Column("ambassador_id", sa.Integer(), nullable=False),
        sa.Column("focus_key", sa.String(), nullable=False),
        sa.Column("focus", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "length(focus) BETWEEN 1 AND 40", name=op.f("ck_ambassador_focus_focus_length")
        ),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassador.id"],
            name=op.f("fk_ambassador_focus_ambassador_id_ambassador"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ambassador_id", "focus_key", name=op.f("pk_ambassador_focus")),
    )
    with op.batch_alter_table("ambassador_focus", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ambassador_focus_key", ["focus_key", "ambassador_id"], unique=False
        )

    op.create_table(
        "ambassador_rest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ambassador_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_ambassador_rest_rest_order")),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassador.id"],
            name=op.f("fk_ambassador_rest_ambassador_id_ambassador"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ambassador_rest")),
    )
    with op.batch_alter_table("ambassador_rest", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ambassador_rest_ambassador", ["ambassador_id", "starts_on"], unique=False
        )

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ambassador_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("metric_key", sa.String(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("per", sa.String(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("per IN ('week', 'month')", name=op.f("ck_goal_per_valid")),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_goal_goal_order")
        ),
        sa.CheckConstraint("length(metric) BETWEEN 1 AND 60", name=op.f("ck_goal_metric_length")),
        sa.CheckConstraint("target BETWEEN 1 AND 1000", name=op.f("ck_goal_target_range")),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassador.id"],
            name=op.f("fk_goal_ambassador_id_ambassador"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index("ix_goal_ambassador", ["ambassador_id", "starts_on"], unique=False)
        batch_op.create_index(
            "uq_goal_current",
            ["ambassador_id", "metric_key"],
            unique=True,
            sqlite_where=sa.text("ends_on IS NULL"),
            postgresql_where=sa.text("ends_on IS NULL"),
        )

    op.create_table(
        "goal_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ambassador_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("metric_key", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("count BETWEEN 1 AND 10000", name=op.f("ck_goal_progress_count_range")),
        sa.CheckConstraint(
            "length(metric) BETWEEN 1 AND 60", name=op.f("ck_goal_progress_metric_length")
        ),
        sa.ForeignKeyConstraint(
            ["ambassador_id"],
            ["ambassador.id"],
            name=op.f("fk_goal_progress_ambassador_id_ambassador"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_progress")),
    )
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.create_index(
            "ix_goal_progress_ambassador", ["ambassador_id", "metric_key", "day"], unique=False
        )
        batch_op.create_index(
            "ix_goal_progress_day", ["day", "ambassador_id", "count"], unique=False
        )

    _install_builtin_badges()
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    with op.batch_alter_table("goal_progress", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_progress_day")
        batch_op.drop_index("ix_goal_progress_ambassador")

    op.drop_table("goal_progress")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_goal_current",
            sqlite_where=sa.text("ends_on IS NULL"),
            postgresql_where=sa.text("ends_on IS NULL"),
        )
        batch_op.drop_index("ix_goal_ambassador")

    op.drop_table("goal")
    with op.batch_alter_table("ambassador_rest", schema=None) as batch_op:
        batch_op.drop_index("ix_ambassador_rest_ambassador")

    op.drop_table("ambassador_rest")
    with op.batch_alter_table("ambassador_focus", schema=None) as batch_op:
        batch_op.drop_index("ix_ambassador_focus_key")

    op.drop_table("ambassador_focus")
    with op.batch_alter_table("recognition", schema=None) as batch_op:
        batch_op.drop_index("ix_recognition_member")
        batch_op.drop_index("ix_recognition_kind")
        batch_op.drop_index("ix_recognition_given_by")
        batch_op.drop_index("ix_recognition_day")

    op.drop_table("recognition")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index("ix_nomination_status")
        batch_op.drop_index("ix_nomination_nominated_by")
        batch_op.drop_index("ix_nomination_member")

    op.drop_table("nomination")
    with op.batch_alter_table("ambassador", schema=None) as batch_op:
        batch_op.drop_index("ix_ambassador_status")

    op.drop_table("ambassador")
    op.drop_table("badge")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")


def _install_builtin_badges() -> None:
    """Insert the shipped starter badges as built-ins."""
    from circlekeeper.models.badge_file import read_badge_file

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [
        {**badge.as_row(), "builtin": True, "created_at": now}
        for badge in read_badge_file(bundled_dir("sample_data") / "badges.toml")
    ]
    if rows:
        op.get_bind().execute(
            sa.text(
                "INSERT INTO badge (name, name_key, description, rule_kind, rule_count, builtin, "
                "created_at) VALUES (:name, :name_key, :description, :rule_kind, :rule_count, "
                ":builtin, :created_at)"
            ),
            rows,
        )

"""kept health figures: one row of counts per circle (see models.health_figures), and the
triggers that delete a circle's row whenever something it was counted from changes

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_VERSION = 14

FORGET = "DELETE FROM health_figures WHERE circle_id IN ({circles});"
SESSION_CIRCLE = "(SELECT circle_id FROM circle_session WHERE id = {row}.session_id)"

TRIGGERS = {
    "tr_health_checkin_insert": (
        "AFTER INSERT ON checkin",
        FORGET.format(circles=f"NEW.circle_id, {SESSION_CIRCLE.format(row='NEW')}"),
    ),
    "tr_health_checkin_update": (
        "AFTER UPDATE OF session_id, circle_id, member_id, attendance, answers ON checkin",
        FORGET.format(
            circles="OLD.circle_id, NEW.circle_id, "
            f"{SESSION_CIRCLE.format(row='OLD')}, {SESSION_CIRCLE.format(row='NEW')}"
        ),
    ),
    "tr_health_checkin_delete": (
        "AFTER DELETE ON checkin",
        FORGET.format(circles=f"OLD.circle_id, {SESSION_CIRCLE.format(row='OLD')}"),
    ),
    "tr_health_session_insert": (
        "AFTER INSERT ON circle_session WHEN NEW.status != 'planned'",
        FORGET.format(circles="NEW.circle_id"),
    ),
    "tr_health_session_update": (
        "AFTER UPDATE OF circle_id, local_date, starts_at, status ON circle_session "
        "WHEN OLD.status != 'planned' OR NEW.status != 'planned'",
        FORGET.format(circles="OLD.circle_id, NEW.circle_id"),
    ),
    "tr_health_session_delete": (
        "AFTER DELETE ON circle_session WHEN OLD.status != 'planned'",
        FORGET.format(circles="OLD.circle_id"),
    ),
    "tr_health_assignment_insert": (
        "AFTER INSERT ON role_assignment WHEN NEW.session_id IS NOT NULL",
        FORGET.format(circles=SESSION_CIRCLE.format(row="NEW")),
    ),
    "tr_health_assignment_update": (
        "AFTER UPDATE OF session_id, member_id ON role_assignment",
        FORGET.format(
            circles=f"{SESSION_CIRCLE.format(row='OLD')}, {SESSION_CIRCLE.format(row='NEW')}"
        ),
    ),
    "tr_health_assignment_delete": (
        "AFTER DELETE ON role_assignment WHEN OLD.session_id IS NOT NULL",
        FORGET.format(circles=SESSION_CIRCLE.format(row="OLD")),
    ),
    "tr_health_membership_insert": (
        "AFTER INSERT ON membership",
        FORGET.format(circles="NEW.circle_id"),
    ),
    "tr_health_membership_update": (
        "AFTER UPDATE OF circle_id, left_on ON membership",
        FORGET.format(circles="OLD.circle_id, NEW.circle_id"),
    ),
    "tr_health_membership_delete": (
        "AFTER DELETE ON membership",
        FORGET.format(circles="OLD.circle_id"),
    ),
}
"""Each trigger's name, when it fires, and what it does: forget the figures of every circle the
changed row belonged to, before and after the change."""


def upgrade() -> None:
    op.create_table(
        "health_figures",
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("last_held", sa.Date(), nullable=True),
        sa.Column("window_figures", sa.Integer(), nullable=False),
        sa.Column("recent_marks", sa.Integer(), nullable=False),
        sa.Column("earlier_marks", sa.Integer(), nullable=False),
        sa.Column("speakers", sa.Integer(), nullable=False),
        sa.Column("assignments", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_health_figures_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("circle_id", name=op.f("pk_health_figures")),
    )
    for name, (when, body) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("health_figures")
    op.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")

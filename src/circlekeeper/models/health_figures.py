"""Kept figures of circle health: the counts `services.health` judges each circle on, stored so
that `health` reads 15,000 rows instead of counting two million check-ins every time.

A row holds for the days from `valid_from` up to (not including) `valid_to`: the dates of the
circle's decided (held, cancelled, did-not-happen) sessions on either side of the day it was
counted for, so a later day reuses it until another session is decided. Triggers of migration
0014 delete a circle's row whenever something it was counted from changes (its check-ins,
decided sessions, role assignments at sessions, current memberships); the next health read
counts that circle again. A migration that rebuilds one of those tables must create its
triggers again (tests/unit/test_health_figures.py checks they are all there).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)


class HealthFigures(SQLModel, table=True):
    """One circle's counted health figures and the days they hold for (see the module)."""

    __tablename__ = "health_figures"

    circle_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="CASCADE"), primary_key=True)
    )
    valid_from: dt.date
    valid_to: dt.date
    size: int
    held: int
    last_held: dt.date | None = None
    window_figures: int
    recent_marks: int
    earlier_marks: int
    speakers: int
    assignments: int

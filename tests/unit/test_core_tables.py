"""The lightweight tables health and the digest build their queries from name real columns, typed
as the real ones are where a type changes what is read (dates, booleans), so they cannot drift from
the schema."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, Date, TableClause
from sqlmodel import SQLModel

from circlekeeper.models import register_tables
from circlekeeper.services import core_tables

LIGHT_TABLES = [value for value in vars(core_tables).values() if isinstance(value, TableClause)]


def test_every_lightweight_table_is_checked() -> None:
    """The module's tables are all found (a renamed constant is not silently skipped)."""
    assert {light.name for light in LIGHT_TABLES} == {
        "circle",
        "circle_session",
        "checkin",
        "membership",
        "role_assignment",
        "member",
        "recognition",
        "ambassador",
        "goal_progress",
        "health_figures",
    }


@pytest.mark.parametrize("light", LIGHT_TABLES, ids=lambda light: light.name)
def test_lightweight_columns_exist_with_the_real_date_types(light: TableClause) -> None:
    """Each declared column is a column of the real table, a Date (or a Boolean) exactly when
    the real one is: those types change what a query reads and how it compares."""
    register_tables()
    real = SQLModel.metadata.tables[light.name]
    for column in light.c:
        assert column.name in real.c, f"{light.name}.{column.name} is not a real column"
        for kind in (Date, Boolean):
            is_kind = isinstance(real.c[column.name].type, kind)
            assert isinstance(column.type, kind) == is_kind, f"{light.name}.{column.name}"

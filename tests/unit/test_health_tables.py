"""The lightweight tables health builds its queries from name real columns, typed as the real
ones are where a type changes what is read (dates), so they cannot drift from the schema."""

from __future__ import annotations

import pytest
from sqlalchemy import Date, TableClause
from sqlmodel import SQLModel

from circlekeeper.models import register_tables
from circlekeeper.services import health_tables

LIGHT_TABLES = [value for value in vars(health_tables).values() if isinstance(value, TableClause)]


def test_every_lightweight_table_is_checked() -> None:
    """The module's six tables are all found (a renamed constant is not silently skipped)."""
    assert {light.name for light in LIGHT_TABLES} == {
        "circle",
        "circle_session",
        "checkin",
        "membership",
        "role_assignment",
        "member",
    }


@pytest.mark.parametrize("light", LIGHT_TABLES, ids=lambda light: light.name)
def test_lightweight_columns_exist_with_the_real_date_types(light: TableClause) -> None:
    """Each declared column is a column of the real table, a Date exactly when the real one is."""
    register_tables()
    real = SQLModel.metadata.tables[light.name]
    for column in light.c:
        assert column.name in real.c, f"{light.name}.{column.name} is not a real column"
        is_date = isinstance(real.c[column.name].type, Date)
        assert isinstance(column.type, Date) == is_date, f"{light.name}.{column.name}"

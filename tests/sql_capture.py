"""What SQL a service runs, and how SQLite plans it: for tests that pin a query to its index or
count the statements a call makes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from circlekeeper.db import Database

TEMP_SORT = "USE TEMP B-TREE FOR ORDER BY"
"""The plan step of a sort the index did not spare."""


@contextmanager
def captured(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (with its parameters) that `db.engine` runs inside the block."""
    statements: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        statements.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)


def plan(db: Database, sql: str, params: Any) -> str:
    """EXPLAIN QUERY PLAN of one statement, one step per line."""
    with db.raw() as conn:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params or ()).fetchall()
    return "\n".join(str(row[3]) for row in rows)


def only(statements: list[tuple[str, Any]], keep: Callable[[str], bool]) -> list[tuple[str, Any]]:
    """The captured statements that `keep` selects (at least one must exist)."""
    chosen = [(sql, params) for sql, params in statements if keep(sql)]
    assert chosen, "the query under test was not captured"
    return chosen


def is_select(sql: str) -> bool:
    """Whether `sql` is a query (SELECT, or WITH … SELECT) rather than a write."""
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def plans_reading(db: Database, table: str, run: Callable[[], object]) -> list[str]:
    """The plan of every query (SELECT, or WITH … SELECT) that `run` makes which names `table`
    (at least one)."""
    with captured(db) as statements:
        run()
    chosen = only(statements, lambda sql: table in sql and is_select(sql))
    return [plan(db, sql, params) for sql, params in chosen]

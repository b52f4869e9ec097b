"""SQLite's own checks of a database file: quick_check, integrity_check, foreign_key_check."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from circlekeeper.db.connection import connect
from circlekeeper.db.identify import identify

Check = Callable[[sqlite3.Connection], list[str]]

MOST_PROBLEMS = 100
"""integrity_check stops after this many problems; enough to judge, short enough to read."""


@dataclass(frozen=True)
class CheckOutcome:
    """One check and the problems it found (none means it passed)."""

    name: str
    problems: tuple[str, ...]


def check_database(
    path: Path, *, starting: Callable[[str, int, int], None] | None = None
) -> list[CheckOutcome]:
    """Run the three checks on the database at `path`, reading only; `starting(name, number,
    total)` is told as each begins (integrity_check of a large file takes many seconds).

    A foreign file or one from a newer schema is refused first (with identify's one-line
    error); a file SQLite cannot read at all gives that error as the problem of each check.
    """
    identify(path)
    try:
        conn = connect(path, mode="ro")
    except sqlite3.DatabaseError as exc:
        return [CheckOutcome(name, (f"cannot be read: {exc}",)) for name in CHECKS]
    outcomes = []
    try:
        for number, (name, check) in enumerate(CHECKS.items(), start=1):
            if starting is not None:
                starting(name, number, len(CHECKS))
            outcomes.append(CheckOutcome(name, _run(check, conn)))
    finally:
        conn.close()
    return outcomes


def _run(check: Check, conn: sqlite3.Connection) -> tuple[str, ...]:
    """One check's problems; SQLite giving up on a damaged file is a problem too."""
    try:
        return tuple(check(conn))
    except sqlite3.DatabaseError as exc:
        return (f"stopped: {exc}",)


def _quick(conn: sqlite3.Connection) -> list[str]:
    """quick_check: the page structure, without comparing indexes to their tables."""
    rows = conn.execute(f"PRAGMA quick_check({MOST_PROBLEMS})").fetchall()
    return [str(row[0]) for row in rows if row[0] != "ok"]


def _integrity(conn: sqlite3.Connection) -> list[str]:
    """integrity_check: everything quick_check does, and every index against its table."""
    rows = conn.execute(f"PRAGMA integrity_check({MOST_PROBLEMS})").fetchall()
    return [str(row[0]) for row in rows if row[0] != "ok"]


def _foreign_keys(conn: sqlite3.Connection) -> list[str]:
    """Each row whose reference points at a row that does not exist, named by its column."""
    problems = []
    columns: dict[tuple[str, int], str] = {}
    for table, rowid, parent, key in conn.execute("PRAGMA foreign_key_check"):
        if (table, key) not in columns:
            quoted = table.replace('"', '""')
            for row in conn.execute(f'PRAGMA foreign_key_list("{quoted}")'):
                columns[(table, row[0])] = row[3]
        column = columns.get((table, key), "a reference")
        problems.append(f"{table} row {rowid}: {column} points to a missing {parent} row")
        if len(problems) >= MOST_PROBLEMS:
            break
    return problems


CHECKS: dict[str, Check] = {
    "quick_check": _quick,
    "integrity_check": _integrity,
    "foreign_key_check": _foreign_keys,
}

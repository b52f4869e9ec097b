"""Floor for the CLI read commands: `import sqlmodel`, then the command's own queries in sqlite3.

Every circlekeeper data command pays the SQLModel import (PERFORMANCE.md: it has no lazy
option); the floor pays it too and then runs the same SQL the service runs, through the stdlib
driver, printing the rows as JSON. The ratio is what the CLI, SQLAlchemy's query building and
pydantic add on top.

    python tests/benchmarks/floor_query.py member-list DB
    python tests/benchmarks/floor_query.py circle-show DB NAME
    python tests/benchmarks/floor_query.py replay DB STATEMENTS.json

`replay` runs the statements `capture_sql.py` recorded from a service (`health`, `goal status`,
the digest) in order, fetching every row, and prints them: the floor of those commands.
"""

import json
import sqlite3
import sys
import unicodedata
from typing import Any
from urllib.parse import quote

import sqlmodel  # noqa: F401  (the import every data command pays)

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA secure_delete = ON",
)
MEMBER_PAGE = (
    "SELECT id, name, email, handle, timezone, status, paused_until,"
    " (SELECT count(*) FROM membership"
    "  WHERE membership.member_id = member.id AND membership.left_on IS NULL)"
    " FROM member ORDER BY name_key, id LIMIT ? OFFSET ?"
)
CIRCLE_STAYS = (
    "SELECT membership.member_id, member.name, member.handle, member.email, member.status,"
    " membership.joined_on, membership.left_on, membership.leave_reason"
    " FROM membership JOIN member ON member.id = membership.member_id"
    " WHERE membership.circle_id = ?"
    " ORDER BY membership.left_on IS NOT NULL, member.name_key, membership.joined_on"
)


def connect(path: str) -> sqlite3.Connection:
    """A read-write connection with circlekeeper's pragmas."""
    conn = sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


def member_list(conn: sqlite3.Connection, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The first page of `member list`: the count, the page with circle counts, their tags."""
    total = conn.execute("SELECT count(*) FROM member").fetchone()[0]
    rows = conn.execute(MEMBER_PAGE, (limit, offset)).fetchall()
    ids = [row[0] for row in rows]
    marks = ", ".join("?" * len(ids))
    tags: dict[int, dict[str, str]] = {}
    for member_id, key, value in conn.execute(
        f"SELECT member_id, key, value FROM member_tag WHERE member_id IN ({marks}) ORDER BY key",
        ids,
    ):
        tags.setdefault(member_id, {})[key] = value
    items = [[*row, tags.get(row[0], {})] for row in rows]
    return {"items": items, "total": total, "offset": offset, "limit": limit}


def circle_show(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """`circle show NAME`: the circle by its name key, its size, and its stays with names."""
    key = unicodedata.normalize("NFC", name.strip().casefold())
    cursor = conn.execute("SELECT * FROM circle WHERE name_key = ?", (key,))
    columns = [description[0] for description in cursor.description]
    circle = dict(zip(columns, cursor.fetchone(), strict=True))
    circle["size"] = conn.execute(
        "SELECT count(*) FROM membership WHERE circle_id = ? AND left_on IS NULL", (circle["id"],)
    ).fetchone()[0]
    circle["stays"] = conn.execute(CIRCLE_STAYS, (circle["id"],)).fetchall()
    return circle


def replay(conn: sqlite3.Connection, statements: list[list[Any]]) -> dict[str, Any]:
    """Run recorded statements in order (their own BEGIN included) and return every row."""
    results = [conn.execute(sql, params).fetchall() for sql, params in statements]
    if conn.in_transaction:
        conn.execute("COMMIT")
    return {"statements": len(results), "rows": results}


def main(argv: list[str]) -> int:
    """Run one command's queries in one read transaction and print the result."""
    command, path, *rest = argv
    conn = connect(path)
    if command == "replay":
        with open(rest[0], encoding="utf-8") as handle:
            recorded = json.load(handle)
        print(json.dumps(replay(conn, recorded), ensure_ascii=False, default=str))
        conn.close()
        return 0
    conn.execute("BEGIN")
    result = member_list(conn) if command == "member-list" else circle_show(conn, rest[0])
    conn.execute("COMMIT")
    conn.close()
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Record the SQL a data command's service runs, so that its floor can replay exactly that SQL.

The floors of `health --json`, `goal status --json` and `export markdown digest` must run "the
same queries through plain sqlite3". Writing them out by hand would drift from the services as
they change; instead this script calls the service the command calls (same arguments, default
settings) once, records every statement and its parameters as the driver received them, and
writes them as JSON for `floor_query.py replay`. It runs in its own process before the timing
starts, so the benchmark runner never imports SQLAlchemy.

    python -m tests.benchmarks.capture_sql health DB OUT.json
    python -m tests.benchmarks.capture_sql goal-status DB OUT.json
    python -m tests.benchmarks.capture_sql digest DB OUT.json 2026-10-01 2026-10-31
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any


def run_service(kind: str, db: Any, rest: list[str]) -> object:
    """Call the service behind the command `kind` as the CLI does (default settings)."""
    if kind == "health":
        from circlekeeper.services.health import circle_health
        from circlekeeper.services.health_settings import health_settings

        return circle_health(db, settings=health_settings())
    if kind == "goal-status":
        from circlekeeper.services.goals import goal_status
        from circlekeeper.services.programme_settings import programme_settings

        return goal_status(db, settings=programme_settings())
    if kind == "digest":
        from circlekeeper.export.reports import build_report

        start, end = (dt.date.fromisoformat(day) for day in rest)
        return build_report(
            db, "digest", circle_ref=None, start=start, end=end, audience="community", texts={}
        )
    raise SystemExit(f"unknown command {kind!r}")


def capture(kind: str, path: Path, rest: list[str]) -> list[tuple[str, list[Any]]]:
    """Every statement (transaction control included) the service sent to the driver."""
    from sqlalchemy import event

    from circlekeeper.db import open_database

    db = open_database(path)
    statements: list[tuple[str, list[Any]]] = []

    def grab(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if many:
            raise SystemExit("a read command ran executemany: not a read")
        statements.append((sql, list(params)))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        run_service(kind, db, rest)
    finally:
        db.close()
    return statements


def main(argv: list[str]) -> int:
    """Capture one command's SQL into a JSON file."""
    kind, path, out, *rest = argv
    statements = capture(kind, Path(path), rest)
    Path(out).write_text(json.dumps(statements, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

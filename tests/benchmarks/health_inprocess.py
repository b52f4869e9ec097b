"""Circle health over every check-in vs the one GROUP BY that computes attendance per circle.

Timed in one process on warm connections, alternating (floor, service, service, floor, …) after
one untimed round of each: the figure is about the query work, and start-up is already covered
by the `health --json` figure. The floor is attendance per circle over the last 90 days, one
GROUP BY over the covering index checkin(circle_id, day, attendance), pinned with INDEXED BY; its
plan is printed with the times so the table can show that it really used the index.

    python -m tests.benchmarks.health_inprocess DB RUNS
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

from circlekeeper import clock
from tests.benchmarks.floor_query import connect

TODAY = dt.date(2026, 11, 21)
ATTENDANCE = (
    "SELECT circle_id, sum(attendance = 'present'), sum(attendance = 'absent')"
    " FROM checkin INDEXED BY ix_checkin_circle_day"
    " WHERE day BETWEEN ? AND ? GROUP BY circle_id"
)
"""The floor, pinned to the covering index the issue names: without INDEXED BY, SQLite (no
ANALYZE statistics) prefers the newer checkin(day, attendance, session_id), which is not covering
and needs a sort, and the floor would get slower for reasons that have nothing to do with health."""


def main(argv: list[str]) -> int:
    """Time both `runs` times and print the milliseconds, the check-in count and the plan."""
    from circlekeeper.db import open_database
    from circlekeeper.services.health import circle_health

    path, runs = Path(argv[0]), int(argv[1])
    clock.freeze(dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC))
    db = open_database(path)
    conn = connect(str(path))
    window = ((TODAY - dt.timedelta(days=89)).isoformat(), TODAY.isoformat())

    def floor() -> int:
        return len(conn.execute(ATTENDANCE, window).fetchall())

    def service() -> int:
        return len(circle_health(db))

    times: dict[str, list[float]] = {"floor_ms": [], "service_ms": []}
    counts = {"floor_ms": floor(), "service_ms": service()}
    if not counts["floor_ms"] or not counts["service_ms"]:
        raise SystemExit(f"nothing computed: {counts}")
    for index in range(runs):
        order = [("floor_ms", floor), ("service_ms", service)]
        for name, run in order if index % 2 == 0 else reversed(order):
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000)
    plan = " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {ATTENDANCE}", window))
    checkins = conn.execute("SELECT count(*) FROM checkin").fetchone()[0]
    print(json.dumps({**times, "checkins": checkins, "floor_plan": plan, "circles": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Circle health over every check-in vs the one GROUP BY that computes attendance per circle.

Health keeps each circle's counted figures (services.health) and counts again only the circles
whose check-ins, sessions or seats changed. The service is timed as a facilitator meets it: the
day before's sessions were recorded since the last read, so the circles that met that day
(about one in seven) are counted again, as their triggers left them; the rest are read as kept.
How long a count of every circle takes (after an upgrade, or the first read ever) is timed too,
and reported beside the figure.

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
MET_THAT_DAY = "SELECT circle_id FROM circle_session WHERE local_date = ? AND status != 'planned'"
"""The circles whose sessions of one day were recorded (held, cancelled or did not happen)."""


def main(argv: list[str]) -> int:
    """Time both `runs` times and print the milliseconds, the check-in count and the plan."""
    from circlekeeper.db import open_database
    from circlekeeper.services.health import circle_health

    path, runs = Path(argv[0]), int(argv[1])
    clock.freeze(dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC))
    db = open_database(path)
    conn = connect(str(path))
    window = ((TODAY - dt.timedelta(days=89)).isoformat(), TODAY.isoformat())
    day_before = (TODAY - dt.timedelta(days=1)).isoformat()

    def floor() -> int:
        return len(conn.execute(ATTENDANCE, window).fetchall())

    def service() -> int:
        return len(circle_health(db))

    def forget(circles: str, *params: str) -> None:
        """What the triggers do when those circles' sessions are recorded (untimed)."""
        conn.execute(f"DELETE FROM health_figures WHERE circle_id IN ({circles})", params)

    times: dict[str, list[float]] = {"floor_ms": [], "service_ms": [], "full_ms": []}
    counts = {"floor_ms": floor(), "service_ms": service()}
    if not counts["floor_ms"] or not counts["service_ms"]:
        raise SystemExit(f"nothing computed: {counts}")
    for index in range(runs):
        order = [("floor_ms", floor), ("service_ms", service)]
        for name, run in order if index % 2 == 0 else reversed(order):
            if name == "service_ms":
                forget(MET_THAT_DAY, day_before)
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000)
    for _ in range(max(3, runs // 2)):
        forget("SELECT circle_id FROM health_figures")
        start = time.perf_counter()
        service()
        times["full_ms"].append((time.perf_counter() - start) * 1000)
    recounted = conn.execute(
        f"SELECT count(DISTINCT circle_id) FROM ({MET_THAT_DAY})", (day_before,)
    )
    plan = " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {ATTENDANCE}", window))
    checkins = conn.execute("SELECT count(*) FROM checkin").fetchone()[0]
    found = {"checkins": checkins, "floor_plan": plan, "circles": counts}
    print(json.dumps({**times, **found, "recounted": recounted.fetchone()[0]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

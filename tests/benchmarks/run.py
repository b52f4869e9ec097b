"""`make bench`: circlekeeper at community scale, as ratios to floors measured in the same run.

Each figure times whole processes (start-up and imports count), alternating with its floor, and
reports the median of each and their ratio against the budget from DESIGN.md / issue 10. The
data set comes from `generate.py` (cached under `.bench-data/`). `grouping` (grouping.py) solves
the shared grouping instances with `groups solve` and needs no data. Exit status 1 when any
budget or target is missed, 2 when a benchmark could not run.

    python -m tests.benchmarks.run [--members N] [--runs N] [--only NAME ...] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.benchmarks import report, startup, tui_bench
from tests.benchmarks.generate import (
    DEFAULT_MEMBERS,
    DEFAULT_ROOT,
    DEFAULT_SEED,
    FROZEN_NOW,
    Dataset,
    Scale,
    ensure_dataset,
    is_cached,
)
from tests.benchmarks.grouping import DEFAULT_SEEDS, run_grouping
from tests.benchmarks.harness import (
    CIRCLEKEEPER,
    PYTHON,
    BenchmarkFailed,
    Command,
    Result,
    child_env,
    from_paired,
    paired,
    run_once,
    table,
)

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Context:
    """What every benchmark needs: the data, a scratch folder, the child environment, run counts."""

    data: Dataset
    work: Path
    env: dict[str, str]
    runs: int
    import_runs: int


def script(name: str) -> str:
    """The path of a benchmark script in this folder."""
    return str(HERE / name)


def _members_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM member").fetchone()[0])
    finally:
        conn.close()


def _fresh_copy(source: Path, target: Path) -> Callable[[], None]:
    """A `prepare` step: replace `target` (and its WAL files) with a copy of `source`."""

    def prepare() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, 0o600)

    return prepare


def bench_import(ctx: Context) -> list[Result]:
    """1. `member import` of the whole roster into a fresh database vs executemany of its rows."""
    subject_db, floor_db = ctx.work / "import-subject.db", ctx.work / "import-floor.db"
    subject = Command(
        [str(CIRCLEKEEPER), "--db", str(subject_db), "member", "import", str(ctx.data.csv)],
        prepare=_fresh_copy(ctx.data.empty_db, subject_db),
    )
    floor = Command(
        [str(PYTHON), script("floor_import.py"), str(floor_db), str(ctx.data.csv)],
        prepare=_fresh_copy(ctx.data.empty_db, floor_db),
    )
    pair = paired(subject, floor, ctx.env, runs=ctx.import_runs, warmup=0)
    for path in (subject_db, floor_db):
        if (count := _members_in(path)) != ctx.data.scale.members:
            raise BenchmarkFailed(f"{path.name} has {count} members after the import")
    figure = f"1. member import ({ctx.data.scale.members:,} rows)"
    return [from_paired(figure, pair, 3.0, "floor: csv + executemany, no validation")]


def _check_json(command: Command, env: dict[str, str], check: Callable[[Any], bool]) -> None:
    _, out = run_once(command, env, capture=True)
    if not check(json.loads(out)):
        raise BenchmarkFailed(f"unexpected output of {' '.join(command.argv)}: {out[:300]}")


def bench_member_list(ctx: Context) -> list[Result]:
    """2. `member list --json --limit 50` vs import sqlmodel + the same queries in sqlite3."""
    db, total = str(ctx.data.db), ctx.data.scale.members
    subject = Command([str(CIRCLEKEEPER), "--db", db, "member", "list", "--json", "--limit", "50"])
    floor = Command([str(PYTHON), script("floor_query.py"), "member-list", db])
    for command in (subject, floor):
        _check_json(command, ctx.env, lambda out: out["total"] == total and len(out["items"]) == 50)
    pair = paired(subject, floor, ctx.env, runs=ctx.runs, warmup=0)
    figure = f"2. member list --json ({total:,} members)"
    return [from_paired(figure, pair, 1.3, "floor: import sqlmodel + the page query in sqlite3")]


def bench_circle_show(ctx: Context) -> list[Result]:
    """3. `circle show NAME` vs import sqlmodel + the same queries in sqlite3."""
    db, name = str(ctx.data.db), ctx.data.circle_name
    subject = Command([str(CIRCLEKEEPER), "--db", db, "circle", "show", name])
    floor = Command([str(PYTHON), script("floor_query.py"), "circle-show", db, name])
    _check_json(
        Command([*subject.argv, "--json"]),
        ctx.env,
        lambda out: len(out["members"]) == ctx.data.circle_size and out["past_members"],
    )
    _check_json(floor, ctx.env, lambda out: out["size"] == ctx.data.circle_size)
    pair = paired(subject, floor, ctx.env, runs=ctx.runs, warmup=0)
    figure = f"3. circle show ({ctx.data.circle_size} members + past)"
    return [from_paired(figure, pair, 1.3, "floor: import sqlmodel + the same queries in sqlite3")]


def bench_help(ctx: Context) -> list[Result]:
    """4. `circlekeeper --help` and bash completion vs a bare Typer app's `--help` (startup.py)."""
    return startup.bench_help(ctx.env, ctx.runs + 2) + startup.bench_completion(ctx.env, ctx.runs)


def bench_tui(ctx: Context) -> list[Result]:
    """5-6. The TUI: first paint, screen switches, `end` to the last member, peak memory
    (tui_bench.py), each against a bare Textual app measured in the same run."""
    return tui_bench.bench_tui(ctx.data.db, ctx.data.scale.members, ctx.env, ctx.runs)


DIGEST_MONTH = ("2026-10-01", "2026-10-31")
"""The month of the digest figure: the last full month before the data set's frozen today."""


def _count(db: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


def _replay_floor(ctx: Context, kind: str, *extra: str) -> Command:
    """The floor of a data command: its service's recorded SQL replayed through sqlite3."""
    recorded = ctx.work / f"{kind}.sql.json"
    capture = [str(PYTHON), "-m", "tests.benchmarks.capture_sql", kind, str(ctx.data.db)]
    subprocess.run([*capture, str(recorded), *extra], check=True, env=ctx.env, cwd=HERE.parents[1])
    floor = Command(
        [str(PYTHON), script("floor_query.py"), "replay", str(ctx.data.db), str(recorded)]
    )
    _check_json(floor, ctx.env, lambda out: out["statements"] > 0 and any(out["rows"]))
    return floor


def bench_health(ctx: Context) -> list[Result]:
    """7. `health --json` vs import sqlmodel + the service's own SQL replayed in sqlite3."""
    db = ctx.data.db
    judged = _count(db, "SELECT count(*) FROM circle WHERE status != 'closed'")
    subject = Command([str(CIRCLEKEEPER), "--db", str(db), "health", "--json"])
    _check_json(
        subject,
        ctx.env,
        lambda out: len(out) == judged and {"fading", "thriving"} <= {c["status"] for c in out},
    )
    pair = paired(subject, _replay_floor(ctx, "health"), ctx.env, runs=ctx.runs, warmup=0)
    figure = f"7. health --json ({judged:,} circles)"
    return [from_paired(figure, pair, 1.3, "floor: import sqlmodel + the service's SQL in sqlite3")]


def bench_goal_status(ctx: Context) -> list[Result]:
    """8. `goal status --json` vs import sqlmodel + the service's own SQL replayed in sqlite3."""
    db = ctx.data.db
    serving = _count(db, "SELECT count(*) FROM ambassador WHERE status != 'alumni'")
    subject = Command([str(CIRCLEKEEPER), "--db", str(db), "goal", "status", "--json"])
    _check_json(
        subject,
        ctx.env,
        lambda out: len(out) >= serving and all("done" in goal and "met" in goal for goal in out),
    )
    pair = paired(subject, _replay_floor(ctx, "goal-status"), ctx.env, runs=ctx.runs, warmup=0)
    figure = f"8. goal status --json ({serving:,} ambassadors)"
    return [from_paired(figure, pair, 1.3, "floor: import sqlmodel + the service's SQL in sqlite3")]


def bench_digest(ctx: Context) -> list[Result]:
    """9. `export markdown digest` for a month vs import sqlmodel + its SQL in sqlite3."""
    db, (start, end) = ctx.data.db, DIGEST_MONTH
    held = _count(
        db,
        "SELECT count(*) FROM circle_session WHERE status = 'held' AND local_date BETWEEN ? AND ?",
        DIGEST_MONTH,
    )
    digest = ["export", "markdown", "digest", "--from", start, "--to", end]
    subject = Command([str(CIRCLEKEEPER), "--db", str(db), *digest])
    _, text = run_once(subject, ctx.env, capture=True)
    if f"{held:,} sessions held" not in text or "## " not in text:
        raise BenchmarkFailed(f"the digest does not say {held} sessions held: {text[:300]}")
    floor = _replay_floor(ctx, "digest", start, end)
    pair = paired(subject, floor, ctx.env, runs=ctx.runs, warmup=0)
    figure = f"9. export markdown digest ({start[:7]}, {held:,} sessions)"
    return [from_paired(figure, pair, 1.3, "floor: import sqlmodel + the service's SQL in sqlite3")]


def bench_health_query(ctx: Context) -> list[Result]:
    """10. The health service in-process vs the covering-index GROUP BY of attendance per circle."""
    module = "tests.benchmarks.health_inprocess"
    command = Command([str(PYTHON), "-m", module, str(ctx.data.db), str(ctx.runs)])
    _, out = run_once(command, ctx.env, capture=True)
    found = json.loads(out)
    checkins = found["checkins"]
    floor = statistics.median(found["floor_ms"])
    full = statistics.median(found["full_ms"])
    return [
        Result(
            figure=f"10. health service over {checkins:,} check-ins",
            median=statistics.median(found["service_ms"]),
            floor=floor,
            budget=2.0,
            runs=len(found["service_ms"]),
            note=f"in-process, warm connection; the {found['recounted']:,} circles that met the "
            f"day before counted again, the rest kept; every circle counted: {full:,.0f} ms "
            f"({full / floor:.2f}x); floor: attendance per circle, one GROUP BY on the covering "
            f"index ({found['floor_plan']})",
        )
    ]


def bench_formation(ctx: Context) -> list[Result]:
    """11. `circle form --dry-run --json`: one round for every active member, circles of 5-6."""
    db = str(ctx.data.db)
    form = ["circle", "form", "--prefix", "Round", "--size", "5", "--min", "5", "--max", "6"]
    limit = ["--time-limit", str(FORM_LIMIT_S)]
    subject = Command([str(CIRCLEKEEPER), "--db", db, *form, "--dry-run", "--json", *limit])
    pool = _count(ctx.data.db, "SELECT count(*) FROM member WHERE status = 'active'")
    samples = []
    repeats = []
    for _ in range(max(3, ctx.runs // 2)):
        sample, out = run_once(subject, ctx.env, capture=True)
        preview = json.loads(out)
        sizes = [len(circle["members"]) for circle in preview["circles"]]
        placed = sum(sizes)
        if preview["pool_size"] != pool or placed != pool or not 5 <= min(sizes) <= max(sizes) <= 6:
            raise BenchmarkFailed(f"formation placed {placed} of {pool} in sizes {set(sizes)}")
        samples.append(sample)
        repeats.append(preview["repeated_pairs"])
    return [
        Result(
            figure=f"11. circle form, one round ({pool:,} members, 5-6)",
            median=statistics.median(s.seconds for s in samples) * 1000,
            budget=FORM_BUDGET_S * 1000,
            runs=len(samples),
            peak_mib=statistics.median(s.peak_mib for s in samples),
            note=f"whole process, --time-limit {FORM_LIMIT_S:g}; repeated pairs "
            f"{min(repeats)}-{max(repeats)} (pairs who already shared a circle)",
        )
    ]


FORM_LIMIT_S = 10.0
"""The solver's own time limit for one round of 100,000 members."""
FORM_BUDGET_S = 30.0
"""Budget of the whole `circle form` process: start-up, history, solving, JSON out."""


GROUPING = "grouping"
"""`groups solve` on the shared grouping instances (grouping.py): needs no community data."""

BENCHMARKS: dict[str, Callable[[Context], list[Result]]] = {
    "import": bench_import,
    "member-list": bench_member_list,
    "circle-show": bench_circle_show,
    "help": bench_help,
    "tui": bench_tui,
    "health": bench_health,
    "goal-status": bench_goal_status,
    "digest": bench_digest,
    "health-query": bench_health_query,
    "formation": bench_formation,
}


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the data, run the chosen benchmarks, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="data cache folder")
    parser.add_argument("--runs", type=int, default=7, help="runs of each process (default 7)")
    parser.add_argument("--import-runs", type=int, default=3, help="runs of the slow import")
    parser.add_argument("--quick", action="store_true", help="3 runs, 1 import run, 3 seeds")
    parser.add_argument("--only", nargs="+", choices=[*sorted(BENCHMARKS), GROUPING], default=None)
    args = parser.parse_args(argv)
    if not CIRCLEKEEPER.exists():
        print(f"no {CIRCLEKEEPER}: run this with the project's venv python", file=sys.stderr)
        return 2
    chosen = args.only or [*BENCHMARKS, GROUPING]
    status = 0
    results: list[Result] = []
    data = ""
    if any(name in BENCHMARKS for name in chosen):
        status, results, data = community(args, [name for name in chosen if name in BENCHMARKS])
        print(flush=True)
    grouping: list[str] = []
    if GROUPING in chosen and status != 2:
        seeds = 3 if args.quick else DEFAULT_SEEDS
        status = max(status, run_grouping(seeds=seeds, tables=grouping))
    if args.only is None and status != 2:
        command = " ".join(["make bench", *(argv or sys.argv[1:])]).strip()
        text = report.render(results, data=data, command=command, grouping="\n".join(grouping))
        print(f"wrote {report.write(text).name}")
    return status


def community(args: argparse.Namespace, names: list[str]) -> tuple[int, list[Result], str]:
    """The benchmarks on the generated community data: the status (0 within budget, 1 missed,
    2 failed), the figures, and a line saying what data they ran on."""
    started = time.perf_counter()
    scale = Scale.for_members(args.members, args.seed)
    described = (
        f"{scale.members:,} members, {scale.circles:,} circles, {scale.memberships:,} memberships, "
        f"{scale.checkins:,} check-ins, {scale.ambassadors:,} ambassadors, "
        f"{scale.recognitions:,} recognitions (seed {scale.seed})"
    )
    print(f"data: {described}", flush=True)
    if not is_cached(scale, args.root):
        # In its own process: a child's peak memory (from wait4) counts its parent's at fork, so
        # the runner must stay small rather than hold the 100,000-row import it just made.
        generate = [str(PYTHON), "-m", "tests.benchmarks.generate", "--members", str(scale.members)]
        generate += ["--seed", str(scale.seed), "--root", str(args.root)]
        subprocess.run(generate, check=True, stdout=subprocess.DEVNULL)
    data = ensure_dataset(scale, args.root)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=args.root))
    ctx = Context(
        data=data,
        work=work,
        env={**child_env(work), "CIRCLEKEEPER_NOW": FROZEN_NOW.isoformat()},
        runs=3 if args.quick else args.runs,
        import_runs=1 if args.quick else args.import_runs,
    )
    results: list[Result] = []
    try:
        for name in names:
            print(f"running {name}…", flush=True)
            results.extend(BENCHMARKS[name](ctx))
    except BenchmarkFailed as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2, results, described
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(results))
    missed = [result.figure for result in results if not result.passed]
    elapsed = time.perf_counter() - started
    print(f"\n{len(results) - len(missed)} of {len(results)} within budget in {elapsed:.0f} s")
    return (1 if missed else 0), results, described


if __name__ == "__main__":
    sys.exit(main())

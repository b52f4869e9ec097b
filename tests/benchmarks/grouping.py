"""`make bench`, grouping: `circlekeeper groups solve` on the shared grouping benchmark's instances.

Every instance in `<grouping folder>/instances/*.json` is solved by the real CLI in its own
process once per seed (`--seed S --time-limit T --quality`), timed wall clock to its exit (Python
start-up included), with its peak memory from `os.wait4`. Each schedule is scored by the shared,
independent `score.py`, never by the solver's own figures. A floor process (`python -c "import
circlekeeper.algorithms.grouping"`) alternates with the runs, so each instance also gets the ratio
of its median time to the median floor, as the other benchmarks report.

The table shows, per instance: median repeat_pairs (min-max over seeds), median
max_pair_meetings, the worst hard-rule violations over seeds (size, keep-apart, keep-together:
must be 0), the worst balance_violations, median seconds, the ratio to the floor, the worst peak
memory, the method, the browser tool's figures (Good-Enough Golfers), the target and PASS/MISS.
Instances without a target (ones added later) pass when every schedule is valid and breaks no
hard rule. T is the target's time minus 0.5 s for start-up (1 s for the sub-second targets, 10 s
without a time target) unless --time-limit says otherwise.

    python -m tests.benchmarks.grouping [--seeds N] [--only NAME ...] [--time-limit S]

The grouping folder is CIRCLEKEEPER_GROUPING_DIR, else ../shared/bench/grouping next to the repo.
Exit status: 0 every target met, 1 a target missed, 2 an instance could not be run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import (
    CIRCLEKEEPER,
    PYTHON,
    BenchmarkFailed,
    Command,
    child_env,
    run_once,
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SEEDS = 5
DEFAULT_TIME_LIMIT = 10.0
STARTUP_ALLOWANCE = 0.5
"""Seconds of a time target left for the process to start and print, not given to the search."""
FLOOR = Command([str(PYTHON), "-c", "import circlekeeper.algorithms.grouping"])


@dataclass(frozen=True)
class Target:
    """What an instance should reach, and what the browser tool managed (repeats, seconds)."""

    browser: str
    text: str
    repeats: int | None = None
    max_meetings: int | None = None
    seconds: float | None = None
    strictly_under: bool = True
    """True for "< S seconds", False for "<= S seconds"."""
    peak_mb: float | None = None
    balanced: bool = False
    """Whether every balance rule must hold too (balance_violations 0 in every run)."""

    def time_limit(self) -> float:
        """The solver's --time-limit: the target's time less start-up (sub-second: all of it)."""
        if self.seconds is None:
            return DEFAULT_TIME_LIMIT
        if self.seconds <= 1:
            return self.seconds
        return self.seconds - STARTUP_ALLOWANCE


def _fast_zero(browser: str) -> Target:
    """The target shared by the instances a design or a short search solves: 0 in < 1 s."""
    return Target(browser, "0 in < 1 s", repeats=0, seconds=1.0)


TARGETS = {
    "kirkman_15x3_r7": _fast_zero("8, 2.3 s"),
    "sgp_20x4_r5": _fast_zero("3, 0.3 s"),
    "sgp_32x4_r8": _fast_zero("7, 4.2 s"),
    "sgp_40x5_r8": _fast_zero("28, 9.3 s"),
    "sgp_32x4_r10": Target(
        "33, 13 s", "≤ 20 in ≤ 10 s", repeats=20, seconds=10.0, strictly_under=False
    ),
    "sgp_24x6_r5": Target(
        "81, 23 s",
        "≤ 80, max meetings ≤ 2, ≤ 5 s",
        repeats=80,
        max_meetings=2,
        seconds=5.0,
        strictly_under=False,
    ),
    "sgp_50x5_r6": _fast_zero("0, 7-132 s"),
    "sga_52x5_r6": _fast_zero("0, 7-132 s"),
    "sgp_100x5_r10": _fast_zero("0, 7-132 s"),
    "scale_1000x6_r10": Target(
        "out of memory", "0 in < 5 s, < 500 MB", repeats=0, seconds=5.0, peak_mb=500.0
    ),
    "constrained_30x5_r6": Target(
        "32, balance off by 2, 28 s",
        "all rules met, ≤ 25 in ≤ 10 s",
        repeats=25,
        seconds=10.0,
        strictly_under=False,
        balanced=True,
    ),
    "constrained_30x5_r6_together": Target("not runnable there", "all rules met", balanced=True),
}
UNSEEN = Target("—", "valid, hard rules met")


@dataclass(frozen=True)
class Run:
    """One solve of one instance: wall seconds, peak memory, the scorer's figures, the method."""

    seed: int
    seconds: float
    peak_mb: float
    figures: dict[str, Any]
    method: str
    note: str = ""


@dataclass
class Outcome:
    """All runs of one instance, its floor samples, and (when it could not run) why."""

    name: str
    target: Target
    time_limit: float
    runs: list[Run] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)
    error: str | None = None

    def median(self, key: str) -> float:
        """The median over seeds of one of the scorer's figures."""
        return statistics.median(run.figures[key] for run in self.runs)

    def worst(self, key: str) -> int:
        """The largest value over seeds of one of the scorer's figures."""
        return max(int(run.figures[key]) for run in self.runs)

    @property
    def seconds(self) -> float:
        """Median wall seconds of the solving process."""
        return statistics.median(run.seconds for run in self.runs)

    @property
    def floor(self) -> float:
        """Median wall seconds of the floor process."""
        return statistics.median(self.floors)

    @property
    def peak_mb(self) -> float:
        """The largest peak resident memory over the runs, in MB (10^6 bytes)."""
        return max(run.peak_mb for run in self.runs)

    @property
    def hard(self) -> tuple[int, int, int]:
        """Worst size (and group count), keep-apart and keep-together violations over seeds."""
        size = max(
            int(r.figures["size_violations"]) + int(r.figures["group_count_violations"])
            for r in self.runs
        )
        return size, self.worst("keep_apart_violations"), self.worst("keep_together_violations")

    def misses(self) -> list[str]:
        """Every way this instance falls short of its target, in words; empty when it passes."""
        if self.error is not None:
            return [self.error]
        target, out = self.target, []
        invalid = [run.seed for run in self.runs if not run.figures["valid"]]
        if invalid:
            out.append(f"invalid schedule for seed(s) {invalid}")
        if any(self.hard):
            out.append(
                "hard rule broken (size/keep-apart/keep-together: {}/{}/{})".format(*self.hard)
            )
        if target.balanced and self.worst("balance_violations"):
            out.append(f"balance off by {self.worst('balance_violations')}")
        if target.repeats is not None and self.median("repeat_pairs") > target.repeats:
            out.append(f"median repeats {self.median('repeat_pairs'):g} > {target.repeats}")
        meetings = self.median("max_pair_meetings")
        if target.max_meetings is not None and meetings > target.max_meetings:
            out.append(f"median max meetings {meetings:g} > {target.max_meetings}")
        if target.seconds is not None:
            limit = target.seconds
            late = self.seconds >= limit if target.strictly_under else self.seconds > limit
            if late:
                out.append(f"median {self.seconds:.2f} s over the {target.seconds:g} s target")
        if target.peak_mb is not None and self.peak_mb >= target.peak_mb:
            out.append(f"peak {self.peak_mb:.0f} MB ≥ {target.peak_mb:g} MB")
        return out

    @property
    def status(self) -> str:
        """ERROR (could not run), PASS or MISS."""
        if self.error is not None:
            return "ERROR"
        return "MISS" if self.misses() else "PASS"


def grouping_dir() -> Path:
    """The shared grouping benchmark folder (CIRCLEKEEPER_GROUPING_DIR overrides it)."""
    named = os.environ.get("CIRCLEKEEPER_GROUPING_DIR")
    return Path(named) if named else REPO.parent / "shared" / "bench" / "grouping"


def load_scorer(folder: Path) -> Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]:
    """`score(schedule, instance)` from the folder's score.py, imported by path."""
    spec = importlib.util.spec_from_file_location("grouping_score", folder / "score.py")
    if spec is None or spec.loader is None:
        raise BenchmarkFailed(f"cannot load {folder / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scorer: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] = module.score
    return scorer


def solve_once(
    path: Path,
    instance: dict[str, Any],
    seed: int,
    time_limit: float,
    env: dict[str, str],
    scorer: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
) -> Run:
    """Run the CLI on one instance with one seed, and score what it printed."""
    argv = [str(CIRCLEKEEPER), "groups", "solve", str(path), "--seed", str(seed)]
    argv += ["--time-limit", f"{time_limit:g}", "--quality"]
    sample, out = run_once(Command(argv), env, capture=True)
    try:
        document = json.loads(out)
        schedule = {"rounds": document["rounds"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise BenchmarkFailed(
            f"seed {seed}: stdout is not a schedule ({exc}): {out[:200]}"
        ) from exc
    figures = scorer(schedule, instance)
    claimed = document.get("quality", {}).get("repeat_pairs")
    note = ""
    if claimed != figures["repeat_pairs"]:
        note = f"seed {seed}: solver says {claimed} repeats, scorer {figures['repeat_pairs']}"
    return Run(
        seed=seed,
        seconds=sample.seconds,
        peak_mb=sample.peak_mib * 1024 * 1024 / 1e6,
        figures=figures,
        method=str(document.get("method", "?")),
        note=note,
    )


def bench_instance(
    path: Path,
    seeds: Sequence[int],
    env: dict[str, str],
    scorer: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
    time_limit: float | None = None,
) -> Outcome:
    """All seeds of one instance, alternating with the floor (floor, run, run, floor, …)."""
    target = TARGETS.get(path.stem, UNSEEN)
    outcome = Outcome(path.stem, target, time_limit or target.time_limit())
    try:
        instance = json.loads(path.read_text(encoding="utf-8"))
        for index, seed in enumerate(seeds):
            floor_first = index % 2 == 0
            if floor_first:
                outcome.floors.append(run_once(FLOOR, env)[0].seconds)
            outcome.runs.append(solve_once(path, instance, seed, outcome.time_limit, env, scorer))
            if not floor_first:
                outcome.floors.append(run_once(FLOOR, env)[0].seconds)
    except (BenchmarkFailed, OSError, ValueError) as exc:
        outcome.error = describe(exc)
    return outcome


def describe(exc: Exception) -> str:
    """A failed run in one line: the exit code and the last line the process wrote on stderr."""
    lines = [line for line in str(exc).splitlines() if line.strip()] or [repr(exc)]
    first, last = lines[0], lines[-1]
    if len(lines) > 1 and " exited with " in first:
        return f"exited with {first.rsplit(' exited with ', 1)[1].rstrip(':')}: {last[:300]}"
    return first[:300]


HEADERS = (
    "instance",
    "repeats",
    "max meet",
    "hard s/a/t",
    "balance",
    "median",
    "ratio",
    "peak MB",
    "method",
    "browser tool",
    "target",
    "result",
)
RIGHT = {1, 2, 4, 5, 6, 7}


def _row(outcome: Outcome) -> tuple[str, ...]:
    """One line of the table as text cells."""
    if outcome.error is not None or not outcome.runs:
        blank = ("—",) * 8
        return (outcome.name, *blank, outcome.target.browser, outcome.target.text, outcome.status)
    repeats = [int(run.figures["repeat_pairs"]) for run in outcome.runs]
    spread = f" ({min(repeats)}-{max(repeats)})" if min(repeats) != max(repeats) else ""
    methods = sorted({run.method for run in outcome.runs})
    return (
        outcome.name,
        f"{outcome.median('repeat_pairs'):g}{spread}",
        f"{outcome.median('max_pair_meetings'):g}",
        "{}/{}/{}".format(*outcome.hard),
        str(outcome.worst("balance_violations")),
        f"{outcome.seconds:.2f} s",
        f"{outcome.seconds / outcome.floor:.1f}x",
        f"{outcome.peak_mb:.0f}",
        ", ".join(methods),
        outcome.target.browser,
        outcome.target.text,
        outcome.status,
    )


def table(outcomes: Sequence[Outcome], seeds: int) -> str:
    """The outcomes as a plain-text table, one line per instance, misses and notes underneath."""
    rows = [HEADERS, *(_row(outcome) for outcome in outcomes)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADERS))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if column in RIGHT else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    floors = [f for outcome in outcomes for f in outcome.floors]
    lines.append("")
    lines.append(
        f"{seeds} seed(s) each; repeats and max meet are medians (min-max), hard rules, balance "
        "and peak the worst run; time is the whole process, start-up included"
    )
    if floors:
        lines.append(
            f"ratio: median time / median floor (python -c 'import circlekeeper.algorithms."
            f"grouping', {statistics.median(floors) * 1000:.0f} ms over the run)"
        )
    for outcome in outcomes:
        limit = f"--time-limit {outcome.time_limit:g}"
        for miss in outcome.misses():
            lines.append(f"  {outcome.name} ({limit}): {miss}")
        lines.extend(f"  {outcome.name}: {run.note}" for run in outcome.runs if run.note)
    return "\n".join(lines)


def run_grouping(
    *,
    seeds: int = DEFAULT_SEEDS,
    only: Sequence[str] | None = None,
    time_limit: float | None = None,
    tables: list[str] | None = None,
) -> int:
    """Solve and score every chosen instance, print the table (also appended to `tables`, for
    BENCHMARKS.md); the exit status (0, 1 or 2)."""
    folder = grouping_dir()
    paths = sorted((folder / "instances").glob("*.json"))
    if not paths or not (folder / "score.py").is_file():
        print(f"no grouping instances or score.py in {folder}", file=sys.stderr)
        return 2
    if only:
        unknown = sorted(set(only) - {path.stem for path in paths})
        if unknown:
            names = ", ".join(path.stem for path in paths)
            print(f"unknown instance(s) {unknown}; there are: {names}", file=sys.stderr)
            return 2
        paths = [path for path in paths if path.stem in only]
    if not CIRCLEKEEPER.exists():
        print(f"no {CIRCLEKEEPER}: run this with the project's venv python", file=sys.stderr)
        return 2
    scorer = load_scorer(folder)
    work = Path(tempfile.mkdtemp(prefix="grouping-"))
    outcomes = []
    try:
        for path in paths:
            print(f"grouping: {path.stem}…", flush=True)
            outcome = bench_instance(path, range(seeds), child_env(work), scorer, time_limit)
            outcomes.append(outcome)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    printed = table(outcomes, seeds)
    print(printed)
    if tables is not None:
        tables.append(printed)
    failed = sum(1 for outcome in outcomes if outcome.status == "ERROR")
    missed = sum(1 for outcome in outcomes if outcome.status == "MISS")
    print(f"\n{len(outcomes) - failed - missed} of {len(outcomes)} grouping instances on target")
    return 2 if failed else 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    """The grouping benchmark on its own, e.g. one seed of one instance while working on it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="instance names (file stems)")
    parser.add_argument("--time-limit", type=float, help="solver seconds for every instance")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.time_limit is not None and not args.time_limit > 0:
        parser.error("--time-limit must be more than 0")
    started = time.perf_counter()
    status = run_grouping(seeds=args.seeds, only=args.only, time_limit=args.time_limit)
    print(f"grouping benchmark took {time.perf_counter() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())

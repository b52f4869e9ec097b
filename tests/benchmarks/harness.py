"""Timing whole processes against a floor measured in the same run, and the table of results.

A figure is the median wall time of several runs of one whole process (start-up and imports
included), taken alternately with its floor so that a noisy moment of the machine hits both.
The peak memory of each process comes from `os.wait4`'s resource usage (Linux counts the
parent's resident size at fork in it, so the runner keeps itself small: ≈ 20 MiB).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT_S = 300.0
PYTHON = Path(sys.executable)
CIRCLEKEEPER = PYTHON.with_name("circlekeeper")


def child_env(work: Path) -> dict[str, str]:
    """The environment of every measured process: private folders, nothing that changes timing."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CIRCLEKEEPER_", "TEXTUAL", "PYTHON"))
    }
    env["CIRCLEKEEPER_DATA_DIR"] = str(work / "data")
    env["CIRCLEKEEPER_CONFIG_DIR"] = str(work / "config")
    env["COLUMNS"] = "100"
    return env


class BenchmarkFailed(RuntimeError):
    """A measured process failed, timed out, or produced something other than expected."""


@dataclass(frozen=True)
class Sample:
    """One run of one process: wall seconds and peak resident memory in MiB."""

    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Command:
    """A process to time; `prepare` runs untimed before each run (e.g. copy a fresh database)."""

    argv: Sequence[str]
    prepare: Callable[[], None] | None = None


def run_once(command: Command, env: dict[str, str], *, capture: bool = False) -> tuple[Sample, str]:
    """Run `command` once; return its sample and (when `capture`) its stdout."""
    if command.prepare is not None:
        command.prepare()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command.argv),
            stdin=subprocess.DEVNULL,
            stdout=out if capture else subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
        watchdog = threading.Timer(TIMEOUT_S, process.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise BenchmarkFailed(
                f"{' '.join(command.argv)} exited with {process.returncode}:\n{tail}"
            )
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace") if capture else ""
    return Sample(seconds=elapsed, peak_mib=usage.ru_maxrss / 1024), stdout


@dataclass
class Paired:
    """Samples of a subject and its floor, taken alternately."""

    subject: list[Sample] = field(default_factory=list)
    floor: list[Sample] = field(default_factory=list)


def paired(
    subject: Command, floor: Command, env: dict[str, str], *, runs: int, warmup: int = 1
) -> Paired:
    """Run floor and subject alternately (ABBA order) `runs` times each, after `warmup` rounds."""
    for _ in range(warmup):
        run_once(floor, env)
        run_once(subject, env)
    result = Paired()
    for index in range(runs):
        order = ((floor, result.floor), (subject, result.subject))
        for command, samples in order if index % 2 == 0 else reversed(order):
            samples.append(run_once(command, env)[0])
    return result


def median_seconds(samples: Sequence[Sample]) -> float:
    """The median wall time."""
    return statistics.median(sample.seconds for sample in samples)


def median_mib(samples: Sequence[Sample]) -> float:
    """The median peak memory."""
    return statistics.median(sample.peak_mib for sample in samples)


@dataclass(frozen=True)
class Result:
    """One line of the table: a figure (in `unit`, milliseconds unless told), its floor in the
    same unit, and whether it is within budget."""

    figure: str
    median: float
    budget: float
    floor: float | None = None
    runs: int = 0
    peak_mib: float | None = None
    floor_peak_mib: float | None = None
    note: str = ""
    unit: str = "ms"

    @property
    def ratio(self) -> float | None:
        """Subject over floor, or None for a figure with an absolute budget."""
        return None if self.floor is None else self.median / self.floor

    @property
    def passed(self) -> bool:
        """Within budget: ratio ≤ budget, or (no floor) milliseconds below budget."""
        if self.ratio is not None:
            return self.ratio <= self.budget
        return self.median < self.budget

    @property
    def budget_text(self) -> str:
        """The budget as the table shows it."""
        return f"≤ {self.budget:g}x" if self.floor is not None else f"< {self.budget:g} {self.unit}"


def from_paired(figure: str, pair: Paired, budget: float, note: str = "") -> Result:
    """A table line from paired samples."""
    return Result(
        figure=figure,
        median=median_seconds(pair.subject) * 1000,
        floor=median_seconds(pair.floor) * 1000,
        budget=budget,
        runs=len(pair.subject),
        peak_mib=median_mib(pair.subject),
        floor_peak_mib=median_mib(pair.floor),
        note=note,
    )


HEADERS = ("figure", "median", "floor", "ratio", "budget", "result", "runs", "peak MiB")


def row_cells(result: Result) -> tuple[str, ...]:
    """One result as the table's cells, in HEADERS order (plain text, shared by BENCHMARKS.md)."""
    peak = "" if result.peak_mib is None else f"{result.peak_mib:.0f}"
    if result.floor_peak_mib is not None:
        peak += f" / {result.floor_peak_mib:.0f}"
    return (
        result.figure,
        f"{result.median:,.0f} {result.unit}",
        "—" if result.floor is None else f"{result.floor:,.0f} {result.unit}",
        "—" if result.ratio is None else f"{result.ratio:.2f}x",
        result.budget_text,
        "PASS" if result.passed else "MISS",
        str(result.runs),
        peak,
    )


def table(results: Sequence[Result]) -> str:
    """The results as a plain-text table, one line per figure, notes underneath."""
    rows = [HEADERS, *(row_cells(result) for result in results)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADERS))]
    right = {1, 2, 3, 6, 7}
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if column in right else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    notes = [f"  {result.figure}: {result.note}" for result in results if result.note]
    return "\n".join([*lines, "", *notes] if notes else lines)


def run_and_report(measure: Callable[[], Sequence[Result]]) -> int:
    """Run `measure` on its own and print its table: exit 0 within budget, 1 a budget missed,
    2 a benchmark could not run."""
    try:
        results = measure()
    except BenchmarkFailed as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    print(table(results))
    return 0 if all(result.passed for result in results) else 1

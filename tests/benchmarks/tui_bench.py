"""The TUI's figures at community scale (issue 10), each beside a bare Textual app run alongside.

- First paint: `tui_first_paint.py` (the real entry point, headless) until the dashboard shows
  real figures, against `floor_textual.py` (a bare app that paints one Static and exits);
  budget 1.5x. The time until the whole dashboard (alerts included) is on show is given as a note.
- Frame time: the bare app's key-to-repaint of a screen switch (`floor_textual.py --switch`:
  a key press to the refresh after a new screen with one Static has mounted), median of every
  switch in every floor run.
- Switches: `tui_switch.py` times `m`, `c`, `h` and `a` from the key to the screen's data
  painted (after the whole dashboard has loaded and the app has pre-built those screens in the
  background, so a switch paints data already read; see its docstring); budget 2x the frame
  time.
- `end` to the last of the members: `tui_jump_end.py`, timed in the process to the refresh
  after the last row is highlighted; budget one frame of the bare app (1x its frame time).
- Peak memory: of the switch process (dashboard, Members, Circles, Health and Ambassadors all
  loaded at full scale) against the bare switching app's, in MiB; budget 2x. Its note gives the
  peak of the bare app that also imports SQLModel and our models (`floor_textual.py --stack`).

    python -m tests.benchmarks.tui_bench DB [--runs N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import (
    PYTHON,
    BenchmarkFailed,
    Command,
    Result,
    Sample,
    child_env,
    from_paired,
    median_mib,
    paired,
    run_and_report,
    run_once,
)

HERE = Path(__file__).resolve().parent
FIRST_PAINT_BUDGET = 1.5
SWITCH_BUDGET = 2.0
JUMP_BUDGET = 1.0
MEMORY_BUDGET = 2.0
SCREENS = ("members", "circles", "health", "ambassadors")


def _script(name: str, *args: str) -> Command:
    return Command([str(PYTHON), str(HERE / name), *args])


def _json_run(command: Command, env: dict[str, str]) -> tuple[Sample, Any]:
    """Run `command` once and parse what it printed."""
    sample, out = run_once(command, env, capture=True)
    try:
        return sample, json.loads(out)
    except json.JSONDecodeError as exc:
        raise BenchmarkFailed(f"{' '.join(command.argv)} printed {out[:300]!r}") from exc


def expected_counts(data_db: Path) -> dict[str, int]:
    """What the dashboard must show: active members and circles, read here with sqlite3."""
    conn = sqlite3.connect(f"file:{data_db}?mode=ro", uri=True)
    try:
        members = conn.execute("SELECT count(*) FROM member WHERE status = 'active'").fetchone()
        circles = conn.execute("SELECT count(*) FROM circle WHERE status = 'active'").fetchone()
        total = conn.execute("SELECT count(*) FROM member").fetchone()
    finally:
        conn.close()
    return {"active_members": members[0], "active_circles": circles[0], "members": total[0]}


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise BenchmarkFailed(what)


def bench_first_paint(data_db: Path, members: int, env: dict[str, str], runs: int) -> list[Result]:
    """The dashboard's first real figures on screen vs a bare Textual app's first paint."""
    want = expected_counts(data_db)
    subject = _script("tui_first_paint.py", str(data_db))
    complete = _script("tui_first_paint.py", str(data_db), "--complete")
    for command, is_complete in ((subject, False), (complete, True)):
        _, out = _json_run(command, env)
        shown = {key: out.get(key) for key in ("active_members", "active_circles")}
        _check(
            shown == {key: want[key] for key in shown} and out.get("complete") is is_complete,
            f"the dashboard showed {out}, expected {want}",
        )
    whole, _ = _json_run(complete, env)
    pair = paired(subject, _script("floor_textual.py"), env, runs=runs, warmup=1)
    note = (
        f"issue 10: ≤ 1.5x a bare app; SQLModel not imported yet; whole dashboard "
        f"(alerts, week, attendance) on show after {whole.seconds:.1f} s"
    )
    return [from_paired(f"TUI first paint: dashboard ({members:,} members)", pair, 1.5, note)]


@dataclass(frozen=True)
class SwitchRuns:
    """The in-process times of the switch script and of the bare app, and both processes."""

    screens: dict[str, list[float]]
    frames: list[float]
    subject: list[Sample]
    floor: list[Sample]
    prebuild_ms: list[float]
    cold: dict[str, float]
    """One run without pre-building: each screen's first visit, built on the key press."""
    stack: Sample
    """One run of the bare switching app that first imports SQLModel and our models."""

    @property
    def frame_ms(self) -> float:
        """The bare app's frame time: its median key-to-repaint of a screen switch."""
        return statistics.median(self.frames)


def measure_switches(data_db: Path, members: int, env: dict[str, str], runs: int) -> SwitchRuns:
    """Run the switch script and the bare switching app alternately, `runs` times each."""
    want = expected_counts(data_db)
    subject = _script("tui_switch.py", str(data_db))
    floor = _script("floor_textual.py", "--switch")
    screens: dict[str, list[float]] = {name: [] for name in SCREENS}
    frames: list[float] = []
    subject_samples: list[Sample] = []
    floor_samples: list[Sample] = []
    prebuild_ms: list[float] = []
    for index in range(runs):

        def run_floor() -> None:
            sample, out = _json_run(floor, env)
            frames.extend(out["ms"])
            floor_samples.append(sample)

        def run_subject() -> None:
            sample, out = _json_run(subject, env)
            _check(out["rows"]["members"] == want["members"], f"Members showed {out['rows']}")
            for name in SCREENS:
                screens[name].append(out["ms"][name])
            prebuild_ms.append(out["prebuild_ms"])
            subject_samples.append(sample)

        order: list[Callable[[], None]] = [run_floor, run_subject]
        for step in order if index % 2 == 0 else reversed(order):
            step()
    _, cold = _json_run(_script("tui_switch.py", str(data_db), "--cold"), env)
    stack, _ = _json_run(_script("floor_textual.py", "--switch", "--stack"), env)
    return SwitchRuns(
        screens, frames, subject_samples, floor_samples, prebuild_ms, cold["ms"], stack
    )


def switch_results(found: SwitchRuns) -> list[Result]:
    """One line per screen switch, and the peak memory line."""
    frame = found.frame_ms
    results = [
        Result(
            figure=f"TUI switch to {name.capitalize()} (key → data painted)",
            median=statistics.median(times),
            floor=frame,
            budget=SWITCH_BUDGET,
            runs=len(times),
            note=f"floor: bare app's frame time; worst {max(times):,.0f} ms; pre-built in the "
            f"background ({statistics.median(found.prebuild_ms) / 1000:.1f} s for all four after "
            f"the dashboard); first visit without pre-building {found.cold[name]:,.0f} ms",
        )
        for name, times in found.screens.items()
    ]
    results.append(memory_result(found))
    return results


def memory_result(found: SwitchRuns) -> Result:
    """Peak memory (MiB) of the switch process vs the bare switching app, with the stack's own
    floor in the note."""
    return Result(
        figure="TUI peak memory (dashboard + 4 screens)",
        median=median_mib(found.subject),
        floor=median_mib(found.floor),
        unit="MiB",
        budget=MEMORY_BUDGET,
        runs=len(found.subject),
        note=f"os.wait4 ru_maxrss; the bare app importing SQLModel and our models peaks at "
        f"{found.stack.peak_mib:.0f} MiB before any data",
    )


def bench_jump_end(
    data_db: Path, members: int, env: dict[str, str], runs: int, frame_ms: float
) -> list[Result]:
    """`end` to the last member painted, in-process, against one bare frame."""
    warm: list[float] = []
    cold: list[float] = []
    for _ in range(max(1, runs // 2)):
        _, out = _json_run(_script("tui_jump_end.py", str(data_db), "3"), env)
        warm.extend(out["ms"])
        _, out = _json_run(_script("tui_jump_end.py", str(data_db), "3", "--cold"), env)
        cold.extend(out["ms"])
    note = (
        f"floor: one bare frame; last page read ahead as in use; worst {max(warm):.0f} ms; "
        f"without read-ahead (a query per jump) {statistics.median(cold):.0f} ms"
    )
    return [
        Result(
            figure=f"TUI end → last of {members:,}",
            median=statistics.median(warm),
            floor=frame_ms,
            budget=JUMP_BUDGET,
            runs=len(warm),
            note=note,
        )
    ]


def bench_tui(data_db: Path, members: int, env: dict[str, str], runs: int) -> list[Result]:
    """Every TUI figure of issue 10 on `data_db` (first paint, switches, `end`, memory)."""
    results = bench_first_paint(data_db, members, env, runs)
    switches = measure_switches(data_db, members, env, max(3, runs // 2))
    results += switch_results(switches)
    results += bench_jump_end(data_db, members, env, runs, switches.frame_ms)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the TUI figures on one database and print the table (exit 1 if a budget is missed)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/circlekeeper-tui-bench"))
    args = parser.parse_args(argv)
    members = expected_counts(args.db)["members"]
    return run_and_report(lambda: bench_tui(args.db, members, child_env(args.work), args.runs))


if __name__ == "__main__":
    sys.exit(main())

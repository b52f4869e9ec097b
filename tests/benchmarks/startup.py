"""Start-up figures: `circlekeeper --help` and bash completion, each against a bare Typer app's
`--help` (floor_typer.py) measured in the same run; budget 1.2x (issue 10).

    python -m tests.benchmarks.startup [--runs N]

Every subject's output is checked once before timing (the help lists the commands, completion
lists the expected words), so a fast failure cannot pass.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.harness import (
    CIRCLEKEEPER,
    PYTHON,
    BenchmarkFailed,
    Command,
    Result,
    child_env,
    from_paired,
    paired,
    run_and_report,
    run_once,
)

HERE = Path(__file__).resolve().parent
BUDGET = 1.2
FLOOR_NOTE = "floor: a bare Typer app's --help"
MEMBER_COMMANDS = frozenset({"add", "list", "show", "edit", "pause", "resume", "leave", "import"})
"""Words `circlekeeper member <TAB>` must offer (a subset: new commands may join them)."""


def floor() -> Command:
    """The floor of every start-up figure: a bare Typer app printing its help."""
    return Command([str(PYTHON), str(HERE / "floor_typer.py"), "--help"])


def completion_env(env: dict[str, str], line: str) -> dict[str, str]:
    """`env` plus what bash's completion function sets when TAB is pressed at the end of `line`
    (Typer's protocol: `_CIRCLEKEEPER_COMPLETE=complete_bash`, COMP_WORDS, COMP_CWORD)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    return {
        **env,
        "_CIRCLEKEEPER_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(cword),
    }


def check_output(
    command: Command, env: dict[str, str], accept: Callable[[str], bool], what: str
) -> None:
    """Run `command` once, untimed; raise BenchmarkFailed unless its stdout is accepted."""
    _, out = run_once(command, env, capture=True)
    if not accept(out):
        raise BenchmarkFailed(f"{' '.join(command.argv)} printed {out[:300]!r}, not {what}")


def bench_help(env: dict[str, str], runs: int) -> list[Result]:
    """`circlekeeper --help` vs the floor."""
    subject = Command([str(CIRCLEKEEPER), "--help"])
    check_output(
        subject,
        env,
        lambda out: "Usage: circlekeeper" in out and "\n  member " in out,
        "the root help listing `member`",
    )
    check_output(floor(), env, lambda out: "Usage:" in out, "the floor's help")
    pair = paired(subject, floor(), env, runs=runs, warmup=1)
    return [from_paired("4. circlekeeper --help", pair, BUDGET, FLOOR_NOTE)]


def bench_completion(env: dict[str, str], runs: int) -> list[Result]:
    """Bash completion of `circlekeeper mem<TAB>` and of `circlekeeper member <TAB>` vs the
    floor (which ignores the completion variables and prints its help)."""
    subject = Command([str(CIRCLEKEEPER)])
    cases = (
        ("circlekeeper mem", lambda words: words == ["member"], "exactly `member`"),
        (
            "circlekeeper member ",
            lambda words: set(words) >= MEMBER_COMMANDS,
            f"the member commands {sorted(MEMBER_COMMANDS)}",
        ),
    )
    results = []
    for line, accept, what in cases:
        case_env = completion_env(env, line)
        check_output(subject, case_env, lambda out, accept=accept: accept(out.split()), what)
        pair = paired(subject, floor(), case_env, runs=runs, warmup=1)
        label = line.removeprefix("circlekeeper ")
        results.append(from_paired(f"4. completion `{label}<TAB>`", pair, BUDGET, FLOOR_NOTE))
    return results


def main(argv: list[str] | None = None) -> int:
    """Run both start-up benchmarks on their own; exit 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9, help="runs of each process (default 9)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ck-startup-") as scratch:
        env = child_env(Path(scratch))
        return run_and_report(
            lambda: [*bench_help(env, args.runs), *bench_completion(env, args.runs)]
        )


if __name__ == "__main__":
    sys.exit(main())

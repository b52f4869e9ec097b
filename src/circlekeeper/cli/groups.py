"""`circlekeeper groups solve`: an instance file in, groups for every round out, as JSON.

The command reads a file in the shared grouping benchmark's format and never opens the database,
so it runs anywhere (scripts, benchmarks) whatever --db or CIRCLEKEEPER_DB say.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from circlekeeper.cli import output
from circlekeeper.cli.errors import EXIT_USAGE, EXIT_USER

if TYPE_CHECKING:
    from circlekeeper.algorithms.grouping import GroupingResult

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

WHOLE_NUMBERS = ("group_size", "num_groups", "min_group_size", "max_group_size")
"""Keys that may be a whole number or null (`rounds` must be a number when given)."""
PAIR_LISTS = ("keep_apart", "keep_together")
NAME_LISTS = ("balance", "cluster")


@app.command("solve")
def solve_command(
    instance: Annotated[
        Path,
        typer.Argument(
            metavar="INSTANCE.json",
            help="An instance in the grouping benchmark format: people, rounds, group_size, "
            "min/max_group_size, num_groups, attributes, balance, keep_apart, keep_together.",
            show_default=False,
        ),
    ],
    seed: Annotated[
        int,
        typer.Option("--seed", help="Random seed; the same seed gives the same groups."),
    ] = 0,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit", metavar="SECONDS", help="Stop searching after this long (more than 0)."
        ),
    ] = 10.0,
    quality: Annotated[
        bool,
        typer.Option(
            "--quality", help="Also print the quality figures and how the groups were found."
        ),
    ] = False,
) -> None:
    """Form groups for every round so that people meet new people, within the instance's rules.

    Prints {"rounds": [[[id, ...], ...], ...]} (round, group, member ids) as one line of JSON on
    stdout. Sizes, keep-apart and keep-together are never broken: when they cannot all hold,
    each conflict is named on stderr and the exit code is 1. The same seed gives the same groups
    unless the time limit cuts the search short. No database is opened.

    \b
    Example: circlekeeper groups solve cohort.json --seed 3 --time-limit 5 --quality
    """
    if not (math.isfinite(time_limit) and time_limit > 0):
        _usage(f"--time-limit must be a number of seconds more than 0, not {time_limit:g}")
    data = read_instance(instance)
    from circlekeeper.algorithms.grouping import Infeasible, solve
    from circlekeeper.algorithms.grouping.instance import problem_from_instance

    try:
        result = solve(problem_from_instance(data), seed=seed, time_limit=time_limit)
    except Infeasible as exc:
        for message in [f"{c.rule}: {c.message}" for c in exc.conflicts] or [str(exc)]:
            output.error(message)
        raise typer.Exit(EXIT_USER) from None
    for warning in result.warnings:
        output.warning(warning)
    sys.stdout.write(json.dumps(payload(result, quality=quality), separators=(",", ":")) + "\n")
    sys.stdout.flush()
    output.info(summary(result, people=len(data["people"])))


def payload(result: GroupingResult, *, quality: bool) -> dict[str, Any]:
    """The JSON document printed on stdout: the rounds, and with `quality` the figures too."""
    from dataclasses import asdict

    document: dict[str, Any] = {"rounds": result.rounds}
    if quality:
        document.update(
            quality=asdict(result.quality),
            method=result.method,
            seconds=round(result.seconds, 4),
            proven_best=result.proven_best,
            warnings=list(result.warnings),
        )
    return document


def summary(result: GroupingResult, *, people: int) -> str:
    """One line for stderr: how many met twice, how the groups were found and how long it took."""
    q = result.quality
    groups = len(result.rounds[0]) if result.rounds else 0
    line = (
        f"{people} people, {len(result.rounds)} rounds of {groups} groups: "
        f"{q.repeat_pairs} repeated pairs, no pair together in more than {q.max_meetings} "
        f"round{'' if q.max_meetings == 1 else 's'}"
    )
    if q.balance_off:
        line += f", balance off by {q.balance_off}"
    best = ", best possible" if result.proven_best else ""
    return f"{line} ({result.method}, {result.seconds:.2f} s{best})"


def read_instance(path: Path) -> dict[str, Any]:
    """The instance at `path`; a missing, unreadable or malformed file is a usage error (exit 2)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _usage(f"no such file: {path}")
    except UnicodeDecodeError:
        _usage(f"{path} is not JSON: it is not UTF-8 text")
    except OSError as exc:
        _usage(f"cannot read {path}: {exc.strerror or exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _usage(f"{path} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except (ValueError, RecursionError) as exc:
        _usage(f"{path} is not JSON: {exc}")
    problem = instance_problem(data)
    if problem is not None:
        _usage(f"{path} is not a grouping instance: {problem}")
    result: dict[str, Any] = data
    return result


def instance_problem(data: object) -> str | None:
    """What keeps `data` from being an instance problem_from_instance can read, or None."""
    if not isinstance(data, dict):
        return 'expected an object with a "people" list'
    if "people" not in data:
        return 'missing "people" (the list of person ids)'
    people = data["people"]
    if not isinstance(people, list) or not all(_is_id(p) for p in people):
        return '"people" must be a list of ids (whole numbers or strings)'
    if "rounds" in data and not _is_whole(data["rounds"]):
        return '"rounds" must be a whole number'
    for key in WHOLE_NUMBERS:
        if data.get(key) is not None and not _is_whole(data[key]):
            return f'"{key}" must be a whole number or null'
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, dict):
        return '"attributes" must be an object of lists'
    for name, values in attributes.items():
        if not (isinstance(values, list) and len(values) == len(people)):
            return f'attribute "{name}" must be a list with one value per person ({len(people)})'
        if not all(v is None or isinstance(v, str | int | float) for v in values):
            return f'attribute "{name}" must hold plain values (text, numbers or null)'
    for key in NAME_LISTS:
        names = data.get(key, [])
        if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            return f'"{key}" must be a list of attribute names'
        unknown = [n for n in names if n not in attributes]
        if unknown:
            return f'"{key}" names "{unknown[0]}", which is not in "attributes"'
    for key in PAIR_LISTS:
        pairs = data.get(key, [])
        if not (isinstance(pairs, list) and all(_is_pair(pair) for pair in pairs)):
            return f'"{key}" must be a list of [id, id] pairs'
    anchors = data.get("anchors", [])
    if not (isinstance(anchors, list) and all(_is_id(a) for a in anchors)):
        return '"anchors" must be a list of ids'
    return None


def _is_whole(value: object) -> bool:
    """An integer that is not a bool (JSON true/false are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: object) -> bool:
    """A person id as the benchmark format allows: a whole number or a string."""
    return _is_whole(value) or isinstance(value, str)


def _is_pair(value: object) -> bool:
    """A keep-apart or keep-together entry: a list of exactly two ids."""
    return isinstance(value, list) and len(value) == 2 and all(_is_id(v) for v in value)


def _usage(message: str) -> NoReturn:
    """Stop with one error line on stderr and the usage exit code (2)."""
    output.error(message)
    raise typer.Exit(EXIT_USAGE)

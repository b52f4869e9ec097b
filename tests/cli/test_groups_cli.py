"""`circlekeeper groups solve`: instance file in, JSON groups out, checked by the shared scorer."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.cli.cli_helpers import Cli

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "json.md"
SCORER = (
    Path(os.environ.get("CIRCLEKEEPER_GROUPING_DIR") or REPO.parent / "shared/bench/grouping")
    / "score.py"
)
SOLVE = ("groups", "solve")
QUALITY_KEYS = {"rounds", "quality", "method", "seconds", "proven_best", "warnings"}


def _load_scorer() -> ModuleType | None:
    """The shared benchmark's independent scorer, or None where it is not checked out."""
    if not SCORER.is_file():
        return None
    spec = importlib.util.spec_from_file_location("grouping_score", SCORER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORE = _load_scorer()
needs_scorer = pytest.mark.skipif(SCORE is None, reason=f"the shared scorer is missing: {SCORER}")


def instance(people: int, size: int, rounds: int, **extra: Any) -> dict[str, Any]:
    """An instance in the shared benchmark format: `people` ids 0.., groups of exactly `size`."""
    return {
        "people": list(range(people)),
        "rounds": rounds,
        "group_size": size,
        "num_groups": people // size,
        "min_group_size": size,
        "max_group_size": size,
        "attributes": {},
        "balance": [],
        "keep_apart": [],
        "keep_together": [],
        **extra,
    }


def write(tmp_path: Path, data: Any, name: str = "instance.json") -> str:
    """Write `data` as JSON (or a str as it is) and return the path."""
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def score(schedule: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The shared scorer's figures for `schedule`."""
    assert SCORE is not None
    figures: dict[str, Any] = SCORE.score(schedule, data)
    return figures


@pytest.fixture
def cli() -> Cli:
    """The CLI without --db: the command must not need a database."""
    return Cli(None)


@needs_scorer
def test_a_small_instance_meets_everyone_once(cli: Cli, tmp_path: Path) -> None:
    data = instance(20, 4, 5)

    result = cli("groups", "solve", write(tmp_path, data), "--time-limit", "2")
    schedule = json.loads(result.stdout)
    figures = score(schedule, data)

    assert set(schedule) == {"rounds"}
    assert figures["valid"], figures["errors"]
    assert figures["rounds"] == 5
    for groups in schedule["rounds"]:
        assert Counter(p for group in groups for p in group) == Counter(range(20))
        assert [len(group) for group in groups] == [4] * 5
    assert figures["size_violations"] == figures["group_count_violations"] == 0
    assert figures["repeat_pairs"] == 0
    assert figures["max_pair_meetings"] == 1


@needs_scorer
def test_side_rules_hold_and_quality_matches_the_scorer(cli: Cli, tmp_path: Path) -> None:
    data = instance(
        12,
        3,
        3,
        attributes={"tz": ["a", "b", "c"] * 4},
        balance=["tz"],
        keep_apart=[[0, 1], [2, 5], [6, 9]],
        keep_together=[[3, 4]],
    )

    result = cli("groups", "solve", write(tmp_path, data), "--time-limit", "0.5", "--quality")
    document = json.loads(result.stdout)
    figures = score({"rounds": document["rounds"]}, data)

    assert set(document) == QUALITY_KEYS
    assert figures["valid"], figures["errors"]
    assert figures["keep_apart_violations"] == 0
    assert figures["keep_together_violations"] == 0
    assert figures["size_violations"] == 0
    quality = document["quality"]
    assert quality["repeat_pairs"] == figures["repeat_pairs"]
    assert quality["max_meetings"] == figures["max_pair_meetings"]
    assert quality["balance_off"] == figures["balance_violations"]
    assert quality["keep_apart_broken"] == quality["keep_together_broken"] == 0
    assert isinstance(document["method"], str)
    assert document["method"]
    assert isinstance(document["proven_best"], bool)


def test_the_same_seed_gives_the_same_groups(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, instance(18, 3, 4))

    first = cli("groups", "solve", path, "--seed", "7", "--time-limit", "2").stdout
    again = cli("groups", "solve", path, "--seed", "7", "--time-limit", "2").stdout

    assert json.loads(first)["rounds"]
    assert first == again


def test_stdout_is_one_json_document_and_messages_go_to_stderr(cli: Cli, tmp_path: Path) -> None:
    result = cli("groups", "solve", write(tmp_path, instance(9, 3, 4)), "--time-limit", "1")

    assert result.stdout.count("\n") == 1
    assert len(json.loads(result.stdout)["rounds"]) == 4
    assert "9 people" in result.stderr


def test_people_may_be_strings(cli: Cli, tmp_path: Path) -> None:
    names = [f"p{i}" for i in range(9)]
    data = {**instance(9, 3, 4), "people": names}

    rounds = json.loads(cli("groups", "solve", write(tmp_path, data)).stdout)["rounds"]

    placed = [sorted(p for group in groups for p in group) for groups in rounds]
    assert placed == [sorted(names)] * 4


def test_impossible_sizes_exit_1_naming_the_sizes_rule(cli: Cli, tmp_path: Path) -> None:
    data = {"people": list(range(7)), "rounds": 2, "min_group_size": 4, "max_group_size": 5}

    result = cli("groups", "solve", write(tmp_path, data), code=1)

    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines
    assert all(line.startswith("error: ") for line in lines)
    assert "sizes" in result.stderr
    assert "7 people" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_keep_together_pair_kept_apart_exits_1(cli: Cli, tmp_path: Path) -> None:
    data = instance(8, 4, 2, keep_apart=[[0, 1]], keep_together=[[0, 1]])

    result = cli("groups", "solve", write(tmp_path, data), code=1)

    assert result.stdout == ""
    assert result.stderr.startswith("error: keep-")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        ('{"people": [1, 2,', "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        ({"rounds": 3, "group_size": 4}, '"people"'),
        ({"people": "everyone"}, '"people"'),
        ([1, 2, 3], '"people"'),
        ({"people": [1, 2, 3, 4], "rounds": "two"}, '"rounds"'),
        ({"people": [1, 2, 3, 4], "keep_apart": [[1, 2, 3]]}, '"keep_apart"'),
        ({"people": [1, 2], "attributes": {"tz": ["a"]}, "balance": ["tz"]}, '"tz"'),
        ({"people": [1, 2], "balance": ["tz"]}, '"balance"'),
    ],
    ids=[
        "missing",
        "bad-json",
        "not-utf8",
        "no-people",
        "people-text",
        "array",
        "rounds-text",
        "triple",
        "short-attr",
        "unknown-attr",
    ],
)
def test_a_file_that_is_not_an_instance_exits_2_with_one_line(
    cli: Cli, tmp_path: Path, content: Any, expected: str
) -> None:
    path = tmp_path / "instance.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        write(tmp_path, content)

    result = cli("groups", "solve", str(path), code=2)

    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("limit", ["0", "-1", "nan", "inf"])
def test_a_time_limit_that_is_not_positive_exits_2(cli: Cli, tmp_path: Path, limit: str) -> None:
    result = cli(
        "groups", "solve", write(tmp_path, instance(9, 3, 4)), "--time-limit", limit, code=2
    )

    assert result.stdout == ""
    assert "--time-limit" in result.stderr


def test_no_database_is_opened_or_imported(tmp_path: Path) -> None:
    path = write(tmp_path, instance(9, 3, 4))
    named = tmp_path / "nowhere" / "named.db"
    env_db = tmp_path / "env.db"

    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "circlekeeper",
            "--db",
            str(named),
            *SOLVE,
            path,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CIRCLEKEEPER_DB": str(env_db)},
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["rounds"]
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert not {name for name in imported if name.split(".")[0] in {"sqlalchemy", "sqlmodel"}}
    assert not named.parent.exists()
    assert not env_db.exists()
    assert not list(tmp_path.rglob("*.db*"))


def test_every_json_key_is_in_the_docs_section(cli: Cli, tmp_path: Path) -> None:
    document = json.loads(
        cli("groups", "solve", write(tmp_path, instance(9, 3, 4)), "--quality").stdout
    )
    section = DOCS.read_text(encoding="utf-8").split("## Circle formation: `groups solve`", 1)[1]
    section = section.split("\n## ", 1)[0]

    keys = set(document) | set(document["quality"])
    missing = sorted(k for k in keys if f"`{k}`" not in section)

    assert keys >= QUALITY_KEYS
    assert missing == []

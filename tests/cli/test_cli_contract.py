"""Promises every command keeps: an example in its help, --json on list/show, documented JSON,
and a --help that never loads the storage stack."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from dataclasses import is_dataclass
from pathlib import Path
from typing import Any

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import Cli, leaf_commands

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"


COMMANDS = dict(leaf_commands())


def test_the_walk_finds_the_commands_this_file_is_about() -> None:
    expected = {
        ("init",),
        *(("member", name) for name in ("add", "list", "show", "edit", "pause", "resume", "leave")),
        *(
            ("circle", name)
            for name in (
                "create",
                "list",
                "show",
                "edit",
                "add",
                "remove",
                "start",
                "pause",
                "close",
                "reopen",
            )
        ),
    }

    assert expected <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = Cli(None)(*path, "--help")

    assert "Example:" in result.stdout
    assert "circlekeeper " in result.stdout.split("Example:", 1)[1]


def test_the_root_help_has_an_example() -> None:
    assert "Example:" in Cli(None)("--help").stdout


@pytest.mark.parametrize(
    "path", sorted(path for path in COMMANDS if path[-1] in {"list", "show"}), ids=" ".join
)
def test_every_list_and_show_command_takes_json(path: tuple[str, ...]) -> None:
    options = {opt for param in COMMANDS[path].params for opt in param.opts}

    assert "--json" in options


def field_names(kind: type) -> list[str]:
    """The JSON keys of a read model: a dataclass's fields or a pydantic model's."""
    if is_dataclass(kind):
        return [field.name for field in dataclasses.fields(kind)]
    return list(getattr(kind, "model_fields", {}))


@pytest.mark.parametrize(
    "model",
    [
        "MemberPage",
        "MemberRow",
        "MemberDetail",
        "MemberCircle",
        "CirclePage",
        "CircleRow",
        "CircleDetail",
        "CircleMember",
        "RoleRead",
        "RotaRead",
        "AssignmentRead",
        "TermWarning",
        "RoleEventRead",
        "RecognitionPage",
        "RecognitionRead",
        "Suggestion",
        "BadgeRead",
        "AmbassadorRead",
        "AmbassadorRow",
        "AmbassadorDetail",
        "GoalStatus",
        "GoalRead",
        "ProgressRead",
        "RestRead",
        "NominationRead",
        "ApplicationRead",
        "ProgrammeHealth",
        "Coverage",
        "Overload",
        "OverReliance",
        "Contributor",
        "DiversityRow",
        "ReviewRead",
        "ReviewEntryRead",
        "IncidentRead",
        "IncidentPersonRead",
    ],
)
def test_every_json_key_is_documented(model: str) -> None:
    import circlekeeper.models as models

    text = DOCS.read_text(encoding="utf-8")
    fields = field_names(getattr(models, model))
    missing = [field for field in fields if f'"{field}"' not in text]

    assert fields
    assert missing == []


@pytest.mark.parametrize(
    "model",
    ["ReviewApplied", "ReviewOutcome", "ReviewMember", "ReviewDue", "ReviewsStarted", "ReviewSkip"],
)
def test_every_review_json_key_is_documented(model: str) -> None:
    from circlekeeper.services import review_models

    text = DOCS.read_text(encoding="utf-8")
    fields = getattr(review_models, model).model_fields
    missing = [field for field in fields if f'"{field}"' not in text]

    assert missing == []


@pytest.mark.parametrize("model", ["CircleHealth", "CircleFiguresRead", "MemberAtRisk"])
def test_every_health_json_key_is_documented(model: str) -> None:
    from circlekeeper.services import health_models

    text = DOCS.read_text(encoding="utf-8")
    fields = field_names(getattr(health_models, model))
    missing = [field for field in fields if f'"{field}"' not in text]

    assert fields
    assert missing == []


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("member", "--help"),
        ("circle", "create", "--help"),
        ("ambassador", "health", "--help"),
        ("goal", "set", "--help"),
        ("application", "add", "--help"),
        ("health", "--help"),
        ("health", "members", "--help"),
        ("review", "apply", "--help"),
        ("incident", "add", "--help"),
    ],
    ids=" ".join,
)
def test_help_does_not_import_the_storage_stack(args: tuple[str, ...], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "circlekeeper", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CIRCLEKEEPER_DB": str(tmp_path / "unused.db")},
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage:" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    heavy = sorted(
        name for name in imported if name.split(".")[0] in {"sqlalchemy", "sqlmodel", "textual"}
    )
    assert heavy == []
    assert not (tmp_path / "unused.db").exists()


AMBASSADOR_COMMANDS = {
    *(
        ("ambassador", name)
        for name in ("add", "list", "show", "edit", "rest", "back", "retire", "health")
    ),
    ("nominate",),
    *(("nomination", name) for name in ("list", "accept", "decline")),
    *(("goal", name) for name in ("set", "end", "log", "status")),
}


def test_the_walk_finds_the_ambassadorleaf_commands() -> None:
    assert set(COMMANDS) >= AMBASSADOR_COMMANDS


def _keys(data: Any) -> set[str]:
    """Every object key anywhere in a JSON document."""
    if isinstance(data, dict):
        return set(data).union(*(_keys(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(*(_keys(item) for item in data))
    return set()


def test_every_ambassador_json_key_is_in_its_docs_section(db: Database) -> None:
    from tests.cli.ambassador_helpers import ambassador, member

    ambassador(db, "Ana", "ana")
    member(db, "Bo", "bo", tags={"region": "EU"})
    member(db, "Cy", "cy")
    cli = Cli(db.path)
    outputs = [
        cli.json("goal", "set", "@ana", "--metric", "start threads", "--target", "2"),
        cli.json("goal", "log", "@ana", "--metric", "start threads", "--count", "1"),
        cli.json("ambassador", "rest", "@ana", "--from", "2026-12-07", "--until", "2026-12-08"),
        cli.json("ambassador", "list", "--all"),
        cli.json("ambassador", "show", "@ana"),
        cli.json("ambassador", "edit", "@ana", "--capacity", "1"),
        cli.json("ambassador", "health", "--tag", "region"),
        cli.json("goal", "status"),
        cli.json("nominate", "@bo", "--reason", "kind", "--by", "@ana"),
        cli.json("nominate", "@cy", "--reason", "funny"),
        cli.json("nomination", "accept", "1"),
        cli.json("nomination", "decline", "2"),
        cli.json("nomination", "list", "--status", "all"),
        cli.json("ambassador", "retire", "@bo", "--yes"),
    ]
    section = DOCS.read_text(encoding="utf-8").split("## Ambassadors and goals", 1)[1]
    section = section.split("\n## ", 1)[0]

    keys = set().union(*(_keys(data) for data in outputs))
    missing = sorted(k for k in keys if f'"{k}"' not in section and f"`{k}`" not in section)

    assert {"load", "warnings", "coverage_by_tag", "decision_note", "nomination"} <= keys
    assert missing == []

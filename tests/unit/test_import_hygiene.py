"""Layering seen from a fresh interpreter: the core loads no UI library, --help loads no ORM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from circlekeeper.db import Database

UI_LIBRARIES = ("textual", "typer", "click", "rich")
ORM_LIBRARIES = ("sqlalchemy", "sqlmodel")


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the venv's Python in a fresh process."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONSTARTUP", None)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_the_core_imports_no_ui_library() -> None:
    code = (
        "import json, sys\n"
        "import circlekeeper.services.members, circlekeeper.services.circles, circlekeeper.db\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "sqlalchemy" in loaded  # the probe saw the real imports
    assert loaded.isdisjoint(UI_LIBRARIES), sorted(loaded & set(UI_LIBRARIES))


def imported_modules(importtime_log: str) -> set[str]:
    """Top-level package names from `python -X importtime` output on stderr."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".")[0])
    return names


@pytest.mark.parametrize("command", [["--help"], ["member", "--help"], ["circle", "--help"]])
def test_cli_help_imports_no_orm(command: list[str]) -> None:
    result = run_python("-X", "importtime", "-m", "circlekeeper", *command)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage" in result.stdout
    loaded = imported_modules(result.stderr)
    assert "typer" in loaded  # the log was parsed
    assert loaded.isdisjoint(ORM_LIBRARIES), sorted(loaded & set(ORM_LIBRARIES))
    assert "textual" not in loaded


def test_health_json_imports_neither_sqlmodel_nor_the_orm(db: Database) -> None:
    """`health --json` reads through a Core connection (Database.reading): SQLModel and
    SQLAlchemy's ORM, about 0.1 s of start-up, stay unloaded."""
    result = run_python("-X", "importtime", "-m", "circlekeeper", "--db", str(db.path), "health")
    assert result.returncode == 0, result.stderr[-2000:]
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "sqlalchemy.engine" in modules  # the log was parsed, the database read
    assert "sqlmodel" not in modules
    assert "sqlalchemy.orm" not in modules


FIND_CIRCLE = """
from circlekeeper.services import lookup
from circlekeeper.services.errors import NotFound
with db.read() as session:
    try:
        lookup.find_circle(session, "Tuesday Builders")
    except NotFound:
        pass
"""
GOAL_STATUS = """
from circlekeeper.services import goals
goals.goal_status(db)
"""
DIGEST = """
from circlekeeper.services.report_digest import community_digest
community_digest(db)
"""
HEALTH = """
from circlekeeper.services.health import circle_health
from circlekeeper.services.member_risk import members_at_risk
circle_health(db)
members_at_risk(db)
"""
TABLE_MODULES = {
    "ambassador",
    "application",
    "circle",
    "erasure",
    "incident",
    "member",
    "membership",
    "recognition",
    "review",
    "ritual",
    "role",
    "session",
}


@pytest.mark.parametrize(
    ("work", "loaded", "not_loaded"),
    [
        (GOAL_STATUS, {"ambassador", "member"}, {"circle", "membership", "role", "session"}),
        (FIND_CIRCLE, {"circle"}, {"ambassador", "role", "session"}),
        (DIGEST, set(), TABLE_MODULES),
        (HEALTH, set(), TABLE_MODULES),
    ],
    ids=["goal status", "find a circle", "digest", "health and members at risk"],
)
def test_a_service_loads_only_the_tables_it_reads(
    work: str, loaded: set[str], not_loaded: set[str], db: Database, db_path: Path
) -> None:
    """Goal status and finding a circle load the table models they read and no others; the
    digest, health and members at risk load none (their queries use services.core_tables). Each
    table module costs 10-30 ms of a command's start."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from circlekeeper.db import open_database\n"
        f"db = open_database(Path({str(db_path)!r}))\n"
        f"{work}\n"
        "prefix = 'circlekeeper.models.'\n"
        "print(json.dumps(sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix))))\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set(json.loads(result.stdout))
    assert loaded <= modules, sorted(loaded - modules)
    assert modules.isdisjoint(not_loaded), sorted(modules & not_loaded)

"""Layering seen from a fresh interpreter: the core loads no UI library, --help loads no ORM."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

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

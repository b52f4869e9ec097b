"""Helpers for the fault tests: the real CLI as a subprocess, file fingerprints, database checks."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

BUSY_ENV = "CIRCLEKEEPER_BUSY_TIMEOUT_MS"

CLI = (sys.executable, "-m", "circlekeeper")
"""The real command line, as a user runs it (`python -m circlekeeper` is the console script)."""

FROZEN_NOW = "2026-11-21T12:00:00+00:00"
"""The instant tests/conftest.py freezes the clock at, for the subprocesses too."""


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: the test's private folders, the frozen clock."""
    env = {**os.environ, "CIRCLEKEEPER_NOW": FROZEN_NOW, "COLUMNS": "400", **extra}
    env.pop("CIRCLEKEEPER_DB", None)
    return env


def run_cli(
    db: Path,
    *args: str,
    env: dict[str, str] | None = None,
    user: Sequence[str] = (),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `circlekeeper --db DB ARGS…` in a new process (as `user`, a setpriv prefix, if given)."""
    return subprocess.run(
        [*user, *CLI, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env if env is not None else cli_env(),
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(stderr: str, *, containing: str = "") -> str:
    """stderr is one `error: …` line a person can act on: no traceback, no 'unexpected error'."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    (line,) = lines
    assert line.startswith("error: "), line
    assert "Traceback" not in stderr
    assert "unexpected error" not in line, line
    assert containing in line, line
    return line


def sha256(path: Path) -> str:
    """The file's content hash."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Run one query on `path` through a plain connection (which recovers a hot WAL, if any)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def checked_member_count(path: Path) -> int:
    """The number of members, after asserting the file passes integrity and foreign-key checks."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return int(conn.execute("SELECT count(*) FROM member").fetchone()[0])
    finally:
        conn.close()

"""Fault: another process holds the write lock while the real CLI wants to write.

Held past the busy timeout (shortened through CIRCLEKEEPER_BUSY_TIMEOUT_MS), the command exits
75 with one line and no traceback; released while the command waits, the command just succeeds.
Readers never wait for a writer (WAL). A timeout that is not a number is refused in one line.
"""

from __future__ import annotations

import json
import platform
import subprocess
import time
from pathlib import Path

import pytest

from circlekeeper.db import Database
from tests.cli.cli_helpers import Cli
from tests.faults.helpers import BUSY_ENV, CLI, assert_one_line_error, cli_env, query, run_cli
from tests.unit.test_concurrency import hold_write_lock

SLEEP_SYSCALLS = {"x86_64": {"35", "230"}, "aarch64": {"101", "115"}}
"""nanosleep and clock_nanosleep: what SQLite's busy handler waits in between its retries."""


def sleeping_in_busy_handler(pid: int, db_path: Path) -> bool:
    """Whether process `pid` has the database open and is asleep: nothing else a CLI command
    does sleeps, so it is waiting for the write lock."""
    proc = Path(f"/proc/{pid}")
    try:
        syscall = (proc / "syscall").read_text().split()[0]
        opened = {Path(link.readlink()) for link in (proc / "fd").iterdir()}
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return syscall in SLEEP_SYSCALLS[platform.machine()] and db_path.resolve() in opened


def wait_until_waiting_for_the_lock(command: subprocess.Popen[str], db_path: Path) -> None:
    """Return once `command` waits in SQLite's busy handler, or as soon as it has exited."""
    while command.poll() is None and not sleeping_in_busy_handler(command.pid, db_path):
        time.sleep(0.001)  # polling /proc: there is no event for "blocked on a lock"


@pytest.mark.slow
def test_a_lock_held_past_the_busy_timeout_exits_75_in_one_line(db: Database) -> None:
    db.close()
    holder = hold_write_lock(db.path, "until-told")
    try:
        impatient = cli_env(**{BUSY_ENV: "200"})
        result = run_cli(db.path, "member", "add", "Ana", "--email", "ana@x.org", env=impatient)
        reading = run_cli(db.path, "member", "list", "--json", env=impatient)
    finally:
        holder.communicate("release\n", timeout=30)
    assert result.returncode == 75, result.stderr
    assert_one_line_error(result.stderr, containing="another circlekeeper is writing — try again")
    assert result.stdout == ""
    assert reading.returncode == 0, reading.stderr  # readers never wait for the writer
    assert json.loads(reading.stdout)["items"] == []  # the holder's row is not committed yet
    assert holder.returncode == 0
    assert query(db.path, "SELECT handle FROM member") == [("holder",)]

    again = run_cli(db.path, "member", "add", "Ana", "--email", "ana@x.org", env=impatient)
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
@pytest.mark.skipif(
    platform.system() != "Linux" or platform.machine() not in SLEEP_SYSCALLS,
    reason="watching a process wait for a lock reads Linux's /proc/PID/syscall",
)
def test_a_shorter_hold_just_waits_and_succeeds(db: Database) -> None:
    db.close()
    holder = hold_write_lock(db.path, "until-told")
    try:
        command = subprocess.Popen(
            [*CLI, "--db", str(db.path), "member", "add", "Ana", "--email", "ana@x.org"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(**{BUSY_ENV: "60000"}),
        )
        wait_until_waiting_for_the_lock(command, db.path)
    finally:
        holder.communicate("release\n", timeout=30)
    _, stderr = command.communicate(timeout=60)
    assert command.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert holder.returncode == 0
    # Written after the holder committed: the command waited for its turn.
    assert query(db.path, "SELECT handle, email FROM member ORDER BY id") == [
        ("holder", None),
        (None, "ana@x.org"),
    ]


def test_a_busy_timeout_that_is_not_a_number_is_refused_in_one_line(db: Database) -> None:
    result = Cli(db.path)("member", "list", code=1, env={BUSY_ENV: "soon"})
    assert_one_line_error(result.stderr, containing=f"{BUSY_ENV} must be a whole number")

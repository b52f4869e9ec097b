"""Fault: the disk fills up during an import.

The database lives on a 2 MiB tmpfs and a roster needing several MiB is imported through the
real CLI: the import is rolled back, the command says so in one line and exits non-zero, the
members from before are intact, and the space is given back so that the next write works.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from circlekeeper.db import Database
from circlekeeper.models import MemberCreate
from circlekeeper.services import members
from tests.benchmarks.generate import write_roster
from tests.faults.helpers import assert_one_line_error, checked_member_count, query, run_cli

DISK_SIZE = "2m"
ROWS = 8000
"""About 4.5 MiB once imported: twice the disk."""

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs mounted for this test (skipped where mounting is not permitted)."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small disk")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        done = subprocess.run(["umount", str(mount_point)], capture_output=True, check=False)
        if done.returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_an_import_that_fills_the_disk_is_rolled_back_with_one_line(
    db: Database, small_disk: Path, tmp_path: Path
) -> None:
    for name, handle in (("Ana Lima", "ana"), ("Bea Costa", "bea")):
        members.add_member(db, data=MemberCreate(name=name, handle=handle))
    db.close()
    path = small_disk / "circles.db"
    shutil.copyfile(db.path, path)
    os.chmod(path, 0o600)
    roster = tmp_path / "roster.csv"
    write_roster(roster, ROWS, random.Random(5))

    result = run_cli(path, "member", "import", str(roster))

    assert result.returncode == 1, result.stderr
    assert_one_line_error(result.stderr, containing="disk")
    assert result.stdout == ""
    # The half-written log was given back (the automatic daily backup may sit beside it).
    assert sorted(set(os.listdir(small_disk)) - {"backups"}) == ["circles.db"]
    assert checked_member_count(path) == 2
    assert query(path, "SELECT name FROM member ORDER BY id") == [("Ana Lima",), ("Bea Costa",)]
    added = run_cli(path, "member", "add", "Caio Reis", "--handle", "caio")
    assert added.returncode == 0, added.stderr
    assert checked_member_count(path) == 3

"""Fault: a database another user owns, opened by a user who may read it but not write it.

As `nobody` (through setpriv), with the file 0644 and owned by root: `member list` works, a
write is refused with one line and no traceback, the file keeps every byte and no -wal/-shm
file is left beside it. Both in a folder that user cannot write (where SQLite cannot make its
-shm file, so it cannot read a WAL database at all) and in a shared, writable one (where the
files it would leave, owned by the reader, refuse every later write by the owner).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from circlekeeper.db import Database
from circlekeeper.models import MemberCreate
from circlekeeper.services import members
from tests.faults.helpers import assert_one_line_error, cli_env, run_cli, sha256

NOBODY = 65534
AS_NOBODY = ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
        reason="needs root and setpriv to run the CLI as another user",
    ),
]


@pytest.fixture
def public_folder() -> Iterator[Path]:
    """A folder outside pytest's private tmp tree, so that another user can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="ck-read-only-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


FOLDER_MODES = {"a folder they cannot write": 0o755, "a shared folder": 0o1777}


@dataclass(frozen=True)
class SomeoneElses:
    """A database owned by root (0644) in `folder`, and what `nobody` saw running two commands."""

    folder: Path
    path: Path
    sha256_before: str
    listed: subprocess.CompletedProcess[str]
    added: subprocess.CompletedProcess[str]


@pytest.fixture(params=FOLDER_MODES.values(), ids=FOLDER_MODES.keys())
def someone_elses(
    request: pytest.FixtureRequest, db: Database, public_folder: Path
) -> SomeoneElses:
    """Root's database with two members; `nobody` lists the members, then tries to add one."""
    for name, handle in (("Ana Lima", "ana"), ("Bea Costa", "bea")):
        members.add_member(db, data=MemberCreate(name=name, handle=handle))
    db.close()
    folder = public_folder / "shared"
    folder.mkdir()
    path = folder / "circles.db"
    shutil.copyfile(db.path, path)
    os.chmod(path, 0o644)
    os.chmod(folder, request.param)
    own = public_folder / "nobody-home"
    own.mkdir()
    os.chown(own, NOBODY, NOBODY)
    env = cli_env(CIRCLEKEEPER_DATA_DIR=str(own / "data"), CIRCLEKEEPER_CONFIG_DIR=str(own))
    before = sha256(path)
    listed = run_cli(path, "member", "list", "--json", env=env, user=AS_NOBODY)
    added = run_cli(path, "member", "add", "Zed", "--handle", "zed", env=env, user=AS_NOBODY)
    return SomeoneElses(folder, path, before, listed, added)


def test_reads_work_and_writes_are_refused_in_one_line(someone_elses: SomeoneElses) -> None:
    listed, added = someone_elses.listed, someone_elses.added
    assert listed.returncode == 0, listed.stderr
    names = [item["name"] for item in json.loads(listed.stdout)["items"]]
    assert names == ["Ana Lima", "Bea Costa"]
    assert added.returncode == 1, added.stderr
    assert "Traceback" not in added.stderr
    errors = [line for line in added.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, added.stderr
    assert_one_line_error(errors[0], containing="read-only")
    assert added.stdout == ""
    path = someone_elses.path
    assert sha256(path) == someone_elses.sha256_before
    assert (path.stat().st_uid, oct(path.stat().st_mode & 0o777)) == (0, "0o644")
    # No -wal/-shm of theirs beside it: the owner could no longer write through them.
    left = os.listdir(someone_elses.folder)
    assert not [name for name in left if name.endswith(("-wal", "-shm"))], left


def test_a_reader_leaves_nothing_behind_and_hears_only_the_refusal(
    someone_elses: SomeoneElses,
) -> None:
    assert someone_elses.listed.stderr == ""
    assert_one_line_error(someone_elses.added.stderr, containing="read-only")
    assert os.listdir(someone_elses.folder) == ["circles.db"]

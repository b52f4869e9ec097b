"""Fault: a permissive umask (022, or 002 on systems with a group per user).

Everything circlekeeper writes can hold members' names and contacts, so whatever the umask:
the database, its -wal and -shm, backups (automatic, on demand, before a migration), crash logs
and exports are 0600, and the folders it creates are 0700.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from circlekeeper import paths
from circlekeeper.cli.errors import describe_exception
from circlekeeper.db import Database
from tests.cli.cli_helpers import Cli
from tests.migration_helpers import step_back


@pytest.fixture(params=[0o022, 0o002], ids=["umask 022", "umask 002"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under this process umask (restored afterwards)."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> str:
    """The permission bits of `path`, as 0o600."""
    return oct(stat.S_IMODE(path.stat().st_mode))


def modes_below(root: Path) -> dict[str, str]:
    """Every folder and file under `root` (and `root` itself) with its permission bits."""
    found = {".": mode(root)}
    for folder, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = mode(path)
    return found


def test_everything_written_is_private_whatever_the_umask(umask: int, tmp_path: Path) -> None:
    data = paths.data_dir()
    assert not data.exists()
    cli = Cli(None)
    cli("init")
    db_path = paths.default_db_path()
    cli.member("Ana Lima", "--email", "ana@example.org")
    cli.circle("Tuesday Builders")
    cli("db", "backup")
    exports = tmp_path / "exports"
    exports.mkdir()
    cli("member", "export", "ana@example.org", "--out", str(exports / "ana.json"))
    cli("export", "members", "--out", str(exports / "members.csv"))
    cli("export", "markdown", "digest", "--out", str(exports / "digest.md"))
    cli("export", "ics", "--out", str(exports / "sessions.ics"))
    describe_exception(RuntimeError("a crash, logged with its traceback"))
    step_back(db_path)
    cli("member", "list")  # migrates, after a backup
    db = Database(db_path)
    try:
        with db.write():  # the -wal and -shm exist while the database is open
            live = {suffix: mode(Path(f"{db_path}{suffix}")) for suffix in ("", "-wal", "-shm")}
    finally:
        db.close()

    assert live == {"": "0o600", "-wal": "0o600", "-shm": "0o600"}
    written = modes_below(data)
    backups = [name for name in written if name.startswith("backups/")]
    assert any("premigration" in name for name in backups), written
    assert len(backups) >= 2, written  # on demand and before the migration
    assert any(name.startswith("logs/crash-") for name in written), written
    for name, bits in written.items():
        wanted = "0o700" if (data / name).is_dir() else "0o600"
        assert bits == wanted, f"{name} is {bits} under umask {umask:03o}"
    assert sorted(os.listdir(exports)) == ["ana.json", "digest.md", "members.csv", "sessions.ics"]
    for export in exports.iterdir():
        assert mode(export) == "0o600", export.name

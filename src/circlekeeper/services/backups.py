"""Backups a facilitator can count on: by hand, daily when the data changed, before anything
destructive; automatic ones pruned by the retention policy; restores and checks done safely.

Automatic backups are taken when a command or the TUI opens the database for work, at most once
a day and only when the files changed since the last one (judged from stat calls, never by
reading the database). `member forget` is the one command that must not take one first: the
backup would keep exactly what the member asked to have erased.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from circlekeeper import clock, paths
from circlekeeper.algorithms.backup_retention import RetentionPolicy, to_prune
from circlekeeper.config import BackupSettings, load_backup_settings
from circlekeeper.db.backup import (
    AUTOMATIC,
    MANUAL,
    backup_database,
    backup_into_folder,
    backups_labelled,
)
from circlekeeper.db.connection import default_busy_timeout_ms
from circlekeeper.db.identify import identify
from circlekeeper.db.integrity import check_database
from circlekeeper.db.location import location_warning
from circlekeeper.db.restore import restore_database
from circlekeeper.db.schema import SCHEMA_VERSION
from circlekeeper.services.backup_models import (
    AutomaticBackup,
    BackupRead,
    CheckRead,
    CheckReport,
    LocationRead,
    RestoreRead,
)
from circlekeeper.services.errors import Conflict, InvalidInput, StorageError

DAY = dt.timedelta(days=1)
STATE_SUFFIX = ".auto-state"
"""A hidden file in the backups folder: which automatic backup is newest and what the database
files looked like (inode, size, modification time) when it was taken."""


def backup_now(*, db_path: Path, destination: Path | None = None) -> BackupRead:
    """A backup by hand: into the backups folder under a timestamped name, into `destination`
    when it is a folder, or to the file `destination`, which must not exist yet.

    Manual backups are never pruned automatically.
    """
    identify(db_path)
    try:
        if destination is None:
            made = backup_into_folder(db_path, MANUAL)
        elif destination.is_dir():
            made = backup_into_folder(db_path, MANUAL, destination)
        else:
            made = backup_database(db_path, destination)
    except FileExistsError as exc:
        raise Conflict(str(exc)) from exc
    except OSError as exc:
        where = destination or paths.backups_dir(db_path)
        raise InvalidInput(f"cannot write a backup to {where}: {exc.strerror or exc}") from exc
    return _read(made, db_path, MANUAL)


def backup_before_change(*, db_path: Path, action: str) -> BackupRead:
    """The backup taken right before a destructive command (`action` names it in the file name,
    as `before-ACTION`); never pruned automatically.

    A failure raises, so that the command stops before it changes anything without a copy.
    """
    kind = f"before-{action}"
    try:
        made = backup_into_folder(db_path, kind)
    except OSError as exc:
        raise StorageError(
            f"nothing was changed: the backup before {action} could not be written "
            f"({exc.strerror or exc})"
        ) from exc
    except StorageError as exc:
        raise type(exc)(f"nothing was changed: {exc.message}") from exc
    return _read(made, db_path, kind)


def restore(*, db_path: Path, source: Path, wait_ms: int | None = None) -> RestoreRead:
    """Replace the database with the backup at `source`, keeping the current one as a backup.

    Refused, with both files left exactly as they were, when `source` is not a circlekeeper
    database, fails integrity_check, is from a newer schema, or when another program has the
    database open (it is waited for `wait_ms` first, by default the busy timeout).
    """
    wait = default_busy_timeout_ms() if wait_ms is None else wait_ms
    try:
        done = restore_database(db_path, source.expanduser(), wait_ms=wait)
    except OSError as exc:
        raise InvalidInput(
            f"nothing restored: {exc.filename or source}: {exc.strerror or exc}"
        ) from exc
    upgraded = done.from_schema if done.from_schema < SCHEMA_VERSION else None
    return RestoreRead(
        database=str(db_path),
        restored_from=str(done.source),
        kept=str(done.kept) if done.kept is not None else None,
        upgraded_from_schema=upgraded,
    )


def check(*, db_path: Path, starting: Callable[[str, int, int], None] | None = None) -> CheckReport:
    """SQLite's quick_check, integrity_check and foreign_key_check of the database file;
    `starting(name, number, total)` is told as each check begins."""
    outcomes = check_database(db_path, starting=starting)
    checks = tuple(CheckRead(name=o.name, ok=not o.problems, problems=o.problems) for o in outcomes)
    return CheckReport(database=str(db_path), ok=all(c.ok for c in checks), checks=checks)


def location(*, db_path: Path) -> LocationRead:
    """Where the database and its backups are, and a warning if the place is synced or remote."""
    folder = paths.backups_dir(db_path)
    return LocationRead(
        database=str(db_path),
        exists=db_path.exists(),
        backups=str(folder),
        backup_count=backup_count(folder),
        warning=location_warning(db_path),
    )


def backup_count(folder: Path) -> int:
    """How many finished backup files are in `folder` (0 when it does not exist)."""
    if not folder.is_dir():
        return 0
    return sum(1 for path in folder.glob("*.db") if not path.name.startswith("."))


def opening_checks(db_path: Path, *, automatic_backup: bool = True) -> list[str]:
    """What to tell the user when a command or the TUI opens the database for work: a synced or
    network folder, and (unless `automatic_backup` is False) the daily automatic backup's
    problems. The demo database is never backed up, nor a file this user may not write (nothing
    done here can change it)."""
    found = []
    warning = location_warning(db_path)
    if warning is not None:
        found.append(warning)
    if automatic_backup and not _is_demo(db_path) and os.access(db_path, os.W_OK):
        try:
            found.extend(automatic(db_path).warnings)
        except OSError as exc:
            found.append(f"the automatic backup check failed ({exc.strerror or exc})")
    return found


def automatic(db_path: Path, *, settings: BackupSettings | None = None) -> AutomaticBackup:
    """Take the automatic backup if one is due, then prune older ones by the retention policy.

    Due when no automatic backup was taken in the last day and the database files changed
    since the last one. Failures come back as warnings: a backup that could not be taken must
    not stop the facilitator from working.
    """
    now = clock.now()
    newest = backups_labelled(db_path, AUTOMATIC)
    if any(now - DAY < backup.taken_at <= now for backup in newest):
        return AutomaticBackup()
    if newest and not _changed_since_last(db_path):
        return AutomaticBackup()
    warnings: list[str] = []
    if settings is None:
        settings, warnings = load_backup_settings()
    fingerprint = _fingerprint(db_path)
    try:
        taken = backup_into_folder(db_path, AUTOMATIC)
        _write_state(db_path, taken, fingerprint)
        policy = RetentionPolicy(settings.daily, settings.weekly, settings.monthly)
        pruned = prune_automatic_backups(db_path, policy)
    except (OSError, sqlite3.Error, StorageError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        warnings.append(
            f"the automatic backup of {db_path} failed ({problem}); nothing was changed — "
            "run 'circlekeeper db check'"
        )
        return AutomaticBackup(warnings=tuple(warnings))
    return AutomaticBackup(
        taken=str(taken), pruned=tuple(str(p) for p in pruned), warnings=tuple(warnings)
    )


def prune_automatic_backups(db_path: Path, policy: RetentionPolicy) -> list[Path]:
    """Delete the automatic backups of `db_path` the policy does not keep; returns them.

    Only files named as automatic backups of this database are considered: manual ones,
    pre-migration and before-ACTION ones, and other databases' backups are never touched.
    """
    found = backups_labelled(db_path, AUTOMATIC)
    victims = [found[i].path for i in to_prune([b.taken_at for b in found], policy)]
    for victim in victims:
        victim.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{victim}{suffix}").unlink(missing_ok=True)
    return victims


def _changed_since_last(db_path: Path) -> bool:
    """Whether the database files differ from when the last automatic backup was taken (also
    True when that is unknown, so that doubt leads to a backup rather than to none)."""
    state = _read_state(db_path)
    if state is None:
        return True
    backup = paths.backups_dir(db_path) / str(state.get("backup", ""))
    if not backup.is_file():
        return True
    return bool(state.get("fingerprint") != _fingerprint(db_path))


def _fingerprint(db_path: Path) -> list[int]:
    """Inode, size and modification time of the database and of a non-empty -wal file.

    A read leaves both alone (an empty -wal that a connection creates and removes does not
    count); every write changes the -wal file, and a checkpoint the database file.
    """
    found: list[int] = []
    for name in (db_path, Path(f"{db_path}-wal")):
        try:
            info = name.stat()
        except FileNotFoundError:
            found += [0, 0, 0]
            continue
        if info.st_size == 0 and name != db_path:
            found += [0, 0, 0]
        else:
            found += [info.st_ino, info.st_size, info.st_mtime_ns]
    return found


def _state_path(db_path: Path) -> Path:
    """Where the newest automatic backup of `db_path` and its fingerprint are recorded."""
    return paths.backups_dir(db_path) / f".{db_path.name}{STATE_SUFFIX}"


def _read_state(db_path: Path) -> dict[str, object] | None:
    """The recorded state, or None when there is none or it cannot be read."""
    try:
        state = json.loads(_state_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _write_state(db_path: Path, backup: Path, fingerprint: list[int]) -> None:
    """Record the newest automatic backup and the fingerprint it was taken at (0600, atomic)."""
    state = {"backup": backup.name, "fingerprint": fingerprint}
    paths.write_atomic(_state_path(db_path), json.dumps(state))


def _is_demo(db_path: Path) -> bool:
    """The demo database is rebuilt from the sample every time: backing it up keeps nothing."""
    try:
        return db_path.resolve() == paths.demo_db_path().resolve()
    except OSError:
        return False


def _read(made: Path, db_path: Path, kind: str) -> BackupRead:
    """The read model of a backup just written."""
    return BackupRead(
        path=str(made),
        database=str(db_path),
        kind=kind,
        taken_at=clock.now(),
        size_bytes=made.stat().st_size,
    )

"""What the CLI says when a command fails: known errors become one line and an exit code, a
surprise is logged to a private file. Typer-free, so the TUI's start-up path can use it too."""

from __future__ import annotations

import datetime as dt
import errno
import os
import traceback

EXIT_OK = 0
EXIT_USER = 1
EXIT_USAGE = 2
EXIT_BUSY = 75


EXIT_INTERRUPTED = 130


def report_failure(exc: BaseException) -> int:
    """Print the one line that `exc` deserves to stderr and return the exit code for it."""
    from circlekeeper.cli import output

    if isinstance(exc, KeyboardInterrupt):
        output.error("interrupted")
        return EXIT_INTERRUPTED
    if not isinstance(exc, Exception):
        raise exc
    code, message = describe_exception(exc)
    output.error(message)
    return code


def describe_exception(exc: Exception) -> tuple[int, str]:
    """The exit code and one-line message for `exc`; unexpected errors are logged to a file."""
    from circlekeeper.errors import CircleKeeperError

    if isinstance(exc, CircleKeeperError):
        return exc.exit_code, exc.message
    try:
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            from circlekeeper.services.validation import describe

            return EXIT_USER, describe(exc)
    except ImportError:  # pragma: no cover - pydantic is a dependency
        pass
    system = _system_problem(exc)
    if system is not None:
        return EXIT_USER, system
    log = _write_crash_log(exc)
    where = f" — details in {log}" if log else ""
    return EXIT_USER, f"unexpected error: {type(exc).__name__}: {_first_line(exc)}{where}"


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
SQLITE_FULL = 13


def _system_problem(exc: Exception) -> str | None:
    """A one-line message for a full disk or a refused file outside the database's own error
    mapping (a backup, an export, a log), or None when `exc` is not one."""
    import sqlite3

    if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"no space left on the disk{where} — free some space and try again"
    if isinstance(exc, OSError) and exc.strerror and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_FULL:
            return "the disk is full — nothing was saved; free some space and try again"
    return None


def _first_line(exc: Exception) -> str:
    """The first line of `exc`'s text: SQLAlchemy appends the SQL, its parameters (which can
    hold members' names) and a link on further lines."""
    lines = str(exc).splitlines()
    return lines[0] if lines else ""


def _write_crash_log(exc: Exception) -> str | None:
    """Write the traceback to a private file (it can hold members' data); None if impossible."""
    try:
        from circlekeeper import paths

        folder = paths.private_mkdir(paths.data_dir() / "logs")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        log = folder / f"crash-{stamp}.log"
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
        return str(log)
    except OSError:
        return None

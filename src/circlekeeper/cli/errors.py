"""The CLI's one error boundary: known errors become a message and an exit code, no traceback."""

from __future__ import annotations

import datetime as dt
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

EXIT_OK = 0
EXIT_USER = 1
EXIT_USAGE = 2
EXIT_BUSY = 75


class GuardedGroup(TyperGroup):
    """A Typer group whose invoke turns CircleKeeperError (and surprises) into exit codes."""

    def invoke(self, ctx: Any) -> Any:
        from circlekeeper.cli import output

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            output.error("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            code, message = describe_exception(exc)
            output.error(message)
            raise typer.Exit(code) from None


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
    log = _write_crash_log(exc)
    where = f" — details in {log}" if log else ""
    return EXIT_USER, f"unexpected error: {type(exc).__name__}: {exc}{where}"


def _write_crash_log(exc: Exception) -> str | None:
    try:
        from circlekeeper import paths

        folder = paths.private_mkdir(paths.data_dir() / "logs")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        log = folder / f"crash-{stamp}.log"
        log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        return str(log)
    except OSError:
        return None

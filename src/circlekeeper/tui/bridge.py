"""Running service calls off the UI thread and handing results back to the UI thread."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

if TYPE_CHECKING:
    from circlekeeper.errors import CircleKeeperError

T = TypeVar("T")


def run_db(
    node: DOMNode,
    work: Callable[[], T],
    on_done: Callable[[T], object],
    *,
    on_error: Callable[[Exception], object] | None = None,
    group: str = "db",
    exclusive: bool = False,
) -> Worker[None]:
    """Run `work` in a thread worker; call `on_done(result)` or the error handler on the UI thread.

    A cancelled (superseded exclusive) worker delivers nothing, so stale results never land.
    Errors the user can act on go to `on_error` (default: the app's error notification).
    """
    app = node.app

    def report(exc: Exception) -> None:
        if on_error is not None:
            on_error(exc)
        else:
            show_error(node, exc)

    def job() -> None:
        worker = get_current_worker()
        try:
            result = work()
        except Exception as exc:
            if not worker.is_cancelled:
                _deliver(app, report, exc)
            return
        if not worker.is_cancelled:
            _deliver(app, on_done, result)

    return node.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


def _deliver(app: object, callback: Callable[..., object], value: object) -> None:
    with contextlib.suppress(RuntimeError):
        app.call_from_thread(callback, value)  # type: ignore[attr-defined]


def error_message(exc: Exception) -> str:
    """The text to show for `exc`: the service's own message, the system's reason for a file
    that could not be read or written, or a generic one for surprises (their first line only:
    SQLAlchemy appends the SQL and its parameters, members' data)."""
    from circlekeeper.errors import CircleKeeperError

    if isinstance(exc, CircleKeeperError):
        return exc.message
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    first = next(iter(str(exc).splitlines()), "")
    return f"unexpected error: {type(exc).__name__}: {first}"


def show_error(node: DOMNode, exc: Exception | CircleKeeperError) -> None:
    """Show `exc` as an error notification; user text inside it is never parsed as markup."""
    node.app.notify(error_message(exc), title="Not done", severity="error", markup=False, timeout=8)

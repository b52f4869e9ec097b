"""Printing for the CLI: data to stdout, messages to stderr, user text never parsed as markup.

Rich is imported on first use, not with this module: `--help` and shell completion load command
modules (which import this one) but print nothing through it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from circlekeeper.text import quoted

T = TypeVar("T")

if TYPE_CHECKING:
    from rich.console import Console

stdout: Console
"""Data: tables, fields (created on first use, see __getattr__)."""
stderr: Console
"""Messages: info, warnings, errors (created on first use, see __getattr__)."""


def __getattr__(name: str) -> Console:
    """Create `stdout` or `stderr` on first use (importing rich only then) and keep it."""
    if name not in {"stdout", "stderr"}:
        raise AttributeError(f"module {__name__!r} has no attribute {quoted(name)}")
    from rich.console import Console

    console = Console(
        stderr=name == "stderr",
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=name == "stderr",
    )
    globals()[name] = console
    return console


def _console(name: str) -> Console:
    """`stdout` or `stderr` for this module's own functions (module __getattr__ serves only
    other modules)."""
    console: Console | None = globals().get(name)
    return console if console is not None else __getattr__(name)


def emit_json(data: Any) -> None:
    """Write `data` (read models, lists or dicts of them, plain values) as indented JSON to
    stdout, serialised by pydantic in one call: json.dumps indents with its pure-Python encoder,
    which took longer than the query itself for thousands of rows. The UTF-8 bytes go to
    stdout's binary buffer when it has one (JSON is UTF-8), sparing a decode and re-encode of
    megabytes (10 to 20 ms for the health of 13,545 circles)."""
    encoded = json_bytes(data) + b"\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(encoded.decode())
        return
    sys.stdout.flush()
    buffer.write(encoded)
    buffer.flush()


def json_bytes(data: Any) -> bytes:
    """`data` as indented JSON. A list of dataclass rows (circle health) goes through a
    TypeAdapter of their class, built in about 4 ms: pydantic_core otherwise looks up each
    row's fields one object at a time, twice as slow (90 against 45 ms for 13,545 circles)."""
    if isinstance(data, list) and data and is_dataclass(data[0]) and not isinstance(data[0], type):
        from pydantic import TypeAdapter

        adapter: TypeAdapter[list[Any]] = TypeAdapter(cast(Any, list)[type(data[0])])
        return adapter.dump_json(data, indent=2)
    from pydantic_core import to_json

    return to_json(data, indent=2)


def table(
    columns: Sequence[str], rows: Iterable[Sequence[object]], *, title: str | None = None
) -> None:
    """Print a table to stdout; every cell is plain Text, so `[b]x[/]` shows as typed."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for column in columns:
        grid.add_column(Text(column), overflow="fold")
    for row in rows:
        grid.add_row(*(Text("" if cell is None else str(cell)) for cell in row))
    _console("stdout").print(grid)


@contextmanager
def progress(total: int, label: str, threshold: int) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr for more than `threshold` steps in a terminal, as the
    `progress(done, total)` callback a service takes; otherwise no callback."""
    console = _console("stderr")
    if total <= threshold or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task(label, total=total)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@contextmanager
def status(text: str) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr with `text` while the block runs (in a terminal only), as a
    callback that changes the text: for long work that cannot count its steps."""
    console = _console("stderr")
    if not console.is_terminal:
        yield lambda _text: None
        return
    from rich.text import Text

    with console.status(Text(text)) as spinner:
        yield lambda new: spinner.update(Text(new))


TABLE_ROWS = 100
"""Rows a table of everything found shows without --limit. A large community has thousands of
circles and ambassadors and tens of thousands of members at risk: more than anyone reads in a
terminal, and laying them out took rich seconds more than finding them (--json gives all)."""


def table_rows(limit: int | None) -> int:
    """How many rows a table of everything found shows: `limit`, else TABLE_ROWS."""
    return limit or TABLE_ROWS


def first_rows(
    columns: Sequence[str],
    items: Sequence[T],
    cells: Callable[[T], Sequence[object]],
    what: str,
    *,
    limit: int | None,
    total: int | None = None,
    title: str | None = None,
) -> None:
    """The first `table_rows(limit)` of `items` as a table (`cells` gives a row's cells) and, on
    stderr when there are more (`total`, when `items` were already cut), how many."""
    shown = items[: table_rows(limit)]
    table(columns, (cells(item) for item in shown), title=title)
    total = len(items) if total is None else total
    if len(shown) < total:
        info(f"showing the first {len(shown):,} of {total:,} {what} — --limit N for more")


def page_note(offset: int, shown: int, total: int) -> None:
    """On stderr, which rows of `total` a paged list showed and the --offset of the next page
    (nothing when one page showed them all)."""
    if not offset and shown >= total:
        return
    note = f"showing {offset + 1:,}\u2013{offset + shown:,} of {total:,}"
    if offset + shown < total:
        note += f" — next page: --offset {offset + shown}"
    info(note)


def fields(pairs: Iterable[tuple[str, object]]) -> None:
    """Print `label: value` lines to stdout for a `show` command."""
    from rich.text import Text

    for label, value in pairs:
        line = Text(f"{label}: ", style="bold")
        line.append("" if value is None else str(value))
        _console("stdout").print(line)


def info(message: str) -> None:
    """A confirmation or progress note, on stderr so stdout stays pure data."""
    from rich.text import Text

    _console("stderr").print(Text(message))


def error(message: str) -> None:
    """An error line on stderr."""
    from rich.text import Text

    _console("stderr").print(Text("error: ", style="bold red") + Text(message))


def warning(message: str) -> None:
    """A warning line on stderr."""
    from rich.text import Text

    _console("stderr").print(Text("warning: ", style="bold yellow") + Text(message))


def deliver(chunks: str | Iterable[str], out: Path | None) -> bool:
    """Write text (or text in chunks) to stdout, or to `out` atomically with mode 0600; True
    when a file was written. A file that cannot be written is a fixable error naming it."""
    parts = [chunks] if isinstance(chunks, str) else chunks
    if out is None:
        for part in parts:
            sys.stdout.write(part)
        sys.stdout.flush()
        return False
    from circlekeeper.paths import write_atomic_chunks
    from circlekeeper.services.errors import InvalidInput

    try:
        write_atomic_chunks(out, parts)
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: {exc.strerror or exc}") from exc
    return True

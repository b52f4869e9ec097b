"""A screen over a list read whole into memory (health, incidents, dashboard alerts): read again
whenever the data changes, shown through a PagedTable, with a row that can be asked for before
the list has arrived."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from circlekeeper.tui.data_watch import reload_on_change
from circlekeeper.tui.widgets.paged_table import PagedTable, Row

if TYPE_CHECKING:
    from circlekeeper.tui.app import CircleKeeperApp


class MemoryListScreen(Screen[None]):
    """Subclasses compose one PagedTable, implement `reload()` and call `show_rows()`."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []
        self._wanted: int | None = None
        self._rereading = False

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.watch(self.app, "db_ready", self._db_ready, init=True)
        reload_on_change(self, self.reload)
        self.query_one(PagedTable).focus()

    def _db_ready(self, ready: bool) -> None:
        if ready:
            self.reload()

    def reload(self) -> None:
        """Read the list again (in a worker) and hand it to `show_rows`."""
        raise NotImplementedError

    def reread(self) -> None:
        """Read the list again, painting the rows held meanwhile and keeping the cursor on its
        row (the app calls this when the screen is shown again, e.g. after being pre-built)."""
        if self.is_mounted and self.query_one(PagedTable).has_rows:
            self._rereading = True
            self.reload()

    def shown_rows(self) -> int | None:
        """How many rows the list holds, or None until they are there to paint."""
        table = self.query_one(PagedTable)
        return table.total if table.has_rows else None

    def show_rows(self, rows: list[Row]) -> None:
        """Show `rows`, putting the cursor on a row asked for by `open_row` meanwhile (or, for
        a `reread`, keeping it on the row it was on)."""
        self._rows = rows
        table = self.query_one(PagedTable)
        if self._rereading:
            self._rereading = False
            table.revalidate()
        else:
            table.set_loader(self._load)
        if self._wanted is not None:
            self.open_row(self._wanted)

    def _load(self, offset: int, limit: int) -> tuple[list[Row], int]:
        rows = self._rows
        return rows[offset : offset + limit], len(rows)

    def open_row(self, key: int) -> None:
        """Put the cursor on row `key` (now, or once the list has arrived)."""
        index = next((i for i, r in enumerate(self._rows) if r.key == key), None)
        self._wanted = key if index is None else None
        if index is not None:
            self.query_one(PagedTable).reload_at(index, key)

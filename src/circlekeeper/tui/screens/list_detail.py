"""The shape every list screen shares: a paged table, an optional search box, a count line and a
detail pane for the highlighted row, all reloaded when the data changes anywhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from circlekeeper.text import quoted
from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.data_watch import reload_on_change
from circlekeeper.tui.screens.search_box import SearchBoxMixin
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, PageLoader

if TYPE_CHECKING:
    from circlekeeper.tui.app import CircleKeeperApp


class ListDetailScreen(SearchBoxMixin):
    """Subclasses give the columns and texts, `make_loader`, `fetch_detail` and `render_detail`."""

    columns: Sequence[Column] = ()
    noun: tuple[str, str] = ("row", "rows")
    search_placeholder: str | None = None
    empty_message = "Nothing here yet"
    detail_hint = "Select a row to see it here."

    def __init__(self) -> None:
        super().__init__()
        self._search = ""
        self._search_timer: Timer | None = None
        self._shown: Any = None

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="list-pane"):
                if self.search_placeholder is not None:
                    yield Input(placeholder=self.search_placeholder, id="search")
                yield Label("loading…", id="count", classes="count")
                yield PagedTable(
                    self.columns,
                    id="list-table",
                    empty_message=self.empty_message,
                    prefetch_edges=True,
                )
            with VerticalScroll(id="detail-pane"):
                yield Static(Content(self.detail_hint), id="detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "db_ready", self._db_ready, init=True)
        reload_on_change(self, self._data_changed)
        self.table.focus()

    def make_loader(self) -> PageLoader:
        """The page loader for the current search and filters (called in a worker thread)."""
        raise NotImplementedError

    def fetch_detail(self, key: int) -> Callable[[], Any]:
        """A callable that reads the detail of row `key` (runs in a worker thread)."""
        raise NotImplementedError

    def render_detail(self, detail: Any) -> Content:
        """The detail pane for what `fetch_detail` returned."""
        raise NotImplementedError

    def shown_key(self) -> int | None:
        """The row key of the detail on show (read models carry it as `id`)."""
        return getattr(self._shown, "id", None)

    def count_text(self, total: int) -> str:
        """The line above the table."""
        noun = self.noun[0] if total == 1 else self.noun[1]
        suffix = f" matching {quoted(self._search)}" if self._search else ""
        return f"{total:,} {noun}{suffix}"

    def refresh_list(self) -> None:
        """Start the table again from the top with a fresh loader; an empty table says whether
        the search found nothing or there is nothing yet."""
        self.table.empty_message = (
            f"No {self.noun[1]} match {quoted(self._search)} — escape clears the search"
            if self._search
            else self.empty_message
        )
        self.table.set_loader(self.make_loader())

    def _db_ready(self, ready: bool) -> None:
        if ready:
            self.refresh_list()

    def _data_changed(self) -> None:
        if self.ck_app.db is not None:
            self.table.reload()
            key = self.shown_key()
            if key is not None:
                self.load_detail(key)

    def reread(self) -> None:
        """Read the rows on show and the detail again, painting what is held meanwhile (the app
        calls this when the screen is shown again, e.g. after being pre-built)."""
        if self.is_mounted and self.ck_app.db is not None and self.table.has_rows:
            self.table.revalidate()
            key = self.shown_key()
            if key is not None:
                self.load_detail(key)

    def shown_rows(self) -> int | None:
        """How many rows the list holds, or None until its first page is there to paint."""
        table = self.table
        return table.total if table.has_rows else None

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        self.query_one("#count", Label).update(Content(self.count_text(event.total)))

    def on_paged_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        """Enter on a row opens it for editing, where the screen can edit."""
        editor = getattr(self, "action_edit", None)
        if callable(editor):
            event.stop()
            editor()

    def on_paged_table_row_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        self.load_detail(event.row.key)

    def load_detail(self, key: int) -> None:
        """Read and show the detail of row `key` (a newer request supersedes an older one)."""
        if self.ck_app.db is None:
            return
        run_db(self, self.fetch_detail(key), self.show_detail, group="detail", exclusive=True)

    def show_detail(self, detail: Any) -> None:
        """Keep `detail` as the one on show and paint it."""
        self._shown = detail
        self.query_one("#detail", Static).update(self.render_detail(detail))

    def reload_for_search(self) -> None:
        self.refresh_list()

    def focus_list(self) -> None:
        self.table.focus()

"""A virtual table that reads its rows page by page, so a list of 100,000 members opens at once.

The table is a Line-API `ScrollView`: it renders only the lines on screen and asks a loader for
the pages it needs, in a thread worker, keeping a bounded number of pages in memory. Cells are
untrusted text and are written as plain segments, never parsed as markup.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from circlekeeper.text import quoted

_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ELLIPSIS = "…"
_FETCH_GROUP = "paged-table-fetch"


@dataclass(frozen=True)
class Column:
    """One column: a key, a header label, a width in cells (None shares the rest) and alignment."""

    key: str
    label: str
    width: int | None = None
    justify: str = "left"

    def __post_init__(self) -> None:
        """Refuse widths and alignments the table cannot draw."""
        if self.width is not None and self.width < 0:
            raise ValueError(f"column {quoted(self.key)}: width must be >= 0")
        if self.justify not in ("left", "right"):
            raise ValueError(f"column {quoted(self.key)}: justify must be 'left' or 'right'")


@dataclass(frozen=True)
class Row:
    """One row: a key (such as a member id), its cells as plain text, and data for the screen."""

    key: int
    cells: tuple[str, ...]
    data: object = None


PageLoader = Callable[[int, int], tuple[list[Row], int]]
"""`(offset, limit) -> (rows, total)`; always called in a worker thread, never on the UI thread."""


def safe_cell_text(text: str) -> str:
    """Return `text` fit for one terminal line: breaks become spaces, other controls U+FFFD.

    Stored text is cleaned on the way in; this second defence keeps an escape sequence that got
    past it from ever reaching the terminal, which Rich and Textual would pass through as is.
    """
    return _UNSAFE.sub("\ufffd", _LINE_BREAKS.sub(" ", text))


def fit_cell(text: str, width: int, justify: str = "left") -> str:
    """Return `text` cut or padded to exactly `width` cells (wide characters count as two)."""
    if width <= 0:
        return ""
    text = safe_cell_text(text)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + _ELLIPSIS
    padding = " " * (width - length)
    return padding + text if justify == "right" else text + padding


class PagedTable(ScrollView, can_focus=True):
    """A keyboard-first table over a paged data source that never loads the whole source.

    Navigation keys stay out of the footer (the screens' own keys matter more); `?` lists them.
    """

    ALLOW_SELECT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up",
            "cursor_up",
            "Up",
            id="paged_table.cursor_up",
            group=Binding.Group("Move", compact=True),
            show=False,
        ),
        Binding(
            "down",
            "cursor_down",
            "Down",
            id="paged_table.cursor_down",
            group=Binding.Group("Move", compact=True),
            show=False,
        ),
        Binding(
            "pageup",
            "page_up",
            "Page up",
            id="paged_table.page_up",
            group=Binding.Group("Page"),
            show=False,
        ),
        Binding(
            "pagedown",
            "page_down",
            "Page down",
            id="paged_table.page_down",
            group=Binding.Group("Page"),
            show=False,
        ),
        Binding(
            "home",
            "cursor_first",
            "First",
            id="paged_table.first",
            group=Binding.Group("First/last"),
            show=False,
        ),
        Binding(
            "end",
            "cursor_last",
            "Last",
            id="paged_table.last",
            group=Binding.Group("First/last"),
            show=False,
        ),
        Binding("enter", "select_cursor", "Open", id="paged_table.select", show=True),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-table--header",
        "paged-table--cursor",
        "paged-table--placeholder",
        "paged-table--empty",
    }

    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        & > .paged-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .paged-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .paged-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paged-table--placeholder {
            color: $text-muted;
        }
        & > .paged-table--empty {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0)
    """Index of the highlighted row in the source (0-based)."""

    class RowHighlighted(Message):
        """Posted when the cursor settles on a loaded row."""

        def __init__(self, table: PagedTable, row: Row) -> None:
            self.table = table
            self.row = row
            super().__init__()

        @property
        def control(self) -> PagedTable:
            """The table, so that `@on(PagedTable.RowHighlighted, "#id")` works."""
            return self.table

    class RowSelected(Message):
        """Posted when the highlighted row is chosen (enter, or a click on the highlighted row)."""

        def __init__(self, table: PagedTable, row: Row) -> None:
            self.table = table
            self.row = row
            super().__init__()

        @property
        def control(self) -> PagedTable:
            """The table, so that `@on(PagedTable.RowSelected, "#id")` works."""
            return self.table

    class Loaded(Message):
        """Posted after a page has arrived and is on screen."""

        def __init__(self, table: PagedTable, total: int, offset: int, count: int) -> None:
            self.table = table
            self.total = total
            self.offset = offset
            self.count = count
            super().__init__()

        @property
        def control(self) -> PagedTable:
            """The table, so that `@on(PagedTable.Loaded, "#id")` works."""
            return self.table

    class LoadFailed(Message):
        """Posted when the loader raised; the page shows placeholders until `reload()`."""

        def __init__(self, table: PagedTable, offset: int, error: Exception) -> None:
            self.table = table
            self.offset = offset
            self.error = error
            super().__init__()

        @property
        def control(self) -> PagedTable:
            """The table, so that `@on(PagedTable.LoadFailed, "#id")` works."""
            return self.table

    class _PageArrived(Message, bubble=False):
        """A worker thread's result, handed back to the UI thread."""

        def __init__(self, generation: int, page: int, rows: list[Row], total: int) -> None:
            self.generation = generation
            self.page = page
            self.rows = rows
            self.total = total
            super().__init__()

    class _PageFailed(Message, bubble=False):
        """A worker thread's failure, handed back to the UI thread."""

        def __init__(self, generation: int, page: int, error: Exception) -> None:
            self.generation = generation
            self.page = page
            self.error = error
            super().__init__()

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        page_size: int = 200,
        max_cached_pages: int = 20,
        empty_message: str = "Nothing to show",
        prefetch_edges: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if not columns:
            raise ValueError("a PagedTable needs at least one column")
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.columns: tuple[Column, ...] = tuple(columns)
        self.page_size = page_size
        self.max_cached_pages = max(2, max_cached_pages)
        self.empty_message = empty_message
        self.prefetch_edges = prefetch_edges
        """Also fetch (and keep) the first and last pages once what is on screen has arrived,
        so `home` and `end` paint in the next frame instead of waiting for a query."""
        self.total = 0
        """Rows in the source; known once the first page has arrived (see `total_known`)."""
        self.total_known = False
        self._loader: PageLoader | None = None
        self._generation = 0
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._inflight: int | None = None
        self._failed: set[int] = set()
        self._stale: set[int] = set()
        """Pages still painted from an earlier read while `revalidate` reads them again."""
        self._follow_key: int | None = None
        self._widths: tuple[int, tuple[int, ...]] | None = None

    # ----------------------------------------------------------------- public API

    def set_loader(self, loader: PageLoader) -> None:
        """Show a new data source (such as a new search), starting at its top."""
        self._loader = loader
        self._reset_pages()
        self._follow_key = None
        self.cursor_row = 0
        if self.is_mounted:
            self.scroll_to(y=0, animate=False, force=True)
        self.refresh()
        self._request_needed()

    def reload(self) -> None:
        """Drop every cached page and fetch again, keeping the cursor on the same row if it can."""
        highlighted = self.highlighted
        self._reset_pages()
        self._follow_key = highlighted.key if highlighted is not None else None
        self.refresh()
        self._request_needed()

    def revalidate(self) -> None:
        """Read the pages again like `reload()`, but keep painting the rows held until their new
        read arrives (a screen shown again shows its rows at once, then any change)."""
        if not self._pages:
            self.reload()
            return
        highlighted = self.highlighted
        self._generation += 1
        self._inflight = None
        self._failed.clear()
        self._stale = set(self._pages)
        self._follow_key = highlighted.key if highlighted is not None else None
        self._request_needed()

    @property
    def has_rows(self) -> bool:
        """True once a page has arrived from the current source (rows can be painted)."""
        return self.total_known and bool(self._pages)

    def reload_at(self, index: int, key: int) -> None:
        """Reload with the cursor at `index`, where the caller knows row `key` now sits.

        Used after saving a row whose place in the sorted source only the database knows; the
        cursor then follows `key` exactly as `reload()` does once its page arrives.
        """
        self._reset_pages()
        self._follow_key = key
        if index >= self.total:
            self.total = index + 1
            self._update_virtual_size()
        self.cursor_row = index
        self.refresh()
        self._request_needed()

    @property
    def highlighted(self) -> Row | None:
        """The row under the cursor, or None while its page is loading or the source is empty."""
        return self.row_at(self.cursor_row)

    def row_at(self, index: int) -> Row | None:
        """The row at `index` in the source if its page is loaded, else None."""
        if not self.total_known or not 0 <= index < self.total:
            return None
        page, position = divmod(index, self.page_size)
        rows = self._pages.get(page)
        if rows is None or position >= len(rows):
            return None
        self._pages.move_to_end(page)
        return rows[position]

    def move_cursor_to_key(self, key: int) -> bool:
        """Move the cursor to the loaded row with `key`; False if no loaded page holds it."""
        index = self._index_of_key(key)
        if index is None:
            return False
        self._follow_key = None
        self.cursor_row = index
        return True

    @property
    def is_loading(self) -> bool:
        """True while a page is being fetched."""
        return self._inflight is not None

    @property
    def cached_page_count(self) -> int:
        """How many pages are held in memory (bounded by `max_cached_pages`)."""
        return len(self._pages)

    @property
    def visible_row_count(self) -> int:
        """How many data rows fit under the header."""
        return max(0, self.scrollable_content_region.height - 1)

    # ----------------------------------------------------------------- cursor and keys

    def validate_cursor_row(self, value: int) -> int:
        """Keep the cursor inside the source."""
        return max(0, min(value, self.total - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        """Repaint the two rows, keep the cursor on screen and announce the new row."""
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._scroll_cursor_into_view()
        row = self.highlighted
        if row is not None:
            self.post_message(self.RowHighlighted(self, row))

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        self._user_move(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        self._user_move(self.cursor_row + 1)

    def action_page_up(self) -> None:
        """Move the cursor and the view one screen up."""
        self._page(-max(1, self.visible_row_count))

    def action_page_down(self) -> None:
        """Move the cursor and the view one screen down."""
        self._page(max(1, self.visible_row_count))

    def action_cursor_first(self) -> None:
        """Move the cursor to the first row."""
        self._user_move(0)

    def action_cursor_last(self) -> None:
        """Move the cursor to the last row."""
        self._user_move(self.total - 1)

    def action_select_cursor(self) -> None:
        """Post RowSelected for the highlighted row, if it is loaded."""
        row = self.highlighted
        if row is not None:
            self.post_message(self.RowSelected(self, row))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = int(self.scroll_y) + offset.y - 1
        if not self.total_known or index >= self.total:
            return
        event.stop()
        if index == self.cursor_row:
            self.action_select_cursor()
        else:
            self._user_move(index)

    def _user_move(self, index: int) -> None:
        self._follow_key = None
        self.cursor_row = index

    def _page(self, delta: int) -> None:
        self._follow_key = None
        self.scroll_to(y=self.scroll_y + delta, animate=False, force=True)
        self.cursor_row += delta

    def _scroll_cursor_into_view(self) -> None:
        visible = self.visible_row_count
        if visible <= 0:
            return
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, force=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, force=True)

    # ----------------------------------------------------------------- scrolling and size

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Repaint and fetch the pages that scrolled into view."""
        super().watch_scroll_y(old_value, new_value)
        self._request_needed()

    def on_mount(self) -> None:
        """Start fetching if a loader was set before the table was mounted."""
        super().on_mount()
        self._request_needed()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the cursor visible and fetch what a taller table now shows."""
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self._request_needed()

    def _update_virtual_size(self) -> None:
        natural = sum((column.width or cell_len(column.label)) + 2 for column in self.columns)
        self.virtual_size = Size(natural, self.total + 1)

    # ----------------------------------------------------------------- fetching

    def _reset_pages(self) -> None:
        self._generation += 1
        self._pages.clear()
        self._failed.clear()
        self._stale.clear()
        self._inflight = None

    def _needed_pages(self) -> list[int]:
        """Pages on screen first, then those within one screen above or below."""
        if not self.total_known or self.total == 0:
            return [0]
        visible = self.visible_row_count
        first = int(self.scroll_y)
        last = min(self.total - 1, first + max(visible, 1) - 1)
        size = self.page_size
        on_screen = list(range(first // size, last // size + 1))
        lower = max(0, first - visible) // size
        upper = min(self.total - 1, last + visible) // size
        near = [page for page in range(lower, upper + 1) if page not in on_screen]
        edges = [0, (self.total - 1) // size] if self.prefetch_edges else []
        return on_screen + near + [page for page in edges if page not in on_screen + near]

    def _request_needed(self) -> None:
        if self._loader is None or self._inflight is not None or not self.is_mounted:
            return
        for page in self._needed_pages():
            if (page not in self._pages or page in self._stale) and page not in self._failed:
                self._fetch(page)
                return

    def _fetch(self, page: int) -> None:
        loader = self._loader
        assert loader is not None
        self._inflight = page
        work = partial(self._load_in_thread, loader, self._generation, page)
        self.run_worker(work, thread=True, group=_FETCH_GROUP, exit_on_error=False)

    def _load_in_thread(self, loader: PageLoader, generation: int, page: int) -> None:
        """Runs in a worker thread: call the loader and post the result back."""
        try:
            rows, total = loader(page * self.page_size, self.page_size)
        except Exception as error:
            self.post_message(self._PageFailed(generation, page, error))
            return
        self.post_message(self._PageArrived(generation, page, list(rows), total))

    @on(_PageArrived)
    def _page_arrived(self, message: _PageArrived) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._inflight = None
        self._stale.discard(message.page)
        self._pages[message.page] = message.rows
        self._pages.move_to_end(message.page)
        self._set_total(message.total)
        self._evict()
        self.refresh()
        self._announce_cursor(message.page)
        offset = message.page * self.page_size
        self.post_message(self.Loaded(self, self.total, offset, len(message.rows)))
        self._request_needed()

    @on(_PageFailed)
    def _page_failed(self, message: _PageFailed) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._inflight = None
        self._failed.add(message.page)
        self.post_message(self.LoadFailed(self, message.page * self.page_size, message.error))
        self._request_needed()

    def _set_total(self, total: int) -> None:
        if self.total_known and total == self.total:
            return
        self.total = max(0, total)
        self.total_known = True
        self._update_virtual_size()
        self.cursor_row = self.cursor_row

    def _announce_cursor(self, page: int) -> None:
        """Follow the row kept by `reload()`, or announce the cursor row now that it is loaded."""
        if self._follow_key is not None:
            index = self._index_of_key(self._follow_key)
            if index is not None:
                self._follow_key = None
                if index != self.cursor_row:
                    self.cursor_row = index
                    return
            elif not any(p not in self._pages for p in self._needed_pages()):
                self._follow_key = None
        if self.cursor_row // self.page_size == page:
            row = self.highlighted
            if row is not None:
                self.post_message(self.RowHighlighted(self, row))

    def _evict(self) -> None:
        needed = set(self._needed_pages())
        capacity = max(self.max_cached_pages, len(needed) + 1)
        for page in list(self._pages):
            if len(self._pages) <= capacity:
                break
            if page not in needed:
                del self._pages[page]

    def _index_of_key(self, key: int) -> int | None:
        for page, rows in self._pages.items():
            for position, row in enumerate(rows):
                if row.key == key:
                    return page * self.page_size + position
        return None

    # ----------------------------------------------------------------- rendering

    def _column_widths(self, width: int) -> tuple[int, ...]:
        if self._widths is not None and self._widths[0] == width:
            return self._widths[1]
        fixed = sum(column.width for column in self.columns if column.width is not None)
        flexible = [index for index, column in enumerate(self.columns) if column.width is None]
        remaining = max(0, width - fixed - 2 * len(self.columns))
        widths = [column.width or 0 for column in self.columns]
        if flexible:
            share, extra = divmod(remaining, len(flexible))
            for order, index in enumerate(flexible):
                widths[index] = share + (1 if order < extra else 0)
        result = tuple(widths)
        self._widths = (width, result)
        return result

    def _cells_line(self, cells: Sequence[str], width: int, style: Style) -> Strip:
        parts = []
        for index, (column, column_width) in enumerate(
            zip(self.columns, self._column_widths(width), strict=True)
        ):
            cell = cells[index] if index < len(cells) else ""
            parts.append(f" {fit_cell(cell, column_width, column.justify)} ")
        text = "".join(parts)
        return Strip([Segment(text, style)], cell_len(text)).adjust_cell_length(width, style)

    def _style(self, *components: str) -> Style:
        style = self.rich_style
        for component in components:
            style += self.get_component_rich_style(component)
        return style

    def render_line(self, y: int) -> Strip:
        """Render line `y` of the widget: the header on line 0, then the rows in view."""
        width = self.scrollable_content_region.width
        if y == 0:
            labels = [column.label for column in self.columns]
            return self._cells_line(labels, width, self._style("paged-table--header"))
        base = self.rich_style
        if not self.total_known:
            return Strip.blank(width, base)
        if self.total == 0:
            if y == 1 + max(0, self.visible_row_count - 1) // 2:
                style = self._style("paged-table--empty")
                text = safe_cell_text(self.empty_message)
                text = set_cell_size(text, width) if cell_len(text) > width else text
                left = (width - cell_len(text)) // 2
                return Strip([Segment(" " * left + text, style)]).adjust_cell_length(width, style)
            return Strip.blank(width, base)
        index = int(self.scroll_y) + y - 1
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(index)
        components = ["paged-table--cursor"] if index == self.cursor_row else []
        if row is None:
            style = self._style("paged-table--placeholder", *components)
            return self._cells_line([_ELLIPSIS] * len(self.columns), width, style)
        return self._cells_line(row.cells, width, self._style(*components))

"""Pilot tests for PagedTable: paging on demand, keys, data-source swaps and hostile cell text."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Footer

from circlekeeper.tui.widgets.paged_table import Column, PagedTable, Row, fit_cell

ROWS = 100_000
SIZE = (100, 30)
COLUMNS = (
    Column("id", "#", width=7, justify="right"),
    Column("name", "Name"),
    Column("circle", "Circle", width=12),
    Column("count", "Count", width=6, justify="right"),
)


def async_test(scenario: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Run an async scenario in its own event loop (the project has no async pytest plugin)."""

    def run() -> None:
        asyncio.run(scenario())

    run.__doc__ = scenario.__doc__
    return run


class FakeSource:
    """A loader over generated rows that records every call and the thread it ran on."""

    def __init__(self, total: int = ROWS, prefix: str = "Member") -> None:
        self.total = total
        self.prefix = prefix
        self.calls: list[tuple[int, int]] = []
        self.threads: set[int] = set()
        self.order: list[int] | None = None

    def make_row(self, key: int) -> Row:
        """Build the row for one key."""
        return Row(key, (str(key), f"{self.prefix} {key:06d}", f"C{key % 97}", str(key % 10)))

    def __call__(self, offset: int, limit: int) -> tuple[list[Row], int]:
        self.calls.append((offset, limit))
        self.threads.add(threading.get_ident())
        keys = self.order[offset : offset + limit] if self.order else None
        if keys is None:
            keys = list(range(offset, min(offset + limit, self.total)))
        return [self.make_row(key) for key in keys], self.total


class GatedSource(FakeSource):
    """A FakeSource that blocks inside the loader until the test opens the gate."""

    def __init__(self, total: int = ROWS, prefix: str = "Slow") -> None:
        super().__init__(total, prefix)
        self.gate = threading.Event()

    def __call__(self, offset: int, limit: int) -> tuple[list[Row], int]:
        self.gate.wait(timeout=10)
        return super().__call__(offset, limit)


class TableApp(App[None]):
    """One focused PagedTable over a loader, recording what the table posts."""

    def __init__(self, loader: Callable[[int, int], tuple[list[Row], int]], **options: Any):
        super().__init__()
        self.loader = loader
        self.options = options
        self.highlighted: list[Row] = []
        self.selected: list[Row] = []
        self.failures: list[Exception] = []
        self.loaded = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield PagedTable(COLUMNS, id="table", **self.options)
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        table.set_loader(self.loader)
        table.focus()

    @property
    def table(self) -> PagedTable:
        return self.screen.query_one(PagedTable)

    def on_paged_table_row_highlighted(self, message: PagedTable.RowHighlighted) -> None:
        self.highlighted.append(message.row)

    def on_paged_table_row_selected(self, message: PagedTable.RowSelected) -> None:
        self.selected.append(message.row)

    def on_paged_table_loaded(self, message: PagedTable.Loaded) -> None:
        self.loaded.set()

    def on_paged_table_load_failed(self, message: PagedTable.LoadFailed) -> None:
        self.failures.append(message.error)
        self.loaded.set()


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every page the table asked for has arrived and been painted."""
    app = pilot.app
    assert isinstance(app, TableApp)
    await pilot.pause()
    while app.table.is_loading:
        app.loaded.clear()
        await asyncio.wait_for(app.loaded.wait(), timeout=5)
        await pilot.pause()


def screen_lines(table: PagedTable) -> list[str]:
    """The table's rendered lines as plain text, header first."""
    return [table.render_line(y).text for y in range(table.size.height)]


def assert_full_width(table: PagedTable) -> None:
    """Every rendered line is exactly as wide as the table's content area."""
    width = table.scrollable_content_region.width
    assert width > 0
    for y in range(table.size.height):
        strip = table.render_line(y)
        assert strip.cell_length == width, (y, strip.text)
        assert sum(cell_len(segment.text) for segment in strip) == width, (y, strip.text)


@async_test
async def test_first_paint_reads_only_the_first_page() -> None:
    """Opening 100,000 rows asks the loader for one page, off the UI thread."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        assert source.calls == [(0, 200)]
        assert threading.get_ident() not in source.threads
        assert table.total == ROWS
        assert table.virtual_size.height == ROWS + 1
        lines = screen_lines(table)
        assert "Name" in lines[0]
        assert "Circle" in lines[0]
        assert "Member 000000" in lines[1]
        assert "Member 000027" in lines[28]
        assert table.highlighted == source.make_row(0)
        assert app.highlighted == [source.make_row(0)]
        assert_full_width(table)


@async_test
async def test_end_jumps_to_the_last_row() -> None:
    """`end` moves to row 99,999, shows it on the bottom line and fetches only the pages shown."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        table = app.table
        assert table.cursor_row == ROWS - 1
        assert table.highlighted == source.make_row(ROWS - 1)
        assert app.highlighted[-1].key == ROWS - 1
        lines = screen_lines(table)
        assert "Member 099999" in lines[-1]
        assert "Member 099972" in lines[1]
        assert source.calls == [(0, 200), (99_800, 200)]
        await pilot.press("home")
        await settle(pilot)
        assert table.cursor_row == 0
        assert "Member 000000" in screen_lines(table)[1]
        assert source.calls == [(0, 200), (99_800, 200)]


@async_test
async def test_keys_move_the_cursor_and_post_highlights() -> None:
    """Arrows move one row, page keys one screen, and each lands a RowHighlighted message."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        page = table.visible_row_count
        assert page == 28
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        assert [row.key for row in app.highlighted] == [0, 1, 2]
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.cursor_row == 2 + page
        assert app.highlighted[-1] == source.make_row(2 + page)
        assert "Member 000030" in screen_lines(table)[3]
        await pilot.press("pageup", "up")
        await settle(pilot)
        assert table.cursor_row == 1
        assert app.highlighted[-1] == source.make_row(1)
        assert table.scroll_y == 0
        await pilot.press("up", "up")
        assert table.cursor_row == 0
        assert table.highlighted == source.make_row(0)


@async_test
async def test_cursor_below_the_screen_scrolls_into_view() -> None:
    """Moving past the bottom line scrolls by one row and keeps the header on line 0."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        table.cursor_row = table.visible_row_count - 1
        await pilot.press("down")
        await settle(pilot)
        assert table.scroll_y == 1
        lines = screen_lines(table)
        assert "Name" in lines[0]
        assert "Member 000001" in lines[1]
        assert "Member 000028" in lines[-1]


@async_test
async def test_enter_and_click_post_row_selected() -> None:
    """Enter selects the highlighted row; a click highlights a row and a second click selects it."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        await pilot.press("down", "enter")
        assert app.selected == [source.make_row(1)]
        await pilot.click(PagedTable, offset=(10, 4))
        assert table.cursor_row == 3
        assert app.selected == [source.make_row(1)]
        await pilot.click(PagedTable, offset=(10, 4))
        assert app.selected == [source.make_row(1), source.make_row(3)]
        await pilot.click(PagedTable, offset=(10, 0))
        assert table.cursor_row == 3


@async_test
async def test_set_loader_replaces_the_data_and_resets_to_the_top() -> None:
    """A new loader (a new search) shows its own rows from the top; the old one is not asked."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        table = app.table
        circles = FakeSource(total=50, prefix="Circle")
        table.set_loader(circles)
        await settle(pilot)
        assert table.cursor_row == 0
        assert table.scroll_y == 0
        assert table.total == 50
        assert circles.calls == [(0, 200)]
        assert source.calls == [(0, 200), (99_800, 200)]
        lines = screen_lines(table)
        assert "Circle 000000" in lines[1]
        assert not any("Member" in line for line in lines)
        assert app.highlighted[-1] == circles.make_row(0)


@async_test
async def test_a_page_from_a_replaced_loader_is_never_shown() -> None:
    """A slow page that arrives after set_loader is dropped; unloaded rows show placeholders."""
    slow = GatedSource()
    app = TableApp(FakeSource())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        table.set_loader(slow)
        await pilot.pause()
        assert table.is_loading
        placeholder = screen_lines(table)[2]
        assert "…" in placeholder
        assert "Member" not in placeholder
        fast = FakeSource(total=10, prefix="Fast")
        table.set_loader(fast)
        slow.gate.set()
        for worker in list(app.workers):
            await worker.wait()
        await settle(pilot)
        lines = screen_lines(table)
        assert slow.calls == [(0, 200)]
        assert table.total == 10
        assert "Fast 000000" in lines[1]
        assert not any("Slow" in line for line in lines)
        assert all(row.cells[1].startswith(("Member", "Fast")) for row in app.highlighted)


@async_test
async def test_reload_keeps_the_cursor_and_follows_a_moved_row() -> None:
    """After an edit, reload shows the new text and keeps the cursor on the same member."""
    source = FakeSource()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        table.cursor_row = 5
        await pilot.pause()
        source.prefix = "Edited"
        table.reload()
        await settle(pilot)
        assert table.cursor_row == 5
        assert table.highlighted == source.make_row(5)
        assert app.highlighted[-1] == source.make_row(5)
        assert "Edited 000005" in screen_lines(table)[6]
        source.order = [100, 101, *range(100)]
        table.reload()
        await settle(pilot)
        assert table.cursor_row == 7
        assert table.highlighted is not None
        assert table.highlighted.key == 5
        assert table.move_cursor_to_key(100)
        assert table.cursor_row == 0
        assert not table.move_cursor_to_key(99_999)


HOSTILE = (
    "[b]x[/]",
    "[@click=app.quit]Eve",
    "\x1b[31mred",
    "مريم",
    "🌻 Sunny",
    "N" * 300,
    "中文名字 [red]",
    "line\nbreak\ttab",
)


class HostileSource(FakeSource):
    """Rows whose names and circles are the kind of text other people type."""

    def make_row(self, key: int) -> Row:
        text = HOSTILE[key % len(HOSTILE)]
        return Row(key, (str(key), text, text, str(key)))


@async_test
async def test_hostile_cells_render_literally_without_breaking_the_layout() -> None:
    """Markup, actions, escapes, RTL, emoji, CJK and long names show as text in fixed columns."""
    source = HostileSource(total=len(HOSTILE))
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        lines = screen_lines(table)
        assert "[b]x[/]" in lines[1]
        assert "[@click=app.quit]Eve" in lines[2]
        assert "\ufffd[31mred" in lines[3]
        assert "مريم" in lines[4]
        assert "🌻 Sunny" in lines[5]
        assert "N" * 40 in lines[6]
        assert "…" in lines[6]
        assert "中文名字 [red]" in lines[7]
        assert "line break tab" in lines[8]
        assert not any("\x1b" in line or "\n" in line for line in lines)
        assert_full_width(table)
        width = table.scrollable_content_region.width
        for key in range(len(HOSTILE)):
            strip = table.render_line(key + 1)
            assert strip.crop(width - 8, width).text == f" {key:>6} "
            assert all(not segment.style or not segment.style.meta for segment in strip)
        terminal = io.StringIO()
        Console(file=terminal, force_terminal=True, width=SIZE[0]).print(
            app.screen._compositor.render_update(full=True)
        )
        assert "\ufffd[31mred" in terminal.getvalue()
        assert "\x1b[31mred" not in terminal.getvalue()
        await pilot.press("down", "enter")
        await pilot.click(PagedTable, offset=(20, 2))
        assert app.is_running
        assert app.selected == [source.make_row(1), source.make_row(1)]


@async_test
async def test_empty_source_shows_a_centred_message() -> None:
    """A source with no rows shows the empty message in the middle; enter selects nothing."""
    app = TableApp(FakeSource(total=0), empty_message="No members match")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        lines = screen_lines(table)
        message_lines = [line for line in lines if "No members match" in line]
        assert len(message_lines) == 1
        text = message_lines[0]
        left = len(text) - len(text.lstrip())
        right = len(text) - len(text.rstrip())
        assert abs(left - right) <= 1
        assert table.highlighted is None
        await pilot.press("enter", "end", "down")
        assert app.selected == []
        assert table.cursor_row == 0


@async_test
async def test_an_empty_source_that_fills_up_shows_its_rows_after_reload() -> None:
    """Reload and set_loader fetch again even when the last known total was zero."""
    source = FakeSource(total=0)
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.table.total == 0
        source.total = 3
        app.table.reload()
        await settle(pilot)
        assert app.table.total == 3
        assert "Member 000002" in "\n".join(screen_lines(app.table))
        app.table.set_loader(FakeSource(total=0))
        await settle(pilot)
        app.table.set_loader(FakeSource(total=5))
        await settle(pilot)
        assert app.table.total == 5


@async_test
async def test_a_failing_loader_posts_load_failed_and_keeps_running() -> None:
    """A loader error becomes a LoadFailed message, not a crash; reload asks again."""
    calls: list[int] = []

    def broken(offset: int, limit: int) -> tuple[list[Row], int]:
        calls.append(offset)
        raise RuntimeError("database is locked")

    app = TableApp(broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        assert [str(error) for error in app.failures] == ["database is locked"]
        app.table.reload()
        await settle(pilot)
        assert calls == [0, 0]


@async_test
async def test_cached_pages_stay_bounded_while_scrolling_far() -> None:
    """Jumping through 100,000 rows keeps at most max_cached_pages pages, each fetched once."""
    source = FakeSource()
    app = TableApp(source, page_size=50, max_cached_pages=4)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        for target in range(0, ROWS, 5_000):
            table.cursor_row = target + 30
            await settle(pilot)
            assert table.cached_page_count <= 4
            assert table.highlighted == source.make_row(target + 30)
        assert len(source.calls) >= 20
        assert len(source.calls) == len(set(source.calls))
        assert all(limit == 50 for _, limit in source.calls)


def test_fit_cell_cuts_and_pads_by_cell_width() -> None:
    """Wide characters count as two cells; a cut never leaves half a character."""
    assert fit_cell("中文名字", 5) == "中文…"
    assert fit_cell("中文名字", 4) == "中 …"
    assert fit_cell("🌻 Sunny", 10, "right") == "  🌻 Sunny"
    assert fit_cell("abc", 0) == ""
    for text in HOSTILE:
        for width in range(1, 12):
            assert cell_len(fit_cell(text, width)) == width


@async_test
async def test_prefetched_edges_make_end_and_home_need_no_query() -> None:
    """With prefetch_edges the last page is read once the first is shown, so `end` paints the
    last row without asking the loader again, and `home` comes back without a query either."""
    source = FakeSource()
    app = TableApp(source, prefetch_edges=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert source.calls == [(0, 200), (99_800, 200)]
        table = app.table
        assert table.highlighted == source.make_row(0)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == ROWS - 1
        assert table.highlighted == source.make_row(ROWS - 1)
        assert app.highlighted[-1] == source.make_row(ROWS - 1)
        assert "Member 099999" in screen_lines(table)[-1]
        await pilot.press("home")
        await pilot.pause()
        assert "Member 000000" in screen_lines(table)[1]
        assert source.calls == [(0, 200), (99_800, 200)]


class SwitchableGate(FakeSource):
    """A FakeSource that blocks inside the loader only while `blocking` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.blocking = False
        self.gate = threading.Event()

    def __call__(self, offset: int, limit: int) -> tuple[list[Row], int]:
        if self.blocking:
            self.gate.wait(timeout=10)
        return super().__call__(offset, limit)


@async_test
async def test_revalidate_paints_the_held_rows_until_the_new_read_arrives() -> None:
    """A screen shown again keeps its rows on screen (no placeholders) while they are read
    again, keeps the cursor on its row, and then shows what changed."""
    source = SwitchableGate()
    app = TableApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.table
        table.cursor_row = 3
        await pilot.pause()
        source.prefix = "Changed"
        source.blocking = True
        table.revalidate()
        await pilot.pause()
        assert table.is_loading
        assert table.has_rows
        assert "Member 000003" in screen_lines(table)[4]
        assert table.highlighted == Row(3, ("3", "Member 000003", "C3", "3"))
        source.gate.set()
        await settle(pilot)
        assert "Changed 000003" in screen_lines(table)[4]
        assert table.cursor_row == 3
        assert app.highlighted[-1] == source.make_row(3)

"""The Health screen: every circle's status (thriving, steady, fading, dormant) and the reasons;
`f` shows one status only, `/` finds circles by name, `o` changes the order and `enter` opens
the circle on the Circles screen. Thousands of circles are judged once and filtered in memory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Input, Label, Static

from circlekeeper.text import quoted
from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.screens.memory_list import MemoryListScreen
from circlekeeper.tui.screens.search_box import SearchBoxMixin
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, Row

if TYPE_CHECKING:
    from circlekeeper.services.health_models import CircleHealth

HEALTH_COLUMNS = (
    Column("name", "Circle", width=28),
    Column("status", "Health", width=9),
    Column("attendance", "Attend.", width=8, justify="right"),
    Column("last", "Last held", width=11),
    Column("reasons", "Why"),
)
WORST_FIRST = {"dormant": 0, "fading": 1, "steady": 2, "thriving": 3}
DETAIL_HINT = "Select a circle to see why."
FILTERS: tuple[str | None, ...] = (None, "fading", "dormant", "steady", "thriving")
"""The statuses `f` steps through: every circle, then one status at a time."""


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


SORTS: tuple[tuple[str, Callable[[CircleHealth], Any]], ...] = (
    ("worst first", lambda h: (WORST_FIRST.get(str(h.status), 9), h.name.casefold())),
    ("name", lambda h: h.name.casefold()),
    ("attendance", lambda h: (h.figures.recent_attendance or 0.0, h.name.casefold())),
    ("longest since held", lambda h: (-(h.figures.days_since_held or 10**6), h.name.casefold())),
)


def health_rows(found: list[CircleHealth]) -> list[Row]:
    """One row per circle, keyed by its id."""
    return [
        Row(
            h.circle_id,
            (
                h.name,
                str(h.status),
                _percent(h.figures.recent_attendance),
                str(h.figures.last_held_on or "never"),
                "; ".join(h.reasons),
            ),
            h,
        )
        for h in found
    ]


def health_detail(h: CircleHealth) -> Content:
    """The circle's status, its reasons and the figures behind them."""
    f = h.figures
    lines = [
        f"{h.name} — {h.status} ({h.lifecycle})",
        "",
        *(f"• {reason}" for reason in h.reasons),
        "",
        f"Attendance, last 4 sessions: {_percent(f.recent_attendance)} "
        f"(the 4 before: {_percent(f.earlier_attendance)})",
        f"Sessions missed or cancelled lately: {f.missed_sessions}",
        f"Last held: {f.last_held_on or 'never'}"
        + (
            f" ({f.days_since_held} days ago; meets every {f.cadence_days})"
            if f.days_since_held is not None
            else ""
        ),
        f"Members: {f.size} (min {f.min_size}, max {f.max_size})",
        f"Spoke in check-ins: {_percent(f.speaking_share)}",
        f"Role load per member: {'—' if f.role_load is None else f'{f.role_load:.1f}'}",
    ]
    return Content("\n".join(lines))


class HealthScreen(SearchBoxMixin, MemoryListScreen):
    """Circle health; `f` filters by status, `/` searches names, `o` changes the order, `enter`
    opens the circle."""

    TITLE = "Health"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "cycle_filter", "Filter", id="health.filter", tooltip="Show one status only"),
        Binding("slash", "search", "Search", id="health.search", tooltip="Find circles by name"),
        Binding("o", "cycle_sort", "Order", id="health.sort", tooltip="Change the order"),
        Binding("enter", "open_circle", "Open circle", id="health.open", show=False),
        Binding("escape", "clear_search", "Clear search", id="health.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._found: list[CircleHealth] | None = None
        """Every circle judged, or None until the first judgement arrives."""
        self._counts: Counter[str] = Counter()
        """How many circles of each status there are."""
        self._sort = 0
        self._filter = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="list-pane"):
                yield Input(placeholder="/ to find circles by name", id="search")
                yield Label("loading…", id="health-count", classes="count")
                yield PagedTable(HEALTH_COLUMNS, id="health-table", empty_message="No circles yet.")
            with VerticalScroll(id="detail-pane"):
                yield Static(Content(DETAIL_HINT), id="health-detail")
        yield KeyFooter()

    def reload(self) -> None:
        """Judge every circle again (in a worker)."""
        db = self.ck_app.db
        if db is None:
            return

        def work() -> list[CircleHealth]:
            from circlekeeper.services.health import circle_health
            from circlekeeper.services.health_settings import health_settings

            return circle_health(db, settings=health_settings())

        run_db(self, work, self._show, group="health", exclusive=True)

    def _show(self, found: list[CircleHealth]) -> None:
        self._found = found
        self._counts = Counter(str(h.status) for h in found)
        self._paint()

    def _shown(self) -> list[CircleHealth]:
        """The circles the filter and the search let through."""
        status, needle = FILTERS[self._filter], self._search.casefold()
        return [
            h
            for h in self._found or []
            if (status is None or h.status == status) and needle in h.name.casefold()
        ]

    def _paint(self) -> None:
        """Show the circles let through, in the chosen order, under a count line that says how
        many there are of each status and what is filtered (nothing before the first read)."""
        if self._found is None:
            return
        name, key = SORTS[self._sort]
        summary = " · ".join(f"{self._counts[s]:,} {s}" for s in WORST_FIRST if self._counts[s])
        shown = self._shown()
        narrowed = [f"only {FILTERS[self._filter]}"] if FILTERS[self._filter] else []
        if self._search:
            narrowed.append(f"matching {quoted(self._search)}")
        total = f"{len(self._found):,} circles"
        line = (
            f"{len(shown):,} of {total}, {' '.join(narrowed)} — ordered by {name}"
            if narrowed
            else f"{total}: {summary or 'none'} — ordered by {name}"
        )
        self.query_one("#health-count", Label).update(Content(line))
        self.query_one(PagedTable).empty_message = self._empty_message()
        if not shown:
            self.query_one("#health-detail", Static).update(Content(DETAIL_HINT))
        self.show_rows(health_rows(sorted(shown, key=key)))

    def _empty_message(self) -> str:
        """What an empty table says: nothing at all yet, or what hides the circles."""
        status = FILTERS[self._filter]
        kind = f"{status} circles" if status else "circles"
        if self._search:
            more = ", f shows another status" if status else ""
            return f"No {kind} match {quoted(self._search)}{more} — escape clears the search"
        return f"No {kind} — f shows another status" if status else "No circles yet."

    def open_row(self, key: int) -> None:
        """Put the cursor on circle `key`, showing every circle again if the filter or the
        search hides it."""
        hidden = all(h.circle_id != key for h in self._shown())
        if hidden and any(h.circle_id == key for h in self._found or []):
            self._filter = 0
            self.query_one("#search", Input).value = ""
            self._search = ""
            self._paint()
        super().open_row(key)

    def on_paged_table_row_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        self.query_one("#health-detail", Static).update(health_detail(event.row.data))  # type: ignore[arg-type]

    def on_paged_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        event.stop()
        self.app.call_later(self.ck_app.open_target, "circles", event.row.key)

    def action_open_circle(self) -> None:
        """Open the highlighted circle on the Circles screen."""
        row = self.query_one(PagedTable).highlighted
        if row is not None:
            self.app.call_later(self.ck_app.open_target, "circles", row.key)

    def action_cycle_sort(self) -> None:
        """Order by health, name, attendance or time since the last session, in turn."""
        self._sort = (self._sort + 1) % len(SORTS)
        self._paint()

    def action_cycle_filter(self) -> None:
        """Show every circle, then only fading, dormant, steady or thriving ones, in turn."""
        self._filter = (self._filter + 1) % len(FILTERS)
        self._paint()

    def reload_for_search(self) -> None:
        self._paint()

    def focus_list(self) -> None:
        self.query_one(PagedTable).focus()

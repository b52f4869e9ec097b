"""The Health screen: every circle's status (thriving, steady, fading, dormant) and the reasons,
sortable; `enter` opens the circle on the Circles screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Label, Static

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.screens.memory_list import MemoryListScreen
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


class HealthScreen(MemoryListScreen):
    """Circle health; `o` changes the order, `enter` opens the circle."""

    TITLE = "Health"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "cycle_sort", "Order", id="health.sort", tooltip="Change the order"),
        Binding("enter", "open_circle", "Open circle", id="health.open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._found: list[CircleHealth] = []
        self._sort = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="list-pane"):
                yield Label("loading…", id="health-count", classes="count")
                yield PagedTable(HEALTH_COLUMNS, id="health-table", empty_message="No circles yet.")
            with VerticalScroll(id="detail-pane"):
                yield Static(Content("Select a circle to see why."), id="health-detail")
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
        self._paint()

    def _paint(self) -> None:
        name, key = SORTS[self._sort]
        counts = {s: sum(1 for h in self._found if str(h.status) == s) for s in WORST_FIRST}
        summary = " · ".join(f"{n:,} {s}" for s, n in counts.items() if n)
        self.query_one("#health-count", Label).update(
            Content(f"{len(self._found):,} circles: {summary or 'none'} — ordered by {name}")
        )
        self.show_rows(health_rows(sorted(self._found, key=key)))

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

"""The Dashboard, the first screen: this week's sessions, what needs attention ranked by urgency
(Enter opens the place to act), 12 weeks of attendance and a few key counts.

Its count line is painted three times at start-up: first from the app's `glance` (plain sqlite3,
before the data stack is imported), then with the week (sessions, attendance, counts: a quick
read), then with the alerts, which take seconds to work out in a large community and are read
in a worker of their own meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label, Sparkline, Static

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.data_watch import reload_on_change
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, Row

if TYPE_CHECKING:
    from circlekeeper.db.glance import Glance
    from circlekeeper.services.dashboard_models import Alert, Dashboard, DashboardWeek
    from circlekeeper.tui.app import CircleKeeperApp

ALERT_COLUMNS = (
    Column("urgency", "", width=3),
    Column("kind", "About", width=10),
    Column("title", "What", width=44),
    Column("detail", "Why"),
)
URGENCY_MARKS = {3: "!!!", 2: "!!", 1: "!"}


def alert_rows(alerts: list[Alert]) -> list[Row]:
    """One row per alert; the row key is its position, the alert rides along as data."""
    return [
        Row(index, (URGENCY_MARKS.get(a.urgency, ""), a.kind, a.title, a.detail), a)
        for index, a in enumerate(alerts)
    ]


def counts_text(
    active_members: int, active_circles: int, week_sessions: int, alerts: int | None
) -> Content:
    """The count line; `alerts` is None while the alerts are still being worked out."""
    alert_text = "checking what needs attention…" if alerts is None else f"{alerts} alerts"
    return Content(
        f"{active_members:,} active members · {active_circles:,} active circles · "
        f"{week_sessions} sessions this week · {alert_text}"
    )


def week_text(found: DashboardWeek) -> Content:
    """This week's sessions, one line each, with facilitator and deputy."""
    if not found.sessions:
        return Content("No sessions planned in the next 7 days.")
    lines = []
    for s in found.sessions:
        who = s.facilitator or "no facilitator yet"
        if s.deputy:
            who += f" (deputy {s.deputy})"
        lines.append(f"{s.local_start:%a %d %b %H:%M}  {s.circle_name} — {who}")
    return Content("\n".join(lines))


def attendance_caption(found: DashboardWeek) -> str:
    """The sparkline's caption: this week's rate and the 12-week range."""
    rates = [w.rate for w in found.attendance if w.rate is not None]
    if not rates:
        return "Attendance, 12 weeks: no sessions recorded yet"
    last = next((w for w in reversed(found.attendance) if w.rate is not None), None)
    assert last is not None
    return (
        f"Attendance, 12 weeks: latest {last.rate:.0%} (week of {last.week_start:%d %b}); "
        f"low {min(rates):.0%}, high {max(rates):.0%}"
    )


class DashboardScreen(Screen[None]):
    """Where to look this week; `enter` on an alert opens the screen where it is dealt with."""

    TITLE = "Dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_alert", "Open", id="dashboard.open", tooltip="Go where to act"),
    ]

    class FiguresShown(Message):
        """The count line now shows real figures: the glance's (`complete` False) or all of the
        dashboard's (`complete` True)."""

        def __init__(self, complete: bool) -> None:
            super().__init__()
            self.complete = complete

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []
        self._week: DashboardWeek | None = None
        self._alerts: list[Alert] | None = None
        self.shown: Dashboard | None = None
        """The whole dashboard on show, once both its week and its alerts have arrived."""

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("loading…", id="dashboard-counts", classes="count")
        with Horizontal(id="dashboard-top"):
            with Vertical(id="dashboard-week"):
                yield Label(Content("This week"), classes="section-title")
                yield Static("", id="week-sessions")
            with Vertical(id="dashboard-attendance"):
                yield Label("", id="attendance-caption", classes="section-title")
                yield Sparkline([], id="attendance-sparkline")
        yield Label(Content("Needs attention"), classes="section-title")
        yield PagedTable(ALERT_COLUMNS, id="alerts", empty_message="Nothing needs you this week.")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "glance", self.show_glance, init=True)
        self.watch(self.app, "db_ready", self._db_ready, init=True)
        reload_on_change(self, self.action_refresh)
        self.query_one(PagedTable).focus()

    def show_glance(self, glance: Glance | None) -> None:
        """Paint the first figures, unless the dashboard's own are already on show."""
        if glance is None or self._week is not None:
            return
        self.query_one("#dashboard-counts", Label).update(
            counts_text(glance.active_members, glance.active_circles, glance.week_sessions, None)
        )
        self.post_message(self.FiguresShown(complete=False))

    def _db_ready(self, ready: bool) -> None:
        if ready:
            self.action_refresh()

    def action_refresh(self) -> None:
        """Read the week and the alerts again, each in its own worker: the week shows as soon
        as it is read, without waiting for the alerts."""
        db = self.ck_app.db
        if db is None:
            return

        def week() -> DashboardWeek:
            from circlekeeper.services.dashboard import dashboard_week

            return dashboard_week(db)

        def alerts() -> list[Alert]:
            from circlekeeper.services.dashboard import ranked_alerts
            from circlekeeper.services.health_settings import health_settings

            return ranked_alerts(db, settings=health_settings())

        run_db(self, week, self.show_week, group="dashboard-week", exclusive=True)
        run_db(self, alerts, self.show_alerts, group="dashboard-alerts", exclusive=True)

    def reread(self) -> None:
        """Read the dashboard again once it has been on show, painting what it holds meanwhile
        (the app calls this when the screen is shown again after the data changed)."""
        if self.shown is not None:
            self.action_refresh()

    def show_week(self, week: DashboardWeek) -> None:
        """Paint this week's sessions, the attendance and the counts."""
        self._week = week
        self.query_one("#week-sessions", Static).update(week_text(week))
        self.query_one("#attendance-caption", Label).update(Content(attendance_caption(week)))
        self.query_one(Sparkline).data = [w.rate or 0.0 for w in week.attendance]
        self._paint_counts()

    def show_alerts(self, alerts: list[Alert]) -> None:
        """Paint the alerts, most urgent first."""
        self._alerts = alerts
        self._rows = alert_rows(alerts)
        self.query_one(PagedTable).set_loader(self._load)
        self._paint_counts()

    def _paint_counts(self) -> None:
        """The count line from what has arrived; once the week and the alerts both have, the
        whole dashboard is on show."""
        week, alerts = self._week, self._alerts
        if week is None:
            return
        self.query_one("#dashboard-counts", Label).update(
            counts_text(
                week.active_members,
                week.active_circles,
                len(week.sessions),
                None if alerts is None else len(alerts),
            )
        )
        if alerts is None:
            return
        from circlekeeper.services.dashboard_models import Dashboard

        self.shown = Dashboard(**dict(week), alerts=alerts)
        self.post_message(self.FiguresShown(complete=True))

    def _load(self, offset: int, limit: int) -> tuple[list[Row], int]:
        rows = self._rows
        return rows[offset : offset + limit], len(rows)

    def on_paged_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        event.stop()
        self._open(event.row)

    def action_open_alert(self) -> None:
        """Open the place to act on the highlighted alert."""
        row = self.query_one(PagedTable).highlighted
        if row is not None:
            self._open(row)

    def _open(self, row: Row) -> None:
        from circlekeeper.services.dashboard_models import Alert

        alert = row.data
        if not isinstance(alert, Alert):
            return
        self.app.call_later(self.ck_app.open_target, alert.target, alert.target_id)

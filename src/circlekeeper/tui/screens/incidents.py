"""The Incidents screen, behind `!` so it is only opened on purpose: harm reports and breaches,
their follow-ups and resolutions. Nothing here is ever exported except to facilitators."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Label, Static

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.screens.dialogs import ChoiceScreen, PromptScreen
from circlekeeper.tui.screens.incident_form import IncidentFormScreen
from circlekeeper.tui.screens.memory_list import MemoryListScreen
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, Row

if TYPE_CHECKING:
    from circlekeeper.models import IncidentRead

BANNER = "Confidential — incidents never leave this computer except in a facilitator-only export."
INCIDENT_COLUMNS = (
    Column("id", "#", width=5, justify="right"),
    Column("severity", "Severity", width=8),
    Column("status", "Status", width=9),
    Column("follow", "Follow up", width=11),
    Column("summary", "Summary"),
)


def incident_rows(found: list[IncidentRead]) -> list[Row]:
    """One row per incident; an overdue follow-up is marked."""
    return [
        Row(
            i.id,
            (
                str(i.id),
                str(i.severity),
                str(i.status),
                ("overdue " if i.overdue else "") + str(i.follow_up_on or "—"),
                i.summary,
            ),
            i,
        )
        for i in found
    ]


def incident_detail(i: IncidentRead) -> Content:
    """Everything recorded about one incident."""
    people = ", ".join(p.name for p in i.people) or "nobody named"
    lines = [
        f"Incident #{i.id} — {i.kind}, {i.severity} severity, {i.status}",
        f"Occurred on {i.occurred_on}" + (f" in {i.circle_name}" if i.circle_name else ""),
        f"People involved: {people}",
        f"Contact: {i.contact or 'not set'} · alternate: {i.alternate_contact or 'not set'}",
        f"Follow up on: {i.follow_up_on or 'not set'}" + (" — overdue" if i.overdue else ""),
        "",
        i.summary,
    ]
    if i.resolution:
        lines += ["", f"Resolved on {i.resolved_on}: {i.resolution}"]
    return Content("\n".join(lines))


class IncidentsScreen(MemoryListScreen):
    """Open and escalated incidents (`v` shows resolved ones too); `n` records one."""

    TITLE = "Incidents"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="incidents.new", tooltip="Record an incident"),
        Binding(
            "t", "status", "Status", id="incidents.status", tooltip="Escalate, reopen or resolve"
        ),
        Binding(
            "v",
            "toggle_resolved",
            "Resolved",
            id="incidents.view",
            tooltip="Show resolved ones too",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._resolved = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(Content(BANNER), id="incidents-banner", classes="warning-banner")
        with Horizontal():
            with Vertical(id="list-pane"):
                yield Label("loading…", id="incidents-count", classes="count")
                yield PagedTable(
                    INCIDENT_COLUMNS, id="incidents-table", empty_message="No open incidents."
                )
            with VerticalScroll(id="detail-pane"):
                yield Static(Content("Select an incident to read it."), id="incident-detail")
        yield KeyFooter()

    def reload(self) -> None:
        """Read the incidents again (in a worker)."""
        db = self.ck_app.db
        if db is None:
            return
        resolved = self._resolved

        def work() -> list[IncidentRead]:
            from circlekeeper.services.incidents import MAX_PAGE, list_incidents

            return list_incidents(db, include_resolved=resolved, limit=MAX_PAGE)

        run_db(self, work, self._show, group="incidents", exclusive=True)

    def _show(self, found: list[IncidentRead]) -> None:
        overdue = sum(1 for i in found if i.overdue)
        which = "incidents" if self._resolved else "open or escalated incidents"
        self.query_one("#incidents-count", Label).update(
            Content(
                f"{len(found)} {which}" + (f" · {overdue} follow-ups overdue" if overdue else "")
            )
        )
        self.show_rows(incident_rows(found))

    def on_paged_table_row_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        self.query_one("#incident-detail", Static).update(incident_detail(event.row.data))  # type: ignore[arg-type]

    def _current(self) -> IncidentRead | None:
        row = self.query_one(PagedTable).highlighted
        if row is None:
            self.notify("Highlight an incident first.", severity="warning")
            return None
        return row.data  # type: ignore[return-value]

    def action_new(self) -> None:
        """Record a new incident."""
        db = self.ck_app.db
        if db is not None:
            self.app.push_screen(IncidentFormScreen(db), self._saved)

    def _saved(self, incident: IncidentRead | None) -> None:
        if incident is None:
            return
        self.notify(f"Recorded incident #{incident.id}.", markup=False)
        self._wanted = incident.id
        self.ck_app.data_changed()

    def action_toggle_resolved(self) -> None:
        """Show or hide resolved incidents."""
        self._resolved = not self._resolved
        self.reload()

    def action_status(self) -> None:
        """Escalate, reopen or resolve the highlighted incident (resolving asks how)."""
        incident = self._current()
        db = self.ck_app.db
        if incident is None or db is None:
            return
        from circlekeeper.services.incidents import TRANSITIONS

        allowed = sorted(s.value for s in TRANSITIONS[incident.status])
        if not allowed:
            self.notify(f"Incident #{incident.id} is resolved.", markup=False)
            return

        def update(status: str, resolution: str | None = None) -> None:
            changes: dict[str, object] = {"status": status}
            if resolution is not None:
                changes["resolution"] = resolution

            def work() -> IncidentRead:
                from circlekeeper.services.incidents import update_incident

                return update_incident(
                    db, incident_id=incident.id, expected_version=incident.version, **changes
                )

            run_db(self, work, self._updated)

        def chosen(status: str | None) -> None:
            if status is None:
                return
            if status != "resolved":
                update(status)
                return

            def resolved(text: str | None) -> None:
                if text:
                    update(status, text)

            self.app.push_screen(
                PromptScreen(f"Resolve incident #{incident.id}", "How was it resolved?"), resolved
            )

        options = [(s, s) for s in allowed]
        self.app.push_screen(
            ChoiceScreen(f"Incident #{incident.id} is {incident.status}", options), chosen
        )

    def _updated(self, incident: IncidentRead) -> None:
        self.notify(f"Incident #{incident.id} is now {incident.status}.", markup=False)
        self._wanted = incident.id
        self.ck_app.data_changed()

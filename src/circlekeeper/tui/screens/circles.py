"""The Circles screen: every circle with its seats and rhythm, its members, and its lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input

from circlekeeper.models.enums import CIRCLE_TRANSITIONS, CircleStatus
from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.render import circle_cells, circle_detail, member_cells
from circlekeeper.tui.screens.circle_form import CircleFormScreen
from circlekeeper.tui.screens.dialogs import ChoiceScreen, PromptScreen
from circlekeeper.tui.screens.formation_preview import BACK, FormationPreviewScreen
from circlekeeper.tui.screens.formation_setup import (
    FormationDraft,
    FormationSettings,
    FormationSetupScreen,
)
from circlekeeper.tui.screens.list_detail import ListDetailScreen
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.review import ReviewOutcomeForCaller, ReviewScreen
from circlekeeper.tui.widgets.paged_table import Column, PageLoader, Row

if TYPE_CHECKING:
    from circlekeeper.models import CircleDetail, CircleRead
    from circlekeeper.tui.app import CircleKeeperApp

CIRCLE_COLUMNS = (
    Column("name", "Circle", width=30),
    Column("kind", "Kind", width=11),
    Column("seats", "Seats", width=7, justify="right"),
    Column("status", "Status", width=9),
    Column("cadence", "Cadence"),
)

STATUS_VERBS = {
    CircleStatus.ACTIVE: "Make active (start or reopen)",
    CircleStatus.PAUSED: "Pause",
    CircleStatus.CLOSED: "Close",
}


def circle_loader(app: CircleKeeperApp, search: str) -> PageLoader:
    """A page loader over the circle list for `search` (runs in the table's thread worker)."""
    db = app.db

    def load(offset: int, limit: int) -> tuple[list[Row], int]:
        from circlekeeper.services.circles import list_circles

        assert db is not None
        page = list_circles(db, search=search or None, limit=limit, offset=offset)
        return [
            Row(key=item.id, cells=circle_cells(item), data=item) for item in page.items
        ], page.total

    return load


def picker_loader(app: CircleKeeperApp) -> object:
    """Member loaders for the picker, showing name, contact and status only."""
    db = app.db

    def loader_for(search: str) -> PageLoader:
        def load(offset: int, limit: int) -> tuple[list[Row], int]:
            from circlekeeper.services.members import list_members

            assert db is not None
            page = list_members(db, search=search or None, limit=limit, offset=offset)
            return [
                Row(key=i.id, cells=member_cells(i)[:3], data=i) for i in page.items
            ], page.total

        return load

    return loader_for


class CirclesScreen(ListDetailScreen):
    """Circles with their seats; `a` adds a member through a searchable picker."""

    TITLE = "Circles"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            id="circles.search",
            tooltip="Filter circles by name or purpose",
        ),
        Binding("n", "new", "New", id="circles.new", tooltip="Create a circle"),
        Binding("enter", "edit", "Edit", id="circles.edit", tooltip="Edit the highlighted circle"),
        Binding(
            "plus",
            "add_member",
            "Add member",
            id="circles.add",
            key_display="+",
            tooltip="Give someone a seat",
        ),
        Binding(
            "minus",
            "remove_member",
            "Remove member",
            id="circles.remove",
            key_display="-",
            tooltip="End someone's seat",
        ),
        Binding(
            "t", "status", "Status", id="circles.status", tooltip="Start, pause, close or reopen"
        ),
        Binding(
            "f",
            "form",
            "Form circles",
            id="circles.form",
            tooltip="Propose new circles where people meet new people",
        ),
        Binding(
            "v",
            "review",
            "Review",
            id="circles.review",
            tooltip="Seasonal review: who continues, pauses, leaves or regroups",
        ),
        Binding("escape", "clear_search", "Clear search", id="circles.clear", show=False),
    ]

    columns = CIRCLE_COLUMNS
    noun = ("circle", "circles")
    search_placeholder = "/ to search circles by name or purpose"
    empty_message = "No circles yet — press n to create one"
    detail_hint = "Select a circle to see its members and agreements."

    def make_loader(self) -> PageLoader:
        return circle_loader(self.ck_app, self._search)

    def fetch_detail(self, key: int) -> Callable[[], CircleDetail]:
        db = self.ck_app.db

        def fetch() -> CircleDetail:
            from circlekeeper.services.circles import get_circle

            assert db is not None
            return get_circle(db, ref=key)

        return fetch

    def render_detail(self, detail: CircleDetail) -> Content:
        return circle_detail(detail)

    def _current(self) -> CircleDetail | None:
        row = self.table.highlighted
        if row is None or self._shown is None or self._shown.id != row.key:
            self.notify("Highlight a circle first.", severity="warning")
            return None
        return self._shown

    def open_row(self, circle_id: int) -> None:
        """Put the cursor on a circle (from the dashboard or the Health screen)."""
        db = self.ck_app.db
        if db is None:
            return

        def locate() -> int | None:
            from circlekeeper.services.circles import circle_position

            return circle_position(db, circle_id=circle_id)

        def located(position: int | None) -> None:
            if position is None:
                return
            if self._search:
                self._search = ""
                self.query_one("#search", Input).value = ""
                self.refresh_list()
            self.table.reload_at(position, circle_id)

        run_db(self, locate, located)

    def action_new(self) -> None:
        """Open the new-circle form."""
        if self.ck_app.db is not None:
            self.app.push_screen(CircleFormScreen(self.ck_app.db), self._saved)

    def action_edit(self) -> None:
        """Open the edit form for the highlighted circle."""
        circle = self._current()
        if circle is not None and self.ck_app.db is not None:
            self.app.push_screen(CircleFormScreen(self.ck_app.db, circle=circle), self._saved)

    def _saved(self, circle: CircleRead | None) -> None:
        if circle is None:
            return
        self.notify(f"Saved {circle.name}.", markup=False)
        db = self.ck_app.db
        search = self._search
        circle_id = circle.id

        def locate() -> int | None:
            from circlekeeper.services.circles import circle_position

            return circle_position(db, circle_id=circle_id, search=search or None)  # type: ignore[arg-type]

        def located(position: int | None) -> None:
            if position is not None:
                self.table.reload_at(position, circle_id)
            self.ck_app.data_changed()

        run_db(self, locate, located)

    def action_add_member(self) -> None:
        """Pick a member and give them a seat in the highlighted circle."""
        circle = self._current()
        db = self.ck_app.db
        if circle is None or db is None:
            return
        title = f"Add to {circle.name} — {circle.size} of {circle.max_size} seats taken"

        def picked(member_id: int | None) -> None:
            if member_id is None:
                return

            def work() -> CircleDetail:
                from circlekeeper.services.circles import add_member_to_circle

                return add_member_to_circle(db, circle_ref=circle.id, member_ref=member_id)

            run_db(self, work, self._membership_changed)

        self.app.push_screen(PickerScreen(title, picker_loader(self.ck_app)), picked)  # type: ignore[arg-type]

    def action_remove_member(self) -> None:
        """End a current member's seat in the highlighted circle, with an optional reason."""
        circle = self._current()
        db = self.ck_app.db
        if circle is None or db is None:
            return
        if not circle.members:
            self.notify(f"{circle.name} has no members.", markup=False)
            return
        options = [(str(m.member_id), m.name) for m in circle.members]

        def picked(member_id: str | None) -> None:
            if member_id is None:
                return

            def with_reason(reason: str | None) -> None:
                if reason is None:
                    return

                def work() -> CircleDetail:
                    from circlekeeper.services.circles import remove_member_from_circle

                    return remove_member_from_circle(
                        db, circle_ref=circle.id, member_ref=int(member_id), reason=reason or None
                    )

                run_db(self, work, self._membership_changed)

            self.app.push_screen(
                PromptScreen("Remove from circle", "Reason (optional):"), with_reason
            )

        self.app.push_screen(ChoiceScreen(f"Remove whom from {circle.name}?", options), picked)

    def _membership_changed(self, detail: CircleDetail) -> None:
        self.show_detail(detail)
        self.notify(f"{detail.name}: {detail.size} of {detail.max_size} seats taken.", markup=False)
        self.ck_app.data_changed()

    def action_status(self) -> None:
        """Move the highlighted circle along its lifecycle."""
        circle = self._current()
        db = self.ck_app.db
        if circle is None or db is None:
            return
        allowed = sorted(CIRCLE_TRANSITIONS[circle.status], key=list(CircleStatus).index)
        options = [(status.value, STATUS_VERBS.get(status, status.value)) for status in allowed]
        version = circle.version

        def chosen(value: str | None) -> None:
            if value is None:
                return

            def work() -> CircleRead:
                from circlekeeper.services.circles import set_circle_status

                return set_circle_status(
                    db, ref=circle.id, status=CircleStatus(value), expected_version=version
                )

            run_db(self, work, self._status_changed)

        self.app.push_screen(
            ChoiceScreen(f"{circle.name} is {circle.status.value}", options), chosen
        )

    def action_form(self, settings: FormationSettings | None = None) -> None:
        """Open the formation wizard: settings, then the proposal to adjust and create."""
        db = self.ck_app.db
        if db is None:
            return

        def proposed(draft: FormationDraft | None) -> None:
            if draft is None:
                return

            def decided(outcome: list[CircleDetail] | Literal["back"] | None) -> None:
                if outcome == BACK:
                    self.action_form(draft.settings)
                elif isinstance(outcome, list):
                    self._formed(outcome)

            self.app.push_screen(FormationPreviewScreen(db, draft.preview), decided)

        self.app.push_screen(FormationSetupScreen(db, settings), proposed)

    def action_review(self) -> None:
        """Open the highlighted circle's seasonal review (offering to start one)."""
        circle = self._current()
        db = self.ck_app.db
        if circle is None or db is None:
            return

        def closed(outcome: ReviewOutcomeForCaller | None) -> None:
            self.ck_app.data_changed()
            if outcome is not None and outcome.regroup_count:
                self.notify(
                    f"{outcome.regroup_count} from {outcome.circle_name} want to regroup — "
                    "form their new circles here.",
                    markup=False,
                )
                self.action_form(FormationSettings(members=outcome.regroup_members))

        self.app.push_screen(ReviewScreen(db, circle.id, circle.name), closed)

    def _formed(self, created: list[CircleDetail]) -> None:
        seats = sum(circle.size for circle in created)
        self.notify(
            f"Created {len(created):,} circles (forming) with {seats:,} seats.", markup=False
        )
        self.ck_app.data_changed()

    def _status_changed(self, circle: CircleRead) -> None:
        self.notify(f"{circle.name} is now {circle.status.value}.", markup=False)
        self.ck_app.data_changed()

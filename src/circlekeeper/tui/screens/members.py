"""The Members screen: a searchable virtual table, a detail pane, and add/edit/pause/leave."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, Static

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.render import member_cells, member_detail
from circlekeeper.tui.screens.dialogs import PromptScreen
from circlekeeper.tui.screens.member_form import MemberFormScreen
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, PageLoader, Row

if TYPE_CHECKING:
    from circlekeeper.models import MemberDetail, MemberRead, MemberSessionRead
    from circlekeeper.tui.app import CircleKeeperApp

MEMBER_COLUMNS = (
    Column("name", "Name", width=24),
    Column("contact", "Handle · email", width=28),
    Column("status", "Status", width=19),
    Column("circles", "Circles", width=7, justify="right"),
    Column("tags", "Tags"),
)

SEARCH_DELAY = 0.2


def member_loader(app: CircleKeeperApp, search: str) -> PageLoader:
    """A page loader over the member list for `search` (runs in the table's thread worker)."""
    db = app.db

    def load(offset: int, limit: int) -> tuple[list[Row], int]:
        from circlekeeper.services.members import list_members

        assert db is not None
        page = list_members(db, search=search or None, limit=limit, offset=offset)
        return [
            Row(key=item.id, cells=member_cells(item), data=item) for item in page.items
        ], page.total

    return load


def check_future_date(text: str) -> str | None:
    """Empty, or an ISO date after today; otherwise what is wrong."""
    from circlekeeper import clock

    if not text.strip():
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return "write the date as YYYY-MM-DD, e.g. 2027-01-15"
    if day <= clock.today():
        return "the date must be after today"
    return None


class MembersScreen(Screen[None]):
    """Everyone in the community, a page at a time; `/` filters by name, email, handle or tag."""

    TITLE = "Members"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            id="members.search",
            tooltip="Filter by name, email, handle or tag",
        ),
        Binding("n", "new", "New", id="members.new", tooltip="Add a member"),
        Binding("e", "edit", "Edit", id="members.edit", tooltip="Edit the highlighted member"),
        Binding("p", "pause", "Pause", id="members.pause", tooltip="Pause the highlighted member"),
        Binding(
            "u",
            "resume",
            "Resume",
            id="members.resume",
            tooltip="Make a paused or departed member active",
        ),
        Binding(
            "l",
            "leave",
            "Leave",
            id="members.leave",
            tooltip="Record that the member left the community",
        ),
        Binding("escape", "clear_search", "Clear search", id="members.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search = ""
        self._search_timer: Timer | None = None
        self._shown: MemberDetail | None = None

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="list-pane"):
                yield Input(placeholder="/ to search name, email, handle or tag (k=v)", id="search")
                yield Label("loading…", id="count", classes="count")
                yield PagedTable(
                    MEMBER_COLUMNS,
                    id="members-table",
                    empty_message="No members yet — press n to add one",
                )
            with VerticalScroll(id="detail-pane"):
                yield Static(Content("Select a member to see their details."), id="member-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "db_ready", self._db_ready, init=True)
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.query_one(PagedTable).focus()

    @property
    def table(self) -> PagedTable:
        return self.query_one("#members-table", PagedTable)

    def _db_ready(self, ready: bool) -> None:
        if ready:
            self.table.set_loader(member_loader(self.ck_app, self._search))

    def _data_changed(self, _: int) -> None:
        if self.ck_app.db is not None:
            self.table.reload()
            if self._shown is not None:
                self._load_detail(self._shown.id)

    @on(PagedTable.Loaded, "#members-table")
    def _loaded(self, event: PagedTable.Loaded) -> None:
        noun = "member" if event.total == 1 else "members"
        suffix = f" matching {self._search!r}" if self._search else ""
        self.query_one("#count", Label).update(Content(f"{event.total:,} {noun}{suffix}"))

    @on(PagedTable.RowHighlighted, "#members-table")
    def _highlighted(self, event: PagedTable.RowHighlighted) -> None:
        self._load_detail(event.row.key)

    def _load_detail(self, member_id: int) -> None:
        db = self.ck_app.db
        if db is None:
            return

        def fetch() -> tuple[MemberDetail, list[MemberSessionRead]]:
            from circlekeeper.services.members import get_member
            from circlekeeper.services.session_choices import upcoming_for_member

            detail = get_member(db, ref=member_id)
            return detail, upcoming_for_member(db, member_ref=member_id, days=21, limit=6)

        run_db(self, fetch, self._show_detail, group="member-detail", exclusive=True)

    def _show_detail(self, found: tuple[MemberDetail, list[MemberSessionRead]]) -> None:
        detail, upcoming = found
        self._shown = detail
        self.query_one("#member-detail", Static).update(member_detail(detail, upcoming))

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._apply_search(value))

    def _apply_search(self, value: str) -> None:
        if value == self._search or self.ck_app.db is None:
            return
        self._search = value
        self.table.set_loader(member_loader(self.ck_app, value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._apply_search(event.value.strip())
        self.table.focus()

    def action_search(self) -> None:
        """Focus the search box."""
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        """Empty the search box and show everyone."""
        search = self.query_one("#search", Input)
        search.value = ""
        self._apply_search("")
        self.table.focus()

    def _current(self) -> MemberDetail | None:
        row = self.table.highlighted
        if row is None or self._shown is None or self._shown.id != row.key:
            self.notify("Highlight a member first.", severity="warning")
            return None
        return self._shown

    def action_new(self) -> None:
        """Open the add-member form."""
        if self.ck_app.db is None:
            return
        self.app.push_screen(MemberFormScreen(self.ck_app.db), self._saved)

    def action_edit(self) -> None:
        """Open the edit form for the highlighted member."""
        member = self._current()
        if member is not None and self.ck_app.db is not None:
            self.app.push_screen(MemberFormScreen(self.ck_app.db, member=member), self._saved)

    def _saved(self, member: MemberRead | None) -> None:
        if member is None:
            return
        self.notify(f"Saved {member.name}.", markup=False)
        self.show_member(member.id)

    def show_member(self, member_id: int) -> None:
        """Reload everything and put the cursor on `member_id` (clearing a search that hides it)."""
        db = self.ck_app.db
        if db is None:
            return
        search = self._search

        def locate() -> tuple[int | None, str]:
            from circlekeeper.services.members import member_position

            position = member_position(db, member_id=member_id, search=search or None)
            if position is None and search:
                return member_position(db, member_id=member_id), ""
            return position, search

        def located(found: tuple[int | None, str]) -> None:
            position, used_search = found
            if used_search != self._search:
                self._search = used_search
                self.query_one("#search", Input).value = used_search
                self.table.set_loader(member_loader(self.ck_app, used_search))
            if position is not None:
                self.table.reload_at(position, member_id)
            self.ck_app.data_changed()

        run_db(self, locate, located)

    def action_pause(self) -> None:
        """Pause the highlighted member, optionally until a date."""
        member = self._current()
        if member is None:
            return
        db = self.ck_app.db
        version = member.version

        def chosen(answer: str | None) -> None:
            if answer is None or db is None:
                return
            until = dt.date.fromisoformat(answer.strip()) if answer.strip() else None

            def work() -> MemberRead:
                from circlekeeper.services.members import pause_member

                return pause_member(db, ref=member.id, until=until, expected_version=version)

            run_db(self, work, self._changed)

        self.app.push_screen(
            PromptScreen(
                f"Pause {member.name}",
                "Paused until (YYYY-MM-DD, empty = until resumed):",
                placeholder="2027-01-15",
                check=check_future_date,
            ),
            chosen,
        )

    def action_resume(self) -> None:
        """Make the highlighted member active again."""
        member = self._current()
        db = self.ck_app.db
        if member is None or db is None:
            return
        version = member.version

        def work() -> MemberRead:
            from circlekeeper.services.members import resume_member

            return resume_member(db, ref=member.id, expected_version=version)

        run_db(self, work, self._changed)

    def action_leave(self) -> None:
        """Record that the highlighted member left; their circle stays end today."""
        member = self._current()
        db = self.ck_app.db
        if member is None or db is None:
            return
        version = member.version

        def confirmed(reason: str | None) -> None:
            if reason is None or db is None:
                return

            def work() -> MemberRead:
                from circlekeeper.services.members import leave_member

                return leave_member(
                    db, ref=member.id, reason=reason.strip() or None, expected_version=version
                )

            run_db(self, work, self._changed)

        self.app.push_screen(
            PromptScreen(
                f"{member.name} leaves the community",
                "Reason (optional; ends all their circle seats today):",
                placeholder="moved away",
            ),
            confirmed,
        )

    def _changed(self, member: MemberRead) -> None:
        self.notify(f"{member.name}: {member.status.value}.", markup=False)
        self.ck_app.data_changed()

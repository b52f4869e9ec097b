"""The Members screen: a searchable virtual table, a detail pane, and add/edit/pause/leave."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input

from circlekeeper.models.enums import MemberStatus
from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.render import member_cells, member_detail
from circlekeeper.tui.screens.dialogs import PromptScreen
from circlekeeper.tui.screens.list_detail import ListDetailScreen
from circlekeeper.tui.screens.member_form import MemberFormScreen
from circlekeeper.tui.widgets.paged_table import Column, PageLoader, Row

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


class MembersScreen(ListDetailScreen):
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
        Binding("enter", "edit", "Edit", id="members.edit", tooltip="Edit the highlighted member"),
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

    columns = MEMBER_COLUMNS
    noun = ("member", "members")
    search_placeholder = "/ to search name, email, handle or tag (k=v)"
    empty_message = "No members yet — press n to add one"
    detail_hint = "Select a member to see their details."

    def make_loader(self) -> PageLoader:
        return member_loader(self.ck_app, self._search)

    def fetch_detail(self, key: int) -> Callable[[], tuple[MemberDetail, list[MemberSessionRead]]]:
        db = self.ck_app.db

        def fetch() -> tuple[MemberDetail, list[MemberSessionRead]]:
            from circlekeeper.services.members import get_member
            from circlekeeper.services.session_choices import upcoming_for_member

            assert db is not None
            detail = get_member(db, ref=key)
            return detail, upcoming_for_member(db, member_ref=key, days=21, limit=6)

        return fetch

    def render_detail(self, detail: tuple[MemberDetail, list[MemberSessionRead]]) -> Content:
        return member_detail(*detail)

    def show_detail(self, detail: tuple[MemberDetail, list[MemberSessionRead]]) -> None:
        super().show_detail(detail)
        self._shown = detail[0]

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

    def open_row(self, member_id: int) -> None:
        """Put the cursor on a member (from a dashboard alert)."""
        self.show_member(member_id)

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

        title, until = f"Pause {member.name}", ""
        if member.status == MemberStatus.PAUSED:
            until = "" if member.paused_until is None else member.paused_until.isoformat()
            title = f"{member.name} is paused until {until or 'resumed'} — move the date"
        self.app.push_screen(
            PromptScreen(
                title,
                "Paused until (YYYY-MM-DD, empty = until resumed):",
                placeholder="2027-01-15",
                value=until,
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

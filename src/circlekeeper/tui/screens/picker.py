"""Pick one row (a member, a circle) by typing part of its name; the list loads page by page."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label

from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, PageLoader

MEMBER_COLUMNS = (
    Column("name", "Name", width=28),
    Column("contact", "Handle · email", width=30),
    Column("status", "Status", width=16),
)
CIRCLE_COLUMNS = (
    Column("name", "Circle", width=34),
    Column("kind", "Kind", width=11),
    Column("seats", "Seats", width=7, justify="right"),
    Column("status", "Status", width=9),
)


class PickerScreen(ModalScreen[int | None]):
    """Returns the chosen row's key, or None; `loader_for(search)` supplies the rows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "focus_table", "To the list", id="picker.table", show=False),
    ]

    def __init__(
        self,
        title: str,
        loader_for: Callable[[str], PageLoader],
        *,
        columns: tuple[Column, ...] = MEMBER_COLUMNS,
        placeholder: str = "type to search name, email, handle or tag",
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._loader_for = loader_for
        self._columns = columns
        self._placeholder = placeholder
        self._timer: Timer | None = None
        self._searched = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(Content(self._title), classes="dialog-title")
            yield Input(placeholder=self._placeholder, id="picker-search")
            yield PagedTable(self._columns, id="picker-table", empty_message="Nothing matches")
            yield Label(
                "type to search · ↓ to the list · enter to choose · esc to cancel", classes="hint"
            )
            yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PagedTable).set_loader(self._loader_for(""))
        self.query_one("#picker-search", Input).focus()

    @on(Input.Changed, "#picker-search")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        value = event.value.strip()
        self._timer = self.set_timer(0.2, lambda: self._search(value))

    @on(Input.Submitted, "#picker-search")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._search(event.value.strip())
        self.query_one(PagedTable).focus()

    def _search(self, value: str) -> None:
        """List the rows matching `value`, unless they are listed already: reloading would drop
        the row the user has just moved to (a late debounce after Enter did)."""
        if value == self._searched:
            return
        self._searched = value
        self.query_one(PagedTable).set_loader(self._loader_for(value))

    @on(PagedTable.RowSelected, "#picker-table")
    def _selected(self, event: PagedTable.RowSelected) -> None:
        self.dismiss(event.row.key)

    def action_focus_table(self) -> None:
        self.query_one(PagedTable).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

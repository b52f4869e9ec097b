"""Pending ambassador nominations, pushed over the Ambassadors screen: accept or decline each."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.screens.dialogs import PromptScreen
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import safe_cell_text

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import AmbassadorRead, NominationRead


def _cell(text: str, style: str = "") -> Text:
    return Text(safe_cell_text(text), style=style, no_wrap=True, overflow="ellipsis")


class NominationsScreen(ModalScreen[None]):
    """The pending nominations, newest first; `y` accepts (they become an ambassador), `n`
    declines with an optional note; every decision reloads the list and tells the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y",
            "accept",
            "Accept",
            id="nominations.accept",
            tooltip="Make the nominee an ambassador",
        ),
        Binding(
            "n",
            "decline",
            "Decline",
            id="nominations.decline",
            tooltip="Decline the nomination, with an optional note",
        ),
        Binding("escape", "close", "Close", id="nominations.close", tooltip="Back to ambassadors"),
    ]

    def __init__(self, db: Database) -> None:
        super().__init__(classes="dialog-screen")
        self._db = db
        self._shown: dict[str, NominationRead] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label("Pending nominations", classes="dialog-title")
            yield DataTable(id="nomination-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="nomination-reason")
            yield Label("y accept · n decline · esc close", classes="hint")
            yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Member", key="member", width=24)
        table.add_column("Nominated by", key="by", width=18)
        table.add_column("Focus", key="focus", width=18)
        table.add_column("On", key="on", width=10)
        table.focus()
        self._reload()

    def _reload(self) -> None:
        db = self._db

        def fetch() -> list[NominationRead]:
            from circlekeeper.services.nominations import list_nominations

            return list_nominations(db)

        run_db(self, fetch, self._show, group="nominations", exclusive=True)

    def _show(self, nominations: list[NominationRead]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self._shown = {}
        for nomination in nominations:
            key = str(nomination.id)
            self._shown[key] = nomination
            table.add_row(
                _cell(nomination.member_name),
                _cell(nomination.nominated_by),
                _cell(nomination.focus or "—", "" if nomination.focus else "dim"),
                _cell(f"{nomination.created_at:%Y-%m-%d}"),
                key=key,
            )
        if not nominations:
            self.query_one("#nomination-reason", Static).update(
                Content("Nothing waiting; 'circlekeeper nominate MEMBER --reason …' adds one.")
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        nomination = self._shown.get(str(event.row_key.value))
        if nomination is None:
            return
        self.query_one("#nomination-reason", Static).update(
            Content.assemble(("Why: ", "bold"), nomination.reason)
        )

    def _current(self) -> NominationRead | None:
        table = self.query_one(DataTable)
        if not self._shown or table.cursor_row < 0:
            self.notify("No nomination to decide.", severity="warning")
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self._shown.get(str(key.value))

    def action_accept(self) -> None:
        """Accept the highlighted nomination: the member becomes an ambassador."""
        nomination = self._current()
        if nomination is None:
            return
        db = self._db
        nomination_id = nomination.id

        def work() -> tuple[NominationRead, AmbassadorRead]:
            from circlekeeper.services.nominations import accept_nomination

            return accept_nomination(db, nomination_id=nomination_id)

        run_db(self, work, self._accepted)

    def _accepted(self, result: tuple[NominationRead, AmbassadorRead]) -> None:
        _, ambassador = result
        self.notify(
            f"{ambassador.member_name} is now an ambassador ({', '.join(ambassador.focus)}).",
            markup=False,
        )
        self._decided()

    def action_decline(self) -> None:
        """Decline the highlighted nomination, with an optional note for the record."""
        nomination = self._current()
        if nomination is None:
            return
        db = self._db
        nomination_id = nomination.id

        def noted(note: str | None) -> None:
            if note is None:
                return

            def work() -> NominationRead:
                from circlekeeper.services.nominations import decline_nomination

                return decline_nomination(db, nomination_id=nomination_id, note=note)

            run_db(self, work, self._declined)

        self.app.push_screen(
            PromptScreen(
                f"Decline the nomination of {nomination.member_name}",
                "Note (optional, kept with the decision):",
                placeholder="not this season",
            ),
            noted,
        )

    def _declined(self, nomination: NominationRead) -> None:
        self.notify(f"Declined the nomination of {nomination.member_name}.", markup=False)
        self._decided()

    def _decided(self) -> None:
        self.app.data_changed()  # type: ignore[attr-defined]
        self._reload()

    def action_close(self) -> None:
        """Back to the Ambassadors screen."""
        self.dismiss(None)

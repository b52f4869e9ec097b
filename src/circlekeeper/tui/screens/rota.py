"""The rota board: upcoming sessions by roles, who is on and the deputy, load against the cap."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.data_watch import reload_on_change
from circlekeeper.tui.screens.dialogs import ChoiceScreen, PromptScreen
from circlekeeper.tui.screens.picker import CIRCLE_COLUMNS, PickerScreen
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import safe_cell_text

if TYPE_CHECKING:
    from circlekeeper.models import AssignmentRead, OverrideRead, RotaRead
    from circlekeeper.tui.app import CircleKeeperApp


ROLE_WIDTH = 30
SESSION_WIDTH = len("Tue 01 Dec")
"""Every column has a set width: DataTable keeps cells it drew before measuring new rows, so a
column left to size itself can stay as narrow as its header."""
"""Cells of a role column: a 200-character name is cut with an ellipsis instead of pushing the
other roles off the board."""


def cell_text(assignment: AssignmentRead | None) -> Text:
    """ "Ana · dep. Bea" as plain Text (names are never markup), on one line."""
    if assignment is None:
        return Text("—", style="dim")
    if assignment.member_name is None:
        return Text("nobody eligible", style="bold red")
    text = Text(safe_cell_text(assignment.member_name), no_wrap=True, overflow="ellipsis")
    if assignment.deputy_name:
        text.append(f"  · dep. {safe_cell_text(assignment.deputy_name)}", style="dim")
    return text


def planning_notes(found: RotaRead) -> list[str]:
    """What planning says under the rota: its warnings, then each turn that moved to someone
    else, so nobody learns at the session that their turn was given away."""
    notes = list(found.warnings)
    if found.changes:
        notes.append("Turns that now go to someone else:")
        notes += [f"  {change.message}" for change in found.changes]
    return notes


class RotaScreen(Screen[None]):
    """Pick a circle (`/`), plan its rota (`p`), swap two cells (`w` twice), skip someone (`x`)."""

    TITLE = "Rota"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash", "pick_circle", "Circle", id="rota.circle", tooltip="Show another circle's rota"
        ),
        Binding(
            "p", "plan", "Plan", id="rota.plan", tooltip="Plan the next sessions' roles fairly"
        ),
        Binding(
            "w", "swap", "Swap", id="rota.swap", tooltip="Mark a cell, then swap it with another"
        ),
        Binding(
            "o", "override", "Override", id="rota.override", tooltip="Put someone else in this cell"
        ),
        Binding("x", "skip", "Skip", id="rota.skip", tooltip="Skip someone on this session's date"),
        Binding("escape", "cancel_swap", "Cancel swap", id="rota.cancel", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._circle_id: int | None = None
        self._rota: RotaRead | None = None
        self._cells: dict[tuple[int, int], AssignmentRead] = {}
        self._marked: AssignmentRead | None = None
        self._plan_notes: list[str] = []
        """What the last planning of this circle said; kept on show when the board is read
        again (after the commit the data watch reloads it), until another circle is picked."""

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Press / to pick a circle.", id="rota-title", classes="dialog-title")
        with Horizontal():
            with Vertical(id="list-pane"):
                yield DataTable(id="rota-table", cursor_type="cell", zebra_stripes=True)
                yield Static("", id="rota-warnings", classes="field-error")
            with VerticalScroll(id="detail-pane"):
                yield Static("", id="rota-load")
        yield KeyFooter()

    def on_mount(self) -> None:
        reload_on_change(self, self._reload)
        self.query_one(DataTable).focus()

    def action_pick_circle(self) -> None:
        """Choose whose rota to show."""
        from circlekeeper.tui.screens.sessions import circle_picker_loader

        def picked(circle_id: int | None) -> None:
            if circle_id is not None:
                self._circle_id = circle_id
                self._marked = None
                self._plan_notes = []
                self._reload()

        self.app.push_screen(
            PickerScreen(
                "Show the rota of which circle?",
                circle_picker_loader(self.ck_app),
                columns=CIRCLE_COLUMNS,
                placeholder="type to search circles",
            ),
            picked,
        )

    def _reload(self, warnings: list[str] | None = None) -> None:
        db = self.ck_app.db
        circle_id = self._circle_id
        if db is None or circle_id is None:
            return

        def fetch() -> tuple[RotaRead, list[str]]:
            from circlekeeper.services.roles import term_warnings
            from circlekeeper.services.rota import rota

            board = rota(db, circle_ref=circle_id)
            terms = [w.message for w in term_warnings(db, circle_ref=circle_id)]
            return board, [*board.warnings, *terms]

        run_db(
            self,
            fetch,
            lambda found: self._show(found[0], [*self._plan_notes, *(warnings or []), *found[1]]),
        )

    def _show(self, found: RotaRead, warnings: list[str]) -> None:
        self._rota = found
        self.query_one("#rota-title", Label).update(
            Content(f"Rota — {found.circle_name}  (cap: {found.cap} roles per person in 4 weeks)")
        )
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        rotating = [role for role in found.roles if role.rotating]
        table.add_column(Text("Session"), key="session", width=SESSION_WIDTH)
        for role in rotating:
            table.add_column(Text(role.name), key=role.name, width=ROLE_WIDTH)
        sessions: dict[int, dt.date | None] = {}
        for assignment in found.assignments:
            if assignment.session_id is not None:
                sessions.setdefault(assignment.session_id, assignment.day)
        self._cells = {}
        for row_index, (session_id, day) in enumerate(sessions.items()):
            cells: list[Text] = [Text(f"{day:%a %d %b}" if day else "?")]
            for column_index, role in enumerate(rotating, start=1):
                match = next(
                    (
                        a
                        for a in found.assignments
                        if a.session_id == session_id and a.role == role.name
                    ),
                    None,
                )
                if match is not None:
                    self._cells[(row_index, column_index)] = match
                cells.append(cell_text(match))
            table.add_row(*cells, key=str(session_id))
        if sessions:
            table.cursor_coordinate = cursor
        terms = [a for a in found.assignments if not a.rotating]
        load_parts: list[str | tuple[str, str]] = [("Load, next 4 weeks", "bold"), "\n"]
        for name, count in sorted(found.load.items(), key=lambda item: (-item[1], item[0])):
            style = "$error" if count > found.cap else ""
            load_parts += ["  ", name, (f"  {count}/{found.cap}\n", style)]
        if not found.load:
            load_parts.append(("  nobody yet — press p to plan\n", "italic"))
        if terms:
            load_parts += ["\n", ("Term roles", "bold"), "\n"]
            for term in terms:
                load_parts += [
                    f"  {term.role}: ",
                    term.member_name or "—",
                    f"  until {term.ends_on or '…'}\n",
                ]
        self.query_one("#rota-load", Static).update(Content.assemble(*load_parts))
        self.query_one("#rota-warnings", Static).update(Content("\n".join(warnings)))

    def _planned(self, found: RotaRead) -> None:
        """Show a rota just planned, with what planning said."""
        self._plan_notes = planning_notes(found)
        self._show(found, self._plan_notes)

    def _selected(self) -> AssignmentRead | None:
        table = self.query_one(DataTable)
        coordinate = table.cursor_coordinate
        return self._cells.get((coordinate.row, coordinate.column))

    def action_plan(self) -> None:
        """Plan the roles of the next sessions (hand-made swaps and overrides stay)."""
        db = self.ck_app.db
        circle_id = self._circle_id
        if db is None or circle_id is None:
            self.notify("Pick a circle first (/).", severity="warning")
            return

        def work() -> RotaRead:
            from circlekeeper.services.rota import plan_roles

            return plan_roles(db, circle_ref=circle_id)

        def planned(found: RotaRead) -> None:
            self._planned(found)
            moved = len(found.changes)
            note = (
                f" {moved} turn{'' if moved == 1 else 's'} moved (listed below)." if moved else ""
            )
            self.notify(f"Planned the rota of {found.circle_name}.{note}", markup=False)

        run_db(self, work, planned)

    def action_swap(self) -> None:
        """First press marks the highlighted cell; the second swaps it with the marked one."""
        chosen = self._selected()
        if chosen is None:
            self.notify("Move to a role cell first.", severity="warning")
            return
        if self._marked is None:
            self._marked = chosen
            self.notify(
                f"Marked {chosen.role} on {chosen.day}: move to another cell and press w again.",
                markup=False,
            )
            return
        first, self._marked = self._marked, None
        if first.id == chosen.id:
            return
        db = self.ck_app.db
        if db is None:
            return

        def work() -> object:
            from circlekeeper.services.roles import swap_assignments

            return swap_assignments(
                db,
                first_id=first.id,
                second_id=chosen.id,
                reason="swapped on the rota board",
                expected_versions=(first.version, chosen.version),
            )

        def swapped(_: object) -> None:
            self.notify("Swapped.")
            self.ck_app.data_changed()

        run_db(self, work, swapped)

    def action_cancel_swap(self) -> None:
        """Forget the marked cell."""
        self._marked = None

    def action_override(self) -> None:
        """Put another member of the circle in the highlighted cell, with a reason."""
        chosen = self._selected()
        db = self.ck_app.db
        circle_id = self._circle_id
        if chosen is None or db is None or circle_id is None:
            self.notify("Move to a role cell first.", severity="warning")
            return

        def fetch() -> list[tuple[int, str]]:
            from circlekeeper.services.circles import get_circle

            return [(m.member_id, m.name) for m in get_circle(db, ref=circle_id).members]

        def offer(people: list[tuple[int, str]]) -> None:
            def picked(member_id: str | None) -> None:
                if member_id is None:
                    return

                def with_reason(reason: str | None) -> None:
                    if not reason:
                        return

                    def work() -> OverrideRead:
                        from circlekeeper.services.roles import override_assignment

                        return override_assignment(
                            db, assignment_id=chosen.id, member_ref=int(member_id), reason=reason
                        )

                    run_db(self, work, self._overridden)

                self.app.push_screen(
                    PromptScreen(
                        f"{chosen.role} on {chosen.day}",
                        "Reason (required, kept in the record):",
                        check=lambda text: None if text.strip() else "say why",
                    ),
                    with_reason,
                )

            self.app.push_screen(
                ChoiceScreen(
                    f"Who takes {chosen.role} on {chosen.day}?", [(str(i), n) for i, n in people]
                ),
                picked,
            )

        run_db(self, fetch, offer)

    def _overridden(self, done: OverrideRead) -> None:
        """Say who now holds the turn, and warn of each rota rule the choice breaks."""
        line = done.line
        when = f" on {line.day:%a %d %b}" if line.day else ""
        self.notify(f"{line.member_name or 'Nobody'} is now {line.role}{when}.", markup=False)
        for warning in done.warnings:
            self.notify(warning, severity="warning", markup=False, timeout=10)
        self.ck_app.data_changed()

    def action_skip(self) -> None:
        """Skip a member of this circle on the highlighted session's date, then re-plan."""
        chosen = self._selected()
        db = self.ck_app.db
        circle_id = self._circle_id
        if chosen is None or db is None or circle_id is None or chosen.day is None:
            self.notify("Move to a session's cell first.", severity="warning")
            return
        day = chosen.day

        def fetch() -> list[tuple[int, str]]:
            from circlekeeper.services.circles import get_circle

            return [(m.member_id, m.name) for m in get_circle(db, ref=circle_id).members]

        def offer(people: list[tuple[int, str]]) -> None:
            def picked(member_id: str | None) -> None:
                if member_id is None:
                    return

                def with_reason(reason: str | None) -> None:
                    if not reason:
                        return

                    def work() -> RotaRead:
                        from circlekeeper.services.roles import skip_member
                        from circlekeeper.services.rota import plan_roles

                        skip_member(
                            db,
                            circle_ref=circle_id,
                            member_ref=int(member_id),
                            day=day,
                            reason=reason,
                        )
                        return plan_roles(db, circle_ref=circle_id)

                    run_db(self, work, self._planned)

                self.app.push_screen(
                    PromptScreen(
                        f"Skip on {day:%a %d %b}",
                        "Reason (required):",
                        check=lambda text: None if text.strip() else "say why",
                    ),
                    with_reason,
                )

            self.app.push_screen(
                ChoiceScreen(f"Who is away on {day:%a %d %b}?", [(str(i), n) for i, n in people]),
                picked,
            )

        run_db(self, fetch, offer)

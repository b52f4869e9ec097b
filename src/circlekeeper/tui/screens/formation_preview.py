"""The second step of the formation wizard: the proposed circles, hand swaps, then create.

Nothing is written until the facilitator presses `c`; escape leaves nothing behind, also while
the circles are being created (a bar shows how far that has come).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Label, ProgressBar, Static

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, Row

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import CircleDetail
    from circlekeeper.services.formation_models import FormationPreview, ProposedCircle

BACK: Literal["back"] = "back"
"""What the screen returns when the facilitator wants to change the settings."""

PREVIEW_COLUMNS = (
    Column("circle", "Circle", width=22),
    Column("member", "Member", width=28),
    Column("met", "Met before"),
)

SWAP_MARK = "⇄ "


class CreationStopped(Exception):
    """Raised inside the creating transaction when the facilitator pressed escape: it rolls
    back, so no circle of the round is left behind."""


def preview_rows(preview: FormationPreview, marked: int | None) -> list[Row]:
    """One row per proposed seat: the circle's name on its first row, who each one met before."""
    rows = []
    for index, circle in enumerate(preview.circles):
        met: dict[int, list[str]] = {}
        for pair in circle.met_before:
            met.setdefault(pair.first_id, []).append(pair.second)
            met.setdefault(pair.second_id, []).append(pair.first)
        for position, member in enumerate(circle.members):
            label = f"{circle.name} ({len(circle.members)})" if position == 0 else ""
            name = (SWAP_MARK if member.id == marked else "") + member.name
            rows.append(Row(member.id, (label, name, ", ".join(met.get(member.id, []))), index))
    return rows


def circle_text(preview: FormationPreview, circle: ProposedCircle) -> Content:
    """The highlighted proposed circle: members, balance counts and who met before, and where."""
    lines = [f"{circle.name} — {len(circle.members)} members", ""]
    lines += [f"  {member.name}" for member in circle.members]
    if preview.balance_tag is not None:
        counts = ", ".join(f"{value or '(none)'} {n}" for value, n in circle.balance.items())
        lines += ["", f"{preview.balance_tag}: {counts}"]
    lines.append("")
    if not circle.met_before:
        lines.append("Nobody here has shared a circle before.")
    else:
        lines.append(f"Met before ({len(circle.met_before)}):")
    for met in circle.met_before:
        when = "still together" if met.current else f"until {met.last_together}"
        lines.append(f"  • {met.first} & {met.second} — {met.circle}, {when}")
    return Content("\n".join(lines))


def summary_text(preview: FormationPreview, marked_name: str | None) -> Content:
    """The line above the table: how many, what sizes, how many pairs meet again."""
    sizes = sorted({len(c.members) for c in preview.circles})
    text = (
        f"{preview.pool_size:,} members in {len(preview.circles):,} circles "
        f"(sizes {', '.join(map(str, sizes))}) · {preview.repeated_pairs:,} pairs met before"
    )
    if marked_name is not None:
        text += f" · ⇄ {marked_name}: space on someone in another circle swaps them"
    return Content(text)


class FormationPreviewScreen(Screen["list[CircleDetail] | Literal['back'] | None"]):
    """Returns the created circles, BACK to change the settings, or None when cancelled."""

    TITLE = "Form circles — proposal"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "swap",
            "Mark / swap",
            id="formation.swap",
            tooltip="Mark the highlighted member; on a second member, swap the two",
        ),
        Binding("c", "commit", "Create circles", id="formation.commit", tooltip="Save them all"),
        Binding("b", "back", "Back", id="formation.back", tooltip="Change the settings"),
        Binding("escape", "cancel", "Cancel", id="formation.cancel", tooltip="Create nothing"),
    ]

    def __init__(self, db: Database, preview: FormationPreview) -> None:
        super().__init__()
        self._db = db
        self.preview = preview
        self.marked: int | None = None
        self._busy = False
        self._creating = False
        self._stop = threading.Event()
        self._rows = preview_rows(preview, None)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="list-pane"):
                yield Label("", id="formation-summary", classes="count")
                yield ProgressBar(show_eta=False, id="formation-commit-progress")
                yield PagedTable(PREVIEW_COLUMNS, id="formation-table", empty_message="")
            with VerticalScroll(id="detail-pane"):
                yield Static("", id="formation-detail")
        yield KeyFooter()

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    def on_mount(self) -> None:
        self.query_one("#formation-commit-progress", ProgressBar).display = False
        self._show_summary()
        self.table.set_loader(self._load)
        self.table.focus()
        for warning in self.preview.warnings:
            self.notify(warning, severity="warning", markup=False)

    def on_unmount(self) -> None:
        """Let go of the proposal once closed: Textual keeps a closed screen referenced for a
        while (by its finished workers and timers), and a proposal for 90,000 members, with its
        rows, holds about 200 MiB."""
        self.preview = self.preview.model_copy(update={"circles": ()})
        self._rows = []

    def _load(self, offset: int, limit: int) -> tuple[list[Row], int]:
        rows = self._rows
        return rows[offset : offset + limit], len(rows)

    def _show_summary(self) -> None:
        name = None
        if self.marked is not None:
            name = next(
                m.name for c in self.preview.circles for m in c.members if m.id == self.marked
            )
        self.query_one("#formation-summary", Label).update(summary_text(self.preview, name))

    def on_paged_table_row_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        index = event.row.data
        assert isinstance(index, int)
        detail = circle_text(self.preview, self.preview.circles[index])
        self.query_one("#formation-detail", Static).update(detail)

    def action_swap(self) -> None:
        """Mark the highlighted member, or swap them with the one already marked."""
        row = self.table.highlighted
        if row is None or self._busy:
            return
        if self.marked is None or self.marked == row.key:
            self.marked = None if self.marked == row.key else row.key
            self._refresh_rows()
            return
        first, second = self.marked, row.key
        preview, db = self.preview, self._db

        def work() -> FormationPreview:
            from circlekeeper.services.formation_swap import swap_members

            return swap_members(db, preview, first, second)

        self._busy = True
        run_db(self, work, self._swapped, on_error=self._swap_refused)

    def _swapped(self, preview: FormationPreview) -> None:
        self._busy = False
        before = self.preview.repeated_pairs
        self.preview = preview
        self.marked = None
        self._refresh_rows()
        change = preview.repeated_pairs - before
        self.notify(
            f"Swapped. Pairs met before: {preview.repeated_pairs} ({change:+d}).", markup=False
        )

    def _swap_refused(self, exc: Exception) -> None:
        from circlekeeper.tui.bridge import show_error

        self._busy = False
        show_error(self, exc)

    def _refresh_rows(self) -> None:
        self._rows = preview_rows(self.preview, self.marked)
        self._show_summary()
        self.table.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the circles are being created only escape (stop) is live; the rest grey out."""
        if self._creating and action in ("swap", "commit", "back"):
            return None
        return True

    def action_commit(self) -> None:
        """Create every proposed circle with its members, in one transaction, with a bar."""
        if self._busy:
            return
        self._busy = self._creating = True
        self._stop.clear()
        self.refresh_bindings()
        preview, db, app, stop = self.preview, self._db, self.app, self._stop
        bar = self.query_one("#formation-commit-progress", ProgressBar)
        bar.update(total=len(preview.circles), progress=0)
        bar.display = True
        self._creating_status(0, len(preview.circles))

        def created(done: int, total: int) -> None:
            if stop.is_set():
                raise CreationStopped
            app.call_from_thread(self._creating_status, done, total)

        def work() -> list[CircleDetail]:
            from circlekeeper.services.formation import commit_formation

            return commit_formation(db, preview, progress=created)

        run_db(self, work, self.dismiss, on_error=self._not_created)

    def _creating_status(self, done: int, total: int) -> None:
        self.query_one("#formation-commit-progress", ProgressBar).update(progress=done)
        self.query_one("#formation-summary", Label).update(
            Content(f"creating circles… {done:,} of {total:,} · escape stops and creates none")
        )

    def _not_created(self, exc: Exception) -> None:
        """Back to the proposal as it was, saying why nothing was created."""
        from circlekeeper.tui.bridge import show_error

        self._busy = self._creating = False
        self.refresh_bindings()
        self.query_one("#formation-commit-progress", ProgressBar).display = False
        self._show_summary()
        if isinstance(exc, CreationStopped):
            self.notify("Stopped: no circle was created.", markup=False)
        else:
            show_error(self, exc)

    def action_back(self) -> None:
        """Return to the settings, keeping what was typed."""
        if not self._busy:
            self.dismiss(BACK)

    def action_cancel(self) -> None:
        """Leave without creating anything; while creating, stop and roll it all back."""
        if self._creating:
            self._stop.set()
            self.query_one("#formation-summary", Label).update(Content("stopping…"))
        elif not self._busy:
            self.dismiss(None)

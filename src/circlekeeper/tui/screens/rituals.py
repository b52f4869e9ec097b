"""The Rituals screen: every prompt pack, built-in and your own; add, edit or start from a copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.screens.ritual_form import RitualFormScreen
from circlekeeper.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from circlekeeper.models import RitualRead
    from circlekeeper.tui.app import CircleKeeperApp


def ritual_detail(ritual: RitualRead) -> Content:
    """The ritual detail pane: prompts in order, timebox, opening and closing."""
    parts: list[str | tuple[str, str]] = [(ritual.name, "bold $accent"), "\n"]
    origin = "built in" if ritual.builtin else "your own"
    parts.append(
        (f"{ritual.mode.value} · {ritual.timebox_minutes} min per person · {origin}\n\n", "dim")
    )
    if ritual.description:
        parts += [ritual.description, "\n\n"]
    if ritual.opening:
        parts += [("Opening  ", "bold"), ritual.opening, "\n\n"]
    parts += [("Prompts", "bold"), "\n"]
    for index, prompt in enumerate(ritual.prompts, start=1):
        parts += [f"  {index}. ", prompt, "\n"]
    if ritual.closing:
        parts += ["\n", ("Closing  ", "bold"), ritual.closing, "\n"]
    return Content.assemble(*parts)


class RitualsScreen(Screen[None]):
    """Prompt packs; `n` new, `e` edit, `y` start a new one from a copy of the highlighted."""

    TITLE = "Rituals"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="rituals.new", tooltip="Write a new prompt pack"),
        Binding("e", "edit", "Edit", id="rituals.edit", tooltip="Edit the highlighted prompt pack"),
        Binding("y", "copy", "Copy", id="rituals.copy", tooltip="Start a new pack from this one"),
        Binding("escape", "back", "Back", id="rituals.back", tooltip="Back to the previous screen"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rituals: list[RitualRead] = []

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="ritual-list")
            with VerticalScroll(id="detail-pane"):
                yield Static("", id="ritual-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._load()

    def _load(self, select_id: int | None = None) -> None:
        db = self.ck_app.db
        if db is None:
            return

        def fetch() -> list[RitualRead]:
            from circlekeeper.services.rituals import list_rituals

            return list_rituals(db)

        run_db(self, fetch, lambda found: self._show(found, select_id))

    def _show(self, found: list[RitualRead], select_id: int | None) -> None:
        self._rituals = found
        listing = self.query_one("#ritual-list", OptionList)
        listing.set_options(
            Option(
                Content.assemble(r.name, ("  built in" if r.builtin else "", "dim")), id=str(r.id)
            )
            for r in found
        )
        index = next((i for i, r in enumerate(found) if r.id == select_id), 0)
        if found:
            listing.highlighted = index
            self._detail(index)
        listing.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(event.option_index)

    def _detail(self, index: int) -> None:
        if 0 <= index < len(self._rituals):
            self.query_one("#ritual-detail", Static).update(ritual_detail(self._rituals[index]))

    def _current(self) -> RitualRead | None:
        index = self.query_one("#ritual-list", OptionList).highlighted
        return self._rituals[index] if index is not None and index < len(self._rituals) else None

    def action_new(self) -> None:
        """Write a new prompt pack."""
        if self.ck_app.db is not None:
            self.app.push_screen(RitualFormScreen(self.ck_app.db), self._saved)

    def action_edit(self) -> None:
        """Edit the highlighted prompt pack."""
        ritual = self._current()
        if ritual is not None and self.ck_app.db is not None:
            self.app.push_screen(RitualFormScreen(self.ck_app.db, ritual=ritual), self._saved)

    def action_copy(self) -> None:
        """Start a new prompt pack from the highlighted one."""
        ritual = self._current()
        if ritual is not None and self.ck_app.db is not None:
            self.app.push_screen(
                RitualFormScreen(self.ck_app.db, ritual=ritual, copy=True), self._saved
            )

    def _saved(self, ritual: RitualRead | None) -> None:
        if ritual is not None:
            self.notify(f"Saved {ritual.name}.", markup=False)
            self._load(ritual.id)

    def action_back(self) -> None:
        """Back to where you came from."""
        self.app.pop_screen()

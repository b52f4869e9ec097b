"""The Export screen (`e`): pick a report, its audience and period, read a live preview, then save
it to a file or copy it. The audience is always on show; the facilitator audience warns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Header, Input, Label, Markdown, Select, Static

from circlekeeper.export.markdown_text import head, line_count
from circlekeeper.export.reports import REPORTS
from circlekeeper.models.enums import Audience
from circlekeeper.tui.bridge import error_message, run_db
from circlekeeper.tui.screens.dialogs import PromptScreen
from circlekeeper.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from circlekeeper.tui.app import CircleKeeperApp

REPORT_CHOICES = [
    ("Circle summary", "circle"),
    ("Community digest", "digest"),
    ("Ambassador report", "ambassadors"),
    ("Recognition roll-up", "recognition"),
    ("Facilitator report", "facilitator"),
]
AUDIENCE_CHOICES = [
    ("Community (shareable only)", Audience.COMMUNITY.value),
    ("Circle members", Audience.CIRCLE.value),
    ("Facilitators only", Audience.FACILITATOR.value),
]
AUDIENCE_NOTES = {
    Audience.COMMUNITY: "Audience: the whole community — only what was marked shareable; members "
    "who have not agreed to be named appear as “a member”.",
    Audience.CIRCLE: "Audience: one circle's members — adds what that circle shared with "
    "itself, and its members' names.",
    Audience.FACILITATOR: "Audience: FACILITATORS ONLY — holds private notes and incidents. "
    "Never paste it into the community.",
}
PREVIEW_LINES = 400
"""Lines of a report the preview draws: Textual's Markdown takes about a millisecond a line, and
a month's digest for a large community runs to 80,000 (save and copy still take all of it)."""
COPY_WARN_BYTES = 100_000
"""Above this a copy may silently not arrive: the clipboard goes through the terminal (OSC 52),
and many terminals cap it (Termux about 6 KB, st 43 KB, hterm 100 KB, kitty about 900 KB)."""


class ExportScreen(Screen[None]):
    """Reports as Markdown with a live preview; ctrl+s saves, ctrl+y copies."""

    TITLE = "Export"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save to file", id="export.save", tooltip="Write it to a file"),
        Binding("ctrl+y", "copy", "Copy", id="export.copy", tooltip="Copy it to the clipboard"),
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            id="export.leave-field",
            show=False,
            tooltip="Leave a text field for the preview, so the screen keys work again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        """The Markdown of the preview on show (what save and copy hand over)."""

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        today = _today()
        yield Header()
        with Horizontal():
            with Vertical(id="export-form"):
                yield Label("Report", classes="field-label")
                yield Select(REPORT_CHOICES, value="digest", allow_blank=False, id="report")
                yield Label("Audience", classes="field-label")
                yield Select(
                    AUDIENCE_CHOICES,
                    value=Audience.COMMUNITY.value,
                    allow_blank=False,
                    id="audience",
                )
                yield Label("Circle (id or name)", classes="field-label", id="circle-label")
                yield Input(placeholder="e.g. Tuesday Builders", id="circle")
                yield Label("From (YYYY-MM-DD)", classes="field-label")
                yield Input(value=str(today - dt.timedelta(days=27)), id="from")
                yield Label("To (YYYY-MM-DD)", classes="field-label")
                yield Input(value=str(today), id="to")
                yield Static("", id="export-problem", classes="field-error")
            with Vertical(id="export-preview-pane"):
                yield Static("", id="audience-note")
                with VerticalScroll(id="export-preview-scroll"):
                    yield Markdown("", id="export-preview")
                    yield Static("", id="export-preview-rest")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_audience()
        self.refresh_preview()
        db = self.ck_app.db
        if db is not None:
            from circlekeeper.services.circles import circle_names

            run_db(self, lambda: circle_names(db), self._suggest, group="export-names")

    def _suggest(self, names: list[str]) -> None:
        """Complete the circle field from the circles' names (tab or → accepts)."""
        self.query_one("#circle", Input).suggester = SuggestFromList(names, case_sensitive=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "audience":
            self._clear_preview()
        self._show_audience()
        self.refresh_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_preview()

    def _choice(self) -> tuple[str, Audience, str, str, str]:
        report = str(self.query_one("#report", Select).value)
        audience = Audience(str(self.query_one("#audience", Select).value))
        circle = (
            self.query_one("#circle", Input).value.strip() if _circle_role(report, audience) else ""
        )
        start = self.query_one("#from", Input).value.strip()
        end = self.query_one("#to", Input).value.strip()
        return report, audience, circle, start, end

    def _show_audience(self) -> None:
        report, audience, *_ = self._choice()
        note = self.query_one("#audience-note", Static)
        note.update(Content(AUDIENCE_NOTES[audience]))
        note.set_class(audience == Audience.FACILITATOR, "warning")
        role = _circle_role(report, audience)
        self.query_one("#circle-label", Label).update(
            Content(f"Circle (id or name): {role}" if role else "Circle: not needed")
        )
        self.query_one("#circle", Input).disabled = not role

    def refresh_preview(self) -> None:
        """Build the report in a worker (a newer request supersedes an older one)."""
        db = self.ck_app.db
        if db is None:
            return
        report, audience, circle, start, end = self._choice()
        try:
            first = dt.date.fromisoformat(start) if start else None
            last = dt.date.fromisoformat(end) if end else None
        except ValueError:
            self._problem("dates as YYYY-MM-DD")
            return
        missing = _missing_choice(report, audience, circle)
        if missing:
            self._problem(missing)
            return

        def build() -> str:
            from circlekeeper.config import load_report_texts
            from circlekeeper.export.reports import build_report

            texts, _ = load_report_texts()
            return build_report(
                db,
                report,
                circle_ref=circle or None,
                start=first,
                end=last,
                audience=audience,
                texts=texts,
            )

        run_db(
            self,
            build,
            self._show,
            on_error=lambda exc: self._problem(error_message(exc)),
            group="export",
            exclusive=True,
        )

    def _problem(self, message: str) -> None:
        """Say what is wrong and take the last preview off the screen: it may have been built
        for a wider audience than the one now chosen."""
        self.query_one("#export-problem", Static).update(Content(message))
        self._clear_preview()

    def _clear_preview(self) -> None:
        self.text = ""
        self.query_one("#export-preview", Markdown).update("")
        self.query_one("#export-preview-rest", Static).display = False

    async def _show(self, text: str) -> None:
        self.text = text
        self.query_one("#export-problem", Static).update("")
        shown = head(text, PREVIEW_LINES)
        rest = line_count(text) - line_count(shown)
        note = self.query_one("#export-preview-rest", Static)
        note.update(
            Content(
                f"… and {rest:,} more lines in the report: ctrl+s saves all of it, ctrl+y "
                "copies all of it."
            )
            if rest
            else ""
        )
        note.display = rest > 0
        await self.query_one("#export-preview", Markdown).update(shown)

    def action_leave_field(self) -> None:
        """Move out of a text field to the preview (typed keys then switch screens again)."""
        if isinstance(self.focused, Input):
            self.query_one("#export-preview-scroll", VerticalScroll).focus()

    def action_save(self) -> None:
        """Ask for a file name and write the report there (atomically, mode 0600)."""
        if not self.text:
            self.notify("Nothing to save yet — fix the problem on the left.", severity="warning")
            return
        report, audience, *_ = self._choice()
        suggested = f"{report}-{audience.value}-{_today()}.md"
        text = self.text

        def chosen(name: str | None) -> None:
            if not name:
                return
            path = Path(name).expanduser()

            def write() -> Path:
                from circlekeeper.paths import write_atomic

                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                write_atomic(path, text)
                return path

            run_db(
                self,
                write,
                lambda written: self.notify(f"Saved to {written}.", markup=False),
                on_error=lambda exc: self.notify(
                    f"Could not save {path}: {error_message(exc)}", severity="error", markup=False
                ),
            )

        self.app.push_screen(PromptScreen("Save report", "File name:", value=suggested), chosen)

    def action_copy(self) -> None:
        """Copy the report's Markdown to the clipboard (through the terminal)."""
        if not self.text:
            self.notify("Nothing to copy yet — fix the problem on the left.", severity="warning")
            return
        self.app.copy_to_clipboard(self.text)
        lines = f"{line_count(self.text):,} lines"
        size = len(self.text.encode())
        if size <= COPY_WARN_BYTES:
            self.notify(f"Copied {lines} of Markdown.", markup=False)
            return
        self.notify(
            f"Sent {lines} ({size / 1_000_000:.1f} MB) to the clipboard through the terminal. "
            "Many terminals drop clipboard text this large without a word: if nothing pastes, "
            "ctrl+s saves it to a file.",
            title="Large copy",
            severity="warning",
            timeout=12,
            markup=False,
        )


def _circle_role(report: str, audience: Audience) -> str:
    """What the circle field means for this report and audience ("" when it is not asked)."""
    kind = REPORTS[report]
    if kind.needs_circle:
        return "the circle summarised"
    if audience == Audience.CIRCLE and not kind.facilitators_only:
        return "the circle reading it"
    return ""


def _missing_choice(report: str, audience: Audience, circle: str) -> str:
    """What the form still needs before this report can be built for this audience ("" when
    nothing), in the screen's own words rather than the command line's."""
    kind = REPORTS[report]
    if kind.facilitators_only and audience != Audience.FACILITATOR:
        return (
            f"The {kind.name} report holds private notes and incidents: choose the "
            "facilitators-only audience."
        )
    role = _circle_role(report, audience)
    if role and not circle:
        return f"Type a circle's name or id in the Circle field ({role})."
    return ""


def _today() -> dt.date:
    from circlekeeper import clock

    return clock.today()

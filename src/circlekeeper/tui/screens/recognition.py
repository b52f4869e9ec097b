"""The Recognition screen: the recognition log newest first (filtered by kind and member), a
compose form, and the suggestions list where one key grants what someone has earned."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from circlekeeper.models.enums import RecognitionKind
from circlekeeper.tui.bridge import run_db, show_error
from circlekeeper.tui.data_watch import reload_on_change
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.recognition_form import (
    MemberChoice,
    RecognitionForm,
    member_choice_loader,
)
from circlekeeper.tui.screens.recognition_render import (
    FEED_COLUMNS,
    SUGGESTION_COLUMNS,
    entry_detail,
    feed_cells,
    suggestion_cells,
    suggestion_detail,
)
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import PagedTable, PageLoader, Row

if TYPE_CHECKING:
    import datetime as dt

    from circlekeeper.db import Database
    from circlekeeper.models import BadgeRead, RecognitionRead, Suggestion
    from circlekeeper.tui.app import CircleKeeperApp

KINDS: tuple[RecognitionKind | None, ...] = (None, *RecognitionKind)
"""What `f` cycles through: every kind, then each kind on its own."""

DETAIL_HINT = "Highlight an entry to read it here."
SUGGESTIONS_TITLE = "Suggestions — enter or y grants the highlighted one · g hides this list"


def feed_loader(db: Database, *, member_id: int | None, kind: RecognitionKind | None) -> PageLoader:
    """A page loader over the recognition log with these filters (runs in a worker thread)."""

    def load(offset: int, limit: int) -> tuple[list[Row], int]:
        from circlekeeper.services.recognition import list_recognitions

        page = list_recognitions(db, member_ref=member_id, kind=kind, offset=offset, limit=limit)
        rows = [Row(key=entry.id, cells=feed_cells(entry), data=entry) for entry in page.items]
        return rows, page.total

    return load


class RecognitionScreen(Screen[None]):
    """The log a page at a time; `n` writes an entry, `g` shows what could be granted."""

    TITLE = "Recognition"
    CSS_PATH = "recognition.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "new",
            "New",
            id="recognition.new",
            tooltip="Write a shout-out, spotlight, badge, note or gift",
        ),
        Binding(
            "f",
            "cycle_kind",
            "Kind",
            id="recognition.kind",
            tooltip="Show one kind of recognition at a time, or all",
        ),
        Binding(
            "slash",
            "pick_member",
            "Member",
            id="recognition.member",
            tooltip="Show one member's recognitions",
        ),
        Binding(
            "escape",
            "clear_filters",
            "Clear filters",
            id="recognition.clear",
            tooltip="Show every kind and every member again",
        ),
        Binding(
            "g",
            "suggestions",
            "Suggestions",
            id="recognition.suggestions",
            tooltip="Show and focus who could be recognised; again to hide",
        ),
        Binding(
            "y",
            "grant",
            "Grant",
            id="recognition.grant",
            tooltip="Grant the highlighted suggestion (enter does too)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._kind_index = 0
        self._member: MemberChoice | None = None
        self._follow: int | None = None
        """An entry just written: the feed's cursor goes to it on the next reload."""
        self._suggestions: list[Suggestion] = []
        self._suggestions_loaded = False
        self._suggestions_stale = True
        self._granting = False
        self._suggestions_visible = False

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    @property
    def feed(self) -> PagedTable:
        return self.query_one("#recognition-feed", PagedTable)

    @property
    def suggestion_table(self) -> PagedTable:
        return self.query_one("#suggestions", PagedTable)

    @property
    def kind(self) -> RecognitionKind | None:
        """The kind shown, or None for every kind."""
        return KINDS[self._kind_index]

    @property
    def suggestions_shown(self) -> bool:
        """Whether the suggestions list is on screen."""
        return self._suggestions_visible

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("loading…", id="recognition-count", classes="count")
        yield PagedTable(
            FEED_COLUMNS,
            id="recognition-feed",
            empty_message="No recognitions here yet — press n to write one",
        )
        with Horizontal(id="recognition-lower"):
            with VerticalScroll(id="recognition-detail-pane"):
                yield Static(Content(DETAIL_HINT), id="recognition-detail")
            with Vertical(id="suggestions-pane"):
                yield Label(Content(SUGGESTIONS_TITLE), classes="pane-title")
                yield PagedTable(
                    SUGGESTION_COLUMNS,
                    id="suggestions",
                    empty_message="Nobody to suggest right now",
                )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#suggestions-pane").display = False
        self.watch(self.app, "db_ready", self._db_ready, init=True)
        reload_on_change(self, self._data_changed)
        self.feed.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grant only while suggestions show; clear filters only while one is on."""
        if action == "grant":
            return self.suggestions_shown
        if action == "clear_filters":
            return self._member is not None or self.kind is not None
        return True

    # ----------------------------------------------------------------- the feed

    def _db_ready(self, ready: bool) -> None:
        if ready:
            self.refresh_feed()

    def refresh_feed(self) -> None:
        """Show the log from its top for the current filters."""
        db = self.ck_app.db
        if db is None:
            return
        member_id = self._member.id if self._member is not None else None
        self.feed.set_loader(feed_loader(db, member_id=member_id, kind=self.kind))
        self.refresh_bindings()

    def _data_changed(self) -> None:
        if self.ck_app.db is None:
            return
        if self._follow is not None:
            self.feed.reload_at(0, self._follow)
            self._follow = None
        else:
            self.feed.reload()
        self._suggestions_stale = True
        if self.suggestions_shown:
            self.load_suggestions()

    def count_text(self, total: int) -> Content:
        """The line above the feed: how many entries, and the filters on."""
        noun = "recognition" if total == 1 else "recognitions"
        parts: list[str | tuple[str, str]] = [f"{total:,} {noun}, newest first"]
        if self.kind is not None:
            parts.append(f" · kind: {self.kind.value}")
        if self._member is not None:
            parts += [" · member: ", self._member.name]
        if self.kind is not None or self._member is not None:
            parts.append(("   (f kind · / member · esc shows all)", "dim"))
        return Content.assemble(*parts)

    @on(PagedTable.Loaded, "#recognition-feed")
    def _feed_loaded(self, event: PagedTable.Loaded) -> None:
        self.query_one("#recognition-count", Label).update(self.count_text(event.total))
        if event.total == 0 and not self.suggestion_table.has_focus:
            self._show_detail(Content(DETAIL_HINT))

    @on(PagedTable.LoadFailed, "#recognition-feed")
    def _feed_failed(self, event: PagedTable.LoadFailed) -> None:
        show_error(self, event.error)

    @on(PagedTable.RowHighlighted, "#recognition-feed")
    def _entry_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        if not self.suggestion_table.has_focus:
            self._show_entry(event.row)

    def _show_entry(self, row: Row | None) -> None:
        if row is None:
            self._show_detail(Content(DETAIL_HINT))
        else:
            self._show_detail(entry_detail(cast("RecognitionRead", row.data)))

    def _show_detail(self, content: Content) -> None:
        self.query_one("#recognition-detail", Static).update(content)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The detail pane follows the list that has the focus."""
        if event.widget is self.feed:
            self._show_entry(self.feed.highlighted)
        elif event.widget is self.suggestion_table:
            self._show_suggestion(self.suggestion_table.highlighted)

    def action_cycle_kind(self) -> None:
        """Show the next kind on its own (after the last, every kind again)."""
        self._kind_index = (self._kind_index + 1) % len(KINDS)
        self.refresh_feed()

    def action_pick_member(self) -> None:
        """Show only the recognitions of a member chosen by name."""
        db = self.ck_app.db
        if db is None:
            return

        def picked(member_id: int | None) -> None:
            if member_id is None:
                return

            def fetch() -> MemberChoice:
                from circlekeeper.services.members import get_member

                return MemberChoice.of(get_member(db, ref=member_id))

            run_db(self, fetch, self._member_chosen)

        self.app.push_screen(
            PickerScreen("Show the recognitions of whom?", member_choice_loader(self.ck_app)),
            picked,
        )

    def _member_chosen(self, member: MemberChoice) -> None:
        self._member = member
        self.refresh_feed()
        self.feed.focus()

    def action_clear_filters(self) -> None:
        """Show every kind and every member again."""
        if self._member is None and self.kind is None:
            return
        self._member = None
        self._kind_index = 0
        self.refresh_feed()

    # ----------------------------------------------------------------- compose

    def action_new(self) -> None:
        """Open the compose form (for the member the feed is filtered to, if any)."""
        db = self.ck_app.db
        if db is None:
            return
        member_id = self._member.id if self._member is not None else None

        def fetch() -> tuple[list[BadgeRead], dt.date, MemberChoice | None]:
            from circlekeeper.services.badges import list_badges
            from circlekeeper.services.members import get_member
            from circlekeeper.services.programme_settings import programme_settings

            member = None
            if member_id is not None:
                member = MemberChoice.of(get_member(db, ref=member_id))
            return list_badges(db), programme_settings().today(), member

        def open_form(found: tuple[list[BadgeRead], dt.date, MemberChoice | None]) -> None:
            badges, today, member = found
            form = RecognitionForm(db=db, badges=badges, today=today, member=member)
            self.app.push_screen(form, self._written)

        run_db(self, fetch, open_form, group="compose", exclusive=True)

    def _written(self, entry: RecognitionRead | None) -> None:
        if entry is None:
            return
        self.notify(f"Recognised {entry.member_name}: {entry.kind.value}.", markup=False)
        self._after_write(entry)

    def _after_write(self, entry: RecognitionRead) -> None:
        """Reload everything with the feed's cursor on the new entry (if the filters show it)."""
        shown = (self.kind is None or entry.kind is self.kind) and (
            self._member is None or entry.member_id == self._member.id
        )
        if shown:
            self._follow = entry.id
        else:
            self.notify("The filters hide the new entry — escape shows all.", severity="warning")
        self.ck_app.data_changed()

    # ----------------------------------------------------------------- suggestions

    def action_suggestions(self) -> None:
        """Show and focus the suggestions; when they have the focus, hide them."""
        pane = self.query_one("#suggestions-pane")
        if self.suggestions_shown and self.suggestion_table.has_focus:
            self._suggestions_visible = pane.display = False
            self.feed.focus()
        else:
            self._suggestions_visible = pane.display = True
            self.suggestion_table.focus()
            if self._suggestions_stale:
                self.load_suggestions()
        self.refresh_bindings()

    def load_suggestions(self) -> None:
        """Work out the suggestions again (in a worker; a newer request wins)."""
        db = self.ck_app.db
        if db is None:
            return

        def work() -> list[Suggestion]:
            from circlekeeper.services.recognition_suggestions import suggest

            return suggest(db)

        run_db(self, work, self._suggestions_arrived, group="suggestions", exclusive=True)

    def _suggestions_arrived(self, items: list[Suggestion]) -> None:
        self._suggestions = items
        self._suggestions_stale = False
        self._repaint_suggestions()

    def _repaint_suggestions(self) -> None:
        table = self.suggestion_table
        if self._suggestions_loaded:
            table.reload()
        else:
            self._suggestions_loaded = True
            table.set_loader(self._suggestion_page)

    def _suggestion_page(self, offset: int, limit: int) -> tuple[list[Row], int]:
        """A page of the suggestions in hand (keyed by place, so the cursor keeps its row)."""
        items = self._suggestions
        rows = [
            Row(key=offset + index, cells=suggestion_cells(item), data=item)
            for index, item in enumerate(items[offset : offset + limit])
        ]
        return rows, len(items)

    @on(PagedTable.RowHighlighted, "#suggestions")
    def _suggestion_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        if self.suggestion_table.has_focus:
            self._show_suggestion(event.row)

    def _show_suggestion(self, row: Row | None) -> None:
        if row is None:
            self._show_detail(Content("No suggestion highlighted."))
        else:
            self._show_detail(suggestion_detail(cast("Suggestion", row.data)))

    @on(PagedTable.RowSelected, "#suggestions")
    def _suggestion_chosen(self, event: PagedTable.RowSelected) -> None:
        event.stop()
        self.grant(cast("Suggestion", event.row.data))

    def action_grant(self) -> None:
        """Grant the highlighted suggestion."""
        if not self.suggestions_shown:
            return
        row = self.suggestion_table.highlighted
        if row is None:
            self.notify("Highlight a suggestion first.", severity="warning")
            return
        self.grant(cast("Suggestion", row.data))

    def grant(self, item: Suggestion) -> None:
        """Record what `item` offers (public only with consent); it leaves the list at once."""
        db = self.ck_app.db
        if db is None or self._granting:
            return
        self._granting = True
        key = item.key

        def work() -> RecognitionRead:
            from circlekeeper.services.recognition_suggestions import grant_suggestion

            return grant_suggestion(db, key=key)

        def granted(entry: RecognitionRead) -> None:
            self._granting = False
            self._suggestions = [s for s in self._suggestions if s.key != key]
            self._repaint_suggestions()
            what = f"the {entry.badge} badge" if entry.badge else f"a {entry.kind.value}"
            self.notify(
                f"Granted {what} to {entry.member_name} ({entry.visibility.value}).", markup=False
            )
            self._after_write(entry)

        def refused(exc: Exception) -> None:
            self._granting = False
            show_error(self, exc)
            self.load_suggestions()

        run_db(self, work, granted, on_error=refused)

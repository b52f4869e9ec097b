"""The Ambassadors screen: who serves, on what, this period's goals as bars, a detail pane with
their history, and the programme's health (coverage, overload, over-reliance, diversity)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Label, Static
from textual.widgets.data_table import ColumnKey

from circlekeeper.models.enums import AmbassadorStatus
from circlekeeper.text import quoted
from circlekeeper.tui.bridge import run_db, show_error
from circlekeeper.tui.data_watch import reload_on_change
from circlekeeper.tui.screens.ambassador_forms import (
    AmbassadorForm,
    GoalForm,
    LogProgressForm,
    RestForm,
)
from circlekeeper.tui.screens.ambassador_render import (
    GOALS_WIDTH,
    ambassador_detail_content,
    coverage_content,
    diversity_content,
    focus_width,
    goal_figures,
    overload_content,
    row_cells,
    row_height,
)
from circlekeeper.tui.screens.dialogs import ChoiceScreen, PromptScreen
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.search_box import SearchBoxMixin
from circlekeeper.tui.widgets.footer import KeyFooter
from circlekeeper.tui.widgets.paged_table import PageLoader, Row

if TYPE_CHECKING:
    from circlekeeper.models import AmbassadorDetail, AmbassadorRow, ProgrammeHealth
    from circlekeeper.tui.app import CircleKeeperApp

OTHER_METRIC = "__other__"

VIEWS: tuple[tuple[str, str], ...] = (
    ("serving", "active and resting"),
    ("alumni", "alumni"),
    ("all", "everyone, alumni too"),
)
"""The status filters `v` cycles through: (key, what the count line calls it)."""


def list_query(view: str) -> dict[str, Any]:
    """The list_ambassadors filter arguments of one view."""
    if view == "alumni":
        return {"status": AmbassadorStatus.ALUMNI}
    if view == "all":
        return {"include_alumni": True}
    return {}


def member_picker_loader(app: CircleKeeperApp) -> Any:
    """Member loaders for the picker: name, contact and status, by search."""
    from circlekeeper.tui.render import member_cells

    db = app.db

    def loader_for(search: str) -> PageLoader:
        def load(offset: int, limit: int) -> tuple[list[Row], int]:
            from circlekeeper.services.members import list_members

            assert db is not None
            page = list_members(db, search=search or None, limit=limit, offset=offset)
            rows = [Row(key=m.id, cells=member_cells(m)[:3], data=m) for m in page.items]
            return rows, page.total

        return load

    return loader_for


class AmbassadorsScreen(SearchBoxMixin):
    """Ambassadors with this period's goals; `l` logs progress for the highlighted one."""

    TITLE = "Ambassadors"
    CSS_PATH = "ambassadors.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "l", "log", "Log", id="ambassadors.log", tooltip="Log progress for the highlighted one"
        ),
        Binding("g", "goal", "Goal", id="ambassadors.goal", tooltip="Set or change a goal"),
        Binding("n", "new", "New", id="ambassadors.new", tooltip="Make a member an ambassador"),
        Binding(
            "z", "rest", "Rest", id="ambassadors.rest", tooltip="Rest until a date, or end a rest"
        ),
        Binding("x", "retire", "Retire", id="ambassadors.retire", tooltip="Make them alumni"),
        Binding(
            "o",
            "nominations",
            "Nominations",
            id="ambassadors.nominations",
            tooltip="Accept or decline pending nominations",
        ),
        Binding(
            "p",
            "toggle_health",
            "Programme health",
            id="ambassadors.health",
            tooltip="Programme health",
        ),
        Binding(
            "t",
            "health_tag",
            "Tag",
            id="ambassadors.tag",
            tooltip="Split coverage and diversity by a member tag",
        ),
        Binding(
            "v",
            "cycle_view",
            "View",
            id="ambassadors.view",
            tooltip="Active and resting / alumni / all",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="ambassadors.search",
            tooltip="Filter by name, email, handle or tag",
        ),
        Binding("escape", "clear_search", "Clear search", id="ambassadors.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._search = ""
        self._search_timer: Timer | None = None
        self._view = 0
        self._tag: str | None = None
        self._rows: dict[int, AmbassadorRow] = {}
        self._listed: list[AmbassadorRow] | None = None
        """The list as last read and shown (None until the first read has arrived); a read that
        brings the same rows for the same search and view leaves the table as it is."""
        self._listed_for: tuple[str, int] | None = None
        self._wanted: int | None = None
        """The member whose detail was asked for last (a late answer for another is dropped)."""
        self._follow: int | None = None
        """The member whose row the cursor goes to once the list is read again."""
        self._health_due = False
        """A reload asked for the health panel, to be read once the list is in."""

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#ambassador-table", DataTable)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ambassador-main"):
            with Vertical(id="list-pane"):
                yield Input(placeholder="/ to search name, email, handle or tag", id="search")
                yield Label("loading…", id="count", classes="count")
                yield DataTable(id="ambassador-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail-pane"):
                yield Static(Content("Select an ambassador to see them here."), id="detail")
        with Horizontal(id="health-pane"):
            for part in ("coverage", "load", "diversity"):
                with VerticalScroll(classes="health-part"):
                    yield Static(Content(""), id=f"health-{part}")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Name", key="name", width=18)
        table.add_column("Goals this period", key="goals", width=GOALS_WIDTH)
        table.add_column("Status", key="status", width=17)
        table.add_column("Focus", key="focus", width=len("Focus"))
        self.watch(self.app, "db_ready", self._db_ready, init=True)
        reload_on_change(self, self.reload)
        table.focus()

    def _db_ready(self, ready: bool) -> None:
        if ready:
            self.reload()

    def reload(self) -> None:
        """Read the list (then the highlighted ambassador), then the health panel, again.

        The health panel waits for the list: read side by side, the two reads take turns on the
        interpreter and each holds thousands of rows, so the list would come later and the
        peak memory be the sum of both."""
        if self.ck_app.db is None:
            return
        self._health_due = True
        self._load_list()

    def _load_due_health(self) -> None:
        """Read the health panel if a reload asked for it (once the list is in or failed)."""
        if self._health_due:
            self._health_due = False
            self._load_health()

    def reread(self) -> None:
        """Read the list and the health panel again (the app calls this when the screen is shown
        again, e.g. after being pre-built); the rows on show stay until the new read arrives."""
        if self.is_mounted and self._listed is not None:
            self.reload()

    def shown_rows(self) -> int | None:
        """How many ambassadors the list holds, or None until the first read has arrived."""
        return None if self._listed is None else len(self._listed)

    # --- list -------------------------------------------------------------------------------

    def _load_list(self) -> None:
        db = self.ck_app.db
        query = list_query(VIEWS[self._view][0])
        search = self._search or None

        def fetch() -> list[AmbassadorRow]:
            from circlekeeper.services.ambassadors import list_ambassadors

            assert db is not None
            return list_ambassadors(db, search=search, **query)

        def failed(exc: Exception) -> None:
            show_error(self, exc)
            self._load_due_health()

        run_db(
            self, fetch, self._show_list, on_error=failed, group="ambassador-list", exclusive=True
        )

    def _show_list(self, rows: list[AmbassadorRow]) -> None:
        self._load_due_health()
        listed_for = (self._search, self._view)
        if rows == self._listed and listed_for == self._listed_for and self._follow is None:
            self._reload_highlighted()
            return
        self._listed, self._listed_for = rows, listed_for
        table = self.table
        keep = self._follow if self._follow is not None else self._highlighted_member()
        self._follow = None
        table.clear()
        table.columns[ColumnKey("focus")].width = focus_width(rows)
        self._rows = {}
        for row in rows:
            self._rows[row.member_id] = row
            table.add_row(*row_cells(row), key=str(row.member_id), height=row_height(row))
        noun = "ambassador" if len(rows) == 1 else "ambassadors"
        matching = f" matching {quoted(self._search)}" if self._search else ""
        self.query_one("#count", Label).update(
            Content(f"{len(rows):,} {noun}{matching} — {VIEWS[self._view][1]}  (v changes)")
        )
        if not rows:
            self._wanted = None
            hint = "No ambassadors here yet — press n to make a member one, o for nominations."
            self.query_one("#detail", Static).update(Content(hint))
            return
        if keep is not None and keep in self._rows:
            table.move_cursor(row=table.get_row_index(str(keep)), animate=False)
        self._reload_highlighted()

    def _reload_highlighted(self) -> None:
        member_id = self._highlighted_member()
        if member_id is not None:
            self.load_detail(member_id)

    def _highlighted_member(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "ambassador-table" or event.row_key.value is None:
            return
        member_id = int(event.row_key.value)
        if member_id != self._wanted:
            self.load_detail(member_id)

    # --- detail -----------------------------------------------------------------------------

    def load_detail(self, member_id: int) -> None:
        """Read and show one ambassador (a newer request supersedes an older one)."""
        db = self.ck_app.db
        if db is None:
            return
        self._wanted = member_id

        def fetch() -> AmbassadorDetail:
            from circlekeeper.services.ambassadors import ambassador_detail

            return ambassador_detail(db, ref=member_id)

        run_db(self, fetch, self._show_detail, group="ambassador-detail", exclusive=True)

    def _show_detail(self, detail: AmbassadorDetail) -> None:
        if detail.member_id != self._wanted:
            return
        self.query_one("#detail", Static).update(ambassador_detail_content(detail))

    def _current(self) -> AmbassadorRow | None:
        member_id = self._highlighted_member()
        row = self._rows.get(member_id) if member_id is not None else None
        if row is None:
            self.notify("Highlight an ambassador first.", severity="warning")
        return row

    # --- health -----------------------------------------------------------------------------

    def _load_health(self, tag: str | None = None) -> None:
        """Read the health panel by `tag` (default: the tag in use; a refused one is dropped)."""
        db = self.ck_app.db
        if db is None or not self.query_one("#health-pane").display:
            return
        wanted = tag if tag is not None else self._tag

        def fetch() -> ProgrammeHealth:
            from circlekeeper.services.programme_health import programme_health

            return programme_health(db, tag=wanted)

        run_db(self, fetch, self._show_health, group="ambassador-health", exclusive=True)

    def _show_health(self, health: ProgrammeHealth) -> None:
        self._tag = health.tag
        self.query_one("#health-coverage", Static).update(coverage_content(health))
        self.query_one("#health-load", Static).update(overload_content(health))
        self.query_one("#health-diversity", Static).update(diversity_content(health))

    def action_toggle_health(self) -> None:
        """Show or hide the programme-health panel."""
        pane = self.query_one("#health-pane")
        pane.display = not pane.display
        self._load_health()

    def action_health_tag(self) -> None:
        """Choose the member tag that splits coverage and diversity (empty: none)."""

        def chosen(answer: str | None) -> None:
            if answer is None:
                return
            self.query_one("#health-pane").display = True
            self._load_health(answer.strip())

        self.app.push_screen(
            PromptScreen(
                "Programme health by tag",
                "Member tag key (e.g. region or tz; empty = none):",
                value=self._tag or "",
                placeholder="region",
            ),
            chosen,
        )

    # --- search and view --------------------------------------------------------------------

    def reload_for_search(self) -> None:
        self._load_list()

    def focus_list(self) -> None:
        self.table.focus()

    def action_cycle_view(self) -> None:
        """Show active and resting, then alumni, then everyone."""
        self._view = (self._view + 1) % len(VIEWS)
        self._load_list()

    # --- actions ----------------------------------------------------------------------------

    def action_log(self) -> None:
        """Log progress: pick one of their goals' metrics (or another), then a count."""
        row = self._current()
        db = self.ck_app.db
        if row is None or db is None:
            return
        options = [(goal.metric, f"{goal.metric}  {goal_figures(goal)}") for goal in row.goals]
        options.append((OTHER_METRIC, "another metric…"))

        def picked(metric: str | None) -> None:
            if metric is None:
                return
            self._open_log_form(row, None if metric == OTHER_METRIC else metric)

        self.app.push_screen(ChoiceScreen(f"Log progress — {row.member_name}", options), picked)

    def _open_log_form(self, row: AmbassadorRow, metric: str | None) -> None:
        from circlekeeper.services.programme_settings import programme_settings

        db = self.ck_app.db
        assert db is not None
        form = LogProgressForm(
            db=db,
            member_id=row.member_id,
            member_name=row.member_name,
            metric=metric,
            today=programme_settings().today(),
        )
        self.app.push_screen(form, self._logged)

    def _logged(self, progress: Any) -> None:
        if progress is None:
            return
        self.notify(
            f"Logged +{progress.count} {progress.metric} for {progress.member_name}.",
            markup=False,
        )
        self.ck_app.data_changed()

    def action_goal(self) -> None:
        """Set or change a goal of the highlighted ambassador."""
        row = self._current()
        db = self.ck_app.db
        if row is None or db is None:
            return
        form = GoalForm(db=db, member_id=row.member_id, member_name=row.member_name)

        def saved(goal: Any) -> None:
            if goal is not None:
                self.notify(f"Goal: {goal.metric}, {goal.target} a {goal.per.value}.", markup=False)
                self.ck_app.data_changed()

        self.app.push_screen(form, saved)

    def action_new(self) -> None:
        """Pick a member, then their focus and capacity, to make them an ambassador."""
        db = self.ck_app.db
        if db is None:
            return

        def picked(member_id: int | None) -> None:
            if member_id is None:
                return

            def named() -> str:
                from circlekeeper.services.members import get_member

                return get_member(db, ref=member_id).name

            run_db(self, named, lambda name: self._open_new_form(member_id, name))

        self.app.push_screen(
            PickerScreen("Who becomes an ambassador?", member_picker_loader(self.ck_app)), picked
        )

    def _open_new_form(self, member_id: int, name: str) -> None:
        db = self.ck_app.db
        assert db is not None
        self.app.push_screen(
            AmbassadorForm(db=db, member_id=member_id, member_name=name), self._changed
        )

    def action_rest(self) -> None:
        """Rest the highlighted ambassador until a date, or end a rest under way."""
        row = self._current()
        db = self.ck_app.db
        if row is None or db is None:
            return
        if row.status == AmbassadorStatus.RESTING:

            def work() -> object:
                from circlekeeper.services.ambassadors import end_rest

                return end_rest(db, ref=row.member_id)

            run_db(self, work, self._changed)
            return
        from circlekeeper.services.programme_settings import programme_settings

        form = RestForm(
            db=db,
            member_id=row.member_id,
            member_name=row.member_name,
            today=programme_settings().today(),
        )
        self.app.push_screen(form, self._changed)

    def action_retire(self) -> None:
        """Make the highlighted ambassador alumni (their history stays), after a confirmation."""
        row = self._current()
        db = self.ck_app.db
        if row is None or db is None:
            return

        def confirmed(reason: str | None) -> None:
            if reason is None:
                return

            def work() -> object:
                from circlekeeper.services.ambassadors import retire_ambassador

                return retire_ambassador(db, ref=row.member_id, reason=reason)

            run_db(self, work, self._changed)

        self.app.push_screen(
            PromptScreen(
                f"Retire {row.member_name}?",
                "They become alumni; goals end, history stays. Reason (optional) — "
                "enter retires, escape keeps them:",
                placeholder="stepping back after a great year",
            ),
            confirmed,
        )

    def action_nominations(self) -> None:
        """Open the pending nominations to accept or decline them."""
        from circlekeeper.tui.screens.ambassador_nominations import NominationsScreen

        db = self.ck_app.db
        if db is not None:
            self.app.push_screen(NominationsScreen(db))

    def _changed(self, ambassador: Any) -> None:
        if ambassador is None:
            return
        status = ambassador.status.value
        if ambassador.resting_until is not None:
            status += f" until {ambassador.resting_until}"
        self.notify(f"{ambassador.member_name}: {status}.", markup=False)
        self._follow = ambassador.member_id
        self.ck_app.data_changed()

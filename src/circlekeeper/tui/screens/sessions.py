"""The Sessions screen: upcoming and past sessions by circle, and the way into the runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content

from circlekeeper import clock
from circlekeeper.models.enums import SessionStatus
from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.render import circle_cells, session_cells, session_detail
from circlekeeper.tui.screens.dialogs import ChoiceScreen, PromptScreen
from circlekeeper.tui.screens.list_detail import ListDetailScreen
from circlekeeper.tui.screens.picker import CIRCLE_COLUMNS, PickerScreen
from circlekeeper.tui.screens.runner import RunnerScreen
from circlekeeper.tui.widgets.paged_table import Column, PagedTable, PageLoader, Row

if TYPE_CHECKING:
    from circlekeeper.models import RitualRead, SessionDetail, SessionPlan, SessionRead
    from circlekeeper.tui.app import CircleKeeperApp

SESSION_COLUMNS = (
    Column("when", "When (circle's time)", width=22),
    Column("circle", "Circle", width=28),
    Column("ritual", "Ritual", width=24),
    Column("status", "Status"),
)

VIEWS = ("upcoming", "past", "all")


def circle_picker_loader(app: CircleKeeperApp) -> Callable[[str], PageLoader]:
    """Circle loaders for a picker (by name or purpose)."""
    db = app.db

    def loader_for(search: str) -> PageLoader:
        def load(offset: int, limit: int) -> tuple[list[Row], int]:
            from circlekeeper.services.circles import list_circles

            assert db is not None
            page = list_circles(db, search=search or None, limit=limit, offset=offset)
            rows = [Row(key=c.id, cells=circle_cells(c)[:4], data=c) for c in page.items]
            return rows, page.total

        return load

    return loader_for


class SessionsScreen(ListDetailScreen):
    """Sessions across every circle; `r` runs one now, `enter` runs the highlighted one."""

    TITLE = "Sessions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "run_highlighted", "Run", id="sessions.run", tooltip="Run this session"),
        Binding(
            "n",
            "run_for_circle",
            "Run now",
            id="sessions.run_now",
            tooltip="Pick a circle and run its session now",
        ),
        Binding(
            "v",
            "cycle_view",
            "Upcoming/past",
            id="sessions.view",
            tooltip="Show upcoming, past or all sessions",
        ),
        Binding(
            "slash",
            "filter_circle",
            "Circle filter",
            id="sessions.filter",
            tooltip="Show one circle's sessions (its history)",
        ),
        Binding("escape", "clear_filter", "All circles", id="sessions.clear", show=False),
        Binding(
            "p",
            "plan",
            "Plan",
            id="sessions.plan",
            tooltip="Plan a circle's sessions from its rhythm",
        ),
        Binding(
            "u",
            "use_ritual",
            "Ritual",
            id="sessions.ritual",
            tooltip="Run the highlighted session with another ritual",
        ),
        Binding("i", "rituals", "Rituals", id="sessions.rituals", tooltip="See and write rituals"),
        Binding(
            "x",
            "cancel",
            "Cancel",
            id="sessions.cancel",
            tooltip="Cancel the highlighted session (with a reason), or restore a cancelled one",
        ),
        Binding(
            "w",
            "did_not_happen",
            "Didn't happen",
            id="sessions.dnh",
            tooltip="Record that it did not happen",
        ),
    ]

    columns = SESSION_COLUMNS
    noun = ("session", "sessions")
    empty_message = "No sessions here — press p to plan a circle's sessions"
    detail_hint = "Select a session to see who came and what they shared."

    def __init__(self) -> None:
        super().__init__()
        self._view = "upcoming"
        self._circle_id: int | None = None
        self._circle_name = ""

    def make_loader(self) -> PageLoader:
        return self._loader()

    def fetch_detail(self, key: int) -> Callable[[], SessionDetail]:
        db = self.ck_app.db

        def fetch() -> SessionDetail:
            from circlekeeper.services.sessions import get_session

            assert db is not None
            return get_session(db, session_id=key)

        return fetch

    def render_detail(self, detail: SessionDetail) -> Content:
        return session_detail(detail)

    def count_text(self, total: int) -> str:
        noun = self.noun[0] if total == 1 else self.noun[1]
        where = f" of {self._circle_name}" if self._circle_id is not None else ""
        return f"{total:,} {self._view} {noun}{where}  (v: upcoming/past/all · /: one circle)"

    def _loader(self) -> PageLoader:
        db = self.ck_app.db
        view = self._view
        circle_id = self._circle_id
        today = clock.today()

        def load(offset: int, limit: int) -> tuple[list[Row], int]:
            from circlekeeper.services.sessions import session_page

            assert db is not None
            start = today if view == "upcoming" else None
            end = today - dt.timedelta(days=1) if view == "past" else None
            items, total = session_page(
                db,
                circle_id=circle_id,
                start=start,
                end=end,
                newest_first=view != "upcoming",
                limit=limit,
                offset=offset,
            )
            return [Row(key=s.id, cells=session_cells(s), data=s) for s in items], total

        return load

    @on(PagedTable.RowSelected)
    def _selected(self, event: PagedTable.RowSelected) -> None:
        self._run_session(event.row.key)

    def action_cycle_view(self) -> None:
        """Switch between upcoming, past and all sessions."""
        self._view = VIEWS[(VIEWS.index(self._view) + 1) % len(VIEWS)]
        self.refresh_list()

    def _pick_circle(self, title: str, then: Callable[[int | None], None]) -> None:
        self.app.push_screen(
            PickerScreen(
                title,
                circle_picker_loader(self.ck_app),
                columns=CIRCLE_COLUMNS,
                placeholder="type to search circles",
            ),
            then,
        )

    def action_filter_circle(self) -> None:
        """Show only one circle's sessions."""

        db = self.ck_app.db

        def picked(circle_id: int | None) -> None:
            if circle_id is None or db is None:
                return

            def fetch() -> str:
                from circlekeeper.services.circles import get_circle

                return get_circle(db, ref=circle_id).name

            def named(name: str) -> None:
                self._circle_id = circle_id
                self._circle_name = name
                self._view = "all"
                self.refresh_list()

            run_db(self, fetch, named)

        self._pick_circle("Show the sessions of which circle?", picked)

    def action_clear_filter(self) -> None:
        """Show every circle's sessions again."""
        if self._circle_id is not None:
            self._circle_id = None
            self.refresh_list()

    def action_run_highlighted(self) -> None:
        """Run the highlighted session."""
        row = self.table.highlighted
        if row is None:
            self.notify(
                "No session highlighted — press n to run one for a circle.", severity="warning"
            )
            return
        self._run_session(row.key)

    def _run_session(self, session_id: int) -> None:
        db = self.ck_app.db
        if db is None:
            return
        row = self.table.highlighted
        data = row.data if row is not None and row.key == session_id else None
        status = getattr(data, "status", None)
        if status in (SessionStatus.CANCELLED, SessionStatus.DID_NOT_HAPPEN):
            self.notify(f"That session is {status.value}; it cannot be run.", severity="warning")
            return

        def fetch() -> SessionDetail:
            from circlekeeper.services.sessions import get_session

            return get_session(db, session_id=session_id)

        run_db(self, fetch, self._open_runner)

    def action_run_for_circle(self) -> None:
        """Pick a circle and run its session now (today's, the next planned one, or a new one)."""
        db = self.ck_app.db
        if db is None:
            return

        def picked(circle_id: int | None) -> None:
            if circle_id is None:
                return

            def fetch() -> SessionDetail:
                from circlekeeper.services.sessions import session_for_runner

                return session_for_runner(db, circle_ref=circle_id)

            run_db(self, fetch, self._open_runner)

        self._pick_circle("Run a session for which circle?", picked)

    def _open_runner(self, detail: SessionDetail) -> None:
        self.app.push_screen(RunnerScreen(detail), self._runner_closed)

    def _runner_closed(self, saved: bool | None) -> None:
        self.ck_app.data_changed()

    def action_plan(self) -> None:
        """Plan a circle's sessions for the next weeks from its rhythm."""
        db = self.ck_app.db
        if db is None:
            return

        def picked(circle_id: int | None) -> None:
            if circle_id is None:
                return

            def work() -> SessionPlan:
                from circlekeeper.services.sessions import plan_sessions

                return plan_sessions(db, circle_ref=circle_id)

            run_db(self, work, self._planned)

        self._pick_circle("Plan the sessions of which circle?", picked)

    def _planned(self, plan: SessionPlan) -> None:
        self.notify(
            f"{plan.circle_name}: {len(plan.added)} sessions planned, {plan.removed} removed, "
            f"{plan.kept} kept.",
            markup=False,
        )
        self.ck_app.data_changed()

    def _set_status(self, status: SessionStatus, verb: str) -> None:
        row = self.table.highlighted
        db = self.ck_app.db
        if row is None or db is None:
            self.notify("Highlight a session first.", severity="warning")
            return
        session: SessionRead = row.data  # type: ignore[assignment]

        def chosen(reason: str | None) -> None:
            if reason is None:
                return

            def work() -> SessionRead:
                from circlekeeper.services.sessions import set_session_status

                return set_session_status(
                    db,
                    session_id=session.id,
                    status=status,
                    reason=reason,
                    expected_version=session.version,
                )

            run_db(self, work, lambda _: self.ck_app.data_changed())

        self.app.push_screen(
            PromptScreen(
                f"{verb}: {session.circle_name}, {session.local_start:%a %d %b %H:%M}",
                "Reason (required):",
                check=lambda text: (
                    None if text.strip() else "say why, so the circle's history makes sense"
                ),
            ),
            chosen,
        )

    def action_rituals(self) -> None:
        """Open the rituals screen."""
        from circlekeeper.tui.screens.rituals import RitualsScreen

        self.app.push_screen(RitualsScreen())

    def action_use_ritual(self) -> None:
        """Pick another ritual for the highlighted (planned) session."""
        row = self.table.highlighted
        db = self.ck_app.db
        if row is None or db is None:
            self.notify("Highlight a session first.", severity="warning")
            return
        chosen_session: SessionRead = row.data  # type: ignore[assignment]

        def fetch() -> list[RitualRead]:
            from circlekeeper.services.rituals import list_rituals

            return list_rituals(db)

        def offer(found: list[RitualRead]) -> None:
            options = [(str(r.id), r.name) for r in found]

            def picked(ritual_id: str | None) -> None:
                if ritual_id is None:
                    return

                def work() -> SessionRead:
                    from circlekeeper.services.session_choices import use_ritual_for_session

                    return use_ritual_for_session(
                        db,
                        session_id=chosen_session.id,
                        ritual_ref=int(ritual_id),
                        expected_version=chosen_session.version,
                    )

                run_db(self, work, lambda _: self.ck_app.data_changed())

            self.app.push_screen(
                ChoiceScreen(
                    f"Ritual for {chosen_session.circle_name}, this session only", options
                ),
                picked,
            )

        run_db(self, fetch, offer)

    def action_cancel(self) -> None:
        """Cancel the highlighted session with a reason, or bring a cancelled one back."""
        row = self.table.highlighted
        if row is not None:
            session: SessionRead = row.data  # type: ignore[assignment]
            if session.status == SessionStatus.CANCELLED:
                self._restore(session)
                return
        self._set_status(SessionStatus.CANCELLED, "Cancel")

    def _restore(self, session: SessionRead) -> None:
        """Ask, then make a cancelled session planned again."""
        db = self.ck_app.db
        if db is None:
            return

        def chosen(answer: str | None) -> None:
            if answer != "restore":
                return

            def work() -> SessionRead:
                from circlekeeper.services.sessions import set_session_status

                return set_session_status(
                    db,
                    session_id=session.id,
                    status=SessionStatus.PLANNED,
                    expected_version=session.version,
                )

            def restored(read: SessionRead) -> None:
                self.notify(
                    f"{read.circle_name}, {read.local_start:%a %d %b %H:%M} is planned again.",
                    markup=False,
                )
                self.ck_app.data_changed()

            run_db(self, work, restored)

        why = f" ({session.reason})" if session.reason else ""
        self.app.push_screen(
            ChoiceScreen(
                f"{session.circle_name}, {session.local_start:%a %d %b %H:%M} was cancelled{why}",
                [("restore", "Restore it as planned"), ("keep", "Keep it cancelled")],
            ),
            chosen,
        )

    def action_did_not_happen(self) -> None:
        """Record that the highlighted session did not happen, with a reason."""
        self._set_status(SessionStatus.DID_NOT_HAPPEN, "Did not happen")

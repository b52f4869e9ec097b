"""The circlekeeper TUI: members and circles screens over one database opened off the UI thread.

Start-up is ordered for a fast first screen: the app imports only textual and SQLModel-free
modules, the dashboard's first figures are read with plain sqlite3 (`db.glance`) and painted,
and only then does a worker import the full stack (SQLAlchemy, SQLModel, pydantic), open the
database and import the other screens, which the modes build on first use.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import NoScreen
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import AwaitMount, Widget
from textual.worker import Worker

from circlekeeper.errors import CircleKeeperError
from circlekeeper.text import quoted
from circlekeeper.tui.bridge import error_message, run_db
from circlekeeper.tui.data_watch import reread_of
from circlekeeper.tui.screens.dashboard import DashboardScreen
from circlekeeper.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.db.glance import Glance
    from circlekeeper.services.workspace import OpenedWorkspace

DEFAULT_THEME = "circlekeeper-dark"

GLANCE_TIMEOUT_S = 0.2
"""How long the first figures may wait for a locked database file before the dashboard does
without them (they then come with the full read)."""

LAZY_SCREENS = {
    "health": ("health", "HealthScreen"),
    "incidents": ("incidents", "IncidentsScreen"),
    "members": ("members", "MembersScreen"),
    "circles": ("circles", "CirclesScreen"),
    "sessions": ("sessions", "SessionsScreen"),
    "rota": ("rota", "RotaScreen"),
    "ambassadors": ("ambassadors", "AmbassadorsScreen"),
    "recognition": ("recognition", "RecognitionScreen"),
    "export": ("export", "ExportScreen"),
}
"""Mode -> (module under tui.screens, class): screens whose modules import the data stack, so
they are imported after the first paint (by `import_screens`) rather than with the app."""

PREBUILT_MODES = ("members", "circles", "health", "ambassadors")
"""Screens built and filled in the background, one at a time in this order, once the dashboard
has loaded: pressing their key then shows a screen that is already there (see `prebuild`)."""


def lazy_screen(module: str, name: str) -> Callable[[], Screen]:
    """A mode factory that imports `circlekeeper.tui.screens.<module>` when the mode opens."""

    def make() -> Screen:
        screen_class = getattr(importlib.import_module(f"circlekeeper.tui.screens.{module}"), name)
        return screen_class()

    make.__doc__ = f"Build the {name} (imported on first use)."
    return make


def import_screens() -> None:
    """Import every lazily built screen's module (run in a worker once the first screen shows)."""
    for module, _ in LAZY_SCREENS.values():
        importlib.import_module(f"circlekeeper.tui.screens.{module}")


def _worker_screen(worker: Worker[object]) -> object:
    """The screen of the node that started `worker` (None for the app's own workers)."""
    node = worker.node
    if isinstance(node, Screen):
        return node
    if not isinstance(node, Widget):
        return None
    try:
        return node.screen
    except NoScreen:
        return None


SCREENS = Binding.Group("Screens", compact=True)
"""The screen keys share one footer label; `?` lists each with its own description."""


class CircleKeeperApp(App[None]):
    """Keyboard-first facilitator console; every binding has an id and shows in the footer."""

    CSS_PATH = "app.tcss"
    TITLE = "circlekeeper"
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "dashboard": DashboardScreen,
        **{mode: lazy_screen(*where) for mode, where in LAZY_SCREENS.items()},
    }
    DEFAULT_MODE = "dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "show_dashboard",
            "Dashboard",
            id="app.dashboard",
            group=SCREENS,
            tooltip="Where to look this week",
        ),
        Binding(
            "h",
            "show_health",
            "Health",
            id="app.health",
            group=SCREENS,
            tooltip="Every circle's health and why",
        ),
        Binding(
            "exclamation_mark",
            "show_incidents",
            "Incidents",
            id="app.incidents",
            key_display="!",
            show=False,
            tooltip="Confidential incidents (opened only on purpose)",
        ),
        Binding(
            "m",
            "show_members",
            "Members",
            id="app.members",
            group=SCREENS,
            tooltip="Show the members screen",
        ),
        Binding(
            "c",
            "show_circles",
            "Circles",
            id="app.circles",
            group=SCREENS,
            tooltip="Show the circles screen",
        ),
        Binding(
            "s",
            "show_sessions",
            "Sessions",
            id="app.sessions",
            group=SCREENS,
            tooltip="Sessions and the runner",
        ),
        Binding(
            "r", "show_rota", "Rota", id="app.rota", group=SCREENS, tooltip="Who facilitates next"
        ),
        Binding(
            "a",
            "show_ambassadors",
            "Ambassadors",
            id="app.ambassadors",
            group=SCREENS,
            tooltip="Ambassadors, their goals and programme health",
        ),
        Binding(
            "k",
            "show_recognition",
            "Recognition",
            id="app.recognition",
            group=SCREENS,
            tooltip="Shout-outs, badges and suggestions",
        ),
        Binding(
            "e",
            "show_export",
            "Export",
            id="app.export",
            group=SCREENS,
            tooltip="Markdown reports: preview, save, copy",
        ),
        Binding(
            "f5",
            "refresh",
            "Refresh",
            id="app.refresh",
            tooltip="Read everything again (changes made by another program)",
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="List every key"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit circlekeeper"),
    ]

    db_ready: reactive[bool] = reactive(False)
    """True once the database is open; screens watch it to load their data."""

    data_version: reactive[int] = reactive(0)
    """Bumped after any change so every screen reloads what it shows."""

    glance: reactive[Glance | None] = reactive(None)
    """The dashboard's first figures, read with plain sqlite3 before the database is opened."""

    prebuild_screens: ClassVar[bool] = True
    """The default of `prebuild` (the TUI tests' fixtures turn it off: each of their hundreds of
    apps would otherwise build four more screens)."""

    change_poll_s: ClassVar[float | None] = 2.0
    """How often the app asks the database whether another program (the CLI in another
    terminal) committed, to read the screen on show again (None: never; the TUI tests turn it
    off, tests/tui/test_outside_changes.py on). Each ask is one PRAGMA, microseconds."""

    def __init__(
        self, *, db_path: Path | None = None, demo: bool = False, prebuild: bool | None = None
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.demo = demo
        self.prebuild = self.prebuild_screens if prebuild is None else prebuild
        """Whether the PREBUILT_MODES screens are built and filled once the dashboard has loaded."""
        self.db: Database | None = None
        self._read_at: dict[str, int | None] = {}
        """Per mode, the change stamp taken as its screen last read (or was told to read) its
        data."""
        self._config_loaded = False
        self._settings_warnings = self._choose_theme()

    def on_mount(self) -> None:
        self.call_after_refresh(gc.enable)
        for warning in self._settings_warnings:
            self.notify(warning, title="Settings", severity="warning", markup=False, timeout=10)
        self.sub_title = "opening…"
        self.glance = self._glance()
        self.call_after_refresh(self._open_database)

    def _glance(self) -> Glance | None:
        """The dashboard's first figures, read here on the UI thread: a few milliseconds of
        indexed counts (given up after `GLANCE_TIMEOUT_S` if the file is locked) that let the
        very first frame show real data; nothing else could be painted meanwhile anyway."""
        from circlekeeper import paths
        from circlekeeper.db.glance import first_glance

        path = paths.explicit_db_path(self.db_path) or paths.default_db_path()
        return first_glance(path, timeout_s=GLANCE_TIMEOUT_S)

    def _open_database(self) -> None:
        """Import the data stack and open the database in a worker, after the first frame."""
        run_db(self, self._open, self._opened, on_error=self._open_failed, group="open")

    def _open(self) -> OpenedWorkspace:
        from circlekeeper.services.workspace import open_for_tui

        opened = open_for_tui(self.db_path, inform=self._upgrading)
        import_screens()
        return opened

    def _upgrading(self, notice: str) -> None:
        """Say, from the opening worker, that the schema upgrade is starting: on a large
        database it takes a while, and a silent "opening…" would look like a hang."""

        def show() -> None:
            self.sub_title = "upgrading the database…"
            self.notify(notice, title="Database", markup=False, timeout=30)

        self.call_from_thread(show)

    def _opened(self, opened: OpenedWorkspace) -> None:
        self.db = opened.db
        self.sub_title = ("demo · " if self.demo else "") + str(opened.path)
        self._read_at[self.current_mode] = self.change_stamp()
        self.db_ready = True
        if self.change_poll_s is not None:
            self.set_interval(self.change_poll_s, self._notice_outside_changes)
        for warning in opened.warnings:
            self.notify(warning, title="Database", severity="warning", markup=False, timeout=20)
        if opened.is_empty and not self.demo:
            from circlekeeper.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(), self._welcome_done)

    def _welcome_done(self, choice: str | None) -> None:
        if choice == "sample" and self.db is not None:
            from circlekeeper.services.sample_community import load_sample_community

            db = self.db
            self.notify("Loading the sample community…")
            run_db(self, lambda: load_sample_community(db), lambda _: self._sample_loaded())

    def _sample_loaded(self) -> None:
        self.notify("Sample community loaded.")
        self.data_changed()

    def _open_failed(self, exc: Exception) -> None:
        self.sub_title = "no database"
        from circlekeeper.tui.screens.dialogs import MessageScreen

        self.push_screen(
            MessageScreen("Cannot open the database", error_message(exc), quit_on_close=True)
        )

    def on_dashboard_screen_figures_shown(self, event: DashboardScreen.FiguresShown) -> None:
        """Once the whole dashboard is on show, build the other main screens in the background."""
        if event.complete and self.prebuild:
            self.prebuild = False
            self.run_worker(self._prebuild_all(), group="prebuild", exit_on_error=False)

    async def _prebuild_all(self) -> None:
        """Build and fill each PREBUILT_MODES screen in turn, waiting until one has read its
        data (its thread workers are done) before the next, so they never compete. What is then
        alive (the stack, the screens, their rows) is frozen out of the cyclic collector: a full
        collection over it stalled the UI thread 0.2 to 0.7 s at random moments, switches too."""
        for mode in PREBUILT_MODES:
            if not self._screen_stacks.get(mode):
                await self._until_idle(await self.prebuild_mode(mode))
        gc.collect()
        gc.freeze()

    async def prebuild_mode(self, mode: str) -> Screen:
        """Build the base screen of `mode` without showing it: composed, laid out at the app's
        size and reading its data, so that `switch_mode` only has to paint it. Its widgets are
        styled as they mount, under the current stylesheet: marking it up to date spares the
        switch the restyling of the whole app that Textual does for a screen built on demand."""
        stack = self._screen_stacks.get(mode)
        if stack:
            return stack[0]
        factory = self.MODES[mode]
        self._read_at[mode] = self.change_stamp()
        screen, mounted = self._get_screen(factory() if callable(factory) else factory)
        self._screen_stacks[mode] = [screen]
        self._load_screen_css(screen)
        await mounted
        screen._css_update_count = self._css_update_count
        screen._refresh_layout(self.size)
        for footer in screen.query(KeyFooter):
            footer.prepare()
        return screen

    async def _until_idle(self, screen: Screen) -> None:
        """Wait until no worker started by `screen` or its widgets is running."""
        while True:
            running = [w for w in self.workers if w.is_running and _worker_screen(w) is screen]
            if not running:
                return
            await self.workers.wait_for_complete(running)

    def switch_mode(self, mode: str) -> AwaitMount:
        """Switch to `mode`; a screen built before (pre-built, or visited) reads its data again
        if anything was committed to the database since it last did (by this app or another
        program), painting what it holds meanwhile, so nothing stale stays on show."""
        if mode != self.current_mode:
            stack = self._screen_stacks.get(mode)
            stamp = self.change_stamp()
            reread = reread_of(stack[0]) if stack else None
            if reread is not None and (stamp is None or stamp != self._read_at.get(mode)):
                reread()
            self._read_at[mode] = stamp
        return super().switch_mode(mode)

    def change_stamp(self) -> int | None:
        """The database's change stamp (see Database.change_stamp), or None when there is no
        database or it cannot be read: then every screen reads its data again."""
        if self.db is None:
            return None
        try:
            return self.db.change_stamp()
        except CircleKeeperError:
            return None

    def action_refresh(self) -> None:
        """Reload every screen from the database, e.g. after the CLI changed it meanwhile."""
        self.data_changed()

    def _notice_outside_changes(self) -> None:
        """Read the screen on show again when the database changed since it last read (a commit
        by another program, or a write nobody announced), so no stale view stays up for long;
        other screens catch up when shown (switch_mode)."""
        stamp = self.change_stamp()
        if stamp is not None and stamp != self._read_at.get(self.current_mode, stamp):
            self.data_changed()

    def data_changed(self) -> None:
        """Tell the screens the data changed (called after a successful write, and by F5): the
        ones on show read again now, the first screen of every other mode when it is next shown
        (see tui.data_watch), so a save costs one screen's reload, not every built screen's."""
        self._read_at = dict.fromkeys(self._read_at, None)
        self._read_at[self.current_mode] = self.change_stamp()
        self.data_version += 1

    def _choose_theme(self) -> list[str]:
        """Register the theme files and take the configured theme before the app starts, so
        the stylesheet is built once with it (set after mounting, it was parsed and applied to
        every widget a second time before the first frame); returns what to warn about."""
        from circlekeeper.config import load_config
        from circlekeeper.tui.themes import load_theme_files

        themes, problems = load_theme_files()
        for theme in themes:
            self.register_theme(theme)
        config, config_warnings = load_config()
        warnings = [*problems, *config_warnings]
        if config.theme not in self.available_themes:
            warnings.append(f"theme {quoted(config.theme)} is not available; using {DEFAULT_THEME}")
        wanted = config.theme if config.theme in self.available_themes else DEFAULT_THEME
        if wanted in self.available_themes:
            self.set_reactive(CircleKeeperApp.theme, wanted)
        self._config_loaded = True
        return warnings

    def watch_theme(self, theme: str) -> None:
        if not self._config_loaded:
            return
        from circlekeeper.config import load_config, save_config

        config, _ = load_config()
        if config.theme != theme:
            config.theme = theme
            try:
                save_config(config)
            except OSError as exc:
                self.notify(
                    f"could not save the theme choice: {exc}", severity="warning", markup=False
                )

    def action_show_dashboard(self) -> None:
        """Switch to the dashboard."""
        self.switch_mode("dashboard")

    def action_show_health(self) -> None:
        """Switch to circle health."""
        self.switch_mode("health")

    def action_show_incidents(self) -> None:
        """Switch to the confidential incidents."""
        self.switch_mode("incidents")

    async def open_target(self, target: str, target_id: int | None) -> None:
        """Switch to the screen named by a dashboard alert and put its row under the cursor."""
        await self.switch_mode(target)
        if target_id is None:
            return
        screen = self.screen
        opener = getattr(screen, "open_row", None)
        if callable(opener):
            opener(target_id)

    def action_show_members(self) -> None:
        """Switch to the members screen."""
        self.switch_mode("members")

    def action_show_circles(self) -> None:
        """Switch to the circles screen."""
        self.switch_mode("circles")

    def action_show_sessions(self) -> None:
        """Switch to the sessions screen (where sessions are run)."""
        self.switch_mode("sessions")

    def action_show_rota(self) -> None:
        """Switch to the rota board."""
        self.switch_mode("rota")

    def action_show_ambassadors(self) -> None:
        """Switch to the ambassadors screen."""
        self.switch_mode("ambassadors")

    def action_show_export(self) -> None:
        """Switch to the export screen (reports with a live preview)."""
        self.switch_mode("export")

    def action_show_recognition(self) -> None:
        """Switch to the recognition log."""
        self.switch_mode("recognition")

    def action_show_rituals(self) -> None:
        """Open the rituals screen over the current one."""
        from circlekeeper.tui.screens.rituals import RitualsScreen

        self.push_screen(RitualsScreen())

    def action_help(self) -> None:
        """Show every key of the current screen and the app."""
        from circlekeeper.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every screen and action is reachable from the command palette too."""
        yield SystemCommand("Dashboard", "Where to look this week (d)", self.action_show_dashboard)
        yield SystemCommand("Health", "Every circle's health and why (h)", self.action_show_health)
        yield SystemCommand("Incidents", "Confidential incidents (!)", self.action_show_incidents)
        yield SystemCommand("Members", "Show the members screen (m)", self.action_show_members)
        yield SystemCommand("Circles", "Show the circles screen (c)", self.action_show_circles)
        yield SystemCommand(
            "Sessions", "Sessions and the session runner (s)", self.action_show_sessions
        )
        yield SystemCommand("Rota", "Who facilitates next, fairly (r)", self.action_show_rota)
        yield SystemCommand(
            "Ambassadors", "Goals, progress and programme health (a)", self.action_show_ambassadors
        )
        yield SystemCommand(
            "Recognition", "Shout-outs, badges and suggestions (k)", self.action_show_recognition
        )
        yield SystemCommand("Rituals", "See and write prompt packs", self.action_show_rituals)
        yield SystemCommand("Help", "List every key (?)", self.action_help)
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.show and binding.description:
                action = binding.action
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip or binding.description} "
                    f"({binding.key_display or binding.key})",
                    lambda action=action, screen=screen: self.call_later(screen.run_action, action),
                )
        yield from super().get_system_commands(screen)

    async def on_unmount(self) -> None:
        if self.db is not None:
            self.db.close()

"""Hostile text on every screen: a community whose every user-text field holds the hostile corpus
(markup, escape sequences, bidi, wide and invisible characters, formulas, 10,000 characters…)
is opened screen by screen, dialog by dialog. Each must draw the text exactly as stored, leave
no live action or disguised link in it (a click on it runs nothing), send no control character
to the terminal, report no error and keep running."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import ValidationError
from rich.cells import cell_len
from textual import events
from textual.app import App
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from circlekeeper import clock
from circlekeeper.db import Database, open_database
from circlekeeper.models import (
    CheckInCreate,
    CircleCreate,
    IncidentRead,
    MemberCreate,
    RecognitionRead,
    RitualCreate,
    SessionRead,
)
from circlekeeper.models.enums import RecognitionKind, SessionStatus, Visibility
from circlekeeper.services import (
    ambassadors,
    badges,
    circles,
    goals,
    incidents,
    members,
    nominations,
    recognition,
    reviews,
    sessions,
)
from circlekeeper.services.errors import InvalidInput
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.ambassador_nominations import NominationsScreen
from circlekeeper.tui.screens.circle_form import CircleFormScreen
from circlekeeper.tui.screens.dashboard import DashboardScreen
from circlekeeper.tui.screens.dialogs import ChoiceScreen
from circlekeeper.tui.screens.export import ExportScreen
from circlekeeper.tui.screens.formation_preview import FormationPreviewScreen
from circlekeeper.tui.screens.formation_setup import FormationSetupScreen
from circlekeeper.tui.screens.help import HelpScreen
from circlekeeper.tui.screens.member_form import MemberFormScreen
from circlekeeper.tui.screens.members import MembersScreen
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.recognition_form import RecognitionForm
from circlekeeper.tui.screens.review import ReviewScreen
from circlekeeper.tui.screens.ritual_form import RitualFormScreen
from circlekeeper.tui.screens.rituals import RitualsScreen
from circlekeeper.tui.screens.rota import RotaScreen
from circlekeeper.tui.screens.runner import RunnerScreen
from circlekeeper.tui.widgets.paged_table import PagedTable, Row
from tests.hostile_corpus import CLICK_LABELS, HOSTILE, hostile, stored
from tests.tui.helpers import screen_text, settle
from tests.tui.hostile_seed import EVERY_PART, KEY, Seeded, hostile_copy, shared_as

W = TypeVar("W", bound=Widget)


# ---------------------------------------------------------------------------------- the harness

SIZE = (140, 50)
PREFIX_CELLS = 12
"""Cells of a cell's text that every table column shows before cutting it with an ellipsis."""
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
CELL_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
CELL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LINK_ACTION = re.compile(r"link\((['\"])(?P<url>.*)\1\)")
INJECTED = ("quit", "bell", "open_url", "exit", "link")
"""Words of the actions the corpus's markup would run; no key these tests press runs them."""
TABLES = (PagedTable, DataTable, OptionList)


def squash(text: str) -> str:
    """`text` without any whitespace: wrapping, padding and tab expansion do not matter."""
    return "".join(text.split())


def as_cell(text: str) -> str:
    """`text` as a table cell draws it (what `PagedTable` promises): on one line, and a control
    or bidi character as U+FFFD, so that it cannot reorder or hide the rest of the row."""
    return CELL_UNSAFE.sub("\ufffd", CELL_BREAKS.sub(" ", text))


def visible_prefix(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` terminal cells."""
    width = 0
    for index, char in enumerate(text):
        width += cell_len(char)
        if width > cells:
            return text[:index]
    return text


def rendered(widget: Widget) -> list[Strip]:
    """The lines `widget` draws now (a scrolling list: the lines in view)."""
    width, height = widget.outer_size
    if not width or not height:
        return []
    return widget.render_lines(Region(0, 0, width, height))


def leaf_widgets(app: App[Any]) -> list[Widget]:
    """The displayed widgets of the current screen that draw content themselves."""
    return [
        widget
        for widget in app.screen.query("*")
        if not widget.children and widget.display and widget.visible
    ]


@dataclass(frozen=True)
class Drawn:
    """What one widget shows: its rendered lines, and for an editor the whole text it holds."""

    widget: Widget
    lines: str
    holds: str = ""

    @classmethod
    def of(cls, widget: Widget) -> Drawn:
        """Render `widget` now."""
        lines = squash("".join(strip.text for strip in rendered(widget)))
        if isinstance(widget, Input):
            return cls(widget, lines, squash(widget.value))
        if isinstance(widget, TextArea):
            return cls(widget, lines, squash(widget.text))
        return cls(widget, lines)

    @property
    def is_table(self) -> bool:
        """Whether the widget is a list of rows, which may cut a long text."""
        return isinstance(self.widget, TABLES)

    def shows(self, text: str) -> bool:
        """Whether `text` is drawn here: whole, or cut by a table to its first cells, or as the
        start of the text an editor scrolls through."""
        if self.is_table:
            text = as_cell(text)
        whole, start = squash(text), squash(visible_prefix(text, PREFIX_CELLS))
        if whole in self.lines:
            return True
        if self.is_table:
            return start in self.lines
        return whole in self.holds and self.draws_its_text

    @property
    def draws_its_text(self) -> bool:
        """Whether an editor draws the start or the end of the text it holds, unchanged (a long
        line scrolls to the cursor at its end)."""
        start = squash(visible_prefix(self.holds, PREFIX_CELLS))
        end = squash(visible_prefix(self.holds[::-1], PREFIX_CELLS)[::-1])
        return start in self.lines or end in self.lines


@dataclass(frozen=True)
class Stop:
    """A place on the way: what the screen must draw there, exactly as stored: anywhere, in one
    of its tables or lists (`in_table`), or inside the widget a selector names (`at`)."""

    where: str
    expected: Sequence[str] = ()
    in_table: Sequence[str] = ()
    at: Mapping[str, Sequence[str]] = field(default_factory=dict)


def assert_shown(app: App[Any], stop: Stop) -> None:
    """Every text the stop expects is drawn by a widget of the current screen as stored."""
    drawn = [Drawn.of(widget) for widget in leaf_widgets(app)]
    tables = [d for d in drawn if d.is_table]
    missing = [t[:60] for t in stop.expected if not any(d.shows(t) for d in drawn)]
    missing += [t[:60] for t in stop.in_table if not any(d.shows(t) for d in tables)]
    for selector, texts in stop.at.items():
        inside = app.screen.query_one(selector)
        mine = [d for d in drawn if d.widget is inside or inside in d.widget.ancestors]
        missing += [f"{selector}: {t[:60]}" for t in texts if not any(d.shows(t) for d in mine)]
    assert not missing, f"{stop.where}: not shown as stored: {missing}"


def live_markup(app: App[Any]) -> list[str]:
    """Click actions and disguised links anywhere on the current screen: what parsed markup
    leaves in the drawn segments. A link whose visible text is its own address (a Markdown
    preview's autolink) hides nothing and is allowed."""
    found = []
    for widget in leaf_widgets(app):
        for strip in rendered(widget):
            for segment in strip:
                style = segment.style
                if style is None:
                    continue
                action = str(style.meta.get("@click", "")) if style.meta else ""
                link = LINK_ACTION.fullmatch(action)
                url = link.group("url") if link else style.link or ""
                if (action and not link) or (url and squash(segment.text) not in url):
                    found.append(f"{type(widget).__name__}: {segment.text!r} {action or url}")
    return found


class ActionSpy:
    """Records every action the app runs, every URL it is asked to open, and every worker that
    failed (an error in a callback that shows data is otherwise swallowed)."""

    def __init__(self, app: App[Any]) -> None:
        self.actions: list[str] = []
        self.urls: list[str] = []
        self.failed: list[str] = []
        run_action = app.run_action

        async def spied_run_action(
            action: Any, default_namespace: Any = None, namespaces: Any = None
        ) -> bool:
            self.actions.append(str(action))
            return await run_action(action, default_namespace, namespaces)

        def spied_open_url(url: str, *, new_tab: bool = True) -> None:
            self.urls.append(url)

        app.run_action = spied_run_action  # type: ignore[method-assign]
        app.open_url = spied_open_url  # type: ignore[method-assign]

    def message_hook(self, message: Message) -> None:
        """Note a worker that ended in an error (`run_test(message_hook=…)`)."""
        if isinstance(message, Worker.StateChanged) and message.state == WorkerState.ERROR:
            self.failed.append(f"{message.worker.name}: {message.worker.error!r}")

    def injected(self) -> list[str]:
        """The actions and URLs that only the corpus's markup could have started."""
        return [a for a in self.actions if any(w in a for w in INJECTED)] + self.urls


def controls_drawn(app: App[Any]) -> list[str]:
    """Control characters on screen, or drawn by a widget in its lines scrolled out of view.

    Editors are left out: Textual draws what is typed or pasted into an Input or a TextArea as
    it is (the services clean it when it is saved)."""
    texts = [screen_text(app)]
    for widget in leaf_widgets(app):
        if not isinstance(widget, (Input, TextArea)):
            texts += [strip.text for strip in rendered(widget)]
    return sorted({hex(ord(c)) for text in texts for c in CONTROLS.findall(text)})


def assert_nothing_leaked(app: App[Any], spy: ActionSpy, where: str) -> None:
    """No control character reaches the terminal, no link or action is live in the text, none
    ran, no error was reported, and the app still runs."""
    found = controls_drawn(app)
    assert not found, f"{where}: control characters drawn: {found}"
    assert live_markup(app) == [], f"{where}: live markup"
    assert spy.injected() == [], f"{where}: actions from user text ran"
    assert spy.failed == [], f"{where}: workers failed"
    errors = [str(n.message) for n in app._notifications if n.severity == "error"]
    assert errors == [], f"{where}: {errors}"
    assert app.is_running, where
    assert app.return_code is None, where


# ---------------------------------------------------------------------------------- the visits

Visit = Callable[[Pilot[Any], Seeded], AsyncIterator[Stop]]


async def go(pilot: Pilot[Any], *keys: str) -> None:
    """Press `keys` and wait until the database work they started is done."""
    await pilot.press(*keys)
    await settle(pilot)


def the(app: App[Any], widget_type: type[W], selector: str | None = None) -> W:
    """The one widget of `widget_type` (matching `selector`) on the current screen."""
    if selector is None:
        return app.screen.query_one(widget_type)
    return app.screen.query_one(selector, widget_type)


def rows_in_view(table: PagedTable) -> list[Row]:
    """The loaded rows the table shows now."""
    top = int(table.scroll_y)
    rows = (table.row_at(i) for i in range(top, min(table.total, top + table.visible_row_count)))
    return [row for row in rows if row is not None]


async def table_pages(pilot: Pilot[Any], table: PagedTable) -> AsyncIterator[list[Row]]:
    """Page down the table, yielding the rows in view on each page until all were shown."""
    seen: set[int] = set()
    while len(seen) < table.total:
        rows = rows_in_view(table)
        assert rows, "no rows in view"
        assert not seen.issuperset(row.key for row in rows), "paging shows nothing new"
        seen.update(row.key for row in rows)
        yield rows
        table.action_page_down()
        await settle(pilot)


async def walk_data_table(pilot: Pilot[Any], table: DataTable[Any]) -> AsyncIterator[str]:
    """Move the cursor down a DataTable one row at a time, yielding each row's key."""
    for index in range(table.row_count):
        table.move_cursor(row=index, animate=False)
        await settle(pilot)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key is not None
        yield key


async def choose_row(pilot: Pilot[Any], table: PagedTable, key: int) -> None:
    """Put the cursor of a loaded table on row `key`."""
    assert table.move_cursor_to_key(key), f"row {key} is not loaded"
    await settle(pilot)


async def pick(pilot: Pilot[Any], key: int) -> None:
    """Choose row `key` in the picker on screen."""
    table = the(pilot.app, PagedTable)
    table.focus()
    await choose_row(pilot, table, key)
    await go(pilot, "enter")


def first_cells(table: PagedTable, column: int = 0) -> list[str]:
    """The cells of `column` in the rows the table shows now."""
    return [row.cells[column] for row in rows_in_view(table)]


async def dashboard_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """This week's sessions and the alerts, which name hostile circles, members and contacts."""
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    assert screen.shown is not None
    found = screen.shown
    week = [w.circle_name for w in found.sessions]
    week += [w.facilitator for w in found.sessions if w.facilitator]
    details = " ".join(a.detail for a in found.alerts)
    assert set(week) & {*s.names, *s.circle_names}, "the week names no hostile circle or member"
    assert any(contact in details for contact in s.contacts), "no hostile contact in the alerts"
    yield Stop("this week", week)
    async for rows in table_pages(pilot, the(pilot.app, PagedTable)):
        alerts = [alert for row in rows for alert in row.cells[2:]]
        yield Stop(f"alerts from {rows[0].key}", in_table=alerts)


async def export_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The digest, then the facilitator's summary of the first big circle, in the live preview;
    a circle's name offered as the completion of what was typed."""
    app = pilot.app
    await go(pilot, "e")
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    yield Stop("digest")
    screen.query_one("#report", Select).value = "circle"
    screen.query_one("#audience", Select).value = "facilitator"
    await settle(pilot)
    field = screen.query_one("#circle", Input)
    field.value = str(s.circle_ids[0])
    await settle(pilot)
    yield Stop("circle summary", [s.circle_names[0]])
    name = s.circle_names[KEY["click"]]
    field.value = ""
    field.focus()
    await go(pilot, *name[: name.index("quit") + 1])
    yield Stop("circle name completed", at={"#circle": [name]})
    screen.set_focus(None)


async def help_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The keys of the members screen, over members with hostile names."""
    await go(pilot, "m", "question_mark")
    assert isinstance(pilot.app.screen, HelpScreen)
    yield Stop("help")
    await go(pilot, "escape")


async def members_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """Every member's row (name, handle), page by page; the detail pane of every third member
    and of the longest name (member `i` shows entries i, i + 1 and i + 2: so every entry)."""
    await go(pilot, "m")
    table = the(pilot.app, PagedTable)
    async for rows in table_pages(pilot, table):
        indexes = [s.member_ids.index(row.key) for row in rows]
        cells = [text for i in indexes for text in (s.names[i], s.handles[i])]
        yield Stop(f"member rows {indexes[0]}", in_table=cells)
    for i in sorted({*range(0, len(HOSTILE), 3), KEY["long"]}):
        await choose_row(pilot, table, s.member_ids[i])
        circle = 0 if i in s.big[0] else 1
        expected = [s.names[i], s.handles[i], s.tags[i], s.circle_names[circle]]
        if i == 0:
            expected += [s.circle_names[2], s.leave_reason]
        yield Stop(f"member {i}", expected)


async def member_dialogs(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The edit form of the members named by action markup and by the longest text, the pause
    prompt; saving one unchanged names them in the notification."""
    app = pilot.app
    await go(pilot, "m")
    for key in ("click", "long"):
        i = KEY[key]
        await choose_row(pilot, the(app, PagedTable), s.member_ids[i])
        await go(pilot, "enter")
        assert isinstance(app.screen, MemberFormScreen)
        fields = {"#name": [s.names[i]], "#handle": [s.handles[i]], "#tags": [s.tags[i]]}
        yield Stop(f"edit form {key}", at=fields)
        await go(pilot, "escape")
    i = KEY["click"]
    await choose_row(pilot, the(app, PagedTable), s.member_ids[i])
    await go(pilot, "p")
    yield Stop("pause prompt", [s.names[i]])
    await go(pilot, "escape", "enter", "ctrl+s")
    assert isinstance(app.screen, MembersScreen)
    yield Stop("saved notification", [f"Saved {s.names[i]}."])


async def circles_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """Every circle's row, page by page; the first three circles' detail panes (their purposes
    and agreements hold every entry, and 10,000 characters)."""
    app = pilot.app
    await go(pilot, "c")
    table = the(app, PagedTable)
    async for rows in table_pages(pilot, table):
        names = [s.circle_names[s.circle_ids.index(row.key)] for row in rows]
        yield Stop(f"circle rows {names[0][:10]!r}", in_table=names)
    for i in range(3):
        await choose_row(pilot, table, s.circle_ids[i])
        expected = [s.circle_names[i], *s.circle_texts[i]]
        if i < 2:
            expected += [s.ritual_names[i], *s.member_names(s.big[i])]
        else:
            expected += [s.names[0], s.leave_reason]
        yield Stop(f"circle {i}", expected)


async def circle_dialogs(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The edit form of a big circle (its ritual in the select), the member picker and the
    remove choice."""
    app = pilot.app
    await go(pilot, "c")
    await choose_row(pilot, the(app, PagedTable), s.circle_ids[0])
    await go(pilot, "enter")
    assert isinstance(app.screen, CircleFormScreen)
    *purpose, trust = s.circle_texts[0]
    fields = {"#name": [s.circle_names[0]], "#ritual_id": [s.ritual_names[0]]}
    fields |= {"#purpose": purpose, "#agreements": purpose, "#trust_focus": [trust]}
    yield Stop("circle form", at=fields)
    await go(pilot, "escape", "plus")
    assert isinstance(app.screen, PickerScreen)
    names = first_cells(the(app, PagedTable))
    assert names
    assert set(names) <= set(s.names)
    yield Stop("member picker", [s.circle_names[0]], names)
    await go(pilot, "escape", "minus")
    assert isinstance(app.screen, ChoiceScreen)
    yield Stop("remove whom", [s.circle_names[0]], s.member_names(s.big[0][:10]))
    await go(pilot, "escape")


async def formation(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The formation wizard with a hostile prefix: the proposed circles and their members."""
    app = pilot.app
    await go(pilot, "c", "f")
    assert isinstance(app.screen, FormationSetupScreen)
    app.screen.query_one("#prefix", Input).value = s.circle_names[KEY["click"]]
    app.screen.query_one("#time_limit", Input).value = "0.2"
    await go(pilot, "ctrl+s")
    screen = app.screen
    assert isinstance(screen, FormationPreviewScreen)
    names = first_cells(the(app, PagedTable), 1)
    assert names
    assert set(names) <= set(s.names)
    first = screen.preview.circles[0]
    yield Stop("proposal", [first.name, *(m.name for m in first.members)], names)
    await go(pilot, "escape")


async def review_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The seasonal review of the second big circle: who chose what, and their notes."""
    app = pilot.app
    await go(pilot, "c")
    await choose_row(pilot, the(app, PagedTable), s.circle_ids[1])
    await go(pilot, "v")
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    assert screen._review is not None
    people = s.big[1]
    notes = [s.review_notes[i] for i in people]
    listed = [entry.member_name for entry in screen._review.entries[:10]]
    yield Stop("review", [s.circle_names[1], *s.member_names(people), *notes], listed)
    entry = screen._review.entries[0]
    i = s.member_ids.index(entry.member_id)
    await go(pilot, "enter")
    yield Stop("choice", [s.names[i]])
    await go(pilot, "enter")
    yield Stop("note prompt", [s.names[i], s.review_notes[i]])
    await go(pilot, "escape", "a")
    yield Stop("apply confirmation", [s.circle_names[1]])
    await go(pilot, "n", "escape")


async def sessions_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """Every upcoming session (one cancelled, with its reason), then the held ones with every
    check-in's answer and the notes (every entry; 10,000 characters)."""
    app = pilot.app
    await go(pilot, "s")
    table = the(app, PagedTable)
    upcoming = rows_in_view(table)
    assert len(upcoming) == table.total
    cells = []
    for row in upcoming:
        session = row.data
        assert isinstance(session, SessionRead)
        assert session.ritual_name is not None
        assert session.circle_name in s.circle_names[:2]
        cells += [session.circle_name, session.ritual_name]
    yield Stop("upcoming sessions", in_table=cells)
    cancelled = next(r for r in upcoming if r.data.status == SessionStatus.CANCELLED)
    await choose_row(pilot, table, cancelled.key)
    yield Stop("cancelled session", [s.circle_names[1], s.ritual_names[1], s.cancel_reason])
    await go(pilot, "v")
    for circle, session_id in enumerate(s.held):
        await choose_row(pilot, the(app, PagedTable), session_id)
        people = s.big[circle]
        notes = EVERY_PART if circle == 0 else [s.notes[circle]]
        expected = [s.circle_names[circle], s.prompts[circle][0], *notes]
        expected += [s.answers[i] for i in people]
        yield Stop(f"held session {circle}", [*expected, *s.member_names(people)])
    await go(pilot, "v")


async def session_dialogs(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The cancel prompt and the ritual choice of a session, and the circle picker."""
    app = pilot.app
    await go(pilot, "s")
    row = the(app, PagedTable).highlighted
    assert row is not None
    assert isinstance(row.data, SessionRead)
    await go(pilot, "x")
    yield Stop("cancel prompt", [row.data.circle_name])
    await go(pilot, "escape", "u")
    assert isinstance(app.screen, ChoiceScreen)
    yield Stop("ritual choice", [row.data.circle_name], s.ritual_names)
    await go(pilot, "escape", "n")
    names = first_cells(the(app, PagedTable))
    assert names
    assert set(names) <= set(s.circle_names)
    yield Stop("circle picker", in_table=names)
    await go(pilot, "escape")


async def rituals_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """Each hostile prompt pack: its name in the list and its words and prompts, then the edit
    form of two of them and a copy form."""
    app = pilot.app
    await go(pilot, "s", "i")
    screen = app.screen
    assert isinstance(screen, RitualsScreen)
    options = the(app, OptionList)
    for i, ritual_id in enumerate(s.ritual_ids):
        options.highlighted = next(n for n, r in enumerate(screen._rituals) if r.id == ritual_id)
        await settle(pilot)
        words = [t for t in s.ritual_texts[i] if t]
        name = [s.ritual_names[i]]
        yield Stop(f"ritual {i}", [*name, *s.prompts[i], *words], name)
        if i in (0, 2):
            await go(pilot, "e")
            assert isinstance(app.screen, RitualFormScreen)
            yield Stop(f"ritual form {i}", [*name, *s.prompts[i], *words])
            await go(pilot, "escape")
    await go(pilot, "y")
    copy = s.ritual_names[-1]
    yield Stop("ritual copy", [copy, f"{copy} (my version)"])
    await go(pilot, "escape", "escape")


PASTED = f"{hostile('osc_title')}\n{hostile('sgr_red')} [b]pasted[/b]"
"""What the facilitator pastes into the first answer of the go-round."""


async def runner_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The runner over the first big circle's held session: roll call, every member's turn with
    their answer, the closing summary of what they shared; the first answer replaced by pasted
    hostile text, which the summary shows as it will be saved."""
    app = pilot.app
    await go(pilot, "s", "v")
    await choose_row(pilot, the(app, PagedTable), s.held[0])
    await go(pilot, "enter")
    runner = app.screen
    assert isinstance(runner, RunnerScreen)
    people = s.big[0]
    yield Stop("roll call", [s.circle_names[0], s.ritual_names[0]], s.member_names(people))
    for turn in range(len(people)):
        await pilot.press("ctrl+n")
        member_id = runner.state.current_member()
        assert member_id is not None
        i = s.member_ids.index(member_id)
        fields = {"#member-title": [s.names[i]], "#answer-0": [s.answers[i]]}
        yield Stop(f"turn {turn}", s.prompts[0], at=fields)
        if turn == 0:
            first, pasting = i, runner.query_one("#answer-0", TextArea)
            pasting.text = ""
            app.post_message(events.Paste(PASTED))
            while runner.state.visibility.get(member_id, "private") == "private":
                await pilot.press("ctrl+o")
            await settle(pilot)
            assert pasting.text == PASTED
    await go(pilot, "ctrl+n")
    assert runner.state.phase == "closing"
    sharers = [i for i in people if shared_as(i) != Visibility.PRIVATE and i != first]
    shared = [s.answers[i] for i in sharers]
    pasted = {"#summary": [stored(PASTED, multiline=True)]}
    yield Stop("closing", [*shared, *EVERY_PART, *s.member_names(sharers)], at=pasted)


async def rota_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The circle picker, the rota of the first big circle (who holds which role), and who could
    take a role instead or be away."""
    app = pilot.app
    await go(pilot, "r", "slash")
    names = first_cells(the(app, PagedTable))
    assert names
    assert set(names) <= set(s.circle_names)
    yield Stop("circle picker", in_table=names)
    await pick(pilot, s.circle_ids[0])
    screen = app.screen
    assert isinstance(screen, RotaScreen)
    assert screen._rota is not None
    board = screen._rota
    holders = [a.member_name for a in board.assignments if a.member_name]
    assert holders
    assert set(holders) <= set(s.names)
    yield Stop("rota", [s.circle_names[0], *board.load], holders)
    await go(pilot, "right")
    for key in ("o", "x"):
        await go(pilot, key)
        assert isinstance(app.screen, ChoiceScreen)
        yield Stop(f"{key} choice", in_table=s.member_names(s.big[0][:10]))
        await go(pilot, "escape")


async def health_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """Every circle's health, page by page, with the pane of the highlighted one."""
    await go(pilot, "h")
    table = the(pilot.app, PagedTable)
    async for rows in table_pages(pilot, table):
        names = [s.circle_names[s.circle_ids.index(row.key)] for row in rows]
        highlighted = table.highlighted
        assert highlighted is not None
        detail = s.circle_names[s.circle_ids.index(highlighted.key)]
        yield Stop(f"health rows {names[0][:10]!r}", [detail], names)


async def ambassadors_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """Every ambassador with goals and focus, the detail pane, the programme health, the
    pending nominations with their reasons; the log, retire and new-ambassador dialogs."""
    app = pilot.app
    await go(pilot, "a")
    async for key in walk_data_table(pilot, the(app, DataTable)):
        n = s.ambassadors.index(s.member_ids.index(int(key)))
        name, metrics = s.names[s.ambassadors[n]], s.metrics[2 * n : 2 * n + 2]
        expected = [name, s.focus[n], *metrics, *s.progress_notes[2 * n : 2 * n + 2]]
        expected.append(s.ambassador_notes[n])
        if n == len(s.ambassadors) - 1:
            expected.append(s.rest_reason)
        yield Stop(f"ambassador {n}", expected, [name, s.focus[n], *metrics])
    if not app.screen.query_one("#health-pane").display:
        await go(pilot, "p")
    yield Stop("programme health", s.member_names(s.ambassadors[:-1]))
    await go(pilot, "l")
    yield Stop("log choice", [name], metrics)
    metric = the(app, OptionList).get_option_at_index(0).id
    assert metric in metrics
    await go(pilot, "enter")
    yield Stop("log form", [name, metric])
    await go(pilot, "escape", "x")
    yield Stop("retire prompt", [name])
    await go(pilot, "escape", "n")
    await pick(pilot, s.member_ids[1])
    yield Stop("new ambassador form", [s.names[1]])
    await go(pilot, "escape", "o")
    screen = app.screen
    assert isinstance(screen, NominationsScreen)
    async for key in walk_data_table(pilot, the(app, DataTable)):
        i = s.member_ids.index(screen._shown[key].member_id)
        n = s.nominated.index(i)
        yield Stop(f"nomination {n}", [s.nomination_reasons[n]], [s.names[i], s.names[i + 1]])
    await go(pilot, "n")
    yield Stop("decline prompt", [s.names[i]])
    await go(pilot, "escape", "escape")


async def recognition_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """The recognition log page by page; in full, the entry that holds every entry, the longest
    and a badge; the suggestions; the feed of one member and the compose form."""
    app = pilot.app
    await go(pilot, "k")
    feed = the(app, PagedTable, "#recognition-feed")
    entries: dict[int, RecognitionRead] = {}
    async for rows in table_pages(pilot, feed):
        cells = []
        for row in rows:
            assert isinstance(row.data, RecognitionRead)
            assert row.data.member_name in s.names
            entries[row.key] = row.data
            cells += [row.data.member_name, row.data.message, row.data.given_by]
        yield Stop(f"recognition rows {rows[0].key}", in_table=cells)
    assert {e.message for e in entries.values()} >= set(s.messages)
    longest = next(k for k, e in entries.items() if e.message == s.messages[KEY["long"]])
    badge = next(k for k, e in entries.items() if e.badge == s.badge_names[0])
    for key in (s.every_recognition, longest, badge):
        await choose_row(pilot, feed, key)
        entry = entries[key]
        parts = EVERY_PART if key == s.every_recognition else [entry.message]
        yield Stop(f"recognition {key}", [entry.member_name, entry.given_by, *parts])
    await go(pilot, "g")
    names = first_cells(the(app, PagedTable, "#suggestions"))
    assert names
    assert set(names) <= set(s.names)
    yield Stop("suggestions", in_table=names)
    await go(pilot, "g", "slash")
    chosen = KEY["click"]
    await pick(pilot, s.member_ids[chosen])
    yield Stop("feed of one member", [s.names[chosen]], [s.names[chosen], s.messages[chosen]])
    await go(pilot, "n")
    form = app.screen
    assert isinstance(form, RecognitionForm)
    form.query_one("#kind", Select).value = RecognitionKind.BADGE
    await settle(pilot)
    badges = form.query_one("#badge", Select)
    badges.value = next(
        value
        for label, value in badges._options
        if isinstance(label, Content) and label.plain == s.badge_names[0]
    )
    await settle(pilot)
    yield Stop("compose form", at={"#member": [s.names[chosen]], "#badge": [s.badge_names[0]]})
    await go(pilot, "escape")


async def incidents_screen(pilot: Pilot[Any], s: Seeded) -> AsyncIterator[Stop]:
    """Every incident's summary (resolved ones too), page by page; in full, the one that holds
    every entry, the longest, and the resolved one with its people, contact and circle."""
    app = pilot.app
    await go(pilot, "exclamation_mark", "v")
    table = the(app, PagedTable)
    found: dict[int, IncidentRead] = {}
    async for rows in table_pages(pilot, table):
        for row in rows:
            assert isinstance(row.data, IncidentRead)
            found[row.key] = row.data
        yield Stop(f"incident rows {rows[0].key}", in_table=[row.data.summary for row in rows])
    by_summary = {incident.summary: key for key, incident in found.items()}
    assert set(by_summary) >= set(s.summaries)
    for i in (0, KEY["long"]):
        await choose_row(pilot, table, by_summary[s.summaries[i]])
        expected = [s.summaries[i], s.names[i], s.contacts[i], s.circle_names[i]]
        yield Stop(f"incident {i}", expected + ([s.resolution] if i == 0 else []))
    await choose_row(pilot, table, s.every_incident)
    yield Stop("incident of every entry", [*EVERY_PART, s.circle_names[0]])


AREAS: dict[str, tuple[Visit, ...]] = {
    "dashboard, export, help": (dashboard_screen, export_screen, help_screen),
    "members": (members_screen, member_dialogs),
    "circles": (circles_screen, circle_dialogs, formation),
    "review": (review_screen,),
    "sessions and rituals": (sessions_screen, session_dialogs, rituals_screen),
    "runner": (runner_screen,),
    "rota and health": (rota_screen, health_screen),
    "ambassadors": (ambassadors_screen,),
    "recognition": (recognition_screen,),
    "incidents": (incidents_screen,),
}
"""The screens and their dialogs, a few to one app run (starting one costs about a second)."""


@pytest.mark.parametrize("area", list(AREAS))
async def test_every_screen_draws_hostile_text_as_stored_and_runs_none_of_it(
    area: str, tmp_path: Path
) -> None:
    path, seeded = hostile_copy(tmp_path)
    app = CircleKeeperApp(db_path=path)
    spy = ActionSpy(app)
    async with app.run_test(size=SIZE, notifications=True, message_hook=spy.message_hook) as pilot:
        await settle(pilot)
        for visit in AREAS[area]:
            async for stop in visit(pilot, seeded):
                assert_shown(app, stop)
                assert_nothing_leaked(app, spy, stop.where)


async def click_labels(pilot: Pilot[Any]) -> int:
    """Click each place a text pane draws the visible part of the corpus's action and link
    markup (where parsed markup would run `app.quit`, `app.bell` or open a link); returns how
    many clicks landed on it."""
    app = pilot.app
    screen = app.screen
    clicks = 0
    for widget in leaf_widgets(app):
        if not isinstance(widget, Static):
            continue
        for row, strip in enumerate(rendered(widget)):
            line = strip.text
            for label in CLICK_LABELS:
                column = line.find(label)
                x = widget.region.x + cell_len(line[:column]) + 1
                y = widget.region.y + row
                if column < 0 or not screen.region.contains(x, y):
                    continue
                if screen.get_widget_at(x, y)[0] is widget:
                    await pilot.click(offset=(x, y))
                    clicks += 1
    return clicks


async def test_clicking_action_markup_in_user_text_runs_nothing(tmp_path: Path) -> None:
    path, s = hostile_copy(tmp_path)
    app = CircleKeeperApp(db_path=path)
    spy = ActionSpy(app)
    places = [
        ("m", s.member_ids[KEY["click"]]),
        ("c", s.circle_ids[0]),
        ("k", s.every_recognition),
        ("exclamation_mark", s.every_incident),
    ]
    async with app.run_test(size=SIZE, message_hook=spy.message_hook) as pilot:
        await settle(pilot)
        for key, row in places:
            await go(pilot, key)
            screen = app.screen
            await choose_row(pilot, the(app, PagedTable), row)
            assert await click_labels(pilot) >= 1, f"nothing to click after {key}"
            await settle(pilot)
            assert app.screen is screen
            assert_nothing_leaked(app, spy, f"clicked after {key}")


LONG = hostile("long")
TWICE = LONG + LONG
"""Over the 10,000 characters that notes, purposes and agreements may hold."""

Refusal = Callable[[Database, Seeded], object]
REFUSALS: dict[str, Refusal] = {
    "member name": lambda db, s: members.add_member(db, data=MemberCreate(name=LONG, handle="x")),
    "handle": lambda db, s: MemberCreate(name="x", handle=LONG),
    "tag value": lambda db, s: MemberCreate(name="x", handle="x", tags={"motto": LONG}),
    "leave reason": lambda db, s: members.leave_member(db, ref=s.member_ids[5], reason=LONG),
    "circle name": lambda db, s: CircleCreate(name=LONG),
    "trust focus": lambda db, s: CircleCreate(name="x", trust_focus=LONG),
    "purpose": lambda db, s: CircleCreate(name="x", purpose=TWICE),
    "agreements": lambda db, s: CircleCreate(name="x", agreements=TWICE),
    "ritual name": lambda db, s: RitualCreate(name=LONG, prompts=["a"]),
    "prompt": lambda db, s: RitualCreate(name="x", prompts=[LONG]),
    "ritual words": lambda db, s: RitualCreate(name="x", prompts=["a"], opening=LONG),
    "session notes": lambda db, s: sessions.record_session(
        db, circle_ref=s.circle_ids[0], day=clock.today(), notes=TWICE
    ),
    "cancel reason": lambda db, s: sessions.set_session_status(
        db, session_id=s.held[0], status=SessionStatus.CANCELLED, reason=LONG
    ),
    "answer": lambda db, s: CheckInCreate(answers={"a": LONG}),
    "removal reason": lambda db, s: circles.remove_member_from_circle(
        db, circle_ref=s.circle_ids[0], member_ref=s.member_ids[0], reason=LONG
    ),
    "message": lambda db, s: recognition.recognize(
        db, member_ref=s.member_ids[0], kind=RecognitionKind.NOTE, message=LONG
    ),
    "badge name": lambda db, s: badges.add_badge(db, name=LONG),
    "badge description": lambda db, s: badges.add_badge(db, name="x", description=LONG),
    "summary": lambda db, s: incidents.add_incident(db, summary=LONG),
    "contact": lambda db, s: incidents.add_incident(db, summary="x", contact=LONG),
    "resolution": lambda db, s: incidents.update_incident(
        db, incident_id=s.every_incident, status="resolved", resolution=LONG
    ),
    "focus": lambda db, s: ambassadors.add_ambassador(db, member_ref=s.member_ids[1], focus=[LONG]),
    "ambassador note": lambda db, s: ambassadors.add_ambassador(
        db, member_ref=s.member_ids[1], focus=["x"], note=LONG
    ),
    "rest reason": lambda db, s: ambassadors.rest_ambassador(
        db, ref=s.member_ids[0], until=clock.today() + dt.timedelta(days=3), reason=LONG
    ),
    "metric": lambda db, s: goals.set_goal(db, ref=s.member_ids[0], metric=LONG, target=1),
    "progress note": lambda db, s: goals.log_progress(
        db, ref=s.member_ids[0], metric="x", count=1, note=LONG
    ),
    "nomination reason": lambda db, s: nominations.nominate(
        db, member_ref=s.member_ids[2], reason=LONG
    ),
    "review note": lambda db, s: reviews.record_choice(
        db, circle_ref=s.circle_ids[1], member_ref=s.member_ids[-1], choice="continue", note=LONG
    ),
}
"""Every field the screens show that has a size limit, given the corpus's 10,000 characters."""


@pytest.mark.parametrize("field_name", list(REFUSALS))
def test_too_long_text_is_refused_cleanly_in_every_limited_field(
    field_name: str, tmp_path: Path
) -> None:
    path, seeded = hostile_copy(tmp_path)
    db = open_database(path)
    try:
        with pytest.raises((InvalidInput, ValidationError)) as refused:
            REFUSALS[field_name](db, seeded)
        assert "character" in str(refused.value), "refused for its length, saying so"
    finally:
        db.close()

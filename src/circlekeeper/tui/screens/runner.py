"""The session runner: roll call, a timed go-round, closing — keyboard only, nothing lost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    ContentSwitcher,
    Header,
    Input,
    Label,
    OptionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from circlekeeper import clock
from circlekeeper.text import clean_text
from circlekeeper.tui.bridge import error_message, run_db
from circlekeeper.tui.screens.runner_state import RunState
from circlekeeper.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from circlekeeper.models import AssignmentRead, SessionDetail
    from circlekeeper.tui.app import CircleKeeperApp

DRAFT_DELAY = 0.8
EARLIER = "(answered before the ritual changed)"
"""Marks a prompt the ritual no longer asks but an answer of this session was given to."""
MARKS = {"present": "✓ present", "absent": "✗ absent ", "excused": "~ excused"}
WHO_READS = {
    "private": "private — the facilitator only",
    "circle": "circle — the circle's members",
    "community": "community — may be quoted in community summaries",
}


def roles_line(roles: list[AssignmentRead]) -> Content:
    """ "Facilitator: Ana (deputy Bea) · Timekeeper: Cy" — who does what today."""
    if not roles:
        return Content("No roles planned for this session (r: the rota board).")
    parts: list[str | tuple[str, str]] = []
    for index, assignment in enumerate(roles):
        if index:
            parts.append("  ·  ")
        parts += [(f"{assignment.role.capitalize()}: ", "bold"), assignment.member_name or "—"]
        if assignment.deputy_name:
            parts.append((f" (deputy {assignment.deputy_name})", "dim"))
    return Content.assemble(*parts)


def runner_prompts(detail: SessionDetail) -> list[str]:
    """The ritual's prompts, then any that a check-in of this session answered and the ritual
    no longer asks (renamed or dropped since), so that saving a held session again keeps those
    answers; ["Notes"] when there are none at all."""
    prompts = list(detail.prompts)
    for checkin in detail.checkins:
        prompts += [prompt for prompt in checkin.answers if prompt not in prompts]
    return prompts or ["Notes"]


def opening_notice(detail: SessionDetail) -> str | None:
    """What to know before running this session: it is already recorded, or still ahead."""
    day = f"{detail.local_start:%a %d %b}"
    if detail.status == "held":
        return f"This session was recorded as held on {day}: saving replaces its check-ins."
    today = clock.now().astimezone(detail.local_start.tzinfo).date()
    if detail.local_date > today:
        return (
            f"This session is on {day}, still ahead: prepare the roll call now; it can be "
            "saved from that day on (your draft is kept)."
        )
    return None


class RollCall(OptionList):
    """The roll: one line per member; p / a / e mark them, space cycles."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('present')", "Present", id="roll.present"),
        Binding("a", "mark('absent')", "Absent", id="roll.absent"),
        Binding("e", "mark('excused')", "Excused", id="roll.excused"),
        Binding("space", "mark('')", "Cycle", id="roll.cycle"),
    ]

    def action_mark(self, attendance: str) -> None:
        """Mark the highlighted member and move to the next one."""
        screen = self.screen
        if isinstance(screen, RunnerScreen) and self.highlighted is not None:
            screen.mark(self.highlighted, attendance or None)
            if attendance and self.highlighted < self.option_count - 1:
                self.highlighted += 1


class RunnerScreen(Screen[bool]):
    """Runs one session; returns True when saved, False when left with a draft kept."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next", id="runner.next", tooltip="Next step or next member"),
        Binding("ctrl+b", "back", "Back", id="runner.back", tooltip="Previous step or member"),
        Binding(
            "ctrl+o",
            "cycle_visibility",
            "Who may read",
            id="runner.visibility",
            tooltip="private → circle → community",
        ),
        Binding(
            "ctrl+t",
            "toggle_timer",
            "Timer",
            id="runner.timer",
            tooltip="Pause or resume the countdown",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="runner.save",
            tooltip="Save the session (from the closing step)",
        ),
        Binding(
            "escape",
            "leave",
            "Leave",
            id="runner.leave",
            tooltip="Leave; everything typed is kept as a draft",
        ),
    ]

    def __init__(self, detail: SessionDetail) -> None:
        super().__init__()
        self.detail = detail
        self.prompts = runner_prompts(detail)
        self.state = RunState()
        self._ready = False
        self._dirty = False
        self._saved = False
        self._draft_timer: Timer | None = None
        self._tick: Timer | None = None
        self._remaining = detail.timebox_minutes * 60
        self._loading_member = False
        self._timer_paused = False

    @property
    def ck_app(self) -> CircleKeeperApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        local = self.detail.local_start
        yield Header()
        yield Label(
            Content(
                f"{self.detail.circle_name} · {local:%a %d %b %Y %H:%M} ({self.detail.timezone}) · "
                f"{self.detail.ritual_name or 'no ritual'}"
            ),
            id="runner-title",
            classes="dialog-title",
        )
        yield Label("", id="runner-roles", classes="hint")
        notice = opening_notice(self.detail)
        if notice is not None:
            yield Label(Content(notice), id="runner-notice", classes="warning-banner")
        yield Label("", id="runner-step", classes="count")
        with ContentSwitcher(initial="roll", id="phases"):
            with Vertical(id="roll"):
                yield Label(
                    "Roll call — p present · a absent · e excused · space cycles · "
                    "ctrl+n starts the go-round",
                    classes="hint",
                )
                yield RollCall(id="roll-list")
            with Vertical(id="round"):
                with Horizontal(classes="round-head"):
                    yield Label("", id="member-title", classes="dialog-title")
                    yield Label("", id="timer", classes="timer")
                yield Label("", id="visibility", classes="hint")
                with VerticalScroll(id="answers"):
                    asked = set(self.detail.prompts)
                    for index, prompt in enumerate(self.prompts):
                        label = prompt if prompt in asked or not asked else f"{prompt} {EARLIER}"
                        yield Label(Content(label), classes="field-label")
                        yield TextArea(
                            "", id=f"answer-{index}", classes="short-area", soft_wrap=True
                        )
                    yield Input(
                        placeholder="mood 1 to 5 (optional)",
                        id="mood",
                        restrict="[1-5]?",
                        max_length=1,
                    )
            with VerticalScroll(id="closing"):
                yield Static("", id="summary")
                yield Label("Session notes (facilitator only)", classes="field-label")
                yield TextArea("", id="session-notes", classes="tall-area", soft_wrap=True)
                yield Label("ctrl+s saves the session · ctrl+b goes back", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        db = self.ck_app.db
        session_id = self.detail.id

        def load() -> tuple[list[tuple[int, str]], dict[str, Any] | None, list[AssignmentRead]]:
            from circlekeeper.services.rota import session_roles
            from circlekeeper.services.sessions import current_members, load_draft

            assert db is not None
            return (
                current_members(db, session_id=session_id),
                load_draft(db, session_id=session_id),
                session_roles(db, session_id=session_id),
            )

        run_db(self, load, self._loaded)

    def _loaded(
        self, loaded: tuple[list[tuple[int, str]], dict[str, Any] | None, list[AssignmentRead]]
    ) -> None:
        members, draft, roles = loaded
        self.query_one("#runner-roles", Label).update(roles_line(roles))
        if draft is not None:
            self.state = RunState.from_payload(draft)
            self.notify("Resumed your draft of this session.")
        else:
            self.state = RunState()
            for checkin in self.detail.checkins:
                self.state.attendance[checkin.member_id] = checkin.attendance.value
                self.state.answers[checkin.member_id] = dict(checkin.answers)
                self.state.visibility[checkin.member_id] = checkin.visibility.value
                if checkin.mood:
                    self.state.mood[checkin.member_id] = checkin.mood
            self.state.notes = self.detail.notes
        known = set(self.state.order)
        for member_id, name in members:
            self.state.names[member_id] = name
            if member_id not in known:
                self.state.order.append(member_id)
        for checkin in self.detail.checkins:
            self.state.names.setdefault(checkin.member_id, checkin.member_name)
            if checkin.member_id not in self.state.order:
                self.state.order.append(checkin.member_id)
        roll = self.query_one(RollCall)
        roll.set_options([Option(self._roll_line(m), id=str(m)) for m in self.state.order])
        if self.state.order:
            roll.highlighted = 0
        self.query_one("#session-notes", TextArea).text = self.state.notes
        self._ready = True
        self._show_phase()
        self._tick = self.set_interval(1, self._count_down)

    def _roll_line(self, member_id: int) -> Content:
        mark = MARKS[self.state.attendance.get(member_id, "present")]
        return Content.assemble(
            (mark, "bold"), "  ", self.state.names.get(member_id, f"#{member_id}")
        )

    def mark(self, index: int, attendance: str | None) -> None:
        """Set (or cycle) the attendance of the member at `index` of the roll."""
        member_id = self.state.order[index]
        if attendance is None:
            self.state.cycle_attendance(member_id)
        else:
            self.state.mark(member_id, attendance)
        self.query_one(RollCall).replace_option_prompt_at_index(index, self._roll_line(member_id))
        self._changed()

    def _show_phase(self) -> None:
        phase = self.state.phase
        self.query_one("#phases", ContentSwitcher).current = phase
        step = {"roll": "1 · Roll call", "round": "2 · Go-round", "closing": "3 · Closing"}[phase]
        self.query_one("#runner-step", Label).update(Content(step))
        if phase == "roll":
            self.query_one(RollCall).focus()
        elif phase == "round":
            self._show_member()
        else:
            self._show_summary()
            self.query_one("#session-notes", TextArea).focus()

    def _show_member(self) -> None:
        member_id = self.state.current_member()
        if member_id is None:
            return
        present = self.state.present()
        self._loading_member = True
        name = self.state.names.get(member_id, f"#{member_id}")
        self.query_one("#member-title", Label).update(
            Content(f"{name} — {self.state.current + 1} of {len(present)}")
        )
        answers = self.state.answers.get(member_id, {})
        for index, prompt in enumerate(self.prompts):
            self.query_one(f"#answer-{index}", TextArea).text = answers.get(prompt, "")
        mood = self.state.mood.get(member_id)
        self.query_one("#mood", Input).value = str(mood) if mood else ""
        self._show_visibility(member_id)
        self._loading_member = False
        self._remaining = self.detail.timebox_minutes * 60
        self._show_timer()
        if self._tick is not None:
            self._tick.resume()
            self._timer_paused = False
        self.query_one("#answer-0", TextArea).focus()

    def _show_visibility(self, member_id: int) -> None:
        who = self.state.visibility.get(member_id, "private")
        self.query_one("#visibility", Label).update(
            Content(f"Who may read: {WHO_READS[who]}  (ctrl+o)")
        )

    def _store_member(self) -> None:
        """Copy what is typed for the current member into the state."""
        member_id = self.state.current_member()
        if member_id is None or self._loading_member:
            return
        shown = set(self.prompts)
        previous = self.state.answers.get(member_id, {})
        answers = {prompt: text for prompt, text in previous.items() if prompt not in shown}
        for index, prompt in enumerate(self.prompts):
            text = self.query_one(f"#answer-{index}", TextArea).text
            if text.strip():
                answers[prompt] = text
        self.state.answers[member_id] = answers
        mood = self.query_one("#mood", Input).value.strip()
        if mood.isdigit() and 1 <= int(mood) <= 5:
            self.state.mood[member_id] = int(mood)
        else:
            self.state.mood.pop(member_id, None)

    def _show_summary(self) -> None:
        """What will be saved: attendance, and each shared answer as it will be stored (cleaned:
        an escape sequence pasted into an answer never reaches the terminal from here)."""
        counts = self.state.counts()
        parts: list[str | tuple[str, str]] = [
            ("Attendance", "bold"),
            f"\n  {counts['present']} present · {counts['absent']} absent · "
            f"{counts['excused']} excused\n\n",
            ("Marked shareable", "bold"),
            "\n",
        ]
        shareable = self.state.shareable()
        if not shareable:
            parts.append(("  nothing — every answer stays with the facilitator\n", "italic"))
        for member_id, visibility, prompt, answer in shareable:
            parts += [
                "  • ",
                self.state.names.get(member_id, f"#{member_id}"),
                (f" [{visibility}] ", "dim"),
                (prompt + ": ", "italic"),
                clean_text(answer, multiline=True),
                "\n",
            ]
        self.query_one("#summary", Static).update(Content.assemble(*parts))

    @on(TextArea.Changed)
    @on(Input.Changed, "#mood")
    def _typed(self, event: object) -> None:
        if not self._ready or self._loading_member:
            return
        if self.state.phase == "round":
            self._store_member()
        elif self.state.phase == "closing":
            self.state.notes = self.query_one("#session-notes", TextArea).text
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _save_draft(self) -> None:
        db = self.ck_app.db
        if db is None or self._saved:
            return
        payload = self.state.to_payload()
        session_id = self.detail.id

        def work() -> None:
            from circlekeeper.services.sessions import save_draft

            save_draft(db, session_id=session_id, payload=payload)

        self._dirty = False
        run_db(self, work, lambda _: None, group="draft", exclusive=False)

    def _save_draft_now(self) -> None:
        """Write the draft synchronously: the screen is going away and nothing may be lost."""
        db = self.ck_app.db
        if db is None or self._saved or not self._dirty:
            return
        from circlekeeper.services.sessions import save_draft

        save_draft(db, session_id=self.detail.id, payload=self.state.to_payload())
        self._dirty = False

    def _count_down(self) -> None:
        if self.state.phase != "round":
            return
        self._remaining -= 1
        self._show_timer()

    def _show_timer(self) -> None:
        remaining = self._remaining
        label = self.query_one("#timer", Label)
        if remaining >= 0:
            label.update(Content(f"⏱ {remaining // 60:02d}:{remaining % 60:02d} left"))
            label.remove_class("over")
        else:
            over = -remaining
            label.update(Content(f"⏱ over by {over // 60:02d}:{over % 60:02d}"))
            label.add_class("over")

    def action_toggle_timer(self) -> None:
        """Pause or resume the speaker's countdown."""
        if self._tick is None:
            return
        if self._tick._active.is_set():
            self._tick.pause()
            self.notify("Timer paused.")
        else:
            self._tick.resume()

    def action_next(self) -> None:
        """Roll call → go-round → next member → closing."""
        if not self._ready:
            return
        if self.state.phase == "roll":
            self.state.phase = "round" if self.state.present() else "closing"
            self.state.current = 0
        elif self.state.phase == "round":
            self._store_member()
            if self.state.current < len(self.state.present()) - 1:
                self.state.current += 1
            else:
                self.state.phase = "closing"
        self._changed()
        self._show_phase()

    def action_back(self) -> None:
        """Back one member, or back to the previous step."""
        if not self._ready:
            return
        if self.state.phase == "closing":
            self.state.notes = self.query_one("#session-notes", TextArea).text
            self.state.phase = "round" if self.state.present() else "roll"
            self.state.current = len(self.state.present()) - 1
        elif self.state.phase == "round":
            self._store_member()
            if self.state.current > 0:
                self.state.current -= 1
            else:
                self.state.phase = "roll"
        self._changed()
        self._show_phase()

    def action_cycle_visibility(self) -> None:
        """Change who may read the current member's answers."""
        member_id = self.state.current_member()
        if self.state.phase != "round" or member_id is None:
            return
        self.state.cycle_visibility(member_id)
        self._show_visibility(member_id)
        self._changed()

    def action_save(self) -> None:
        """Save every check-in and mark the session held (from the closing step)."""
        if not self._ready:
            return
        if self.state.phase != "closing":
            if self.state.phase == "round":
                self._store_member()
            self.state.phase = "closing"
            self._show_phase()
            self.notify("Check the summary, then press ctrl+s again to save.")
            return
        self.state.notes = self.query_one("#session-notes", TextArea).text
        db = self.ck_app.db
        if db is None:
            return
        state = self.state
        session_id = self.detail.id

        def work() -> SessionDetail:
            from circlekeeper.models import CheckInCreate
            from circlekeeper.services.sessions import save_session_run

            checkins = {}
            for member_id in state.order:
                attendance = state.attendance.get(member_id, "present")
                present = attendance == "present"
                answers = state.answers.get(member_id, {}) if present else {}
                checkins[member_id] = CheckInCreate(
                    attendance=attendance,
                    answers=answers,
                    mood=state.mood.get(member_id) if present else None,
                    visibility=state.visibility.get(member_id, "private"),
                )
            return save_session_run(db, session_id=session_id, checkins=checkins, notes=state.notes)

        run_db(self, work, self._saved_ok, on_error=self._save_failed)

    def _saved_ok(self, detail: SessionDetail) -> None:
        self._saved = True
        self._dirty = False
        counts = self.state.counts()
        self.notify(
            f"Saved {detail.circle_name}: {counts['present']} present, {counts['absent']} absent, "
            f"{counts['excused']} excused.",
            markup=False,
        )
        self.dismiss(True)

    def _save_failed(self, exc: Exception) -> None:
        self.notify(
            f"Not saved — your draft is kept: {error_message(exc)}",
            severity="error",
            markup=False,
            timeout=10,
        )
        self._changed()

    def action_leave(self) -> None:
        """Leave the runner; what was typed stays as a draft to resume later."""
        if self._ready and not self._saved:
            if self.state.phase == "round":
                self._store_member()
            self._dirty = True
            self._save_draft_now()
            self.notify("Draft kept — run this circle's session again to resume.")
        self.dismiss(False)

    def on_unmount(self) -> None:
        if self._ready and not self._saved:
            try:
                self._save_draft_now()
            except Exception:
                self.log.error("could not save the session draft on exit")

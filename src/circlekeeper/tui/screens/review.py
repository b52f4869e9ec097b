"""The seasonal review of one circle: each member's choice, what applying it will change, and
the apply that changes every seat at once (with the regroup pool handed to the formation wizard)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from circlekeeper import clock
from circlekeeper.models.enums import ReviewChoice, ReviewStatus
from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.screens.dialogs import ChoiceScreen, ConfirmScreen, PromptScreen
from circlekeeper.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import ReviewEntryRead, ReviewRead
    from circlekeeper.services.review_models import ReviewApplied, ReviewOutcome

CHOICE_LABELS = {
    ReviewChoice.CONTINUE: "Continue in this circle",
    ReviewChoice.PAUSE: "Pause until a date",
    ReviewChoice.LEAVE: "Leave the circle",
    ReviewChoice.REGROUP: "Regroup into a new circle",
}
CHOICE_STYLES = {
    ReviewChoice.CONTINUE: "$success",
    ReviewChoice.PAUSE: "$warning",
    ReviewChoice.LEAVE: "$error",
    ReviewChoice.REGROUP: "$accent",
}
START = "start"
START_WITH_RITUAL = "ritual"


@dataclass(frozen=True)
class ReviewOutcomeForCaller:
    """What the screen hands back: the applied review and the regroup pool to form from."""

    circle_name: str
    regroup_members: str
    regroup_count: int


def entry_label(entry: ReviewEntryRead) -> Content:
    """A member's line: name, then their choice (and pause date) or "not yet"."""
    if entry.choice is None:
        said: tuple[str, str] = ("not yet", "dim")
    else:
        text = entry.choice.value
        if entry.pause_until is not None:
            text += f" until {entry.pause_until}"
        said = (text, CHOICE_STYLES[entry.choice])
    parts: list[str | tuple[str, str]] = [entry.member_name, "  ", said]
    if entry.note:
        parts.append(("  ✎", "dim"))
    return Content.assemble(*parts)


def review_summary(plan: ReviewApplied) -> Content:
    """What applying the review changes, member by member, in words."""
    review = plan.review
    said = sum(1 for entry in review.entries if entry.choice is not None)
    parts: list[str | tuple[str, str]] = [
        (review.circle_name, "bold $accent"),
        "\n",
        (
            f"Seasonal review #{review.id}, started {review.started_on} · "
            f"{said} of {len(review.entries)} have said\n\n",
            "dim",
        ),
        ("If you apply it now", "bold"),
        "\n",
    ]
    changes = [outcome for outcome in plan.outcomes if outcome.leave_reason is not None]
    for outcome in plan.outcomes:
        parts += ["  • ", outcome.member_name, " — ", _consequence(outcome), "\n"]
    for member in plan.undecided:
        parts += ["  • ", member.name, " — ", ("has not said: keeps the seat", "dim"), "\n"]
    if not plan.outcomes and not plan.undecided:
        parts.append(("  nobody is in the circle\n", "dim"))
    parts.append("\n")
    if not changes:
        parts.append(("Nobody's seat changes.\n", "dim"))
    if plan.regroup_pool:
        parts.append(
            f"{len(plan.regroup_pool):,} will regroup: after applying, the formation wizard "
            "opens with them as its members.\n"
        )
    notes = [entry for entry in review.entries if entry.note]
    if notes:
        parts += ["\n", ("Notes", "bold"), "\n"]
        for entry in notes:
            parts += ["  ", (entry.member_name, "bold"), ": ", entry.note, "\n"]
    return Content.assemble(*parts)


def _consequence(outcome: ReviewOutcome) -> str:
    choice, until = outcome.choice, outcome.pause_until
    if choice == ReviewChoice.CONTINUE:
        return "continues"
    if choice == ReviewChoice.LEAVE:
        return "leaves the circle today"
    if choice == ReviewChoice.REGROUP:
        return "leaves to regroup into a new circle"
    if outcome.member_paused:
        return f"leaves the circle and is paused until {until}"
    if until is not None and until <= clock.today():
        return "leaves the circle (the pause date has passed)"
    return f"leaves the circle until {until} (still meets in another circle)"


def pause_date_problem(text: str) -> str | None:
    """Why `text` is not a pause end date (YYYY-MM-DD, after today), or None."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return "a date as YYYY-MM-DD, e.g. " + str(clock.today() + dt.timedelta(weeks=8))
    if day <= clock.today():
        return f"{day} is not in the future"
    return None


class ReviewScreen(Screen["ReviewOutcomeForCaller | None"]):
    """One circle's seasonal review; opened from Circles with `v`, started here when none is open.

    Dismisses with the applied review's regroup pool (so the caller can form new circles from
    it), or None when the facilitator leaves without applying.
    """

    TITLE = "Seasonal review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "record",
            "Record choice",
            id="review.record",
            tooltip="What this member chose",
            priority=True,
        ),
        Binding(
            "a", "apply", "Apply", id="review.apply", tooltip="Change every seat as chosen, at once"
        ),
        Binding(
            "x",
            "cancel_review",
            "Cancel review",
            id="review.cancel",
            tooltip="Close the review without changing any seat",
        ),
        Binding("escape", "back", "Back", id="review.back", tooltip="Back to Circles"),
    ]

    def __init__(self, db: Database, circle_id: int, circle_name: str) -> None:
        super().__init__()
        self._db = db
        self._circle_id = circle_id
        self._circle_name = circle_name
        self._review: ReviewRead | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="review-members")
            with VerticalScroll(id="detail-pane"):
                yield Static(Content(f"Loading the review of {self._circle_name}…"), id="summary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self._circle_name
        self._load()

    def _load(self, keep: int | None = None) -> None:
        db, circle_id = self._db, self._circle_id

        def fetch() -> ReviewApplied | None:
            from circlekeeper.services.errors import NotFound
            from circlekeeper.services.reviews import get_review, preview_review

            try:
                review = get_review(db, circle_ref=circle_id)
            except NotFound:
                return None
            if review.status != ReviewStatus.OPEN:
                return None
            return preview_review(db, circle_ref=circle_id)

        run_db(self, fetch, lambda plan: self._show(plan, keep))

    def _show(self, plan: ReviewApplied | None, keep: int | None) -> None:
        if plan is None:
            self._review = None
            self._offer_start()
            return
        self._review = plan.review
        listing = self.query_one("#review-members", OptionList)
        listing.set_options(
            Option(entry_label(entry), id=str(entry.member_id)) for entry in plan.review.entries
        )
        if plan.review.entries:
            listing.highlighted = min(keep or 0, len(plan.review.entries) - 1)
        listing.focus()
        self.query_one("#summary", Static).update(review_summary(plan))

    def _offer_start(self) -> None:
        self.query_one("#summary", Static).update(
            Content(f"{self._circle_name} has no open review.")
        )
        options = [
            (START, "Start the review now"),
            (START_WITH_RITUAL, "Start it in a session today with the Seasonal review ritual"),
        ]

        def chosen(value: str | None) -> None:
            if value is None:
                self.dismiss(None)
                return
            db, circle_id = self._db, self._circle_id

            def work() -> ReviewRead:
                from circlekeeper.services.reviews import start_review

                return start_review(
                    db, circle_ref=circle_id, with_ritual=value == START_WITH_RITUAL
                )

            run_db(self, work, self._started, on_error=self._start_failed)

        self.app.push_screen(
            ChoiceScreen(f"Start a seasonal review of {self._circle_name}?", options), chosen
        )

    def _started(self, review: ReviewRead) -> None:
        self.notify(f"Review of {review.circle_name} started.", markup=False)
        self._load()

    def _start_failed(self, exc: Exception) -> None:
        from circlekeeper.tui.bridge import show_error

        show_error(self, exc)
        self.dismiss(None)

    def _current(self) -> ReviewEntryRead | None:
        if self._review is None:
            return None
        index = self.query_one("#review-members", OptionList).highlighted
        entries = self._review.entries
        return entries[index] if index is not None and index < len(entries) else None

    def action_record(self) -> None:
        """Ask what the highlighted member chose (and until when, and a note), then record it."""
        entry = self._current()
        if entry is None:
            return
        index = self.query_one("#review-members", OptionList).highlighted
        options = [(choice.value, label) for choice, label in CHOICE_LABELS.items()]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            choice = ReviewChoice(value)
            if choice == ReviewChoice.PAUSE:
                self.app.push_screen(
                    PromptScreen(
                        f"{entry.member_name} pauses",
                        "Until which day? (YYYY-MM-DD)",
                        value=str(entry.pause_until or ""),
                        check=pause_date_problem,
                    ),
                    lambda text: self._ask_note(entry, choice, text, index),
                )
            else:
                self._ask_note(entry, choice, "", index)

        self.app.push_screen(ChoiceScreen(f"What did {entry.member_name} choose?", options), chosen)

    def _ask_note(
        self, entry: ReviewEntryRead, choice: ReviewChoice, until: str | None, index: int | None
    ) -> None:
        if until is None:
            return
        pause_until = dt.date.fromisoformat(until.strip()) if until.strip() else None

        def noted(note: str | None) -> None:
            if note is None:
                return
            db, circle_id = self._db, self._circle_id

            def work() -> ReviewRead:
                from circlekeeper.services.reviews import record_choice

                return record_choice(
                    db,
                    circle_ref=circle_id,
                    member_ref=entry.member_id,
                    choice=choice,
                    pause_until=pause_until,
                    note=note,
                )

            run_db(self, work, lambda _: self._load(index))

        self.app.push_screen(
            PromptScreen(
                f"{entry.member_name}: {choice.value}", "A note (optional):", value=entry.note
            ),
            noted,
        )

    def action_apply(self) -> None:
        """Apply the review after a confirmation that says how many seats change."""
        review = self._review
        if review is None:
            return
        said = [entry for entry in review.entries if entry.choice is not None]
        leaving = [entry for entry in said if entry.choice != ReviewChoice.CONTINUE]
        undecided = len(review.entries) - len(said)
        question = (
            f"{len(leaving):,} of {len(review.entries):,} seats end today; "
            f"{undecided} who have not said keep theirs. This cannot be undone here."
        )

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            db, circle_id = self._db, self._circle_id

            def work() -> ReviewApplied:
                from circlekeeper.services.backups import backup_before_change
                from circlekeeper.services.reviews import apply_review

                backup_before_change(db_path=db.path, action="review-apply")
                return apply_review(db, circle_ref=circle_id)

            run_db(self, work, self._applied)

        self.app.push_screen(
            ConfirmScreen(f"Apply the review of {review.circle_name}?", question), confirmed
        )

    def _applied(self, plan: ReviewApplied) -> None:
        ended = sum(1 for outcome in plan.outcomes if outcome.leave_reason is not None)
        self.notify(
            f"Review of {plan.review.circle_name} applied: {ended} seats ended.", markup=False
        )
        self.dismiss(
            ReviewOutcomeForCaller(
                circle_name=plan.review.circle_name,
                regroup_members=plan.regroup_members,
                regroup_count=len(plan.regroup_pool),
            )
        )

    def action_cancel_review(self) -> None:
        """Close the open review without changing any seat (the choices stay as history)."""
        review = self._review
        if review is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            db, circle_id = self._db, self._circle_id

            def work() -> ReviewRead:
                from circlekeeper.services.reviews import cancel_review

                return cancel_review(db, circle_ref=circle_id)

            run_db(self, work, self._cancelled)

        self.app.push_screen(
            ConfirmScreen(
                f"Cancel the review of {review.circle_name}?",
                "No seat changes; the choices recorded so far are kept as history.",
            ),
            confirmed,
        )

    def _cancelled(self, review: ReviewRead) -> None:
        self.notify(f"Review of {review.circle_name} cancelled.", markup=False)
        self.dismiss(None)

    def action_back(self) -> None:
        """Back to Circles; the review stays open and its choices are kept."""
        self.dismiss(None)

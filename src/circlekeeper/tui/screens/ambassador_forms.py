"""The Ambassadors screen's forms: log progress, make a member an ambassador, set a goal, rest.

Each checks what it can as you type and leaves the rules to the services, whose refusals show
under the form (the form stays open so nothing typed is lost)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Input, Select

from circlekeeper.models.ambassador import CAPACITY_MAX, COUNT_MAX, TARGET_MAX
from circlekeeper.models.enums import FOCUS_PRESETS, METRIC_PRESETS, GoalPer
from circlekeeper.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from circlekeeper.db import Database


def whole_number(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number from `low` to `high`, or None."""
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


def optional_date(text: str) -> tuple[dt.date | None, str | None]:
    """(date or None when empty, problem or None) for an ISO date field."""
    if not text.strip():
        return None, None
    try:
        return dt.date.fromisoformat(text.strip()), None
    except ValueError:
        return None, "write the date as YYYY-MM-DD, e.g. 2026-11-20"


def split_focus(text: str) -> list[str]:
    """Focus areas typed as "welcome team, culture keeper"."""
    return [part.strip() for part in text.split(",") if part.strip()]


class LogProgressForm(FormScreen):
    """Log work for one ambassador: a count (and the metric when not chosen before), a day, a
    note; returns the ProgressRead."""

    def __init__(
        self,
        *,
        db: Database,
        member_id: int,
        member_name: str,
        metric: str | None,
        today: dt.date,
    ) -> None:
        super().__init__()
        self._db = db
        self._member_id = member_id
        self._metric = metric
        self._today = today
        what = metric if metric is not None else "progress"
        self.form_title = f"Log {what} — {member_name}"

    def fields(self) -> ComposeResult:
        if self._metric is None:
            yield self.field(
                "metric",
                "Metric",
                Input(placeholder=METRIC_PRESETS[0]),
                "e.g. " + ", ".join(METRIC_PRESETS),
            )
        yield self.field("count", "How many", Input(placeholder="1", type="integer"))
        yield self.field(
            "day", "On", Input(value=str(self._today), placeholder="YYYY-MM-DD"), "empty = today"
        )
        yield self.field("note", "Note (optional)", Input(placeholder="welcomed the new cohort"))

    def _metric_text(self) -> str:
        return self._metric if self._metric is not None else self.text("metric").strip()

    def validate(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self._metric_text():
            problems["metric"] = "name the metric, e.g. " + METRIC_PRESETS[0]
        if whole_number(self.text("count"), 1, COUNT_MAX) is None:
            problems["count"] = f"a whole number from 1 to {COUNT_MAX:,}"
        day, problem = optional_date(self.text("day"))
        if problem:
            problems["day"] = problem
        elif day is not None and day > self._today:
            problems["day"] = "log work once it is done (today or earlier)"
        return problems

    def submit(self) -> Callable[[], object]:
        db = self._db
        ref = self._member_id
        metric = self._metric_text()
        count = whole_number(self.text("count"), 1, COUNT_MAX) or 1
        day, _ = optional_date(self.text("day"))
        note = self.text("note")

        def work() -> object:
            from circlekeeper.services.goals import log_progress

            return log_progress(
                db,
                ref=ref,
                metric=metric,
                count=count,
                day=day,
                note=note,
            )

        return work


class AmbassadorForm(FormScreen):
    """Make the chosen member an ambassador: focus areas, weekly capacity, note."""

    def __init__(self, *, db: Database, member_id: int, member_name: str) -> None:
        super().__init__()
        self._db = db
        self._member_id = member_id
        self.form_title = f"Make {member_name} an ambassador"

    def fields(self) -> ComposeResult:
        yield self.field(
            "focus",
            "Focus areas",
            Input(value=FOCUS_PRESETS[0], placeholder=FOCUS_PRESETS[0]),
            "separate with commas; presets: " + ", ".join(FOCUS_PRESETS),
        )
        yield self.field(
            "capacity",
            "Capacity a week",
            Input(value="5", type="integer"),
            "units of work a week they can give (each goal unit and each role is one)",
        )
        yield self.field("note", "Note (optional)", Input(placeholder="wants to try events"))

    def validate(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not split_focus(self.text("focus")):
            problems["focus"] = "give at least one focus area, e.g. " + FOCUS_PRESETS[0]
        if whole_number(self.text("capacity"), 1, CAPACITY_MAX) is None:
            problems["capacity"] = f"a whole number from 1 to {CAPACITY_MAX}"
        return problems

    def submit(self) -> Callable[[], object]:
        db = self._db
        ref = self._member_id
        focus = split_focus(self.text("focus"))
        capacity = whole_number(self.text("capacity"), 1, CAPACITY_MAX) or 5
        note = self.text("note")

        def work() -> object:
            from circlekeeper.services.ambassadors import add_ambassador

            return add_ambassador(
                db,
                member_ref=ref,
                focus=focus,
                capacity_per_week=capacity,
                note=note,
            )

        return work


class GoalForm(FormScreen):
    """Set (or change) a goal: a metric, a positive target, per week or month."""

    def __init__(self, *, db: Database, member_id: int, member_name: str) -> None:
        super().__init__()
        self._db = db
        self._member_id = member_id
        self.form_title = f"Set a goal — {member_name}"

    def fields(self) -> ComposeResult:
        yield self.field(
            "metric",
            "Metric",
            Input(placeholder=METRIC_PRESETS[0]),
            "e.g. " + ", ".join(METRIC_PRESETS) + " (or your own)",
        )
        yield self.field("target", "Target", Input(placeholder="3", type="integer"))
        yield self.field(
            "per",
            "Per",
            Select(
                [(per.value, per.value) for per in GoalPer],
                value=GoalPer.WEEK.value,
                allow_blank=False,
            ),
            "a new target for a metric that has one starts this period",
        )

    def validate(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.text("metric").strip():
            problems["metric"] = "name the metric, e.g. " + METRIC_PRESETS[0]
        if whole_number(self.text("target"), 1, TARGET_MAX) is None:
            problems["target"] = f"a whole number from 1 to {TARGET_MAX:,}"
        return problems

    def submit(self) -> Callable[[], object]:
        db = self._db
        ref = self._member_id
        metric = self.text("metric").strip()
        target = whole_number(self.text("target"), 1, TARGET_MAX) or 1
        per = GoalPer(self.selected("per") or GoalPer.WEEK.value)

        def work() -> object:
            from circlekeeper.services.goals import set_goal

            return set_goal(db, ref=ref, metric=metric, target=target, per=per)

        return work


class RestForm(FormScreen):
    """Rest an ambassador from today until a date (goals are not due while resting)."""

    def __init__(self, *, db: Database, member_id: int, member_name: str, today: dt.date) -> None:
        super().__init__()
        self._db = db
        self._member_id = member_id
        self._today = today
        self.form_title = f"{member_name} rests"

    def fields(self) -> ComposeResult:
        yield self.field(
            "until",
            "Resting until (inclusive)",
            Input(placeholder=str(self._today + dt.timedelta(days=14))),
            "YYYY-MM-DD; goals are not due in a period mostly spent resting",
        )
        yield self.field("reason", "Reason (optional)", Input(placeholder="exams"))

    def validate(self) -> dict[str, str]:
        day, problem = optional_date(self.text("until"))
        if problem:
            return {"until": problem}
        if day is None:
            return {"until": "give the last day of the rest"}
        if day < self._today:
            return {"until": f"the rest starts today ({self._today}); pick that day or later"}
        return {}

    def submit(self) -> Callable[[], object]:
        db = self._db
        ref = self._member_id
        until, _ = optional_date(self.text("until"))
        reason = self.text("reason")

        def work() -> object:
            from circlekeeper.services.ambassadors import rest_ambassador

            assert until is not None
            return rest_ambassador(db, ref=ref, until=until, reason=reason)

        return work

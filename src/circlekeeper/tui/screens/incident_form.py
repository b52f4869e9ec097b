"""Record a new incident: what happened, how serious, who is involved, who follows it up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, TextArea

from circlekeeper.models.enums import IncidentKind, IncidentSeverity
from circlekeeper.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import IncidentRead


class IncidentFormScreen(FormScreen):
    """Returns the recorded IncidentRead, or None when cancelled."""

    form_title = "New incident (confidential)"

    def __init__(self, db: Database) -> None:
        super().__init__()
        self._db = db

    def fields(self) -> ComposeResult:
        yield self.field(
            "summary",
            "What happened",
            TextArea("", soft_wrap=True, classes="tall-area"),
            "facts, as reported; this stays private to facilitators",
        )
        yield self.field(
            "kind",
            "Kind",
            Select([(k.value, k.value) for k in IncidentKind], value="harm", allow_blank=False),
        )
        yield self.field(
            "severity",
            "Severity",
            Select(
                [(s.value, s.value) for s in IncidentSeverity], value="medium", allow_blank=False
            ),
        )
        yield self.field("occurred_on", "When", Input(placeholder="YYYY-MM-DD (default: today)"))
        yield self.field("circle", "Circle (optional)", Input(placeholder="name or #id"))
        yield self.field(
            "people",
            "People involved",
            Input(placeholder="@ana, #12"),
            "members separated by commas",
        )
        yield self.field("contact", "Contact", Input(placeholder="who follows it up"))
        yield self.field(
            "alternate_contact",
            "Alternate contact",
            Input(placeholder="for when the contact is involved"),
        )
        yield self.field("follow_up_on", "Follow up on", Input(placeholder="YYYY-MM-DD"))

    def _dates(self) -> tuple[dict[str, Any], dict[str, str]]:
        import datetime as dt

        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name in ("occurred_on", "follow_up_on"):
            text = self.text(name).strip()
            if not text:
                values[name] = None
                continue
            try:
                values[name] = dt.date.fromisoformat(text)
            except ValueError:
                problems[name] = "a date as YYYY-MM-DD"
        return values, problems

    def validate(self) -> dict[str, str]:
        problems = self._dates()[1]
        if not self.text("summary").strip():
            problems["summary"] = "say what happened"
        return problems

    def submit(self) -> Callable[[], IncidentRead]:
        db = self._db
        dates = self._dates()[0]
        people = [p.strip() for p in self.text("people").split(",") if p.strip()]
        values: dict[str, Any] = {
            "summary": self.text("summary"),
            "kind": self.selected("kind"),
            "severity": self.selected("severity"),
            "circle_ref": self.text("circle").strip() or None,
            "people": people,
            "contact": self.text("contact"),
            "alternate_contact": self.text("alternate_contact"),
            **dates,
        }

        def add() -> IncidentRead:
            from circlekeeper.services.incidents import add_incident

            return add_incident(db, **values)

        return add

"""Add or edit a ritual (prompt pack): one prompt per line, a timebox, opening and closing words."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, TextArea

from circlekeeper.models.enums import RitualMode
from circlekeeper.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import RitualRead

TEXT_FIELDS = ("name", "description", "prompts", "timebox_minutes", "opening", "closing")


class RitualFormScreen(FormScreen):
    """Returns the saved RitualRead, or None when cancelled."""

    def __init__(
        self, db: Database, *, ritual: RitualRead | None = None, copy: bool = False
    ) -> None:
        super().__init__()
        self._db = db
        self._ritual = None if copy else ritual
        self._start = ritual
        if copy and ritual is not None:
            self.form_title = f"New ritual from {ritual.name}"
        else:
            self.form_title = f"Edit {ritual.name}" if ritual else "New ritual"

    def fields(self) -> ComposeResult:
        r = self._start
        name = (f"{r.name} (my version)" if self._ritual is None else r.name) if r else ""
        yield self.field("name", "Name", Input(value=name, placeholder="Highs and lows"))
        yield self.field(
            "description",
            "What it is for",
            TextArea(r.description if r else "", classes="short-area"),
        )
        yield self.field(
            "prompts",
            "Prompts",
            TextArea("\n".join(r.prompts) if r else "", classes="tall-area"),
            "one prompt per line, in the order they are asked",
        )
        yield self.field(
            "timebox_minutes",
            "Minutes per person",
            Input(value=str(r.timebox_minutes if r else 3), type="integer"),
        )
        yield self.field(
            "opening", "Opening words", TextArea(r.opening if r else "", classes="short-area")
        )
        yield self.field(
            "closing", "Closing words", TextArea(r.closing if r else "", classes="short-area")
        )
        yield self.field(
            "mode",
            "How it runs",
            Select(
                [(mode.value, mode.value) for mode in RitualMode],
                value=(r.mode.value if r else RitualMode.LIVE.value),
                allow_blank=False,
            ),
            "live: in a meeting · async: written check-ins on one's own time",
        )

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: self.text(name) for name in TEXT_FIELDS}
        values["prompts"] = values["prompts"].splitlines()
        values["timebox_minutes"] = values["timebox_minutes"].strip() or None
        values["mode"] = self.selected("mode")
        return {key: value for key, value in values.items() if value is not None}

    def _model(self) -> tuple[Any, dict[str, str]]:
        from pydantic import ValidationError

        from circlekeeper.models import RitualCreate
        from circlekeeper.services.validation import field_errors

        try:
            return RitualCreate.model_validate(self._values()), {}
        except ValidationError as exc:
            return None, field_errors(exc)

    def validate(self) -> dict[str, str]:
        return self._model()[1]

    def submit(self) -> Callable[[], RitualRead]:
        model, _ = self._model()
        db = self._db
        original = self._ritual
        if original is None:

            def add() -> RitualRead:
                from circlekeeper.services.rituals import add_ritual

                return add_ritual(db, data=model)

            return add
        changes = {
            name: getattr(model, name)
            for name in (*TEXT_FIELDS, "mode")
            if getattr(model, name) != getattr(original, name)
        }
        version = original.version
        ritual_id = original.id

        def edit() -> RitualRead:
            from circlekeeper.models import RitualUpdate
            from circlekeeper.services.rituals import edit_ritual

            return edit_ritual(
                db, ref=ritual_id, changes=RitualUpdate(**changes), expected_version=version
            )

        return edit

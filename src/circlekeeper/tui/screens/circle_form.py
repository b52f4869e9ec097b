"""Create or edit a circle: kind, seats, rhythm and agreements, validated as you type."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Select, TextArea

from circlekeeper.models.enums import Cadence, CircleKind, CircleVisibility, Weekday
from circlekeeper.tui.bridge import run_db
from circlekeeper.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import CircleDetail, CircleRead, RitualRead

TEXT_FIELDS = (
    "name",
    "purpose",
    "trust_focus",
    "min_size",
    "max_size",
    "cadence_interval",
    "meeting_time",
    "timezone",
    "starts_on",
    "ends_on",
    "agreements",
)
SELECT_FIELDS = ("kind", "visibility", "cadence", "weekday", "week_of_month", "ritual_id")
WEEKS_OF_MONTH = [("1st", 1), ("2nd", 2), ("3rd", 3), ("4th", 4), ("5th", 5), ("last", -1)]


def _options(enum: type[Any]) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


class CircleFormScreen(FormScreen):
    """Returns the saved CircleRead, or None when cancelled."""

    def __init__(self, db: Database, *, circle: CircleDetail | None = None) -> None:
        super().__init__()
        self._db = db
        self._circle = circle
        self.form_title = f"Edit {circle.name}" if circle else "New circle"

    def fields(self) -> ComposeResult:
        c = self._circle

        def value(name: str, default: object = "") -> str:
            found = getattr(c, name) if c is not None else default
            return "" if found is None else str(getattr(found, "value", found))

        yield self.field("name", "Name", Input(value=value("name"), placeholder="Tuesday Builders"))
        yield self.field(
            "kind",
            "Kind",
            Select(_options(CircleKind), value=value("kind", "cohort"), allow_blank=False),
        )
        yield self.field(
            "purpose", "Purpose", TextArea(value("purpose"), soft_wrap=True, classes="short-area")
        )
        yield self.field(
            "trust_focus",
            "Trust focus",
            Input(value=value("trust_focus"), placeholder="listening without fixing"),
        )
        yield self.field(
            "visibility",
            "Who can join",
            Select(
                _options(CircleVisibility), value=value("visibility", "open"), allow_blank=False
            ),
        )
        yield self.field("min_size", "Min size", Input(value=value("min_size", 4), type="integer"))
        yield self.field(
            "max_size",
            "Max size (seats)",
            Input(value=value("max_size", 10), type="integer"),
            "2 ≤ min ≤ max ≤ 50",
        )
        yield self.field(
            "cadence",
            "Cadence",
            Select(_options(Cadence), value=value("cadence", "weekly"), allow_blank=False),
        )
        yield self.field(
            "cadence_interval",
            "Every N weeks",
            Input(value=value("cadence_interval", 2), type="integer"),
            "used when the cadence is every-n-weeks",
        )
        weekday = value("weekday")
        yield self.field(
            "weekday",
            "Weekday",
            Select(_options(Weekday), value=weekday if weekday else Select.NULL, prompt="(none)"),
        )
        week = getattr(c, "week_of_month", None) if c is not None else None
        yield self.field(
            "week_of_month",
            "Which week of the month",
            Select(WEEKS_OF_MONTH, value=week if week else Select.NULL, prompt="(1st)"),
            "monthly circles meet on this weekday of the month, e.g. the last Friday",
        )
        yield self.field(
            "meeting_time", "Time", Input(value=value("meeting_time"), placeholder="18:30")
        )
        yield self.field(
            "ritual_id",
            "Default ritual",
            Select([], prompt="(none)"),
            "the prompt pack sessions use unless you pick another for one session",
        )
        yield self.field(
            "timezone",
            "Timezone",
            Input(value=value("timezone", "UTC"), placeholder="Europe/Berlin"),
        )
        yield self.field(
            "starts_on",
            "Starts on",
            Input(value=value("starts_on"), placeholder="YYYY-MM-DD (optional)"),
        )
        yield self.field(
            "ends_on",
            "Ends on",
            Input(value=value("ends_on"), placeholder="YYYY-MM-DD (time-bound circles)"),
        )
        yield self.field(
            "agreements",
            "Agreements",
            TextArea(value("agreements"), soft_wrap=True, classes="tall-area"),
        )

    def on_mount(self) -> None:
        super().on_mount()
        db = self._db
        current = self._circle.ritual_id if self._circle is not None else None

        def fetch() -> list[RitualRead]:
            from circlekeeper.services.rituals import list_rituals

            return list_rituals(db)

        def fill(found: list[RitualRead]) -> None:
            select = self.query_one("#ritual_id", Select)
            select.set_options([(Content(r.name), r.id) for r in found])
            if current is not None and any(r.id == current for r in found):
                select.value = current

        run_db(self, fetch, fill)

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: self.text(name) for name in TEXT_FIELDS}
        for name in SELECT_FIELDS:
            values[name] = self.selected(name)
        for name in ("min_size", "max_size", "cadence_interval"):
            values[name] = values[name].strip() or None
        if values["cadence"] != Cadence.EVERY_N_WEEKS.value:
            values["cadence_interval"] = 1
        return {key: value for key, value in values.items() if value is not None}

    def _model(self) -> tuple[Any, dict[str, str]]:
        from pydantic import ValidationError

        from circlekeeper.models import CircleCreate
        from circlekeeper.services.validation import field_errors

        try:
            return CircleCreate.model_validate(self._values()), {}
        except ValidationError as exc:
            errors = field_errors(exc)
            if "" in errors:
                errors.setdefault("max_size", errors[""])
            return None, errors

    def validate(self) -> dict[str, str]:
        return self._model()[1]

    def submit(self) -> Callable[[], CircleRead]:
        model, _ = self._model()
        db = self._db
        original = self._circle
        if original is None:

            def create() -> CircleRead:
                from circlekeeper.services.circles import create_circle

                return create_circle(db, data=model)

            return create
        changes = {
            name: getattr(model, name)
            for name in (*TEXT_FIELDS, *SELECT_FIELDS)
            if getattr(model, name) != getattr(original, name)
        }
        version = original.version
        circle_id = original.id

        def edit() -> CircleRead:
            from circlekeeper.models import CircleUpdate
            from circlekeeper.services.circles import edit_circle

            return edit_circle(
                db, ref=circle_id, changes=CircleUpdate(**changes), expected_version=version
            )

        return edit

"""Add or edit a member; fields validate as you type with the same models the services use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input

from circlekeeper import clock
from circlekeeper.tui.render import format_tags
from circlekeeper.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import MemberDetail, MemberRead

TEXT_FIELDS = ("name", "email", "handle", "timezone", "joined_on", "tags")


class MemberFormScreen(FormScreen):
    """Returns the saved MemberRead, or None when cancelled."""

    def __init__(self, db: Database, *, member: MemberDetail | None = None) -> None:
        super().__init__()
        self._db = db
        self._member = member
        self.form_title = f"Edit {member.name}" if member else "New member"

    def fields(self) -> ComposeResult:
        m = self._member
        yield self.field("name", "Name", Input(value=m.name if m else "", placeholder="Ada Okafor"))
        yield self.field(
            "email",
            "Email",
            Input(value=(m.email or "") if m else "", placeholder="ada@example.org"),
        )
        yield self.field(
            "handle",
            "Handle",
            Input(value=(m.handle or "") if m else "", placeholder="@ada"),
            "an email, a handle, or both",
        )
        yield self.field(
            "timezone",
            "Timezone",
            Input(value=m.timezone if m else "UTC", placeholder="Europe/Berlin"),
        )
        yield self.field(
            "joined_on",
            "Joined on",
            Input(value=str(m.joined_on) if m else str(clock.today()), placeholder="YYYY-MM-DD"),
        )
        yield self.field(
            "tags",
            "Tags",
            Input(value=format_tags(m.tags) if m else "", placeholder="tz=emea; interest=design"),
            "key=value pairs separated by ;",
        )
        yield Checkbox(
            "May be named in community exports",
            value=bool(m and m.consent_named),
            id="consent_named",
        )
        yield Checkbox(
            "May be recognised publicly",
            value=bool(m and m.consent_recognised),
            id="consent_recognised",
        )

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: self.text(name) for name in TEXT_FIELDS}
        values["consent_named"] = self.checked("consent_named")
        values["consent_recognised"] = self.checked("consent_recognised")
        return values

    def _model(self) -> tuple[Any, dict[str, str]]:
        from pydantic import ValidationError

        from circlekeeper.models import MemberCreate
        from circlekeeper.models.fields import parse_tags
        from circlekeeper.services.validation import field_errors

        values = self._values()
        problems: dict[str, str] = {}
        try:
            values["tags"] = parse_tags(values["tags"])
        except ValueError as exc:
            problems["tags"] = str(exc)
            values["tags"] = {}
        try:
            model = MemberCreate.model_validate(values)
        except ValidationError as exc:
            errors = field_errors(exc)
            if "" in errors:
                errors.setdefault("email", errors[""])
            return None, {**errors, **problems}
        return model, problems

    def validate(self) -> dict[str, str]:
        return self._model()[1]

    def submit(self) -> Callable[[], MemberRead]:
        model, _ = self._model()
        db = self._db
        original = self._member
        if original is None:

            def add() -> MemberRead:
                from circlekeeper.services.members import add_member

                return add_member(db, data=model)

            return add
        changes = {
            name: getattr(model, name)
            for name in (*TEXT_FIELDS, "consent_named", "consent_recognised")
            if getattr(model, name) != getattr(original, name)
        }
        version = original.version
        member_id = original.id

        def edit() -> MemberRead:
            from circlekeeper.models import MemberUpdate
            from circlekeeper.services.members import edit_member

            return edit_member(
                db, ref=member_id, changes=MemberUpdate(**changes), expected_version=version
            )

        return edit

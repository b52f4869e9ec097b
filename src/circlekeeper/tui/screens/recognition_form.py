"""The compose form of the Recognition screen: who, kind, badge, message, visibility and date.

Fields are checked as you type; a public entry for a member who has not agreed to public
recognition is flagged beside the visibility field, and the service's own refusal lands there
too (the form stays open, nothing typed is lost, nothing is saved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Input, Select, Static, TextArea

from circlekeeper.models.enums import RecognitionKind, Visibility
from circlekeeper.models.recognition import MESSAGE_MAX
from circlekeeper.text import clean_text
from circlekeeper.tui.bridge import error_message, run_db
from circlekeeper.tui.screens.form import FormScreen
from circlekeeper.tui.screens.picker import PickerScreen
from circlekeeper.tui.screens.recognition_render import VISIBILITY_WORDS
from circlekeeper.tui.widgets.paged_table import PageLoader

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.models import BadgeRead, MemberDetail, RecognitionRead
    from circlekeeper.tui.app import CircleKeeperApp

CONSENT_WORDS = "public recognition"
"""What the service's consent refusal talks about; such a refusal belongs beside visibility."""


@dataclass(frozen=True)
class MemberChoice:
    """The member an entry is for, with their consent to public recognition."""

    id: int
    name: str
    consent_recognised: bool

    @classmethod
    def of(cls, detail: MemberDetail) -> MemberChoice:
        """The choice for a member's detail read model."""
        return cls(detail.id, detail.name, detail.consent_recognised)


def member_choice_loader(app: CircleKeeperApp) -> Callable[[str], PageLoader]:
    """Page loaders over the member list by search, for the member picker."""
    from circlekeeper.tui.screens.members import member_loader

    return lambda search: member_loader(app, search)


def check_day(text: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    """(the date, or None for today) and what is wrong with `text`, if anything."""
    if not text.strip():
        return None, None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None, "write the date as YYYY-MM-DD, e.g. 2026-11-20"
    if day > today:
        return None, f"a recognition is dated today ({today}) or earlier"
    return day, None


class RecognitionForm(FormScreen):
    """Write one entry of the recognition log; returns the saved RecognitionRead or None."""

    form_title = "New recognition"

    def __init__(
        self,
        *,
        db: Database,
        badges: Sequence[BadgeRead],
        today: dt.date,
        member: MemberChoice | None = None,
    ) -> None:
        super().__init__()
        self._db = db
        self._badges = list(badges)
        self._today = today
        self._member = member
        self._refusal: tuple[int, str] | None = None
        """(member id, the service's consent refusal) while that refusal still applies."""

    def fields(self) -> ComposeResult:
        yield self.field(
            "member",
            "Who is recognised",
            Button(self._member_label(), compact=True),
        )
        yield self.field(
            "kind",
            "Kind",
            Select(
                [(kind.value, kind) for kind in RecognitionKind],
                value=RecognitionKind.SHOUT_OUT,
                allow_blank=False,
            ),
        )
        badge_field = self.field(
            "badge",
            "Badge",
            Select(
                [(self._badge_label(badge), badge.id) for badge in self._badges],
                prompt="Choose a badge",
            ),
            "a badge is given to a member once",
        )
        badge_field.id = "badge-field"
        badge_field.display = False
        yield badge_field
        yield self.field(
            "message",
            "Message",
            TextArea(classes="short-area"),
        )
        yield self.field(
            "visibility",
            "Visibility",
            Select(
                [(words, visibility) for visibility, words in VISIBILITY_WORDS.items()],
                value=Visibility.PRIVATE,
                allow_blank=False,
            ),
            "circle and community need the member's consent to public recognition",
        )
        yield self.field(
            "day",
            "Date (today or earlier)",
            Input(value=str(self._today), placeholder="YYYY-MM-DD"),
        )

    def on_mount(self) -> None:
        target = "#message" if self._member is not None else "#member"
        self.call_after_refresh(self.query_one(target).focus)

    @staticmethod
    def _badge_label(badge: BadgeRead) -> Content:
        rule = f" ({badge.rule})" if badge.rule else ""
        return Content.assemble(badge.name, (rule, "dim"))

    def _member_label(self) -> Content:
        if self._member is None:
            return Content("Choose a member… (enter)")
        return Content.assemble(self._member.name, ("  (enter to change)", "dim"))

    def _kind(self) -> RecognitionKind:
        return RecognitionKind(self.selected("kind") or RecognitionKind.SHOUT_OUT)

    def _visibility(self) -> Visibility:
        return Visibility(self.selected("visibility") or Visibility.PRIVATE)

    def validate(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        member = self._member
        if member is None:
            problems["member"] = "choose who is recognised (enter on the button)"
        message = clean_text(self.text("message"), multiline=True).strip()
        if not message:
            problems["message"] = "say what the recognition is for"
        elif len(message) > MESSAGE_MAX:
            problems["message"] = f"at most {MESSAGE_MAX} characters (this one has {len(message)})"
        if self._kind() is RecognitionKind.BADGE and self.selected("badge") is None:
            problems["badge"] = "choose the badge to give"
        if member is not None and self._visibility() is not Visibility.PRIVATE:
            if self._refusal is not None and self._refusal[0] == member.id:
                problems["visibility"] = self._refusal[1]
            elif not member.consent_recognised:
                problems["visibility"] = (
                    f"{member.name} has not agreed to public recognition — record it as "
                    "private, or change their consent on the Members screen"
                )
        _, day_problem = check_day(self.text("day"), self._today)
        if day_problem:
            problems["day"] = day_problem
        return problems

    @on(Select.Changed, "#kind")
    def _kind_changed(self) -> None:
        self.query_one("#badge-field").display = self._kind() is RecognitionKind.BADGE

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "member":
            event.prevent_default()
            event.stop()
            self.action_pick_member()

    def action_pick_member(self) -> None:
        """Choose who the entry is for."""
        app: CircleKeeperApp = self.app  # type: ignore[assignment]
        self.app.push_screen(
            PickerScreen("Who is recognised?", member_choice_loader(app)),
            self._picked,
        )

    def _picked(self, member_id: int | None) -> None:
        if member_id is None:
            return
        db = self._db

        def fetch() -> MemberChoice:
            from circlekeeper.services.members import get_member

            return MemberChoice.of(get_member(db, ref=member_id))

        run_db(self, fetch, self._chosen)

    def _chosen(self, member: MemberChoice) -> None:
        self._member = member
        self.query_one("#member", Button).label = self._member_label()
        self._touched.add("member")
        self.refresh_errors()
        self.query_one("#message", TextArea).focus()

    def submit(self) -> Callable[[], RecognitionRead]:
        db = self._db
        member = self._member
        assert member is not None
        kind = self._kind()
        badge_id = self.selected("badge") if kind is RecognitionKind.BADGE else None
        message = self.text("message")
        visibility = self._visibility()
        day, _ = check_day(self.text("day"), self._today)

        def work() -> RecognitionRead:
            from circlekeeper.services.recognition import recognize

            return recognize(
                db,
                member_ref=member.id,
                kind=kind,
                message=message,
                badge=None if badge_id is None else f"#{badge_id}",
                visibility=visibility,
                day=day,
            )

        return work

    def _refused(self, exc: Exception) -> None:
        super()._refused(exc)
        message = error_message(exc)
        member = self._member
        public = self._visibility() is not Visibility.PRIVATE
        if member is not None and public and CONSENT_WORDS in message:
            self._refusal = (member.id, message)
            self._touched.add("visibility")
            self.refresh_errors()
            self.query_one("#form-error", Static).update(
                Content("Not saved: see the visibility field.")
            )

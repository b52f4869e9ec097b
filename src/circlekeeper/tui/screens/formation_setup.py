"""The first step of the formation wizard: who, what size, which rules; then the solver runs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label, ProgressBar, Select, Static

from circlekeeper.models.enums import CircleKind
from circlekeeper.tui.screens.form import FormScreen

if TYPE_CHECKING:
    from circlekeeper.db import Database
    from circlekeeper.services.formation_models import FormationPreview


@dataclass
class FormationSettings:
    """What the facilitator typed, kept so "back" reopens the form as they left it."""

    prefix: str = ""
    kind: str = CircleKind.COHORT.value
    size: str = "5"
    min_size: str = "4"
    max_size: str = "6"
    members: str = "all"
    balance: str = ""
    cluster: str = ""
    keep_apart: str = ""
    keep_together: str = ""
    seed: str = "0"
    time_limit: str = "5"


@dataclass(frozen=True)
class FormationDraft:
    """The settings and the proposal they produced."""

    settings: FormationSettings
    preview: FormationPreview


TEXT_FIELDS = tuple(f.name for f in fields(FormationSettings) if f.name != "kind")


class FormationSetupScreen(FormScreen):
    """Returns a FormationDraft once the solver has proposed circles, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Propose",
            id="form.save",
            tooltip="Run the solver and show the proposed circles",
        ),
    ]

    form_title = "Form circles — who, what size, which rules"
    save_label = "Propose"

    def __init__(self, db: Database, settings: FormationSettings | None = None) -> None:
        super().__init__()
        self._db = db
        self._settings = settings or FormationSettings()
        self._started = 0.0

    def fields(self) -> ComposeResult:
        s = self._settings
        yield self.field(
            "prefix",
            "Name prefix",
            Input(value=s.prefix, placeholder="Cohort Dec"),
            'circles are named "PREFIX 1", "PREFIX 2", …',
        )
        yield self.field(
            "kind",
            "Kind",
            Select([(k.value, k.value) for k in CircleKind], value=s.kind, allow_blank=False),
        )
        yield self.field(
            "members",
            "Who",
            Input(value=s.members, placeholder="all"),
            "all, tag:KEY=VALUE (e.g. tag:city=Lagos), circle:NAME or review:ID (its regroup pool)",
        )
        yield Horizontal(
            self.field("size", "Circle size", Input(value=s.size, type="integer")),
            self.field("min_size", "Smallest", Input(value=s.min_size, type="integer")),
            self.field("max_size", "Largest", Input(value=s.max_size, type="integer")),
            classes="field-row",
        )
        yield Label(
            Content(
                "when the numbers do not divide, sizes differ by at most one and nobody is left out"
            ),
            classes="hint",
        )
        yield Horizontal(
            self.field("balance", "Balance tag", Input(value=s.balance, placeholder="timezone")),
            self.field("cluster", "Cluster tag", Input(value=s.cluster, placeholder="language")),
            classes="field-row",
        )
        yield Label(
            Content(
                "balance spreads a tag's values evenly; cluster keeps people with the same value "
                "together, never one alone (both optional)"
            ),
            classes="hint",
        )
        yield self.field(
            "keep_apart",
            "Keep apart",
            Input(value=s.keep_apart, placeholder="@ana,@bo; @cy,#12"),
            "pairs never seated together: two members separated by a comma, pairs by ;",
        )
        yield self.field(
            "keep_together",
            "Keep together",
            Input(value=s.keep_together, placeholder="@dee,@eli"),
            "pairs always seated together",
        )
        yield Horizontal(
            self.field(
                "seed",
                "Seed",
                Input(value=s.seed, type="integer"),
                "same seed and data, same circles",
            ),
            self.field(
                "time_limit",
                "Search for up to (s)",
                Input(value=s.time_limit, type="number"),
            ),
            classes="field-row",
        )
        yield ProgressBar(total=100, show_eta=False, id="formation-progress")
        yield Static("", id="formation-status", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#formation-progress", ProgressBar).display = False

    def current(self) -> FormationSettings:
        """The settings as the form holds them now."""
        values = {name: self.text(name) for name in TEXT_FIELDS}
        return FormationSettings(kind=str(self.selected("kind")), **values)

    def validate(self) -> dict[str, str]:
        s = self.current()
        problems: dict[str, str] = {}
        if not s.prefix.strip():
            problems["prefix"] = "give a name prefix, such as Cohort Dec"
        numbers = {}
        for name in ("size", "min_size", "max_size"):
            value = getattr(s, name).strip()
            if not value.isdigit() or not 2 <= int(value) <= 50:
                problems[name] = "a whole number from 2 to 50"
            else:
                numbers[name] = int(value)
        if len(numbers) == 3 and not numbers["min_size"] <= numbers["size"] <= numbers["max_size"]:
            problems["size"] = "the size must lie between the smallest and the largest"
        if not s.seed.strip().lstrip("-").isdigit():
            problems["seed"] = "a whole number"
        try:
            limit = float(s.time_limit)
        except ValueError:
            limit = math.nan
        if not (math.isfinite(limit) and 0 < limit <= 600):
            problems["time_limit"] = "a number of seconds from 0.1 to 600"
        from circlekeeper.services.errors import InvalidInput
        from circlekeeper.services.formation import parse_pairs

        for name in ("keep_apart", "keep_together"):
            try:
                parse_pairs(getattr(s, name), name.replace("_", "-"))
            except InvalidInput as exc:
                problems[name] = exc.message
        return problems

    def submit(self) -> Callable[[], FormationDraft]:
        settings = self.current()
        db = self._db
        limit = float(settings.time_limit)
        self._started = time.monotonic()
        bar = self.query_one("#formation-progress", ProgressBar)
        bar.update(total=limit, progress=0)
        bar.display = True
        self.query_one("#formation-status", Static).update(Content("searching…"))
        app = self.app

        def searching(steps: int, best: float) -> None:
            app.call_from_thread(self._searching, steps, best)

        def propose() -> FormationDraft:
            from circlekeeper.services.formation import parse_pairs, preview_formation

            preview = preview_formation(
                db,
                prefix=settings.prefix.strip(),
                kind=CircleKind(settings.kind),
                size=int(settings.size),
                min_size=int(settings.min_size),
                max_size=int(settings.max_size),
                members=settings.members.strip() or "all",
                balance=settings.balance.strip() or None,
                cluster=settings.cluster.strip() or None,
                keep_apart=parse_pairs(settings.keep_apart, "keep-apart"),
                keep_together=parse_pairs(settings.keep_together, "keep-together"),
                seed=int(settings.seed),
                time_limit=limit,
                progress=searching,
            )
            return FormationDraft(settings, preview)

        return propose

    def _searching(self, steps: int, best: float) -> None:
        """Move the bar with the time spent and say how the search is going."""
        self.query_one("#formation-progress", ProgressBar).update(
            progress=time.monotonic() - self._started
        )
        self.query_one("#formation-status", Static).update(
            Content(f"searching… {steps:,} steps, best cost so far {best:g}")
        )

    def _refused(self, exc: Exception) -> None:
        self.query_one("#formation-progress", ProgressBar).display = False
        self.query_one("#formation-status", Static).update(Content(""))
        super()._refused(exc)

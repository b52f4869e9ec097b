"""Out-of-range dates and numbers in the TUI forms: a message under the field, nothing saved.

Each form is opened on the seeded database, each bad value is typed (or pasted: an integer input
only filters keys, so the value is set directly) into its field, and save is pressed: the form
stays open with the field's own error, and the form's table in the database is unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Input, Select, Static, TextArea

from circlekeeper import clock
from circlekeeper.models.enums import Cadence
from circlekeeper.tui.app import CircleKeeperApp
from circlekeeper.tui.screens.circle_form import CircleFormScreen
from circlekeeper.tui.screens.form import FormScreen
from circlekeeper.tui.screens.incident_form import IncidentFormScreen
from circlekeeper.tui.screens.member_form import MemberFormScreen
from circlekeeper.tui.screens.recognition_form import MemberChoice, RecognitionForm
from circlekeeper.tui.screens.ritual_form import RitualFormScreen
from tests.tui.helpers import settle

SIZE = (140, 50)
BAD_DATES = (
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "nan",
    "2026-13-01",
    " 2026-1-5 ",
)
BAD_NUMBERS = ("-1", "0", "99999999999999999999", "-99999999999999999999", "1e309", "nan", "1.5")
BAD_TIMES = ("24:00", "12:60", "-1:00", "99999999999999999999", "nan")
BAD_ZONES = ("Europe", "zone1970.tab", "Mars/Olympus", "x" * 300)
"""A folder and a data file of the zone database, an unknown zone, a name too long for a file."""


def _member_form(app: CircleKeeperApp) -> FormScreen:
    assert app.db is not None
    return MemberFormScreen(app.db)


def _circle_form(app: CircleKeeperApp) -> FormScreen:
    assert app.db is not None
    return CircleFormScreen(app.db)


def _incident_form(app: CircleKeeperApp) -> FormScreen:
    assert app.db is not None
    return IncidentFormScreen(app.db)


def _ritual_form(app: CircleKeeperApp) -> FormScreen:
    assert app.db is not None
    return RitualFormScreen(app.db)


def _recognition_form(app: CircleKeeperApp) -> FormScreen:
    assert app.db is not None
    member = MemberChoice(id=1, name="Ana Lima", consent_recognised=True)
    return RecognitionForm(db=app.db, badges=[], today=clock.today(), member=member)


FORMS: dict[str, tuple[Callable[[CircleKeeperApp], FormScreen], dict[str, str], str]] = {
    "member": (_member_form, {"name": "Zed", "email": "zed@example.org"}, "member"),
    "circle": (_circle_form, {"name": "Range Circle"}, "circle"),
    "incident": (_incident_form, {"summary": "told a story outside"}, "incident"),
    "ritual": (_ritual_form, {"name": "Range ritual", "prompts": "How was it?"}, "ritual"),
    "recognition": (_recognition_form, {"message": "thank you"}, "recognition"),
}
"""Each form: how to open it, the values that make everything else valid, and its table."""

CASES: list[tuple[str, str, str]] = [
    *(("member", "joined_on", value) for value in BAD_DATES),
    *(("member", "timezone", value) for value in BAD_ZONES),
    *(("circle", field, value) for field in ("starts_on", "ends_on") for value in BAD_DATES),
    *(
        ("circle", field, value)
        for field in ("min_size", "max_size", "cadence_interval")
        for value in BAD_NUMBERS
    ),
    *(("circle", "meeting_time", value) for value in BAD_TIMES),
    *(("circle", "timezone", value) for value in BAD_ZONES),
    *(
        ("incident", field, value)
        for field in ("occurred_on", "follow_up_on")
        for value in BAD_DATES
    ),
    *(("ritual", "timebox_minutes", value) for value in BAD_NUMBERS),
    *(("recognition", "day", value) for value in BAD_DATES),
]
"""(form, field, value): every value is out of range for its field."""


def rows(path: Path, table: str) -> int:
    """How many rows `table` holds (read with plain sqlite3, beside the app's own connection)."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def fill(screen: Screen[Any], name: str, value: str) -> None:
    """Put `value` into field `name` as a paste would (no key filtering)."""
    widget = screen.query_one(f"#{name}")
    if isinstance(widget, TextArea):
        widget.text = value
    else:
        assert isinstance(widget, Input)
        widget.value = value


def field_error(screen: Screen[Any], name: str) -> str:
    """The message shown under field `name`."""
    return str(screen.query_one(f"#error-{name}", Static).render()).strip()


@pytest.mark.slow
@pytest.mark.parametrize("form", sorted(FORMS))
async def test_out_of_range_values_show_a_field_error_and_save_nothing(
    form: str, seeded_path: Path
) -> None:
    opener, valid, table = FORMS[form]
    cases = [(field, value) for name, field, value in CASES if name == form]
    before = rows(seeded_path, table)
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = opener(app)
        app.push_screen(screen)
        await settle(pilot)
        for name, value in valid.items():
            fill(screen, name, value)
        if form == "circle":  # the interval is read only for this cadence
            screen.query_one("#cadence", Select).value = Cadence.EVERY_N_WEEKS.value
        await pilot.pause()
        assert screen.validate() == {}, "the valid values must be valid on their own"
        missed = []
        for field, value in cases:
            fill(screen, field, value)
            await pilot.press("ctrl+s")
            await settle(pilot)
            if app.screen is not screen:
                missed.append((field, value, "saved"))
                break
            if not field_error(screen, field):
                missed.append((field, value, "no message"))
            fill(screen, field, "")
        assert missed == []
    assert rows(seeded_path, table) == before

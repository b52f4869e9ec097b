"""`circlekeeper metrics`: the figures as tables and as JSON, and clear errors for bad dates."""

from __future__ import annotations

import datetime as dt

import pytest

from circlekeeper.cli import output
from circlekeeper.db import Database, open_database
from circlekeeper.models import CircleCreate, CircleStatus, MemberCreate
from circlekeeper.services import circles, members, sessions
from tests.cli.cli_helpers import Cli

LOUD = "[b]Loud[/b]"


@pytest.fixture
def cli(db: Database) -> Cli:
    """Two June joiners in an active circle that never shares: one present on day three."""
    circles.create_circle(db, data=CircleCreate(name=LOUD, min_size=2, max_size=6))
    circles.set_circle_status(db, ref=LOUD, status=CircleStatus.ACTIVE)
    for handle in ("ana", "bo"):
        members.add_member(
            db, data=MemberCreate(name=handle.title(), handle=handle, joined_on=dt.date(2026, 6, 1))
        )
        circles.add_member_to_circle(
            db, circle_ref=LOUD, member_ref=handle, joined_on=dt.date(2026, 6, 1)
        )
    sessions.record_session(
        db, circle_ref=LOUD, day=dt.date(2026, 6, 3), present=["ana"], absent=["bo"]
    )
    db.close()
    return Cli(db.path)


def test_json_has_the_period_figures(cli: Cli) -> None:
    found = cli.json("metrics", "--from", "2026-06-01", "--to", "2026-06-30")

    assert (found["start"], found["end"]) == ("2026-06-01", "2026-06-30")
    assert found["activation"] == {"joined": 2, "activated": 1, "rate": 0.5, "within_days": 14}
    assert [c["month"] for c in found["retention"]] == ["2026-06"]
    assert found["first_check_in"]["median_days"] == 2.0
    assert [c["name"] for c in found["closed_off"]] == [LOUD]


def test_tables_show_the_figures_and_names_as_typed(cli: Cli) -> None:
    text = cli("metrics", "--from", "2026-06-01", "--to", "2026-06-30").stdout

    assert "Attended within 14 days: 1 (50%)" in text
    assert "2026-06" in text
    assert LOUD in text
    assert "Closed off" in text


def test_config_thresholds_are_used(
    cli: Cli, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from circlekeeper import paths

    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("activation_days = 1\nclosed_off_weeks = 4000\n", encoding="utf-8")

    found = cli.json("metrics", "--from", "2026-06-01", "--to", "2026-06-30")

    assert found["activation"]["activated"] == 0
    assert found["activation"]["within_days"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01"), "--from"),
        (("--from", "2026-07-01", "--to", "2026-06-01"), "after it ends"),
    ],
)
def test_bad_periods_are_explained(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("metrics", *args, code=1)

    assert message in result.stderr


def test_the_closed_off_table_stops_at_the_first_rows_and_json_holds_them_all(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of closed-off circles at community scale: the table shows the first ones (the
    longest silent) and says how many more; --json holds all unless --limit is given."""
    assert cli.db_path is not None
    db = open_database(cli.db_path)
    for name in ("Hush", "Mute"):
        circles.create_circle(db, data=CircleCreate(name=name, min_size=2, max_size=6))
        circles.set_circle_status(db, ref=name, status=CircleStatus.ACTIVE)
    db.close()
    monkeypatch.setattr(output, "TABLE_ROWS", 2)

    table = cli("metrics")
    more = cli("metrics", "--limit", "3")

    assert "showing the first 2 of 3 circles — --limit N for more" in table.stderr
    assert sum(name in table.stdout for name in (LOUD, "Hush", "Mute")) == 2
    assert all(name in more.stdout for name in (LOUD, "Hush", "Mute"))
    assert "showing" not in more.stderr
    assert len(cli.json("metrics")["closed_off"]) == 3
    assert len(cli.json("metrics", "--limit", "1")["closed_off"]) == 1

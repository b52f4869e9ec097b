"""`circlekeeper health` and `health members`: tables in attention order, JSON in the documented
shape, thresholds from config.toml, and names printed as typed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from circlekeeper import paths
from circlekeeper.cli import output
from circlekeeper.db import Database
from circlekeeper.models.enums import CircleStatus
from circlekeeper.services import members
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown
from tests.health_helpers import (
    LAST_TUESDAY,
    TODAY,
    held,
    make_circle,
    person,
    seat,
    tuesdays,
    weeks_held,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"
FOUR = ("ana", "bo", "cy", "dee")


def _community(db: Database) -> None:
    """A thriving circle, a fading one (Dee stays away), a dormant one and a forming one."""
    make_circle(db, "Thriving")
    seat(db, "Thriving", *FOUR)
    weeks_held(db, "Thriving", tuesdays(3, last=LAST_TUESDAY - dt.timedelta(weeks=1)), FOUR)
    held(db, "Thriving", LAST_TUESDAY, present=FOUR, spoke=FOUR[:2])
    make_circle(db, "Fading")
    seat(db, "Fading", "eli", "fay", "gus", "hal")
    weeks_held(db, "Fading", tuesdays(4), ("eli",), absent=("fay", "gus", "hal"))
    make_circle(db, "Dormant")
    seat(db, "Dormant", "ivy", "jo", "kim", "lou")
    weeks_held(db, "Dormant", tuesdays(2, last=dt.date(2026, 10, 6)), ("ivy", "jo", "kim", "lou"))
    make_circle(db, "Forming", status=CircleStatus.FORMING)
    make_circle(db, "Closed", status=CircleStatus.CLOSED)


def _keys(data: Any) -> set[str]:
    """Every object key anywhere in a JSON document."""
    if isinstance(data, dict):
        return set(data).union(*(_keys(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(*(_keys(item) for item in data))
    return set()


def test_health_lists_circles_fading_and_dormant_first(db: Database) -> None:
    _community(db)

    result = Cli(db.path)("health")

    lines = result.stdout.splitlines()
    order = [
        next(i for i, line in enumerate(lines) if f" {name} " in line)
        for name in ("Fading", "Dormant", "Forming", "Thriving")
    ]
    assert order == sorted(order)
    assert "Closed" not in result.stdout
    fading = lines[order[0]]
    assert "fading" in fading
    assert "attendance 25% over the last 4 sessions, below 50%" in fading
    assert "no session for 46 days; meets every 7 days" in lines[order[1]]
    assert "forming; no sessions held yet" in lines[order[2]]
    assert "thriving" in lines[order[3]]


def test_health_json_is_the_documented_list(db: Database) -> None:
    _community(db)

    found = Cli(db.path).json("health")

    by_name = {item["name"]: item for item in found}
    assert set(by_name) == {"Thriving", "Fading", "Dormant", "Forming"}
    assert [item["status"] for item in found] == ["fading", "dormant", "steady", "thriving"]
    thriving = by_name["Thriving"]
    assert thriving["lifecycle"] == "active"
    assert thriving["figures"]["recent_attendance"] == 1.0
    assert thriving["figures"]["speaking_share"] == 0.5
    assert thriving["figures"]["last_held_on"] == LAST_TUESDAY.isoformat()
    assert thriving["figures"]["as_of"] == TODAY.isoformat()
    assert by_name["Dormant"]["figures"]["days_since_held"] == 46


def test_health_of_one_circle(db: Database) -> None:
    _community(db)
    cli = Cli(db.path)

    found = cli.json("health", "--circle", "Fading")

    assert [item["name"] for item in found] == ["Fading"]
    assert found[0]["figures"]["recent_attendance"] == 0.25


def test_health_of_a_closed_or_unknown_circle_is_an_error(db: Database) -> None:
    _community(db)
    cli = Cli(db.path)

    closed = cli("health", "--circle", "Closed", code=1)
    unknown = cli("health", "--circle", "Nowhere", code=1)

    assert "'Closed' is closed" in closed.stderr
    assert "no circle matches 'Nowhere'" in unknown.stderr
    assert closed.stdout == unknown.stdout == ""


def test_health_without_circles_says_so(db: Database) -> None:
    cli = Cli(db.path)

    assert cli.json("health") == []
    result = cli("health")
    assert result.stdout == ""
    assert "no forming, active or paused circles" in result.stderr


def test_health_members_lists_the_most_urgent_first(db: Database) -> None:
    _community(db)
    person(db, "zed")
    members.pause_member(db, ref="@ivy", until=TODAY + dt.timedelta(days=5))
    cli = Cli(db.path)

    found = cli.json("health", "members")
    table = cli("health", "members").stdout

    by_name = {item["name"]: item for item in found}
    assert set(by_name) == {"Fay", "Gus", "Hal", "Zed", "Ivy"}
    assert by_name["Fay"]["kinds"] == ["absences"]
    assert by_name["Fay"]["reasons"] == ["absent from the last 4 sessions in a row"]
    assert by_name["Zed"]["reasons"] == ["in no active circle"]
    assert by_name["Ivy"]["kinds"] == ["pause-ending"]
    assert by_name["Ivy"]["member_status"] == "paused"
    urgencies = [item["urgency"] for item in found]
    assert urgencies == sorted(urgencies, reverse=True)
    assert table.index("Fay") < table.index("Zed") < table.index("Ivy")
    assert "absent from the last 4 sessions in a row" in table
    assert [item["name"] for item in cli.json("health", "members", "--limit", "1")] == ["Fay"]


def test_tables_stop_at_the_first_rows_and_say_how_many_more(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _community(db)
    person(db, "zed")
    monkeypatch.setattr(output, "TABLE_ROWS", 2)
    cli = Cli(db.path)

    circles = cli("health")
    three = cli("health", "--limit", "3")
    at_risk = cli("health", "members")

    assert [name for name in ("Fading", "Dormant", "Forming") if f" {name} " in circles.stdout] == [
        "Fading",
        "Dormant",
    ]
    assert "showing the first 2 of 4 circles — --limit N for more" in circles.stderr
    assert " Forming " in three.stdout
    assert " Thriving " not in three.stdout
    assert "showing the first 3 of 4 circles" in three.stderr
    assert sum(f" {name} " in at_risk.stdout for name in ("Fay", "Gus", "Hal", "Zed")) == 2
    assert "showing the first 2 of 4 members at risk" in at_risk.stderr
    assert len(cli.json("health")) == 4
    assert len(cli.json("health", "members")) == 4
    assert len(cli.json("health", "--limit", "1")) == 1
    assert "showing" not in cli("health", "--limit", "4").stderr


def test_health_members_with_nobody_at_risk(db: Database) -> None:
    cli = Cli(db.path)

    assert cli.json("health", "members") == []
    assert "nobody is at risk" in cli("health", "members").stderr


def test_a_limit_below_one_is_a_usage_error(db: Database) -> None:
    result = Cli(db.path)("health", "members", "--limit", "0", code=2)

    assert "--limit" in result.stderr


def test_thresholds_come_from_config_toml(db: Database) -> None:
    _community(db)
    cli = Cli(db.path)
    before = {item["name"] for item in cli.json("health", "members")}
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("at_risk_absences = 5\nlow_attendance = 0.2\n", encoding="utf-8")

    after = {item["name"] for item in cli.json("health", "members")}
    fading = cli.json("health", "--circle", "Fading")[0]

    assert {"Fay", "Gus", "Hal"} <= before
    assert not {"Fay", "Gus", "Hal"} & after
    assert "attendance 25% over the last 4 sessions, below 50%" not in fading["reasons"]


def test_a_threshold_config_toml_cannot_use_is_named_on_stderr(db: Database) -> None:
    _community(db)
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('at_risk_absences = "three"\n', encoding="utf-8")

    result = Cli(db.path)("health", "members", "--json")

    assert "at_risk_absences should be" in result.stderr
    assert "'three'; using 3" in result.stderr
    assert {"Fay", "Gus", "Hal"} <= {item["name"] for item in json.loads(result.stdout)}


def test_hostile_names_are_printed_as_typed(db: Database) -> None:
    cli = Cli(db.path)
    for name in HOSTILE_NAMES:
        make_circle(db, name)
        cli.member(name)

    circles = cli("health").stdout
    people = cli("health", "members").stdout

    for name in HOSTILE_NAMES:
        assert shown(name) in circles
        assert shown(name) in people


def test_help_has_examples_for_both_forms(db: Database) -> None:
    cli = Cli(db.path)

    assert "Example: circlekeeper health" in cli("health", "--help").stdout
    assert "Example: circlekeeper health members" in cli("health", "members", "--help").stdout
    assert "circlekeeper ambassador health" not in cli("health", "--help").stdout


def test_every_health_json_key_is_in_its_docs_section(db: Database) -> None:
    _community(db)
    cli = Cli(db.path)
    members.pause_member(db, ref="@ivy", until=TODAY + dt.timedelta(days=5))
    outputs = [cli.json("health"), cli.json("health", "members")]
    section = DOCS.read_text(encoding="utf-8").split("## Circle health", 1)[1]
    section = section.split("\n## ", 1)[0]

    keys = set().union(*(_keys(data) for data in outputs))
    missing = sorted(k for k in keys if f'"{k}"' not in section and f"`{k}`" not in section)

    assert {"figures", "speaking_share", "kinds", "urgency", "paused_until"} <= keys
    assert missing == []

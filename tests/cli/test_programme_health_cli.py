"""`circlekeeper ambassador health`: coverage, overload, over-reliance and diversity via the CLI,
on hand-built data with known answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from circlekeeper import paths
from circlekeeper.cli import output
from circlekeeper.db import Database
from tests.cli.ambassador_helpers import ambassador, member, past_goal
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

HEALTH_KEYS = {
    "as_of",
    "period_start",
    "period_end",
    "band_min",
    "band_max",
    "tag",
    "coverage",
    "coverage_by_tag",
    "overload",
    "over_reliance",
    "diversity",
}
COVERAGE_KEYS = {
    "tag_value",
    "active_members",
    "active_ambassadors",
    "members_per_ambassador",
    "flag",
}
OVERLOAD_KEYS = {
    "ambassador_id",
    "member_name",
    "capacity_per_week",
    "goal_load",
    "role_load",
    "behind_streak",
    "reasons",
}
DIVERSITY_KEYS = {"value", "ambassadors", "ambassador_share", "members", "member_share"}


def band(low: int, high: int) -> Path:
    """Set the coverage band in this test's config.toml."""
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"coverage_min = {low}\ncoverage_max = {high}\n", encoding="utf-8")
    return path


@pytest.fixture
def cli(db: Database) -> Cli:
    """Six active members (EU 3, US 2, one untagged); Ana (EU) and Bo (US) are ambassadors.

    Ana can give 2 units a week but has a weekly goal of 3: overloaded. Ana logged 6 pieces of
    work and Bo 2 in the last weeks.
    """
    ana = ambassador(db, "Ana", "ana", started_on=dt.date(2026, 10, 1), capacity=2)
    ambassador(db, "Bo", "bo", started_on=dt.date(2026, 10, 1))
    for name, handle in (("Cy", "cy"), ("Dee", "dee"), ("Eli", "eli"), ("Fay", "fay")):
        member(db, name, handle)
    cli = Cli(db.path)
    for handle, region in (("ana", "EU"), ("cy", "EU"), ("dee", "EU"), ("bo", "US"), ("eli", "US")):
        cli("member", "edit", f"@{handle}", "--tags", f"region={region}")
    past_goal(db, ana, "welcome new members", 3, starts_on=dt.date(2026, 11, 16))
    cli("goal", "log", "@ana", "--metric", "welcome new members", "--count", "6")
    cli("goal", "log", "@bo", "--metric", "start threads", "--count", "2", "--date", "2026-11-02")
    return cli


def test_health_prints_coverage_overload_and_reliance(cli: Cli) -> None:
    band(1, 5)

    result = cli("ambassador", "health")

    out = result.stdout
    assert "as of: 2026-11-21" in out
    assert "activity weighed: 2026-08-30 to 2026-11-21" in out
    assert "healthy coverage: 1 to 5 members per ambassador" in out
    [overall] = [line for line in out.splitlines() if "overall" in line]
    assert [cell.strip() for cell in overall.strip("│ ").split("│")] == [
        "overall",
        "6",
        "2",
        "3.0",
        "ok",
    ]
    assert "this week's load is 3 (3 from goals, 0 from roles), more than the 2" in out
    assert "top 3 share: 100% of 8 logged" in out
    [ana_line] = [line for line in out.splitlines() if "│ Ana " in line and "75%" in line]
    assert "6" in ana_line
    assert "diversity and coverage per value need a tag" in result.stderr


def test_overload_table_stops_at_the_first_rows(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("goal", "set", "@bo", "--metric", "start threads", "--target", "40")
    monkeypatch.setattr(output, "TABLE_ROWS", 1)

    shown = cli("ambassador", "health")
    both = cli("ambassador", "health", "--limit", "2")

    overloaded = [o["member_name"] for o in cli.json("ambassador", "health")["overload"]]
    assert sorted(overloaded) == ["Ana", "Bo"]
    assert shown.stdout.count("this week's load") == 1
    assert "showing the first 1 of 2 overloaded ambassadors — --limit N for more" in shown.stderr
    assert both.stdout.count("this week's load") == 2
    assert "showing" not in both.stderr
    assert len(cli.json("ambassador", "health", "--limit", "1")["overload"]) == 1


def test_health_by_tag_shows_each_value_and_diversity(cli: Cli) -> None:
    found = cli.json("ambassador", "health", "--tag", "Region")
    table = cli("ambassador", "health", "--tag", "region").stdout

    assert found["tag"] == "region"
    by_value = {
        c["tag_value"]: (c["active_members"], c["active_ambassadors"])
        for c in found["coverage_by_tag"]
    }
    assert by_value == {"EU": (3, 1), "US": (2, 1), "(no region)": (1, 0)}
    diversity = {d["value"]: (d["ambassadors"], d["members"]) for d in found["diversity"]}
    assert diversity == {"EU": (1, 3), "US": (1, 2), "(no region)": (0, 1)}
    assert "coverage by region" in table
    assert "diversity" in table
    assert "50%" in table


def test_health_json_shape(cli: Cli) -> None:
    found = cli.json("ambassador", "health", "--tag", "region", "--from", "2026-11-01")

    assert set(found) == HEALTH_KEYS
    assert set(found["coverage"]) == COVERAGE_KEYS
    assert all(set(c) == COVERAGE_KEYS for c in found["coverage_by_tag"])
    assert [set(o) for o in found["overload"]] == [OVERLOAD_KEYS]
    assert set(found["over_reliance"]) == {"total", "top", "share"}
    assert all(
        set(c) == {"ambassador_id", "member_name", "count"} for c in found["over_reliance"]["top"]
    )
    assert all(set(d) == DIVERSITY_KEYS for d in found["diversity"])
    assert (found["band_min"], found["band_max"]) == (50, 100)
    assert found["coverage"]["flag"] is not None


def test_health_weighs_only_the_days_asked_for(cli: Cli) -> None:
    found = cli.json("ambassador", "health", "--from", "2026-11-01", "--to", "2026-11-15")

    assert (found["period_start"], found["period_end"]) == ("2026-11-01", "2026-11-15")
    reliance = found["over_reliance"]
    assert reliance["total"] == 2
    assert [(c["member_name"], c["count"]) for c in reliance["top"]] == [("Bo", 2)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "1 Nov"), "--from"),
        (("--to", "2026-02-30"), "--to"),
        (("--from", "2026-11-10", "--to", "2026-11-01"), "give the earlier date first"),
        (("--tag", "not a key!"), "tag:"),
    ],
    ids=["bad-from", "bad-to", "reversed", "bad-tag"],
)
def test_health_refuses_bad_input(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("ambassador", "health", *args, code=1)

    assert message in result.stderr
    assert result.stdout == ""


def test_health_of_an_empty_programme(db: Database) -> None:
    cli = Cli(db.path)

    result = cli("ambassador", "health")

    assert "overload: nobody" in result.stdout
    assert "over-reliance: no activity logged in the period" in result.stdout
    assert cli.json("ambassador", "health")["coverage"]["active_ambassadors"] == 0


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_print_literally(db: Database, name: str) -> None:
    odd = ambassador(db, name, "odd", started_on=dt.date(2026, 10, 1), capacity=1)
    past_goal(db, odd, "start threads", 2, starts_on=dt.date(2026, 11, 16))
    cli = Cli(db.path)
    cli("member", "edit", "@odd", "--tags", f"region={name[:20]}")
    cli("goal", "log", "@odd", "--metric", "start threads", "--count", "1")

    out = cli("ambassador", "health", "--tag", "region").stdout

    assert out.count(shown(name)) >= 2
    assert "\x1b" not in out

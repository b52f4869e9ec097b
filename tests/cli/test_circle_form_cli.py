"""`circlekeeper circle form` through the real CLI: dry run, real run, JSON and refusals."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from circlekeeper.cli import formation as formation_cli
from circlekeeper.cli import output
from circlekeeper.db import Database
from tests.cli.cli_helpers import Cli

FAST = ("--time-limit", "1")


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on a database with eight members, two of whom sat in one circle."""
    runner = Cli(db.path)
    for i in range(8):
        runner.member(f"Person {i}", "--handle", f"p{i}", "--tag", f"city={'AB'[i % 2]}")
    runner.circle("Old")
    runner("circle", "add", "Old", "@p0", "@p1")
    return runner


def circle_names(cli: Cli) -> list[str]:
    """The names of every stored circle."""
    return [row["name"] for row in cli.json("circle", "list")["items"]]


def test_dry_run_shows_the_circles_and_writes_nothing(cli: Cli) -> None:
    before = cli.json("circle", "list")

    result = cli(
        "circle", "form", "--prefix", "Dec", "--size", "4", "--balance", "city", "--dry-run", *FAST
    )

    assert "Dec 1 (4 members)" in result.stdout
    assert "Dec 2 (4 members)" in result.stdout
    assert "Person 7" in result.stdout
    assert "city: A 2, B 2" in result.stdout
    assert "nothing was created" in result.stderr
    assert cli.json("circle", "list") == before


def test_dry_run_json_parses_and_names_who_met_before(cli: Cli) -> None:
    data = cli.json("circle", "form", "--prefix", "Dec", "--size", "8", "--dry-run", *FAST)

    [circle] = data["circles"]
    assert len(circle["members"]) == 8
    [met] = circle["met_before"]
    assert {met["first"], met["second"]} == {"Person 0", "Person 1"}
    assert met["circle"] == "Old"
    assert met["current"] is True
    assert data["repeated_pairs"] == 1
    assert data["pool_size"] == 8
    assert "created" not in data
    assert circle_names(cli) == ["Old"]


def test_a_real_run_creates_the_circles(cli: Cli) -> None:
    data = cli.json("circle", "form", "--prefix", "Dec", "--size", "4", "--kind", "goal", *FAST)

    assert [c["name"] for c in data["created"]] == ["Dec 1", "Dec 2"]
    for proposed, created in zip(data["circles"], data["created"], strict=True):
        shown = cli.json("circle", "show", str(created["id"]))
        assert shown["kind"] == "goal"
        assert shown["status"] == "forming"
        assert {m["member_id"] for m in shown["members"]} == {m["id"] for m in proposed["members"]}
    assert sorted(circle_names(cli)) == ["Dec 1", "Dec 2", "Old"]


def test_text_run_reports_what_was_created(cli: Cli) -> None:
    result = cli("circle", "form", "--prefix", "Dec", "--size", "4", *FAST)

    assert "created 2 circles" in result.stderr
    assert "Dec 1 (4 members)" in result.stdout


def test_a_large_round_shows_a_bar_while_it_is_created(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = io.StringIO()
    monkeypatch.setattr(output, "stderr", Console(file=sink, force_terminal=True, width=80))
    monkeypatch.setattr(formation_cli, "CIRCLES_WITHOUT_BAR", 1)

    cli("circle", "form", "--prefix", "Dec", "--size", "4", *FAST)

    assert "creating circles" in sink.getvalue()
    assert "2/2" in sink.getvalue()


def test_infeasible_sizes_exit_1_with_the_reason(cli: Cli) -> None:
    result = cli("circle", "form", "--prefix", "Dec", "--size", "3", *FAST, code=1)

    assert "sizes" in result.stderr
    assert "8 people" in result.stderr
    assert result.stdout == ""
    assert circle_names(cli) == ["Old"]


def test_unknown_member_in_keep_apart_exits_1(cli: Cli) -> None:
    result = cli(
        "circle",
        "form",
        "--prefix",
        "Dec",
        "--keep-apart",
        "@p0,@nobody",
        "--dry-run",
        *FAST,
        code=1,
    )

    assert "nobody" in result.stderr


def test_a_malformed_pair_is_a_usage_error(cli: Cli) -> None:
    result = cli("circle", "form", "--prefix", "Dec", "--keep-apart", "@p0", *FAST, code=2)

    assert "--keep-apart" in result.stderr
    assert circle_names(cli) == ["Old"]


def test_keep_apart_holds_in_the_created_circles(cli: Cli) -> None:
    data = cli.json(
        "circle", "form", "--prefix", "Dec", "--size", "4", "--keep-apart", "@p2,@p3", *FAST
    )

    for circle in data["circles"]:
        names = {m["name"] for m in circle["members"]}
        assert not {"Person 2", "Person 3"} <= names


@pytest.fixture
def interest_cli(db: Database) -> Cli:
    """The CLI on a database where six members like gardening, five reading, two chess."""
    runner = Cli(db.path)
    likes = ["Gardening, reading"] * 2 + ["gardening"] * 4 + ["Reading"] * 3 + ["chess"] * 2
    for i, like in enumerate(likes):
        runner.member(f"Person {i}", "--handle", f"p{i}", "--tag", f"interest={like}")
    runner.member("Quiet", "--handle", "quiet")
    return runner


BY_INTEREST = ("circle", "form", "--prefix", "Dec", "--by-interest", "interest", "--size", "4")


def test_by_interest_dry_run_shows_one_circle_per_interest(interest_cli: Cli) -> None:
    result = interest_cli(*BY_INTEREST, "--max", "6", "--dry-run", *FAST)

    assert "Dec gardening (6 members)" in result.stdout
    assert "Dec Reading (5 members)" in result.stdout
    assert "chess" not in result.stdout
    assert "chess: 2 interested, fewer than the minimum 4 — not formed" in result.stderr
    assert "nothing was created" in result.stderr
    assert circle_names(interest_cli) == []


def test_by_interest_json_splits_a_crowded_interest(interest_cli: Cli) -> None:
    data = interest_cli.json(*BY_INTEREST, "--min", "3", "--max", "5", "--dry-run", *FAST)

    names = [c["name"] for c in data["circles"]]
    assert names == ["Dec gardening 1", "Dec gardening 2", "Dec Reading"]
    assert sorted(len(c["members"]) for c in data["circles"][:2]) == [3, 3]
    assert data["method"].startswith("interest: 2 interests, 1 split")
    assert any(w.startswith("chess: 2 interested") for w in data["warnings"])
    assert data["pool_size"] == 12
    assert circle_names(interest_cli) == []


def test_by_interest_real_run_creates_the_circles(interest_cli: Cli) -> None:
    data = interest_cli.json(*BY_INTEREST, "--max", "6", *FAST)

    assert [c["name"] for c in data["created"]] == ["Dec gardening", "Dec Reading"]
    for proposed, created in zip(data["circles"], data["created"], strict=True):
        shown = interest_cli.json("circle", "show", str(created["id"]))
        assert {m["member_id"] for m in shown["members"]} == {m["id"] for m in proposed["members"]}
    assert sorted(circle_names(interest_cli)) == ["Dec Reading", "Dec gardening"]


def test_by_interest_with_nothing_formable_exits_1(interest_cli: Cli) -> None:
    result = interest_cli(
        "circle",
        "form",
        "--prefix",
        "Dec",
        "--by-interest",
        "interest",
        "--size",
        "7",
        *FAST,
        code=1,
    )

    assert "gardening: 6 interested" in result.stderr
    assert "Reading: 5 interested" in result.stderr
    assert result.stdout == ""
    assert circle_names(interest_cli) == []


@pytest.mark.parametrize(
    "extra",
    [("--cluster", "interest"), ("--keep-apart", "@p0,@p1"), ("--keep-together", "@p0,@p1")],
)
def test_by_interest_refuses_grouping_rules(interest_cli: Cli, extra: tuple[str, str]) -> None:
    result = interest_cli(*BY_INTEREST, *extra, *FAST, code=2)

    assert len(result.stderr.strip().splitlines()) == 1
    assert extra[0] in result.stderr
    assert "--by-interest" in result.stderr
    assert circle_names(interest_cli) == []

"""`circlekeeper recognize`, `recognition …` and `badge …` through the CLI: JSON shapes, the
consent refusal, suggestions granted by key, badge files and hostile names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members, sessions
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown
from tests.cli.test_cli_contract import COMMANDS, DOCS

ENTRY_KEYS = {
    "id",
    "member_id",
    "member_name",
    "kind",
    "message",
    "badge",
    "given_by_id",
    "given_by",
    "day",
    "visibility",
    "created_at",
}
PAGE_KEYS = {"items", "total", "offset", "limit"}
SUGGESTION_KEYS = {
    "key",
    "reason_kind",
    "member_id",
    "member_name",
    "kind",
    "badge_id",
    "badge",
    "message",
    "evidence",
    "public_allowed",
}
BADGE_KEYS = {"id", "name", "description", "rule_kind", "rule_count", "rule", "builtin"}


@pytest.fixture
def cli(db: Database) -> Cli:
    """Ana agreed to public recognition, Bo did not."""
    members.add_member(db, data=MemberCreate(name="Ana", handle="ana", consent_recognised=True))
    members.add_member(db, data=MemberCreate(name="Bo", handle="bo"))
    return Cli(db.path)


def test_the_commands_are_there_with_examples() -> None:
    assert {
        ("recognize",),
        ("recognition", "list"),
        ("recognition", "suggest"),
        ("recognition", "grant"),
        ("badge", "list"),
        ("badge", "add"),
        ("badge", "import"),
        ("badge", "remove"),
    } <= set(COMMANDS)


def test_recognize_prints_the_entry_and_confirms_on_stderr(cli: Cli) -> None:
    result = cli("recognize", "@ana", "-m", "Thank you for the welcome!", "--json")

    entry = json.loads(result.stdout)
    assert set(entry) == ENTRY_KEYS
    assert (entry["kind"], entry["visibility"], entry["badge"]) == ("shout-out", "private", None)
    assert (entry["member_name"], entry["day"]) == ("Ana", "2026-11-21")
    assert "recorded a shout-out for Ana" in result.stderr


def test_public_recognition_without_consent_is_refused_and_the_advice_works(cli: Cli) -> None:
    refused = cli(
        "recognize", "bo", "-m", "Great thread", "--visibility", "community", "--json", code=1
    )

    assert refused.stdout == ""
    assert "Bo has not agreed to public recognition" in refused.stderr
    assert "--visibility private" in refused.stderr
    advice = refused.stderr.split("'member edit ", 1)[1].split("'", 1)[0]
    cli("member", "edit", *advice.split())
    entry = cli.json("recognize", "bo", "-m", "Great thread", "--visibility", "community")
    assert entry["visibility"] == "community"


def test_a_badge_implies_the_badge_kind_and_is_given_once(cli: Cli) -> None:
    entry = cli.json("recognize", "ana", "--badge", "spark", "-m", "Best thread", "--by", "@bo")

    assert (entry["kind"], entry["badge"], entry["given_by"]) == ("badge", "Spark", "Bo")
    again = cli("recognize", "ana", "--badge", "Spark", "-m", "Again", code=1)
    assert "already received the 'Spark' badge on 2026-11-21" in again.stderr
    mixed = cli("recognize", "bo", "--kind", "gift", "--badge", "Spark", "-m", "x", code=1)
    assert "--badge goes with --kind badge" in mixed.stderr
    bare = cli("recognize", "bo", "--kind", "badge", "-m", "x", code=1)
    assert "--badge NAME" in bare.stderr


def test_bad_options_are_usage_or_input_errors(cli: Cli) -> None:
    assert "hug" in cli("recognize", "ana", "--kind", "hug", "-m", "x", code=2).stderr
    cli("recognize", "ana", code=2)
    late = cli("recognize", "ana", "-m", "x", "--date", "2026-12-01", code=1)
    assert "still ahead" in late.stderr
    wrong = cli("recognize", "ana", "-m", "x", "--date", "soon", code=1)
    assert "--date" in wrong.stderr
    assert "no member matches" in cli("recognize", "nobody", "-m", "x", code=1).stderr


def test_the_list_is_newest_first_filtered_and_paged(cli: Cli) -> None:
    cli("recognize", "ana", "-m", "Old", "--date", "2026-10-01")
    cli("recognize", "bo", "--kind", "note", "-m", "Check in", "--date", "2026-11-01")
    cli("recognize", "ana", "--kind", "gift", "-m", "Book", "--date", "2026-11-20")

    page = cli.json("recognition", "list")
    notes = cli.json("recognition", "list", "--kind", "note")
    anas = cli.json("recognition", "list", "--member", "@ana", "--limit", "1")

    assert set(page) == PAGE_KEYS
    assert [e["message"] for e in page["items"]] == ["Book", "Check in", "Old"]
    assert all(set(e) == ENTRY_KEYS for e in page["items"])
    assert [e["member_name"] for e in notes["items"]] == ["Bo"]
    assert (anas["total"], [e["message"] for e in anas["items"]]) == (2, ["Book"])
    text = cli("recognition", "list", "--member", "ana", "--limit", "1")
    assert "Book" in text.stdout
    assert "next page: --offset 1" in text.stderr


def test_an_empty_log_says_how_to_start(cli: Cli) -> None:
    result = cli("recognition", "list")

    assert result.stdout == ""
    assert "circlekeeper recognize MEMBER" in result.stderr
    assert "no entries match" in cli("recognition", "list", "--kind", "gift").stderr


@pytest.fixture
def came_once(db: Database, cli: Cli) -> Cli:
    """Ana and Bo were present at one held session, so both earned "First steps"."""
    circles.create_circle(db, data=CircleCreate(name="Builders", weekday="tue"))
    for handle in ("ana", "bo"):
        circles.add_member_to_circle(db, circle_ref="Builders", member_ref=handle)
    sessions.record_session(
        db, circle_ref="Builders", day=dt.date(2026, 11, 21), present=["ana", "bo"]
    )
    return cli


def test_suggest_offers_and_grant_records_by_key(came_once: Cli) -> None:
    found = came_once.json("recognition", "suggest")

    assert [(s["member_name"], s["badge"]) for s in found] == [
        ("Ana", "First steps"),
        ("Bo", "First steps"),
    ]
    assert all(set(s) == SUGGESTION_KEYS for s in found)
    assert came_once.json("recognition", "list")["total"] == 0
    text = came_once("recognition", "suggest")
    assert found[0]["key"] in text.stdout
    assert "recognition grant KEY" in text.stderr

    ana = came_once.json("recognition", "grant", found[0]["key"])
    bo = came_once("recognition", "grant", found[1]["key"], "-m", "Welcome, Bo")

    assert (ana["badge"], ana["visibility"]) == ("First steps", "community")
    assert "recorded the First steps badge for Bo" in bo.stderr
    assert "(#2, 2026-11-21, private)" in bo.stderr
    assert came_once.json("recognition", "suggest") == []
    assert "nobody to suggest" in came_once("recognition", "suggest").stderr
    gone = came_once("recognition", "grant", found[0]["key"], code=1)
    assert "not suggested any more" in gone.stderr


def test_grant_refuses_a_public_entry_without_consent(came_once: Cli) -> None:
    bo = next(s for s in came_once.json("recognition", "suggest") if s["member_name"] == "Bo")

    refused = came_once("recognition", "grant", bo["key"], "--visibility", "circle", code=1)

    assert "Bo has not agreed to public recognition" in refused.stderr


def test_badge_list_and_add(cli: Cli) -> None:
    listed = cli.json("badge", "list")
    rule = "facilitated 3 sessions"
    added = cli.json("badge", "add", "Night owl", "--description", "Late nights", "--rule", rule)

    assert all(set(b) == BADGE_KEYS for b in listed)
    assert {"Spark", "Regular"} <= {b["name"] for b in listed}
    assert set(added) == BADGE_KEYS
    assert (added["rule_kind"], added["rule_count"], added["builtin"]) == ("facilitated", 3, False)
    assert "Night owl" in cli("badge", "list").stdout
    assert "already a badge named" in cli("badge", "add", "night OWL", code=1).stderr
    assert (
        "not one circlekeeper can check" in cli("badge", "add", "X", "--rule", "won", code=1).stderr
    )


def test_badge_import_reports_what_it_skipped(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[badge]]\nname = "Night owl"\n\n[[badge]]\nname = "Spark"\n', encoding="utf-8"
    )

    result = cli("badge", "import", str(path))
    again = cli.json("badge", "import", str(path))

    assert "added 1 badge" in result.stderr
    assert "skipped 1 already present (left unchanged): Spark" in result.stderr
    assert again["added"] == []
    assert [b["name"] for b in again["skipped"]] == ["Night owl", "Spark"]
    text = DOCS.read_text(encoding="utf-8")
    assert '"added"' in text
    assert '"skipped"' in text
    broken = tmp_path / "broken.toml"
    broken.write_text('[[badge]]\nrule = "attended 2 sessions"\n', encoding="utf-8")
    assert "needs a name" in cli("badge", "import", str(broken), code=1).stderr


def test_badge_remove_keeps_the_builtins(cli: Cli) -> None:
    cli("badge", "add", "Night owl")

    assert "built-in" in cli("badge", "remove", "Spark", code=1).stderr
    assert "removed badge Night owl" in cli("badge", "remove", "night owl").stderr
    assert "no badge matches" in cli("badge", "remove", "night owl", code=1).stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_print_as_typed(db: Database, name: str) -> None:
    members.add_member(db, data=MemberCreate(name=name, handle="evil", consent_recognised=True))
    circles.create_circle(db, data=CircleCreate(name="Builders", weekday="tue"))
    circles.add_member_to_circle(db, circle_ref="Builders", member_ref="evil")
    sessions.record_session(db, circle_ref="Builders", day=dt.date(2026, 11, 21), present=["evil"])
    cli = Cli(db.path)
    cli("badge", "add", name, "--rule", "attended 1 session")

    suggested = cli("recognition", "suggest")
    given = cli("recognize", "@evil", "--badge", shown(name), "-m", name)
    listed = cli("recognition", "list")
    badges = cli("badge", "list")

    for output in (suggested.stdout, given.stderr, listed.stdout, badges.stdout):
        assert shown(name) in output

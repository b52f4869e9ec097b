"""`circlekeeper member export` and `member forget` through the real CLI."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from circlekeeper import paths
from circlekeeper.db import Database
from circlekeeper.db.backup import backup_database
from circlekeeper.models import ForgetReport
from tests.cli.cli_helpers import HOSTILE_NAMES, Cli, shown

CANARY = "qvzcanary3"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "json.md"


@pytest.fixture
def cli(db: Database) -> Cli:
    """The CLI on a database with Ana (the canary in her name, email and a tag), Bo, and the
    circle Tuesday with both in it and one session today, its notes naming Ana, where she
    checked in with the canary in her answer."""
    cli = Cli(db.path)
    cli.member(f"Ana {CANARY}", "--email", f"{CANARY}@example.org", "--tag", f"city={CANARY}")
    cli.member("Bo", "--handle", "bo")
    cli.circle("Tuesday")
    cli("circle", "add", "Tuesday", f"{CANARY}@example.org", "@bo")
    cli(
        "session", "record", "Tuesday", "--date", "2026-11-21", "--present", "#1",
        "--present", "@bo", "--notes", f"Ana {CANARY} brought tea",
    )  # fmt: skip
    cli("checkin", "add", "1", "#1", "--answer", f"wins=my {CANARY} secret", "--mood", "2")
    return cli


def canary_bytes(path: Path) -> int:
    """How often the canary occurs in the database file and its -wal file."""
    files = (path, Path(f"{path}-wal"))
    return sum(f.read_bytes().count(CANARY.encode()) for f in files if f.exists())


def test_export_prints_every_table_about_the_member_as_json(cli: Cli) -> None:
    result = cli("member", "export", "#1")

    data = json.loads(result.stdout)
    assert next(iter(data)) == "member"
    assert data["member"][0]["email"] == f"{CANARY}@example.org"
    assert [(t["key"], t["value"]) for t in data["member_tag"]] == [("city", CANARY)]
    assert [(c["attendance"], c["mood"]) for c in data["checkin"]] == [("present", 2)]
    assert CANARY in data["checkin"][0]["answers"]["wins"]
    assert [s["notes"] for s in data["circle_session"]] == [f"Ana {CANARY} brought tea"]
    assert {"recognition", "incident_person", "role_assignment", "nomination"} <= set(data)
    assert "read it before you share it" in result.stderr


def test_export_out_writes_the_same_document_privately(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "ana.json"
    printed = json.loads(cli("member", "export", "#1").stdout)

    result = cli("member", "export", "#1", "--out", str(target))

    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == printed
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert f"to {target}" in result.stderr


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (("member", "export", "@nobody"), "no member matches '@nobody'", 1),
        (("member", "forget", "@nobody", "--yes"), "no member matches '@nobody'", 1),
        (("member", "export", "#1", "--out", "/no/such/dir/x.json"), "cannot write", 1),
        (("member", "forget"), "MEMBER", 2),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else str(value),
)
def test_refusals_say_why(cli: Cli, args: tuple[str, ...], message: str, code: int) -> None:
    result = cli(*args, code=code)

    assert message in result.stderr
    assert result.stdout == ""


def test_forget_without_yes_says_what_would_go_and_changes_nothing(cli: Cli) -> None:
    before = cli("member", "export", "#1").stdout

    result = cli("member", "forget", "#1", code=1)

    assert f"forgetting Ana {CANARY} (#1) would" in result.stderr
    assert "member_tag: every tag deleted (1 row)" in result.stderr
    assert "checkin: answers and mood erased" in result.stderr
    assert "circle_session 1" in result.stderr
    assert "add --yes" in result.stderr
    assert "backups taken before keep the data" in result.stderr
    assert result.stdout == ""
    assert cli("member", "export", "#1").stdout == before


def test_forget_erases_everywhere_and_reports_json_without_personal_data(cli: Cli) -> None:
    result = cli("member", "forget", f"{CANARY}@example.org", "--yes", "--json")

    report = json.loads(result.stdout)
    assert set(report) == set(ForgetReport.model_fields)
    assert report["placeholder"] == "Forgotten member #1"
    assert report["deleted"] == {"member_tag": 1}
    assert report["mentions"] == {"circle_session": 1}
    assert report["checkpointed"] is True
    assert CANARY not in result.stdout
    shown_member = cli.json("member", "show", "#1")
    assert (shown_member["name"], shown_member["email"], shown_member["status"]) == (
        "Forgotten member #1",
        None,
        "left",
    )
    session = cli.json("session", "list", "--circle", "Tuesday", "--from", "2026-11-01")[0]
    assert session["notes"] == "[erased] brought tea"
    assert canary_bytes(cli.db_path) == 0  # type: ignore[arg-type]


def test_forget_says_backups_still_hold_the_data_and_where(cli: Cli, db: Database) -> None:
    folder = paths.backups_dir(db.path)
    backup_database(db.path, paths.private_mkdir(folder) / "before.db")

    result = cli("member", "forget", "#1", "--yes")

    assert "forgot member #1 (now 'Forgotten member #1')" in result.stderr
    # before.db and the automatic backup the fixture's first command took
    assert f"backups taken before still hold their data (2 backup(s) in {folder})" in " ".join(
        result.stderr.split()
    )
    assert result.stdout == ""
    assert (folder / "before.db").read_bytes().count(CANARY.encode()) > 0


def test_forgetting_twice_is_refused(cli: Cli) -> None:
    cli("member", "forget", "#1", "--yes")

    again = cli("member", "forget", "#1", "--yes", code=1)
    asked = cli("member", "forget", "#1", code=1)

    for result in (again, asked):
        assert "member #1 was already forgotten on 2026-11-21" in result.stderr


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_is_shown_as_typed_in_the_preview(cli: Cli, name: str) -> None:
    made = cli.member(name)

    result = cli("member", "forget", f"#{made['id']}", code=1)

    assert f"forgetting {shown(name)} (#{made['id']}) would" in result.stderr


def test_the_forget_json_keys_are_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")

    missing = [key for key in ForgetReport.model_fields if f'"{key}"' not in text]

    assert missing == []

"""Badges through the services: the starter set, the facilitator's own, files and removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from circlekeeper.db import Database
from circlekeeper.models import BadgeRule, MemberCreate, RecognitionKind
from circlekeeper.models.badge_file import read_badge_file
from circlekeeper.paths import bundled_dir
from circlekeeper.services import badges, members, recognition
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "badges.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_database_has_the_starter_badges_sorted_by_name(db: Database) -> None:
    found = badges.list_badges(db)
    shipped = read_badge_file(bundled_dir("sample_data") / "badges.toml")

    assert {b.name for b in found} == {spec.name for spec in shipped}
    assert [b.name.casefold() for b in found] == sorted(b.name.casefold() for b in found)
    assert all(b.builtin for b in found)
    regular = next(b for b in found if b.name == "Regular")
    assert (regular.rule_kind, regular.rule_count, regular.rule) == (
        BadgeRule.ATTENDED,
        10,
        "attended 10 sessions",
    )


def test_add_a_badge_with_a_rule_in_words(db: Database) -> None:
    added = badges.add_badge(
        db, name="  Night owl ", description="Late\nsessions", rule="Facilitated 3  Sessions"
    )

    assert (added.name, added.description, added.builtin) == ("Night owl", "Late\nsessions", False)
    assert (added.rule_kind, added.rule_count, added.rule) == (
        BadgeRule.FACILITATED,
        3,
        "facilitated 3 sessions",
    )
    assert added in badges.list_badges(db)


def test_a_name_taken_regardless_of_case_is_refused(db: Database) -> None:
    with pytest.raises(Conflict, match="already a badge named 'Spark'"):
        badges.add_badge(db, name="SPARK")


@pytest.mark.parametrize(
    ("name", "rule", "message"),
    [
        ("", None, "needs a name"),
        ("x" * 61, None, "at most 60"),
        ("Ok", "hugged 3 trees", "not one circlekeeper can check"),
        ("Ok", "attended 0 sessions", "the number must be 1"),
    ],
)
def test_a_bad_badge_is_refused_with_the_reason(
    db: Database, name: str, rule: str | None, message: str
) -> None:
    before = len(badges.list_badges(db))

    with pytest.raises(InvalidInput, match=message):
        badges.add_badge(db, name=name, rule=rule)

    assert len(badges.list_badges(db)) == before


def test_hostile_text_is_cleaned_on_the_way_in(db: Database) -> None:
    added = badges.add_badge(db, name="\x1b[31m[b]Red[/]", description="a\x07b")

    assert (added.name, added.description) == ("[b]Red[/]", "ab")


def test_import_adds_new_badges_and_skips_names_already_present(
    db: Database, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        '[[badge]]\nname = "Night owl"\nrule = "facilitated 3 sessions"\n\n'
        '[[badge]]\nname = "spark"\ndescription = "changed"\n\n'
        '[[badge]]\nname = "Helper"\ndescription = "Helps."\n',
    )

    result = badges.import_badges(db, path)

    assert [b.name for b in result.added] == ["Night owl", "Helper"]
    assert [(b.name, b.builtin) for b in result.skipped] == [("Spark", True)]
    spark = next(b for b in badges.list_badges(db) if b.name == "Spark")
    assert spark.description == "Started a conversation that mattered."
    again = badges.import_badges(db, path)
    assert again.added == []
    assert len(again.skipped) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[badge]]\nname = "Fine"\n\n[[badge]]\nname = "Bad"\nrule = "won 3 games"\n', "badge 2"),
        ('[[badge]]\nname = "Twin"\n\n[[badge]]\nname = "TWIN"\n', "there twice"),
        ("[[badge]\n", "not valid TOML"),
        ('title = "no badges"\n', "has no badges"),
    ],
)
def test_a_broken_file_imports_nothing(
    db: Database, tmp_path: Path, text: str, message: str
) -> None:
    before = badges.list_badges(db)

    with pytest.raises(InvalidInput, match=message):
        badges.import_badges(db, _write(tmp_path, text))

    assert badges.list_badges(db) == before


def test_a_missing_file_is_named(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        badges.import_badges(db, tmp_path / "nope.toml")


def test_find_a_badge_by_name_or_id(db: Database) -> None:
    own = badges.add_badge(db, name="7")
    spark = next(b for b in badges.list_badges(db) if b.name == "Spark")

    with db.read() as session:
        assert badges.find_badge(session, "  spark ").id == spark.id
        assert badges.find_badge(session, f"#{spark.id}").id == spark.id
        assert badges.find_badge(session, spark.id).id == spark.id
        assert badges.find_badge(session, "7").id == own.id
        assert badges.find_badge(session, "#7").id == 7
        with pytest.raises(NotFound, match="'badge list' shows them"):
            badges.find_badge(session, "Nope")


def test_remove_an_own_badge_keeps_the_name_in_the_log(db: Database) -> None:
    members.add_member(db, data=MemberCreate(name="Ana", handle="ana"))
    own = badges.add_badge(db, name="Night owl")
    recognition.recognize(
        db, member_ref="ana", kind=RecognitionKind.BADGE, badge="Night owl", message="Thanks"
    )

    removed = badges.remove_badge(db, ref="night owl")

    assert removed.id == own.id
    assert "Night owl" not in {b.name for b in badges.list_badges(db)}
    [entry] = recognition.list_recognitions(db).items
    assert entry.badge == "Night owl"


def test_a_builtin_badge_cannot_be_removed(db: Database) -> None:
    with pytest.raises(Conflict, match="built-in"):
        badges.remove_badge(db, ref="Spark")

    assert "Spark" in {b.name for b in badges.list_badges(db)}

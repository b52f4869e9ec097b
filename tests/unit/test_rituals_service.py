"""Rituals through the service: built-in packs, your own packs, edits, and pack files."""

from __future__ import annotations

from pathlib import Path

import pytest

from circlekeeper.db import Database
from circlekeeper.models import RitualCreate, RitualUpdate
from circlekeeper.models.enums import RitualMode
from circlekeeper.paths import bundled_dir
from circlekeeper.services import rituals
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound, StaleEdit
from circlekeeper.services.validation import parse

BUILTIN = {
    "Peer-support round",
    "Rose · Bud · Thorn",
    "Seasonal review",
    "Weekly written check-in",
    "Wins · Challenges · Reflection",
}


def _mine(db: Database, name: str = "Highs and lows", **fields: object) -> int:
    data = parse(RitualCreate, name=name, prompts=["A high?", "A low?"], **fields)
    return rituals.add_ritual(db, data=data).id


def test_the_built_in_packs_are_installed(db: Database) -> None:
    found = rituals.list_rituals(db)

    assert {r.name for r in found} == BUILTIN
    assert all(r.builtin and r.version == 1 and r.prompts for r in found)
    assert {r.mode for r in found if r.name == "Weekly written check-in"} == {RitualMode.ASYNC}


def test_every_bundled_pack_file_reads_cleanly() -> None:
    files = sorted((bundled_dir("sample_data") / "rituals").glob("*.toml"))

    names = {rituals.read_ritual_file(path).name for path in files}

    assert names == BUILTIN


def test_own_packs_come_after_the_built_in_ones_by_name(db: Database) -> None:
    _mine(db, "zebra round")
    _mine(db, "Aardvark check")

    names = [r.name for r in rituals.list_rituals(db)]

    assert names[-2:] == ["Aardvark check", "zebra round"]


@pytest.mark.parametrize("ref", ["6", "#6", "highs AND lows", "  Highs and lows "])
def test_a_ritual_is_found_by_id_or_name(db: Database, ref: str) -> None:
    assert _mine(db) == 6

    assert rituals.get_ritual(db, ref=ref).name == "Highs and lows"


def test_an_unknown_ritual_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="no ritual matches 'Nope' — 'ritual list' shows them"):
        rituals.get_ritual(db, ref="Nope")


def test_add_cleans_text_and_keeps_the_order_of_prompts(db: Database) -> None:
    ritual = rituals.add_ritual(
        db,
        data=parse(
            RitualCreate,
            name=" [b]Deep\x1b[31m[/] ",
            prompts=["  Second first? ", "", "Then this\none"],
            opening="Breathe.\nTogether.",
            timebox_minutes=7,
            mode="async",
        ),
    )

    assert ritual.name == "[b]Deep[/]"
    assert ritual.prompts == ["Second first?", "Then this one"]
    assert ritual.opening == "Breathe.\nTogether."
    assert (ritual.timebox_minutes, ritual.mode, ritual.builtin) == (7, RitualMode.ASYNC, False)


def test_names_are_unique_regardless_of_case(db: Database) -> None:
    _mine(db)

    with pytest.raises(Conflict, match="a ritual named 'HIGHS and lows' already exists"):
        _mine(db, "HIGHS and lows")
    with pytest.raises(Conflict, match="already exists"):
        _mine(db, "rose · bud · thorn")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompts": []}, "at least one prompt"),
        ({"prompts": ["Same?", "same?"]}, "two prompts are the same"),
        ({"prompts": [f"Q{n}?" for n in range(13)]}, "at most 12 prompts"),
        ({"prompts": ["x" * 201]}, "at most 200 characters"),
        ({"timebox_minutes": 0}, "timebox_minutes"),
        ({"timebox_minutes": 61}, "timebox_minutes"),
        ({"mode": "sometimes"}, "mode"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_packs_are_refused(fields: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"name": "Pack", "prompts": ["One?"], **fields}

    with pytest.raises(InvalidInput, match=message):
        parse(RitualCreate, **values)


def test_edit_changes_only_what_is_given_and_counts_versions(db: Database) -> None:
    ritual_id = _mine(db, description="Two questions")

    edited = rituals.edit_ritual(
        db,
        ref=ritual_id,
        changes=RitualUpdate(prompts=["Best moment?"], mode="async"),
        expected_version=1,
    )

    assert edited.prompts == ["Best moment?"]
    assert edited.mode == RitualMode.ASYNC
    assert edited.description == "Two questions"
    assert edited.version == 2
    with pytest.raises(StaleEdit, match="changed elsewhere"):
        rituals.edit_ritual(
            db, ref=ritual_id, changes=RitualUpdate(timebox_minutes=5), expected_version=1
        )


def test_renaming_onto_another_ritual_is_refused(db: Database) -> None:
    _mine(db)

    with pytest.raises(Conflict, match="already exists"):
        rituals.edit_ritual(db, ref="Highs and lows", changes=RitualUpdate(name="Seasonal REVIEW"))
    renamed = rituals.edit_ritual(
        db, ref="Highs and lows", changes=RitualUpdate(name="HIGHS and lows")
    )

    assert renamed.name == "HIGHS and lows"


def test_a_pack_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(
        'name = "Garden"\nprompts = ["What grew?", "What wilted?"]\n'
        'timebox_minutes = 2\nmode = "async"\n',
        encoding="utf-8",
    )

    pack = rituals.read_ritual_file(path)

    assert (pack.name, pack.prompts, pack.timebox_minutes) == (
        "Garden",
        ["What grew?", "What wilted?"],
        2,
    )
    assert pack.mode == RitualMode.ASYNC


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('name = "Garden"\nprompts = ["x"]\nbuiltin = true\n', "unknown keys builtin"),
        ('name = "Garden"\nprompts = [', "is not valid TOML"),
        ('name = "Garden"\n', "prompts: required"),
        (b"\xff\xfe", "is not valid TOML"),
    ],
    ids=["unknown key", "broken", "no prompts", "not utf-8"],
)
def test_a_bad_pack_file_is_refused(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "pack.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(InvalidInput, match=message):
        rituals.read_ritual_file(path)


def test_a_missing_pack_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"cannot read .*missing\.toml"):
        rituals.read_ritual_file(tmp_path / "missing.toml")

"""Migrations: schema equals the models, versions agree, older files are backed up first."""

from __future__ import annotations

import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, Index, inspect
from sqlmodel import SQLModel
from tests.migration_helpers import add_revision_after_head, step_back

from circlekeeper import paths
from circlekeeper.db import Database, migrate, open_database
from circlekeeper.db.connection import connect
from circlekeeper.db.migrate import _alembic_config, head_revision
from circlekeeper.db.schema import APPLICATION_ID, SCHEMA_VERSION
from circlekeeper.models import CircleCreate, MemberCreate, register_tables
from circlekeeper.services import circles, members
from circlekeeper.text import identity_key, sort_key


@pytest.fixture(scope="module", autouse=True)
def _all_tables() -> None:
    """Load every table module so the metadata is complete."""
    register_tables()


def squash(sql: str) -> str:
    """SQL text without the whitespace differences that reflection introduces."""
    return re.sub(r"\s+", " ", sql).strip()


def schema_differences(db: Database) -> list[Any]:
    """What Alembic's autogenerate would change to make the file match the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, SQLModel.metadata))


def test_migrated_schema_matches_the_models(db: Database) -> None:
    assert schema_differences(db) == []


def metadata_checks(table_name: str) -> set[tuple[str, str]]:
    """The models' CHECK constraints of `table_name` as (final name, SQL text)."""
    table = SQLModel.metadata.tables[table_name]
    found = set()
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint):
            name = str(constraint.name)
            prefix = f"ck_{table_name}_"
            found.add(
                (
                    name if name.startswith(prefix) else prefix + name,
                    squash(str(constraint.sqltext)),
                )
            )
    return found


def test_migrated_check_constraints_match_the_models(db: Database) -> None:
    # compare_metadata does not look at CHECK constraints, so compare them by name and text.
    with db.engine.connect() as conn:
        inspector = inspect(conn)
        for table_name in SQLModel.metadata.tables:
            stored = {
                (check["name"], squash(check["sqltext"]))
                for check in inspector.get_check_constraints(table_name)
            }
            assert stored == metadata_checks(table_name), table_name


def test_partial_unique_index_keeps_its_condition(db: Database) -> None:
    with db.engine.connect() as conn:
        indexes = {ix["name"]: ix for ix in inspect(conn).get_indexes("membership")}
    stored = indexes["uq_membership_current"]
    model: Index = next(
        ix
        for ix in SQLModel.metadata.tables["membership"].indexes
        if ix.name == "uq_membership_current"
    )
    assert stored["unique"]
    assert squash(str(stored["dialect_options"]["sqlite_where"])) == squash(
        str(model.dialect_options["sqlite"]["where"])
    )


def test_head_revision_sets_the_schema_version_and_application_id(db: Database) -> None:
    with db.raw() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == head_revision()


def test_every_revision_sets_its_own_schema_version() -> None:
    script = ScriptDirectory.from_config(_alembic_config())
    revisions = list(script.walk_revisions())
    assert len(script.get_heads()) == 1
    versions = []
    for revision in reversed(revisions):
        source = Path(str(revision.path)).read_text(encoding="utf-8")
        match = re.search(r"^SCHEMA_VERSION = (\d+)$", source, re.MULTILINE)
        assert match, f"{revision.revision} does not declare SCHEMA_VERSION"
        assert "PRAGMA user_version = {SCHEMA_VERSION}" in source
        versions.append(int(match.group(1)))
    assert versions == list(range(1, len(versions) + 1))
    assert versions[-1] == SCHEMA_VERSION


def read_file(path: Path, sql: str) -> Any:
    """Run one query on `path` through a read-only plain connection."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_an_older_database_is_backed_up_before_it_is_migrated(db: Database) -> None:
    path = db.path
    db.close()
    step_back(path)
    with sqlite3.connect(path) as conn:  # something of the facilitator's that must survive
        conn.execute("CREATE TABLE keepsake (note TEXT)")
        conn.execute("INSERT INTO keepsake VALUES ('first circle, spring 2026')")
    conn.close()
    old_version = read_file(path, "PRAGMA user_version")[0][0]
    assert old_version < SCHEMA_VERSION
    backups = paths.backups_dir(path)
    assert not backups.exists()

    migrated = open_database(path)
    try:
        differences = schema_differences(migrated)
        assert [(d[0], d[1].name) for d in differences] == [("remove_table", "keepsake")]
    finally:
        migrated.close()

    (backup,) = backups.iterdir()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert f"schema{old_version}" in backup.name
    assert read_file(backup, "PRAGMA integrity_check") == [("ok",)]
    assert read_file(backup, "PRAGMA user_version") == [(old_version,)]
    assert read_file(backup, "SELECT note FROM keepsake") == [("first circle, spring 2026",)]
    assert read_file(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert read_file(path, "SELECT note FROM keepsake") == [("first circle, spring 2026",)]
    assert read_file(path, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


def test_an_upgrade_is_announced_before_it_starts_and_only_then(db: Database) -> None:
    path = db.path
    db.close()
    step_back(path)
    old_version = read_file(path, "PRAGMA user_version")[0][0]
    heard: list[tuple[str, int]] = []

    def told(message: str) -> None:
        heard.append((message, read_file(path, "PRAGMA user_version")[0][0]))

    open_database(path, on_upgrade=told).close()
    open_database(path, on_upgrade=told).close()
    assert heard == [
        (
            f"upgrading {path.name} from schema {old_version} to {SCHEMA_VERSION} (a backup is "
            "taken first; a large database can take a minute)…",
            old_version,
        )
    ]


def test_the_tui_hears_of_an_upgrade_before_it_starts(db: Database) -> None:
    from circlekeeper.services.workspace import open_for_tui

    path = db.path
    db.close()
    step_back(path)
    old_version = read_file(path, "PRAGMA user_version")[0][0]
    heard: list[int] = []

    opened = open_for_tui(
        path, inform=lambda _: heard.append(read_file(path, "PRAGMA user_version")[0][0])
    )
    opened.db.close()

    assert heard == [old_version]
    assert read_file(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_a_current_database_is_opened_without_a_backup(db: Database) -> None:
    path = db.path
    db.close()
    open_database(path).close()
    assert not paths.backups_dir(path).exists()


REBUILD_REVISION = """
revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None

from alembic import op


def upgrade() -> None:
    for table in ("member", "circle"):
        with op.batch_alter_table(table, recreate="always"):
            pass


def downgrade() -> None:
    pass
"""


def test_a_migration_that_rebuilds_referenced_tables_keeps_tags_and_stays(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite batch mode rebuilds a table by dropping the old one: with foreign keys on, that is
    # refused (membership RESTRICT) or silently empties member_tag (CASCADE).
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@x.org", tags={"lang": "pt"}))
    circles.create_circle(db, data=CircleCreate(name="One"))
    circles.add_member_to_circle(db, circle_ref="One", member_ref="ana@x.org")
    db.close()
    add_revision_after_head(
        tmp_path / "extra_versions", monkeypatch, "9999_rebuild.py", REBUILD_REVISION
    )

    migrate.upgrade_to_head(db.path)

    assert read_file(db.path, "SELECT version_num FROM alembic_version") == [("9999",)]
    assert read_file(db.path, "SELECT key, value FROM member_tag") == [("lang", "pt")]
    assert read_file(db.path, "SELECT count(*) FROM membership") == [(1,)]
    assert read_file(db.path, "PRAGMA foreign_key_check") == []
    with connect(db.path) as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # back on for users


SCHEMA_2_ROSTER = [
    ("Zoë Weiß", "zoe@x.org", {"city": "Straße"}),
    ("Ámbar Ruiz", "ambar@x.org", {"city": "Sevilla", "lang": "ES"}),
    ("[b]Bo[/b]", "bo@x.org", {}),
    ("Ahmed Khan", "ahmed@x.org", {"city": "ÜRÜMQI"}),
]


def test_a_schema_2_database_is_backed_up_then_sorted_and_searched_by_the_new_keys(
    db: Database,
) -> None:
    for name, email, tags in SCHEMA_2_ROSTER:
        members.add_member(db, data=MemberCreate(name=name, email=email, tags=tags))
    path = db.path
    db.close()
    step_back(path, "0002")
    assert read_file(path, "PRAGMA user_version") == [(2,)]
    # As schema 2 wrote them: casefolded names, so 'ámbar' sorted after 'zoë'; no value_key.
    assert read_file(path, "SELECT name_key FROM member ORDER BY name_key") == [
        ("[b]bo[/b]",),
        ("ahmed khan",),
        ("zoë weiss",),
        ("ámbar ruiz",),
    ]
    assert "value_key" not in {row[1] for row in read_file(path, "PRAGMA table_info(member_tag)")}

    migrated = open_database(path)
    try:
        listed = [row.name for row in members.list_members(migrated).items]
        assert listed == ["Ahmed Khan", "Ámbar Ruiz", "[b]Bo[/b]", "Zoë Weiß"]
        found = members.list_members(migrated, search="CITY=STRASSE")
        assert [row.name for row in found.items] == ["Zoë Weiß"]
        found = members.list_members(migrated, search="city=ürümqi")
        assert [row.name for row in found.items] == ["Ahmed Khan"]
        assert schema_differences(migrated) == []
    finally:
        migrated.close()

    (backup,) = paths.backups_dir(path).iterdir()
    assert "schema2" in backup.name
    assert read_file(backup, "PRAGMA user_version") == [(2,)]
    assert read_file(backup, "SELECT count(*) FROM member") == [(len(SCHEMA_2_ROSTER),)]
    for name, name_key in read_file(path, "SELECT name, name_key FROM member"):
        assert name_key == sort_key(name)
    for value, value_key in read_file(path, "SELECT value, value_key FROM member_tag"):
        assert value_key == identity_key(value)
    tag_count = sum(len(tags) for _, _, tags in SCHEMA_2_ROSTER)
    assert read_file(path, "SELECT count(*) FROM member_tag") == [(tag_count,)]

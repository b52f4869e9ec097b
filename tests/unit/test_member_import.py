"""Roster import service: validation, duplicates, updates, dry runs and all-or-nothing writes."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import MemberCreate
from circlekeeper.paths import bundled_dir
from circlekeeper.services import member_import
from circlekeeper.services.errors import Conflict, InvalidInput
from circlekeeper.services.member_import import ImportProblem, import_members, read_roster
from circlekeeper.services.members import add_member, get_member, list_members
from circlekeeper.text import identity_key, sort_key

HEADER = "name,email,handle,timezone,joined_on,tags\n"
FROZEN_NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
"""The instant tests/conftest.py freezes the clock at."""


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write CSV text (or bytes) to a file and return its path."""

    def write(content: str | bytes, name: str = "roster.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


def member_count(db: Database) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute("SELECT count(*) FROM member").fetchone()[0])
    finally:
        conn.close()


def dump(db: Database) -> list[str]:
    conn = sqlite3.connect(db.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def reasons(report: member_import.ImportReport) -> dict[int, str]:
    return {problem.line: problem.reason for problem in report.problems}


def add(db: Database, name: str, **values: Any) -> int:
    return add_member(db, data=MemberCreate(name=name, **values)).id


class TestNewMembers:
    def test_rows_become_members_the_orm_can_read(self, db: Database, write_csv) -> None:
        path = write_csv(
            HEADER
            + "Ann Lee,ann@x.org,@ann,Europe/Berlin,2024-03-05,team=north;city=Oslo\n"
            + "Bob,,bob,,,\n"
        )
        report = import_members(db, source=path)
        assert (report.imported, report.updated, report.skipped) == (2, 0, 0)
        ann = get_member(db, ref="ann@x.org")
        assert ann.name == "Ann Lee"
        assert ann.handle == "@ann"
        assert ann.timezone == "Europe/Berlin"
        assert ann.joined_on == dt.date(2024, 3, 5)
        assert ann.tags == {"team": "north", "city": "Oslo"}
        assert ann.version == 1
        assert ann.status == "active"
        assert ann.created_at == FROZEN_NOW
        assert ann.updated_at == FROZEN_NOW
        assert not ann.consent_named
        assert not ann.consent_recognised

    def test_empty_timezone_is_utc_and_empty_joined_on_is_today(self, db, write_csv) -> None:
        import_members(db, source=write_csv(HEADER + "Bob,,bob,,,\n"))
        bob = get_member(db, ref="@bob")
        assert bob.timezone == "UTC"
        assert bob.joined_on == clock.today() == FROZEN_NOW.date()
        assert bob.tags == {}

    def test_imported_members_are_found_by_search_and_handle(self, db, write_csv) -> None:
        import_members(db, source=write_csv(HEADER + "Zoë Ådne,ZOE@X.org,@Zoe,,,\n"))
        assert get_member(db, ref="zoe").name == "Zoë Ådne"
        assert get_member(db, ref="zoe@x.org").name == "Zoë Ådne"
        assert [row.name for row in list_members(db, search="zoë").items] == ["Zoë Ådne"]

    def test_ids_follow_existing_members_and_later_adds_still_work(self, db, write_csv) -> None:
        first = add(db, "First", email="first@x.org")
        import_members(db, source=write_csv(HEADER + "Ann,ann@x.org,,,,\n"))
        later = add(db, "Later", email="later@x.org")
        assert get_member(db, ref="ann@x.org").id == first + 1
        assert later == first + 2

    def test_only_name_and_handle_columns(self, db, write_csv) -> None:
        report = import_members(db, source=write_csv("Handle,NAME\n@kai,Kai\n"))
        assert report.imported == 1
        assert report.columns == ["name", "handle"]
        assert get_member(db, ref="kai").name == "Kai"

    def test_the_bundled_sample_roster_imports_cleanly(self, db: Database) -> None:
        report = import_members(db, source=bundled_dir("sample_data") / "members.csv")
        assert report.skipped == 0
        assert report.imported == report.total_rows == member_count(db)


class TestFileChecks:
    def test_bom_and_case_insensitive_trimmed_headers(self, db, write_csv) -> None:
        path = write_csv(b"\xef\xbb\xbf NAME , EMail , Handle\r\nAnn,ann@x.org,\r\n")
        report = import_members(db, source=path)
        assert report.imported == 1, report.problems
        assert get_member(db, ref="ann@x.org").name == "Ann"

    def test_e_mail_spelling_is_not_guessed(self, db, write_csv) -> None:
        path = write_csv("name,e-mail,handle\nAnn,ann@x.org,@ann\n")
        report = import_members(db, source=path)
        assert report.unknown_columns == ["e-mail"]
        assert get_member(db, ref="ann").email is None

    def test_unknown_columns_are_reported_and_ignored(self, db, write_csv) -> None:
        report = import_members(db, source=write_csv("name,email,phone\nAnn,ann@x.org,555\n"))
        assert report.unknown_columns == ["phone"]
        assert report.imported == 1

    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ("full_name,email\n", "found: 'full_name', 'email'"),
            ("name,phone\n", "an email or a handle column"),
        ],
    )
    def test_unusable_header_is_refused_naming_the_columns(
        self, db, write_csv, header: str, expected: str
    ) -> None:
        with pytest.raises(InvalidInput, match=expected):
            import_members(db, source=write_csv(header + "Ann,x\n"))
        assert member_count(db) == 0

    def test_not_utf8_is_refused_with_a_line_number(self, db, write_csv) -> None:
        path = write_csv("name,email\nAnn,ann@x.org\nZoë,zoe@x.org\n".encode("cp1252"))
        with pytest.raises(InvalidInput, match=r"line 3: the file is not UTF-8"):
            import_members(db, source=path)

    def test_missing_file(self, db, tmp_path: Path) -> None:
        with pytest.raises(InvalidInput, match="no file at"):
            import_members(db, source=tmp_path / "nope.csv")

    def test_folder_instead_of_file(self, db, tmp_path: Path) -> None:
        with pytest.raises(InvalidInput, match="is a folder"):
            read_roster(tmp_path)

    def test_header_only_imports_nothing(self, db, write_csv) -> None:
        report = import_members(db, source=write_csv(HEADER))
        assert report.total_rows == 0
        assert report.problems == []


class TestBadRows:
    def test_each_bad_row_is_reported_with_its_spreadsheet_line(self, db, write_csv) -> None:
        path = write_csv(
            HEADER
            + "Good,good@x.org,,,,\n"  # 2
            + "Feb,feb@x.org,,,2026-02-30,\n"  # 3
            + "Mars,mars@x.org,,Mars/Olympus,,\n"  # 4
            + "Nobody,,,,,\n"  # 5
            + "\n"  # 6: blank, still counted
            + "Mail,not-an-email,,,,\n"  # 7
            + 'Tags,tags@x.org,,,,"team"\n'  # 8
            + ",noname@x.org,,,,\n"  # 9
            + "Date,date@x.org,,,05/03/2024,\n"  # 10
        )
        report = import_members(db, source=path)
        found = reasons(report)
        assert set(found) == {3, 4, 5, 7, 8, 9, 10}
        assert found[3] == "joined_on: '2026-02-30' is not a real date"
        assert found[4].startswith("timezone: 'Mars/Olympus' is not an IANA timezone")
        assert found[5] == "give an email or a handle (or both), so the member can be found again"
        assert found[7] == "email: must look like name@example.org"
        assert found[8] == "tags: tag 'team' must be written key=value"
        assert found[9].startswith("name: ")
        assert "YYYY-MM-DD" in found[10]
        assert (report.imported, report.skipped, report.total_rows) == (1, 7, 8)

    def test_every_problem_of_a_row_is_named_at_once(self, db, write_csv) -> None:
        report = import_members(db, source=write_csv(HEADER + "X,bad,,Nowhere,2026-13-01,k\n"))
        reason = reasons(report)[2]
        for field in ("tags:", "email:", "timezone:", "joined_on:"):
            assert field in reason

    def test_multi_line_cells_keep_spreadsheet_numbering(self, db, write_csv) -> None:
        path = write_csv(HEADER + '"Ann\nLee",ann@x.org,,,,\nBad,bad,,,,\n')
        report = import_members(db, source=path)
        assert reasons(report) == {3: "email: must look like name@example.org"}
        assert get_member(db, ref="ann@x.org").name == "Ann Lee"

    def test_a_row_with_extra_values_is_skipped(self, db, write_csv) -> None:
        report = import_members(db, source=write_csv("name,email\nAnn,ann@x.org,oops\n"))
        assert "has 3 values but the header has 2 columns" in reasons(report)[2]
        assert member_count(db) == 0

    def test_counts_add_up(self, db, write_csv) -> None:
        add(db, "Old", email="old@x.org")
        add(db, "Same", email="same@x.org")
        path = write_csv(
            HEADER + "New,new@x.org,,,,\nOld2,old@x.org,,,,\nSame,same@x.org,,,,\nBad,bad,,,,\n"
        )
        report = import_members(db, source=path)
        assert (report.imported, report.updated, report.unchanged, report.skipped) == (1, 1, 1, 1)
        total = report.imported + report.updated + report.unchanged + report.skipped
        assert total == report.total_rows == 4


class TestDuplicatesInTheFile:
    def test_same_email_in_another_case_is_a_duplicate(self, db, write_csv) -> None:
        path = write_csv(HEADER + "Ann,ann@x.org,,,,\nBob,bob@x.org,,,,\nAnn B,ANN@X.ORG,,,,\n")
        report = import_members(db, source=path)
        assert reasons(report) == {4: "duplicate of line 2"}
        assert report.imported == 2

    def test_same_handle_with_or_without_at_is_a_duplicate(self, db, write_csv) -> None:
        path = write_csv(HEADER + "Ann,,@Ann,,,\nAnn,,ann,,,\n")
        assert reasons(import_members(db, source=path)) == {3: "duplicate of line 2"}

    def test_decomposed_unicode_is_the_same_key(self, db, write_csv) -> None:
        path = write_csv(HEADER + "Zoe,,zo\u00eb,,,\nZoe,,zoe\u0308,,,\n")
        assert reasons(import_members(db, source=path)) == {3: "duplicate of line 2"}

    def test_an_invalid_first_row_does_not_shadow_a_later_good_one(self, db, write_csv) -> None:
        path = write_csv(HEADER + "Ann,ann@x.org,,Nowhere,,\nAnn,ann@x.org,,UTC,,\n")
        report = import_members(db, source=path)
        assert list(reasons(report)) == [2]
        assert report.imported == 1


class TestExistingMembers:
    def test_a_matching_row_updates_the_member(self, db, write_csv) -> None:
        member_id = add(
            db,
            "Ann",
            email="ann@x.org",
            timezone="Europe/Oslo",
            joined_on=dt.date(2020, 1, 1),
            tags={"team": "north", "lang": "no"},
        )
        later = FROZEN_NOW + dt.timedelta(hours=1)
        clock.freeze(later)
        path = write_csv(HEADER + "Ann Lee,ANN@x.org,,Asia/Tokyo,2021-02-03,team=south;city=Oslo\n")
        report = import_members(db, source=path)
        assert (report.imported, report.updated) == (0, 1)
        ann = get_member(db, ref=member_id)
        assert ann.name == "Ann Lee"
        assert ann.timezone == "Asia/Tokyo"
        assert ann.joined_on == dt.date(2021, 2, 3)
        assert ann.tags == {"team": "south", "lang": "no", "city": "Oslo"}
        assert ann.version == 2
        assert ann.updated_at == later
        assert ann.created_at == FROZEN_NOW
        assert [row.name for row in list_members(db, search="ann lee").items] == ["Ann Lee"]

    def test_empty_timezone_and_joined_on_leave_the_stored_values(self, db, write_csv) -> None:
        member_id = add(
            db, "Ann", handle="@ann", timezone="Europe/Oslo", joined_on=dt.date(2020, 1, 1)
        )
        import_members(db, source=write_csv(HEADER + "Ann B,,ann,,,\n"))
        ann = get_member(db, ref=member_id)
        assert (ann.name, ann.timezone, ann.joined_on) == (
            "Ann B",
            "Europe/Oslo",
            dt.date(2020, 1, 1),
        )

    def test_a_missing_contact_is_filled_in_but_never_replaced(self, db, write_csv) -> None:
        ann = add(db, "Ann", email="ann@x.org")
        bob = add(db, "Bob", email="bob@x.org", handle="@bob")
        path = write_csv(HEADER + "Ann,ann@x.org,@ann,,,\nBob,,@bob,,,\n")
        import_members(db, source=path)
        assert get_member(db, ref=ann).handle == "@ann"
        assert get_member(db, ref="ann").id == ann
        assert get_member(db, ref=bob).email == "bob@x.org"

    def test_importing_the_same_file_again_changes_nothing(self, db, write_csv) -> None:
        path = write_csv(HEADER + "Ann,ann@x.org,@ann,UTC,2024-01-01,team=a\nBob,,bob,,,\n")
        import_members(db, source=path)
        before = dump(db)
        report = import_members(db, source=path)
        assert (report.imported, report.updated, report.unchanged) == (0, 0, 2)
        assert dump(db) == before
        assert get_member(db, ref="ann").version == 1

    def test_email_of_one_member_and_handle_of_another_is_skipped(self, db, write_csv) -> None:
        ann = add(db, "Ann", email="ann@x.org")
        bob = add(db, "[b]Bob[/]", handle="@bob")
        report = import_members(db, source=write_csv(HEADER + "Ann,ann@x.org,@bob,,,\n"))
        reason = reasons(report)[2]
        assert f"member #{ann} (Ann)" in reason
        assert f"member #{bob} ([b]Bob[/])" in reason
        assert report.updated == 0
        assert get_member(db, ref=ann).version == 1

    def test_two_rows_reaching_one_member_by_email_and_by_handle(self, db, write_csv) -> None:
        add(db, "Ann", email="ann@x.org", handle="@ann")
        path = write_csv(HEADER + "Ann,ann@x.org,,,,\nAnnie,,ann,,,\n")
        report = import_members(db, source=path)
        assert reasons(report) == {3: "duplicate of line 2"}
        assert get_member(db, ref="ann").name == "Ann"

    def test_merged_tags_over_the_limit_skip_the_row(self, db, write_csv) -> None:
        add(db, "Ann", email="ann@x.org", tags={f"k{i}": "v" for i in range(29)})
        path = write_csv(HEADER + 'Ann,ann@x.org,,,,"x=1;y=2"\n')
        report = import_members(db, source=path)
        assert reasons(report) == {2: "tags: the member would have 31 tags; at most 30"}


class TestKeys:
    """The bulk path writes the same derived keys as `member add` and `member edit`."""

    def stored(self, db: Database, sql: str) -> list[tuple[str, str]]:
        conn = sqlite3.connect(db.path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def test_names_are_keyed_for_sorting_and_tags_for_search(self, db, write_csv) -> None:
        add(db, "Old", email="old@x.org", tags={"city": "Oslo"})
        path = write_csv(
            HEADER
            + "Zoë Weiß,zoe@x.org,,,,city=Straße\n"
            + "Ámbar Ruiz,ambar@x.org,,,,city=Sevilla\n"
            + "[b]Öld[/b] Nëw,old@x.org,,,,city=ÜRÜMQI;lang=ES\n"
        )
        report = import_members(db, source=path)
        assert (report.imported, report.updated) == (2, 1)
        for name, name_key in self.stored(db, "SELECT name, name_key FROM member"):
            assert name_key == sort_key(name)
        for value, value_key in self.stored(db, "SELECT value, value_key FROM member_tag"):
            assert value_key == identity_key(value)
        everyone = [row.name for row in list_members(db).items]
        assert everyone == ["Ámbar Ruiz", "[b]Öld[/b] Nëw", "Zoë Weiß"]
        by_tag = list_members(db, search="CITY=STRASSE").items
        assert [row.name for row in by_tag] == ["Zoë Weiß"]
        by_updated_tag = list_members(db, search="city=ürümqi").items
        assert [row.name for row in by_updated_tag] == ["[b]Öld[/b] Nëw"]
        assert list_members(db, search="city=oslo").total == 0


class TestDryRun:
    def test_dry_run_reports_the_same_and_changes_no_byte(self, db, write_csv) -> None:
        add(db, "Ann", email="ann@x.org")
        path = write_csv(HEADER + "Ann Lee,ann@x.org,,,,\nBob,,bob,,,\nBad,bad,,,,\n")
        db.close()
        files = [db.path, Path(f"{db.path}-wal")]
        before_bytes = [file.read_bytes() if file.exists() else None for file in files]
        before_dump = dump(db)
        dry = import_members(db, source=path, dry_run=True)
        assert [file.read_bytes() if file.exists() else None for file in files] == before_bytes
        assert dump(db) == before_dump
        assert member_count(db) == 1
        real = import_members(db, source=path)
        assert dry.dry_run
        assert not real.dry_run
        assert dry.model_dump(exclude={"dry_run"}) == real.model_dump(exclude={"dry_run"})
        assert member_count(db) == 2


class TestAllOrNothing:
    def test_a_failing_insert_half_way_leaves_everything_as_it_was(self, db, write_csv) -> None:
        add(db, "Old", email="old@x.org")
        conn = sqlite3.connect(db.path)
        conn.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON member WHEN NEW.name = 'Boom' "
            "BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )
        conn.close()
        rows = [f"P{i},p{i}@x.org,,,,team=a\n" for i in range(100)]
        rows.insert(50, "Boom,boom@x.org,,,,\n")
        path = write_csv(HEADER + "Old New,old@x.org,,,,\n" + "".join(rows))
        before = dump(db)
        with pytest.raises(Conflict, match="nothing was imported"):
            import_members(db, source=path)
        assert dump(db) == before
        assert member_count(db) == 1

    def test_a_failure_after_the_member_rows_rolls_them_back(
        self, db, write_csv, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        add(db, "Old", email="old@x.org", tags={"a": "1"})
        monkeypatch.setattr(
            member_import, "_UPSERT_TAG", "INSERT INTO no_such_table VALUES (?, ?, ?)"
        )
        rows = "".join(f"P{i},p{i}@x.org,,,,team=a\n" for i in range(100))
        path = write_csv(HEADER + rows + "Old New,old@x.org,,,,a=2\n")
        before = dump(db)
        with pytest.raises(sqlite3.OperationalError):
            import_members(db, source=path)
        assert dump(db) == before
        assert get_member(db, ref="old@x.org").version == 1

    def test_a_killed_import_leaves_the_database_as_before(self, db, write_csv) -> None:
        add(db, "Old", email="old@x.org")
        before = dump(db)
        rows = "".join(f"P{i},p{i}@x.org,,,,team=a\n" for i in range(500))
        path = write_csv(HEADER + "Old New,old@x.org,,,,\n" + rows)
        script = textwrap.dedent(
            """
            import os, sys
            from pathlib import Path
            from circlekeeper.db import open_database
            from circlekeeper.services import member_import

            real_write = member_import._write

            def write_then_die(*args):
                real_write(*args)
                os._exit(9)  # killed after every row is written, before COMMIT

            member_import._write = write_then_die
            member_import.import_members(open_database(Path(sys.argv[1])), source=Path(sys.argv[2]))
            """
        )
        db.close()
        done = subprocess.run(
            [sys.executable, "-c", script, str(db.path), str(path)], check=False, timeout=120
        )
        assert done.returncode == 9
        assert dump(db) == before
        conn = sqlite3.connect(db.path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_hostile_names_are_imported_literally(db, write_csv) -> None:
    names = [
        "[b]bold[/]",
        "[@click=app.quit]Eve",
        '=HYPERLINK("http://x")',
        "@everyone",
        "Robert'); DROP TABLE member;--",
        "<script>alert(1)</script>",
    ]
    lines = "".join(
        f'"{name.replace(chr(34), chr(34) * 2)}",h{i}@x.org,,,,\n' for i, name in enumerate(names)
    )
    lines += '"Red\x1b[31m Alert\u202e",red@x.org,,,,\n'
    report = import_members(db, source=write_csv(HEADER + lines))
    assert report.imported == len(names) + 1
    for i, name in enumerate(names):
        assert get_member(db, ref=f"h{i}@x.org").name == name
    assert get_member(db, ref="red@x.org").name == "Red Alert"


def test_progress_reports_rows_done_out_of_total(db, write_csv) -> None:
    rows = "".join(f"P{i},p{i}@x.org,,,,\n" for i in range(2500))
    calls: list[tuple[int, int]] = []
    import_members(db, source=write_csv(HEADER + rows), progress=lambda *a: calls.append(a))
    assert calls[0] == (0, 2500)
    assert calls[-1] == (2500, 2500)
    assert (1000, 2500) in calls
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_five_thousand_generated_rows(db, write_csv) -> None:
    zones = ["Europe/Berlin", "America/Chicago", "Asia/Tokyo", "UTC", ""]
    rows = "".join(
        f"Person {i},p{i}@example.org,@p{i},{zones[i % 5]},2024-{i % 12 + 1:02d}-{i % 28 + 1:02d},"
        f'"team=t{i % 40};city=c{i % 7}"\n'
        for i in range(5000)
    )
    rows += "Person 0 again,P0@example.org,,,,\n"
    add(db, "Already here", email="p17@example.org")
    report = import_members(db, source=write_csv(HEADER + rows))
    assert (report.imported, report.updated, report.skipped) == (4999, 1, 1)
    assert report.problems == [ImportProblem(line=5002, reason="duplicate of line 2")]
    assert member_count(db) == 5000
    assert list_members(db, search="team=t3").total == 125
    assert get_member(db, ref="@p4999").timezone == "UTC"
    assert get_member(db, ref="p17@example.org").name == "Person 17"

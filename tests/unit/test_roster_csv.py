"""The pure roster rules: decoding, header mapping, line numbers, duplicates and matches."""

from __future__ import annotations

import codecs

import pytest

from circlekeeper.algorithms.roster_csv import (
    Action,
    Decision,
    Keys,
    RosterError,
    column_key,
    decode,
    merge_tags,
    parse_roster,
    plan_rows,
)


def roster(text: str) -> bytes:
    return text.encode("utf-8")


class TestDecode:
    def test_utf8_with_bom_loses_the_bom(self) -> None:
        assert decode("\ufeffname\n".encode()) == "name\n"

    def test_utf8_without_bom(self) -> None:
        assert decode("Zoë\n".encode()) == "Zoë\n"

    def test_latin1_is_refused_with_its_line(self) -> None:
        data = "name,email\nAnn,a@x.org\nZoë,z@x.org\n".encode("latin-1")
        with pytest.raises(RosterError, match=r"line 3: the file is not UTF-8"):
            decode(data)

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    def test_utf16_with_its_byte_order_mark_is_read(self, encoding: str) -> None:
        text = "name\temail\r\nZoë\tz@x.org\r\n"
        bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
        assert decode(bom + text.encode(encoding)) == text

    def test_excel_unicode_text_imports_with_its_lines(self) -> None:
        data = "name\temail\r\nZoë\tz@x.org\r\n\tno-name@x.org\r\n".encode("utf-16")
        parsed = parse_roster(data)
        assert [(row.line, dict(row.values)) for row in parsed.rows] == [
            (2, {"name": "Zoë", "email": "z@x.org"}),
            (3, {"name": "", "email": "no-name@x.org"}),
        ]

    def test_utf16_without_a_byte_order_mark_is_refused_with_advice(self) -> None:
        with pytest.raises(RosterError, match="UTF-16 text without a byte-order mark"):
            decode("name,email\n".encode("utf-16-le"))

    def test_damaged_utf16_names_its_line(self) -> None:
        data = "name,email\nAnn,a@x.org\n".encode("utf-16") + b"\x00\xd8,\x00"
        with pytest.raises(RosterError, match=r"line 3: the file is damaged UTF-16"):
            decode(data)


class TestHeader:
    def test_names_are_case_insensitive_and_trimmed(self) -> None:
        parsed = parse_roster(roster(" NAME , Email,HANDLE ,Joined On,time-zone\nAnn,a@x.org,,,\n"))
        assert parsed.columns == ("name", "email", "handle", "joined_on")
        assert parsed.unknown_columns == ("time-zone",)
        assert parsed.rows[0].values == {
            "name": "Ann",
            "email": "a@x.org",
            "handle": "",
            "joined_on": "",
        }

    def test_column_key_folds_spaces_and_dashes(self) -> None:
        assert column_key("  Joined-On ") == "joined_on"
        assert column_key("Joined On") == "joined_on"

    def test_unknown_columns_are_reported_and_their_values_ignored(self) -> None:
        parsed = parse_roster(roster("name,handle,Favourite colour,\nAnn,@ann,blue,x\n"))
        assert parsed.unknown_columns == ("Favourite colour", "column 4 (no name)")
        assert parsed.rows[0].values == {"name": "Ann", "handle": "@ann"}

    def test_missing_name_column_is_refused_naming_the_columns_found(self) -> None:
        with pytest.raises(RosterError) as info:
            parse_roster(roster("full name,email\nAnn,a@x.org\n"))
        assert "a name column" in str(info.value)
        assert "'full name', 'email'" in str(info.value)

    def test_missing_both_email_and_handle_is_refused(self) -> None:
        with pytest.raises(RosterError) as info:
            parse_roster(roster("name,timezone\nAnn,UTC\n"))
        assert "an email or a handle column" in str(info.value)
        assert "'name', 'timezone'" in str(info.value)

    def test_either_email_or_handle_is_enough(self) -> None:
        assert parse_roster(roster("name,handle\n")).columns == ("name", "handle")
        assert parse_roster(roster("name,email\n")).columns == ("name", "email")

    def test_a_column_given_twice_is_refused(self) -> None:
        with pytest.raises(RosterError, match=r"'email' appears twice \(columns 2 and 3\)"):
            parse_roster(roster("name,email,EMAIL\n"))

    @pytest.mark.parametrize("text", ["", "\n\n", " , ,\n"])
    def test_an_empty_file_is_refused(self, text: str) -> None:
        with pytest.raises(RosterError, match="the file is empty"):
            parse_roster(roster(text))

    def test_long_headers_are_shortened_in_the_message(self) -> None:
        header = ",".join(f"c{i}" for i in range(20))
        with pytest.raises(RosterError, match="… 8 more"):
            parse_roster(roster(header + "\n"))

    def test_hostile_header_cells_are_cleaned(self) -> None:
        parsed = parse_roster(roster('name,email,"Col\x07our\u202e"\n'))
        assert parsed.unknown_columns == ("Colour",)


class TestRows:
    def test_line_numbers_count_the_header_as_line_one(self) -> None:
        parsed = parse_roster(roster("name,email\nAnn,a@x.org\nBob,b@x.org\n"))
        assert [row.line for row in parsed.rows] == [2, 3]

    def test_blank_rows_are_skipped_but_still_counted(self) -> None:
        parsed = parse_roster(roster("name,email\n\nAnn,a@x.org\n,\nBob,b@x.org\n"))
        assert [row.line for row in parsed.rows] == [3, 5]

    def test_a_quoted_line_break_stays_in_one_spreadsheet_row(self) -> None:
        parsed = parse_roster(roster('name,email\n"Ann\nLee",a@x.org\nBob,b@x.org\n'))
        assert [row.line for row in parsed.rows] == [2, 3]
        assert parsed.rows[0].values["name"] == "Ann\nLee"

    def test_crlf_line_endings(self) -> None:
        parsed = parse_roster(roster("name,email\r\nAnn,a@x.org\r\nBob,b@x.org\r\n"))
        assert [row.values["email"] for row in parsed.rows] == ["a@x.org", "b@x.org"]

    def test_unicode_line_separators_inside_a_cell_do_not_split_rows(self) -> None:
        parsed = parse_roster(roster("name,email\nAnn\u2028Lee,a@x.org\nBob,b@x.org\n"))
        assert [row.line for row in parsed.rows] == [2, 3]

    def test_short_rows_get_empty_values(self) -> None:
        parsed = parse_roster(roster("name,email,handle,tags\nAnn,a@x.org\n"))
        assert parsed.rows[0].values == {
            "name": "Ann",
            "email": "a@x.org",
            "handle": "",
            "tags": "",
        }
        assert parsed.rows[0].problem is None

    def test_extra_values_make_a_problem_row(self) -> None:
        parsed = parse_roster(roster("name,email\nAnn,a@x.org,surprise\nBob,b@x.org,,\n"))
        assert parsed.rows[0].problem is not None
        assert "has 3 values but the header has 2 columns" in parsed.rows[0].problem
        assert parsed.rows[1].problem is None

    def test_semicolon_files_are_recognised(self) -> None:
        parsed = parse_roster(roster('name;email;tags\nAnn;a@x.org;"team=a;city=b"\n'))
        assert parsed.rows[0].values == {"name": "Ann", "email": "a@x.org", "tags": "team=a;city=b"}

    def test_tab_files_are_recognised(self) -> None:
        parsed = parse_roster(roster("name\temail\nAnn\ta@x.org\n"))
        assert parsed.rows[0].values == {"name": "Ann", "email": "a@x.org"}

    def test_a_huge_field_is_refused_with_its_line(self) -> None:
        text = "name,email\nAnn,a@x.org\n" + "x" * 200_000 + ",b@x.org\n"
        with pytest.raises(RosterError, match=r"^line 3: cannot read the CSV"):
            parse_roster(roster(text))


def keys(line: int, email: str | None = None, handle: str | None = None) -> Keys:
    return Keys(line=line, email_key=email, handle_key=handle)


class TestPlan:
    def test_new_rows_are_inserted(self) -> None:
        plan = list(plan_rows([keys(2, "a"), keys(3, None, "b")], {}, {}))
        assert [d.action for d in plan] == [Action.INSERT, Action.INSERT]

    def test_an_email_seen_earlier_in_the_file_is_a_duplicate(self) -> None:
        plan = list(plan_rows([keys(2, "a", "x"), keys(3, "b"), keys(4, "a", "y")], {}, {}))
        assert plan[2] == Decision(line=4, action=Action.DUPLICATE, duplicate_of=2)

    def test_a_handle_seen_earlier_in_the_file_is_a_duplicate(self) -> None:
        plan = list(plan_rows([keys(2, "a", "x"), keys(3, "b", "x")], {}, {}))
        assert plan[1].duplicate_of == 2

    def test_the_earliest_line_is_named(self) -> None:
        plan = list(plan_rows([keys(2, "a"), keys(3, None, "x"), keys(4, "a", "x")], {}, {}))
        assert plan[2].duplicate_of == 2

    def test_a_stored_email_or_handle_means_update(self) -> None:
        plan = list(plan_rows([keys(2, "a"), keys(3, None, "x")], {"a": 7}, {"x": 9}))
        assert [(d.action, d.member_id) for d in plan] == [(Action.UPDATE, 7), (Action.UPDATE, 9)]

    def test_email_and_handle_of_the_same_member_is_an_update(self) -> None:
        plan = list(plan_rows([keys(2, "a", "x")], {"a": 7}, {"x": 7}))
        assert plan[0].action is Action.UPDATE

    def test_email_of_one_member_and_handle_of_another_is_a_conflict(self) -> None:
        plan = list(plan_rows([keys(2, "a", "x")], {"a": 7}, {"x": 9}))
        assert plan[0] == Decision(line=2, action=Action.CONFLICT, conflict=(7, 9))

    def test_two_rows_reaching_the_same_member_by_different_keys(self) -> None:
        plan = list(plan_rows([keys(2, "a"), keys(3, None, "x")], {"a": 7}, {"x": 7}))
        assert plan[1].action is Action.DUPLICATE
        assert plan[1].duplicate_of == 2

    def test_a_skipped_row_claims_no_keys(self) -> None:
        plan = list(plan_rows([keys(2, "a", "x"), keys(3, "a", "z")], {"a": 7}, {"x": 9}))
        assert plan[0].action is Action.CONFLICT
        assert plan[1].action is Action.UPDATE


def test_merge_tags_keeps_stored_tags_and_the_file_wins() -> None:
    assert merge_tags({"team": "a", "city": "x"}, {"team": "b", "lang": "de"}) == {
        "team": "b",
        "city": "x",
        "lang": "de",
    }

"""Input validation through the Create/Update models, and the CHECK constraints behind them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from circlekeeper.db import Database
from circlekeeper.models import (
    CircleCreate,
    CircleKind,
    CircleUpdate,
    MemberCreate,
    MemberUpdate,
)
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.validation import parse

MEMBER = {"name": "Ana Lima", "email": "ana@example.org"}
CIRCLE = {"name": "Builders"}


def errors_of(model: type[BaseModel], **values: Any) -> str:
    """The readable message `parse` gives for invalid values (fails if they were accepted)."""
    with pytest.raises(InvalidInput) as caught:
        parse(model, **values)
    return str(caught.value)


# --- members ---------------------------------------------------------------------------------


def test_member_create_cleans_and_accepts_good_input() -> None:
    member = parse(
        MemberCreate,
        name="  Ana\x1b[1m Lima ",
        email=" ana@example.org ",
        handle="@ana",
        timezone="Europe/Berlin",
        joined_on="2026-02-28",
        tags={"Lang": "pt", "city": "Porto"},
    )
    assert member.name == "Ana Lima"
    assert member.email == "ana@example.org"
    assert member.joined_on == dt.date(2026, 2, 28)
    assert member.tags == {"lang": "pt", "city": "Porto"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "   "),
        ("name", "\x00\x1b[0m"),
        ("name", "x" * 201),
        ("email", "ana"),
        ("email", "ana@example"),
        ("email", "@example.org"),
        ("email", "ana@@example.org"),
        ("email", "ana lima@example.org"),
        ("email", "a@example.org" + "x" * 250),
        ("handle", "@"),
        ("handle", "x" * 65),
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "europe/berlin"),
        ("timezone", "../../etc/passwd"),
        ("timezone", "+02:00"),
        ("joined_on", "2026-02-30"),
        ("joined_on", "21/11/2026"),
        ("joined_on", "2026-1-5"),
        ("joined_on", "\uff12\uff10\uff12\uff16-01-01"),
        ("joined_on", dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)),
        ("consent_named", "perhaps"),
    ],
)
def test_member_create_refuses(field: str, value: object) -> None:
    message = errors_of(MemberCreate, **{**MEMBER, "handle": "ana", field: value})
    assert message.startswith(f"{field}:")


@pytest.mark.parametrize("raw", ["2026-02-30", "21/11/2026"])
def test_bad_dates_say_what_form_is_expected(raw: str) -> None:
    message = errors_of(MemberCreate, **MEMBER, joined_on=raw)
    assert raw in message
    assert "YYYY-MM-DD" in message or "real date" in message


def test_length_messages_speak_of_characters() -> None:
    assert "at most 200 characters" in errors_of(MemberCreate, **{**MEMBER, "name": "x" * 201})
    assert "at most 64 characters" in errors_of(MemberCreate, name="Bo", handle="b" * 65)


class Sample(BaseModel):
    """Fields of every kind the forms and commands take, for the error wording."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=1, ge=1, le=5)
    share: float = Field(default=0.5, gt=0, lt=1)
    named: bool = True
    day: dt.date = dt.date(2026, 1, 1)
    kind: CircleKind = CircleKind.GOAL
    label: str = Field(default="x", min_length=3)
    needed: str


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"count": 0}, "count: give 1 or more (not 0)"),
        ({"count": 6}, "count: give 5 or less (not 6)"),
        ({"count": "many"}, "count: give a whole number (not 'many')"),
        ({"count": 1.5}, "count: give a whole number (not 1.5)"),
        ({"share": 0}, "share: give more than 0 (not 0)"),
        ({"share": 1}, "share: give less than 1 (not 1)"),
        ({"share": "half"}, "share: give a number (not 'half')"),
        ({"named": "perhaps"}, "named: give yes or no (not 'perhaps')"),
        ({"day": "soon"}, "day: give a date as YYYY-MM-DD (not 'soon')"),
        ({"kind": "club"}, "kind: give one of "),
        ({"label": "ab"}, "label: at least 3 characters"),
        ({"colour": "red"}, "colour: not a field this takes"),
    ],
)
def test_messages_are_in_plain_words(values: dict[str, object], expected: str) -> None:
    message = errors_of(Sample, needed="yes", **values)

    assert message.startswith(expected)
    assert "should" not in message
    assert "Input" not in message


def test_a_missing_field_is_required_and_an_empty_name_cannot_be() -> None:
    assert errors_of(Sample) == "needed: required"
    assert errors_of(MemberUpdate, name="") == "name: cannot be empty"
    too_long = errors_of(MemberCreate, **{**MEMBER, "name": "x" * 250})
    assert too_long == "name: at most 200 characters (this one has 250)"


def test_member_needs_an_email_or_a_handle() -> None:
    message = errors_of(MemberCreate, name="Ana", email="  ", handle="")
    assert "email or a handle" in message
    assert parse(MemberCreate, name="Bo", handle="@bo").email is None


@pytest.mark.parametrize(
    "tags",
    [
        {"two words": "x"},
        {"": "x"},
        {"-lead": "x"},
        {"k=v": "x"},
        {"k" * 41: "x"},
        {"lang": ""},
        {"lang": "x" * 101},
        {f"k{i}": "v" for i in range(31)},
    ],
)
def test_tags_must_be_short_words_with_values(tags: dict[str, str]) -> None:
    assert errors_of(MemberCreate, **MEMBER, tags=tags).startswith("tags:")


def test_unknown_fields_are_refused_not_ignored() -> None:
    assert "status" in errors_of(MemberCreate, **MEMBER, status="left")


def test_member_update_allows_clearing_email_and_refuses_bad_values() -> None:
    assert parse(MemberUpdate, email="").model_dump(exclude_unset=True) == {"email": None}
    assert parse(MemberUpdate, handle="  ").handle is None
    assert errors_of(MemberUpdate, name="").startswith("name:")
    assert errors_of(MemberUpdate, email="not-an-email").startswith("email:")
    assert errors_of(MemberUpdate, timezone="Nowhere/Town").startswith("timezone:")
    assert errors_of(MemberUpdate, joined_on="2026-02-30").startswith("joined_on:")
    assert errors_of(MemberUpdate, tags={"a b": "c"}).startswith("tags:")


def test_blank_email_or_handle_is_a_validation_error_not_a_crash() -> None:
    # A union field with a length constraint once raised TypeError for None.
    with pytest.raises(ValidationError):
        MemberCreate(name="Ana", email="", handle="")
    assert MemberCreate(name="Ana", email="", handle="@ana").email is None


# --- circles ---------------------------------------------------------------------------------


def test_circle_create_defaults_and_good_input() -> None:
    circle = parse(
        CircleCreate,
        name=" Builders\n",
        kind="goal",
        visibility="opt-in",
        min_size=2,
        max_size=50,
        cadence="every-n-weeks",
        cadence_interval=3,
        weekday="tue",
        meeting_time="18:30",
        timezone="America/Chicago",
        starts_on="2026-12-01",
        ends_on="2027-03-01",
        agreements="Confidentiality.\n\tWhat is said here stays here.",
    )
    assert circle.name == "Builders"
    assert (circle.min_size, circle.max_size) == (2, 50)
    assert circle.agreements == "Confidentiality.\n\tWhat is said here stays here."
    assert parse(CircleCreate, name="X").model_dump(include={"min_size", "max_size"}) == {
        "min_size": 4,
        "max_size": 10,
    }


@pytest.mark.parametrize(
    "values",
    [
        {"name": ""},
        {"name": "x" * 121},
        {"kind": "club"},
        {"kind": "COHORT"},
        {"visibility": "secret"},
        {"cadence": "daily"},
        {"weekday": "Monday"},
        {"min_size": 1},
        {"max_size": 51},
        {"min_size": 6, "max_size": 5},
        {"min_size": 2, "max_size": 1},
        {"cadence": "every-n-weeks", "cadence_interval": 0},
        {"cadence": "every-n-weeks", "cadence_interval": 53},
        {"meeting_time": "24:00"},
        {"meeting_time": "7pm"},
        {"meeting_time": "1\u0663:00"},
        {"timezone": "Atlantis/Capital"},
        {"starts_on": "2026-02-30"},
        {"ends_on": "01.03.2027"},
        {"starts_on": "2026-12-01", "ends_on": "2026-11-30"},
        {"trust_focus": "x" * 501},
        {"purpose": "x" * 10_001},
        {"status": "active"},
    ],
)
def test_circle_create_refuses(values: dict[str, object]) -> None:
    errors_of(CircleCreate, **{**CIRCLE, **values})


@pytest.mark.parametrize(("low", "high"), [(2, 2), (2, 50), (4, 10), (50, 50)])
def test_sizes_between_two_and_fifty_are_accepted(low: int, high: int) -> None:
    circle = parse(CircleCreate, **CIRCLE, min_size=low, max_size=high)
    assert (circle.min_size, circle.max_size) == (low, high)


def test_size_message_names_both_sizes() -> None:
    message = errors_of(CircleCreate, **CIRCLE, min_size=8, max_size=6)
    assert "8" in message
    assert "6" in message


@pytest.mark.parametrize(
    "values",
    [
        {"name": ""},
        {"name": "\x07"},
        {"min_size": 1},
        {"max_size": 51},
        {"min_size": 9, "max_size": 8},
        {"kind": "club"},
        {"timezone": "Nowhere/X"},
        {"starts_on": "2026-02-30"},
    ],
)
def test_circle_update_refuses(values: dict[str, object]) -> None:
    errors_of(CircleUpdate, **values)


def test_circle_update_leaves_unset_fields_unset() -> None:
    assert parse(CircleUpdate, max_size=12).model_dump(exclude_unset=True) == {"max_size": 12}


# --- the schema refuses the same values when written with raw SQL --------------------------

CIRCLE_ROW = {
    "name": "Raw",
    "name_key": "raw",
    "kind": "cohort",
    "purpose": "",
    "trust_focus": "",
    "visibility": "open",
    "min_size": 4,
    "max_size": 10,
    "cadence": "weekly",
    "cadence_interval": 1,
    "weekday": None,
    "timezone": "UTC",
    "starts_on": None,
    "ends_on": None,
    "status": "forming",
    "agreements": "",
    "version": 1,
    "created_at": "2026-11-21 12:00:00",
    "updated_at": "2026-11-21 12:00:00",
}

MEMBER_ROW = {
    "name": "Raw",
    "name_key": "raw",
    "email": "raw@example.org",
    "email_key": "raw@example.org",
    "handle": None,
    "handle_key": None,
    "timezone": "UTC",
    "joined_on": "2026-11-21",
    "status": "active",
    "paused_until": None,
    "consent_named": 0,
    "consent_recognised": 0,
    "version": 1,
    "created_at": "2026-11-21 12:00:00",
    "updated_at": "2026-11-21 12:00:00",
}


def insert(conn: sqlite3.Connection, table: str, row: dict[str, object]) -> int:
    """Insert `row` into `table` with plain SQL and return the new rowid."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    return int(cursor.lastrowid or 0)


def check_failed(name: str) -> str:
    """The pattern of SQLite's message for a failed named CHECK constraint."""
    return f"CHECK constraint failed: {name}$"


def test_raw_rows_that_pass_the_models_are_accepted(db: Database) -> None:
    with db.raw() as conn:
        insert(conn, "circle", CIRCLE_ROW)
        insert(conn, "member", MEMBER_ROW)
        assert conn.execute("SELECT count(*) FROM circle").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM member").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"min_size": 1}, "size_range"),
        ({"max_size": 51}, "size_range"),
        ({"min_size": 6, "max_size": 5}, "size_range"),
        ({"name": ""}, "name_length"),
        ({"name": "x" * 121}, "name_length"),
        ({"kind": "club"}, "kind_valid"),
        ({"visibility": "secret"}, "visibility_valid"),
        ({"status": "archived"}, "status_valid"),
        ({"cadence": "daily"}, "cadence_valid"),
        ({"weekday": "Monday"}, "weekday_valid"),
        ({"cadence_interval": 0}, "interval_range"),
        ({"cadence_interval": 53}, "interval_range"),
        ({"starts_on": "2026-12-01", "ends_on": "2026-11-30"}, "ends_after_start"),
        ({"version": 0}, "version_positive"),
    ],
)
def test_circle_checks_refuse_raw_sql(
    db: Database, changes: dict[str, object], constraint: str
) -> None:
    with db.raw() as conn:
        with pytest.raises(sqlite3.IntegrityError, match=check_failed(f"ck_circle_{constraint}")):
            insert(conn, "circle", {**CIRCLE_ROW, **changes})
        assert conn.execute("SELECT count(*) FROM circle").fetchone()[0] == 0


def test_circle_names_are_unique_by_key_in_the_schema(db: Database) -> None:
    with db.raw() as conn:
        insert(conn, "circle", CIRCLE_ROW)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            insert(conn, "circle", {**CIRCLE_ROW, "name": "RAW"})


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"name": ""}, "name_length"),
        ({"name": "x" * 201}, "name_length"),
        ({"email": None, "email_key": None, "handle": None}, "email_or_handle"),
        ({"status": "gone"}, "status_valid"),
        ({"paused_until": "2026-12-01"}, "paused_until_only_paused"),
        ({"consent_named": 2}, "consent_bool"),
        ({"version": 0}, "version_positive"),
    ],
)
def test_member_checks_refuse_raw_sql(
    db: Database, changes: dict[str, object], constraint: str
) -> None:
    with db.raw() as conn:
        with pytest.raises(sqlite3.IntegrityError, match=check_failed(f"ck_member_{constraint}")):
            insert(conn, "member", {**MEMBER_ROW, **changes})
        assert conn.execute("SELECT count(*) FROM member").fetchone()[0] == 0


def test_member_contact_keys_are_unique_in_the_schema(db: Database) -> None:
    with db.raw() as conn:
        insert(conn, "member", MEMBER_ROW)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            insert(conn, "member", {**MEMBER_ROW, "name": "Other"})


def test_membership_rules_hold_in_the_schema(db: Database) -> None:
    with db.raw() as conn:
        circle_id = insert(conn, "circle", CIRCLE_ROW)
        member_id = insert(conn, "member", MEMBER_ROW)
        stay = {
            "member_id": member_id,
            "circle_id": circle_id,
            "joined_on": "2026-11-21",
            "left_on": None,
            "created_at": "2026-11-21 12:00:00",
        }
        insert(conn, "membership", stay)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            insert(conn, "membership", stay)
        with pytest.raises(
            sqlite3.IntegrityError, match=check_failed("ck_membership_left_after_joined")
        ):
            insert(conn, "membership", {**stay, "left_on": "2026-11-20"})
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            insert(conn, "membership", {**stay, "member_id": member_id + 100})
        insert(conn, "membership", {**stay, "joined_on": "2026-01-01", "left_on": "2026-02-01"})
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("DELETE FROM member WHERE id = ?", (member_id,))
        assert conn.execute("SELECT count(*) FROM membership").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("tz=emea; interest=design", {"tz": "emea", "interest": "design"}),
        ("languages=en, fr", {"languages": "en, fr"}),
        ("languages=en,fr;tz=apac", {"languages": "en,fr", "tz": "apac"}),
        ("a=x;y", {"a": "x;y"}),
        ("a=1,,b=2", {"a": "1", "b": "2"}),
    ],
)
def test_a_piece_without_equals_belongs_to_the_value_before_it(
    text: str, tags: dict[str, str]
) -> None:
    from circlekeeper.models.fields import format_tags, parse_tags

    assert parse_tags(text) == tags
    assert parse_tags(format_tags(tags)) == tags


def test_a_first_piece_without_equals_is_refused() -> None:
    from circlekeeper.models.fields import parse_tags

    with pytest.raises(ValueError, match="'team' must be written key=value"):
        parse_tags("team, tz=emea")

"""The recognition log through the services: consent, badge rules, dates, givers and the feed."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.sql_capture import TEMP_SORT, captured, only, plan

from circlekeeper.db import Database
from circlekeeper.models import MemberCreate, MemberUpdate, RecognitionKind, Visibility
from circlekeeper.services import members, recognition
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.roles import current_actor

TODAY = dt.date(2026, 11, 21)
SHOUT_OUT = RecognitionKind.SHOUT_OUT


@pytest.fixture
def people(db: Database) -> Database:
    """Ana (agreed to public recognition), Bo (did not) and Cy (agreed)."""
    members.add_member(db, data=MemberCreate(name="Ana", handle="ana", consent_recognised=True))
    members.add_member(db, data=MemberCreate(name="Bo", handle="bo"))
    members.add_member(db, data=MemberCreate(name="Cy", handle="cy", consent_recognised=True))
    return db


def test_a_shout_out_is_private_dated_today_and_given_by_the_facilitator(people: Database) -> None:
    entry = recognition.recognize(people, member_ref="@ana", kind=SHOUT_OUT, message="Thank you!")

    assert (entry.member_name, entry.kind, entry.message) == ("Ana", SHOUT_OUT, "Thank you!")
    assert (entry.visibility, entry.day, entry.badge) == (Visibility.PRIVATE, TODAY, None)
    assert (entry.given_by_id, entry.given_by) == (None, current_actor())
    assert recognition.list_recognitions(people).items == [entry]


@pytest.mark.parametrize("visibility", [Visibility.CIRCLE, Visibility.COMMUNITY])
def test_public_recognition_without_consent_is_refused_with_the_way_out(
    people: Database, visibility: Visibility
) -> None:
    with pytest.raises(InvalidInput) as refused:
        recognition.recognize(
            people, member_ref="bo", kind=SHOUT_OUT, message="Thanks", visibility=visibility
        )

    message = str(refused.value)
    assert message.startswith("Bo has not agreed to public recognition")
    assert "--visibility private" in message
    assert "'member edit 2 --consent-recognised'" in message
    assert recognition.list_recognitions(people).total == 0


def test_private_recognition_needs_no_consent_and_consent_opens_public(people: Database) -> None:
    private = recognition.recognize(people, member_ref="bo", kind=SHOUT_OUT, message="Thanks")
    members.edit_member(people, ref="bo", changes=MemberUpdate(consent_recognised=True))
    public = recognition.recognize(
        people, member_ref="bo", kind=SHOUT_OUT, message="Thanks", visibility=Visibility.COMMUNITY
    )

    assert (private.visibility, public.visibility) == (Visibility.PRIVATE, Visibility.COMMUNITY)


def test_a_badge_entry_names_its_badge_and_only_a_badge_entry_does(people: Database) -> None:
    with pytest.raises(InvalidInput, match="--badge NAME"):
        recognition.recognize(people, member_ref="ana", kind=RecognitionKind.BADGE, message="x")
    with pytest.raises(InvalidInput, match="--badge goes with --kind badge"):
        recognition.recognize(people, member_ref="ana", kind=SHOUT_OUT, message="x", badge="Spark")
    with pytest.raises(NotFound, match="no badge matches 'Sparkle'"):
        recognition.recognize(
            people, member_ref="ana", kind=RecognitionKind.BADGE, message="x", badge="Sparkle"
        )

    entry = recognition.recognize(
        people, member_ref="ana", kind=RecognitionKind.BADGE, message="x", badge="spark"
    )

    assert (entry.kind, entry.badge) == (RecognitionKind.BADGE, "Spark")


def test_the_same_badge_twice_is_refused_naming_the_first_date(people: Database) -> None:
    recognition.recognize(
        people,
        member_ref="ana",
        kind=RecognitionKind.BADGE,
        message="First",
        badge="Spark",
        day=dt.date(2026, 10, 5),
    )

    with pytest.raises(Conflict, match="already received the 'Spark' badge on 2026-10-05"):
        recognition.recognize(
            people, member_ref="ana", kind=RecognitionKind.BADGE, message="Again", badge="SPARK"
        )
    other = recognition.recognize(
        people, member_ref="cy", kind=RecognitionKind.BADGE, message="Cy too", badge="Spark"
    )

    assert other.member_name == "Cy"


def test_the_message_is_cleaned_keeps_its_lines_and_has_a_size(people: Database) -> None:
    entry = recognition.recognize(
        people, member_ref="ana", kind=SHOUT_OUT, message="  \x1b[31mLine one\x07\nline two  "
    )

    assert entry.message == "Line one\nline two"
    with pytest.raises(InvalidInput, match="say what the recognition is for"):
        recognition.recognize(people, member_ref="ana", kind=SHOUT_OUT, message=" \x1b[0m ")
    with pytest.raises(InvalidInput, match="at most 2000 characters"):
        recognition.recognize(people, member_ref="ana", kind=SHOUT_OUT, message="x" * 2001)
    assert recognition.recognize(people, member_ref="ana", kind=SHOUT_OUT, message="x" * 2000)


def test_an_entry_may_be_dated_back_but_not_ahead(people: Database) -> None:
    past = recognition.recognize(
        people, member_ref="ana", kind=SHOUT_OUT, message="x", day=dt.date(2025, 1, 2)
    )

    assert past.day == dt.date(2025, 1, 2)
    with pytest.raises(InvalidInput, match="still ahead"):
        recognition.recognize(
            people, member_ref="ana", kind=SHOUT_OUT, message="x", day=TODAY + dt.timedelta(1)
        )


def test_a_member_can_give_the_thanks_but_not_to_themselves(people: Database) -> None:
    entry = recognition.recognize(
        people, member_ref="ana", kind=RecognitionKind.GIFT, message="Book", by_ref="@cy"
    )

    assert (entry.given_by_id, entry.given_by) == (3, "Cy")
    with pytest.raises(InvalidInput, match="someone else gives the recognition"):
        recognition.recognize(people, member_ref="ana", kind=SHOUT_OUT, message="x", by_ref="ana")
    with pytest.raises(NotFound, match="no member matches 'nobody'"):
        recognition.recognize(
            people, member_ref="ana", kind=SHOUT_OUT, message="x", by_ref="nobody"
        )


def test_a_member_who_left_can_still_be_thanked(people: Database) -> None:
    members.leave_member(people, ref="cy", reason="moved away")

    entry = recognition.recognize(
        people,
        member_ref="cy",
        kind=SHOUT_OUT,
        message="Thank you for three years",
        visibility=Visibility.COMMUNITY,
    )

    assert entry.member_name == "Cy"


def test_unknown_words_are_refused_with_the_allowed_ones(people: Database) -> None:
    with pytest.raises(InvalidInput, match="kind must be one of shout-out, spotlight"):
        recognition.recognize(people, member_ref="ana", kind="hug", message="x")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="visibility must be one of private, circle"):
        recognition.recognize(
            people,
            member_ref="ana",
            kind=SHOUT_OUT,
            message="x",
            visibility="world",  # type: ignore[arg-type]
        )


def _log(db: Database) -> None:
    """Six entries on three days, in an order that is not the feed's."""
    for who, kind, day in [
        ("ana", SHOUT_OUT, 3),
        ("bo", RecognitionKind.NOTE, 1),
        ("ana", RecognitionKind.GIFT, 2),
        ("cy", SHOUT_OUT, 1),
        ("ana", SHOUT_OUT, 1),
        ("cy", RecognitionKind.SPOTLIGHT, 2),
    ]:
        recognition.recognize(
            db,
            member_ref=who,
            kind=kind,
            message=f"{who} {kind}",
            day=TODAY - dt.timedelta(days=day),
            visibility=Visibility.PRIVATE if who == "bo" else Visibility.COMMUNITY,
        )


def test_the_feed_is_newest_first_then_latest_recorded_first(people: Database) -> None:
    _log(people)

    page = recognition.list_recognitions(people)

    assert [(e.day.day, e.id) for e in page.items] == [
        (20, 5),
        (20, 4),
        (20, 2),
        (19, 6),
        (19, 3),
        (18, 1),
    ]
    assert page.total == 6


def test_the_feed_filters_by_member_kind_and_visibility(people: Database) -> None:
    _log(people)

    ana = recognition.list_recognitions(people, member_ref="@ana")
    shout_outs = recognition.list_recognitions(people, kind=SHOUT_OUT)
    private = recognition.list_recognitions(people, visibility=Visibility.PRIVATE)
    both = recognition.list_recognitions(people, member_ref="ana", kind=SHOUT_OUT)

    assert [e.id for e in ana.items] == [5, 3, 1]
    assert [e.id for e in shout_outs.items] == [5, 4, 1]
    assert [e.member_name for e in private.items] == ["Bo"]
    assert (both.total, [e.id for e in both.items]) == (2, [5, 1])


def test_the_feed_comes_a_page_at_a_time(people: Database) -> None:
    _log(people)

    page = recognition.list_recognitions(people, offset=2, limit=3)

    assert ([e.id for e in page.items], page.total, page.offset, page.limit) == ([2, 6, 3], 6, 2, 3)
    with pytest.raises(InvalidInput, match="limit"):
        recognition.list_recognitions(people, limit=0)
    with pytest.raises(InvalidInput, match="offset"):
        recognition.list_recognitions(people, offset=-1)


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "ix_recognition_day"),
        ({"member_ref": "ana"}, "ix_recognition_member"),
        ({"kind": SHOUT_OUT}, "ix_recognition_kind"),
    ],
)
def test_the_feed_walks_an_index_without_sorting(
    people: Database, filters: dict[str, object], index: str
) -> None:
    _log(people)

    with captured(people) as statements:
        recognition.list_recognitions(people, **filters)  # type: ignore[arg-type]

    for sql, params in only(statements, lambda s: "ORDER BY recognition.day DESC" in s):
        steps = plan(people, sql, params)
        assert index in steps
        assert TEMP_SORT not in steps

"""Nominations through the services: who nominated whom and why, accepting into the programme
in one transaction, declining, and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import AmbassadorStatus, MemberCreate, NominationStatus
from circlekeeper.services import ambassadors, members, nominations
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.programme_settings import ProgrammeSettings

UTC = ProgrammeSettings(timezone="UTC")
TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _facilitator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The person at the computer is "sam"."""
    monkeypatch.setattr("getpass.getuser", lambda: "sam")


def _people(db: Database, *handles: str) -> None:
    for handle in handles:
        members.add_member(db, data=MemberCreate(name=handle.title(), handle=handle))


def test_a_member_nominates_with_a_reason(db: Database) -> None:
    _people(db, "ana", "bea")
    made = nominations.nominate(
        db,
        member_ref="ana",
        reason="  Always\nwelcomes people\x1b[31m ",
        by_ref="bea",
        focus="WELCOME team",
    )
    bea = members.get_member(db, ref="bea")
    assert (made.member_name, made.nominated_by, made.nominated_by_id) == ("Ana", "Bea", bea.id)
    assert (made.reason, made.focus, made.status) == (
        "Always\nwelcomes people",
        "welcome team",
        NominationStatus.PENDING,
    )
    assert (made.decided_on, made.decided_by, made.decision_note) == (None, "", "")


def test_without_a_nominator_the_facilitator_nominates(db: Database) -> None:
    _people(db, "ana")
    made = nominations.nominate(db, member_ref="ana", reason="hosts great picnics", focus="picnics")
    assert (made.nominated_by, made.nominated_by_id, made.focus) == ("sam", None, "picnics")


@pytest.mark.parametrize(
    ("reason", "focus"), [("", ""), ("  \x1b[2J ", ""), ("r" * 501, ""), ("kind", "f" * 41)]
)
def test_nominate_refuses_bad_input(db: Database, reason: str, focus: str) -> None:
    _people(db, "ana")
    with pytest.raises(InvalidInput):
        nominations.nominate(db, member_ref="ana", reason=reason, focus=focus)
    assert nominations.list_nominations(db, status=None) == []


def test_a_reason_of_500_characters_is_kept(db: Database) -> None:
    _people(db, "ana")
    made = nominations.nominate(db, member_ref="ana", reason="r" * 500)
    assert len(made.reason) == 500


def test_nominating_a_serving_ambassador_or_someone_who_left_is_refused(db: Database) -> None:
    _people(db, "ana", "bea", "cy", "gone")
    ambassadors.add_ambassador(db, member_ref="ana", focus=["welcome team"], settings=UTC)
    ambassadors.add_ambassador(db, member_ref="bea", focus=["welcome team"], settings=UTC)
    ambassadors.rest_ambassador(db, ref="bea", until=TODAY, settings=UTC)
    members.leave_member(db, ref="gone")
    with pytest.raises(Conflict, match=r"already an ambassador \(active\)"):
        nominations.nominate(db, member_ref="ana", reason="great")
    with pytest.raises(Conflict, match=r"already an ambassador \(resting\)"):
        nominations.nominate(db, member_ref="bea", reason="great")
    with pytest.raises(Conflict, match="left the community"):
        nominations.nominate(db, member_ref="gone", reason="great")
    with pytest.raises(NotFound):
        nominations.nominate(db, member_ref="nobody", reason="great")
    with pytest.raises(NotFound):
        nominations.nominate(db, member_ref="cy", reason="great", by_ref="nobody")


def test_alumni_can_be_nominated_again(db: Database) -> None:
    _people(db, "ana")
    ambassadors.add_ambassador(db, member_ref="ana", focus=["welcome team"], settings=UTC)
    ambassadors.retire_ambassador(db, ref="ana", settings=UTC)
    again = nominations.nominate(db, member_ref="ana", reason="missed you")
    assert again.status == NominationStatus.PENDING


def test_one_pending_nomination_per_nominator(db: Database) -> None:
    _people(db, "ana", "bea", "cy")
    first = nominations.nominate(db, member_ref="ana", reason="kind", by_ref="bea")
    with pytest.raises(Conflict, match=f"Bea already nominated Ana \\(nomination #{first.id}"):
        nominations.nominate(db, member_ref="ana", reason="still kind", by_ref="@BEA")
    nominations.nominate(db, member_ref="ana", reason="kind too", by_ref="cy")
    nominations.nominate(db, member_ref="ana", reason="from the facilitator")
    with pytest.raises(Conflict, match="sam already nominated Ana"):
        nominations.nominate(db, member_ref="ana", reason="again")
    nominations.decline_nomination(db, nomination_id=first.id, settings=UTC)
    renewed = nominations.nominate(db, member_ref="ana", reason="try again", by_ref="bea")
    assert renewed.status == NominationStatus.PENDING


def test_list_shows_pending_by_default_and_all_newest_first(db: Database) -> None:
    _people(db, "ana", "bea", "cy")
    one = nominations.nominate(db, member_ref="ana", reason="one")
    clock.freeze(dt.datetime(2026, 11, 21, 13, tzinfo=dt.UTC))
    two = nominations.nominate(db, member_ref="bea", reason="two")
    three = nominations.nominate(db, member_ref="cy", reason="three")
    nominations.decline_nomination(db, nomination_id=two.id, settings=UTC)
    assert [n.id for n in nominations.list_nominations(db)] == [three.id, one.id]
    assert [n.id for n in nominations.list_nominations(db, status=None)] == [
        three.id,
        two.id,
        one.id,
    ]
    declined = nominations.list_nominations(db, status=NominationStatus.DECLINED)
    assert [n.member_name for n in declined] == ["Bea"]


def test_accepting_makes_an_ambassador_with_the_nominations_focus(db: Database) -> None:
    _people(db, "ana", "bea", "cy")
    first = nominations.nominate(
        db, member_ref="ana", reason="kind", by_ref="bea", focus="event promoter"
    )
    other = nominations.nominate(db, member_ref="ana", reason="also kind", by_ref="cy")
    unrelated = nominations.nominate(db, member_ref="bea", reason="helpful")
    decided, made = nominations.accept_nomination(
        db, nomination_id=first.id, capacity_per_week=3, note="welcome aboard", settings=UTC
    )
    assert (decided.status, decided.decided_on, decided.decided_by, decided.decision_note) == (
        NominationStatus.ACCEPTED,
        TODAY,
        "sam",
        "welcome aboard",
    )
    assert (made.member_name, made.focus, made.capacity_per_week, made.status) == (
        "Ana",
        ["event promoter"],
        3,
        AmbassadorStatus.ACTIVE,
    )
    assert (made.started_on, made.note) == (TODAY, "welcome aboard")
    states = {n.id: n.status for n in nominations.list_nominations(db, status=None)}
    assert states == {
        first.id: NominationStatus.ACCEPTED,
        other.id: NominationStatus.ACCEPTED,
        unrelated.id: NominationStatus.PENDING,
    }


def test_accepting_defaults_to_the_welcome_team_or_takes_the_focus_given(db: Database) -> None:
    _people(db, "ana", "bea")
    plain = nominations.nominate(db, member_ref="ana", reason="kind")
    _, made = nominations.accept_nomination(db, nomination_id=plain.id, settings=UTC)
    assert made.focus == ["welcome team"]
    chosen = nominations.nominate(db, member_ref="bea", reason="kind", focus="event promoter")
    _, other = nominations.accept_nomination(
        db, nomination_id=chosen.id, focus=["Culture Keeper", "podcasts"], settings=UTC
    )
    assert other.focus == ["culture keeper", "podcasts"]


def test_accepting_brings_alumni_back(db: Database) -> None:
    _people(db, "ana")
    first = ambassadors.add_ambassador(db, member_ref="ana", focus=["welcome team"], settings=UTC)
    ambassadors.retire_ambassador(db, ref="ana", settings=UTC)
    again = nominations.nominate(db, member_ref="ana", reason="missed you")
    _, made = nominations.accept_nomination(db, nomination_id=again.id, settings=UTC)
    assert (made.id, made.status, made.retired_on) == (first.id, AmbassadorStatus.ACTIVE, None)


def test_a_refused_accept_changes_nothing(db: Database) -> None:
    _people(db, "ana")
    pending = nominations.nominate(db, member_ref="ana", reason="kind")
    ambassadors.add_ambassador(db, member_ref="ana", focus=["culture keeper"], settings=UTC)
    with pytest.raises(Conflict, match="already an ambassador"):
        nominations.accept_nomination(db, nomination_id=pending.id, settings=UTC)
    [still] = nominations.list_nominations(db)
    assert still.status == NominationStatus.PENDING
    with pytest.raises(InvalidInput, match="capacity"):
        nominations.accept_nomination(
            db, nomination_id=pending.id, capacity_per_week=0, settings=UTC
        )
    with pytest.raises(InvalidInput, match="note"):
        nominations.accept_nomination(db, nomination_id=pending.id, note="n" * 501, settings=UTC)


def test_declining_records_the_decision(db: Database) -> None:
    _people(db, "ana")
    pending = nominations.nominate(db, member_ref="ana", reason="kind")
    declined = nominations.decline_nomination(
        db, nomination_id=pending.id, note="not this season", settings=UTC
    )
    assert (declined.status, declined.decided_on, declined.decided_by, declined.decision_note) == (
        NominationStatus.DECLINED,
        TODAY,
        "sam",
        "not this season",
    )
    assert ambassadors.list_ambassadors(db, include_alumni=True, settings=UTC) == []


def test_decided_and_unknown_nominations_are_refused(db: Database) -> None:
    _people(db, "ana")
    pending = nominations.nominate(db, member_ref="ana", reason="kind")
    nominations.decline_nomination(db, nomination_id=pending.id, settings=UTC)
    with pytest.raises(Conflict, match=f"#{pending.id} of Ana was already declined on 2026-11-21"):
        nominations.decline_nomination(db, nomination_id=pending.id, settings=UTC)
    with pytest.raises(Conflict, match="already declined"):
        nominations.accept_nomination(db, nomination_id=pending.id, settings=UTC)
    with pytest.raises(NotFound, match="no nomination #999"):
        nominations.accept_nomination(db, nomination_id=999, settings=UTC)
    with pytest.raises(NotFound, match="no nomination #999"):
        nominations.decline_nomination(db, nomination_id=999, settings=UTC)

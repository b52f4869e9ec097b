"""No confidential word in any report meant for more than the facilitators: a canary is written
into check-ins, recognitions, session notes and incidents with hypothesis-chosen visibilities,
and every report is built for every audience; the canary may only show where the audience may
read it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import copy_database

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.export.reports import REPORTS, build_report
from circlekeeper.models import (
    Audience,
    CheckInCreate,
    MemberUpdate,
    RecognitionKind,
    Visibility,
)
from circlekeeper.services import checkins, circles, members, sessions
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.incidents import add_incident
from circlekeeper.services.recognition import recognize

MAY_READ = {
    Audience.COMMUNITY: {Visibility.COMMUNITY},
    Audience.CIRCLE: {Visibility.COMMUNITY, Visibility.CIRCLE},
    Audience.FACILITATOR: set(Visibility),
}


@pytest.fixture
def sample(tmp_path: Path, _sample_template: Path) -> Callable[[], Database]:
    """Makes a fresh copy of the sample community for each example."""
    copies = itertools.count()
    return lambda: copy_database(_sample_template, tmp_path / f"example-{next(copies)}.db")


def plant(db: Database, visibility: Visibility, canary: str) -> None:
    """The canary in a session held today in circle 1 (its notes, a check-in answer of
    `visibility`), a recognition of `visibility` for a member who consented to recognition,
    and an incident."""
    circle = circles.get_circle(db, ref=1)
    people = [members.get_member(db, ref=m.member_id) for m in circle.members]
    consenting = next(p for p in people if p.consent_recognised)
    held = sessions.record_session(
        db,
        circle_ref=1,
        day=clock.today(),
        present=[p.id for p in people],
        notes=f"note {canary}",
    )
    prompt = sessions.get_session(db, session_id=held.id).prompts[0]
    checkins.add_checkin(
        db,
        session_id=held.id,
        member_ref=people[0].id,
        data=CheckInCreate(answers={prompt: f"said {canary}"}, visibility=visibility),
    )
    recognize(
        db,
        member_ref=consenting.id,
        kind=RecognitionKind.SPOTLIGHT,
        message=f"thanks {canary}",
        visibility=visibility,
    )
    add_incident(
        db,
        summary=f"harm {canary}",
        circle_ref=1,
        occurred_on=clock.today() - dt.timedelta(days=2),
    )


def reports_for(db: Database, audience: Audience, reading: int = 1) -> dict[str, str]:
    """Every report this audience can be given, by name: the circle summary of circle
    `reading`, and for the circle audience every report as circle `reading` reads it."""
    made = {}
    for name, kind in REPORTS.items():
        circle: int | None = None
        if kind.needs_circle or (audience == Audience.CIRCLE and not kind.facilitators_only):
            circle = reading
        try:
            made[name] = build_report(db, name, circle_ref=circle, audience=audience)
        except InvalidInput:
            assert kind.facilitators_only
            assert audience != Audience.FACILITATOR
    return made


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(visibility=st.sampled_from(list(Visibility)), audience=st.sampled_from(list(Audience)))
def test_a_canary_shows_only_where_its_audience_may_read_it(
    sample: Callable[[], Database], visibility: Visibility, audience: Audience
) -> None:
    canary = f"zq{visibility.value[:3]}{audience.value[:3]}CANARY"
    db = sample()
    try:
        plant(db, visibility, canary)
        made = reports_for(db, audience)
    finally:
        db.close()
    assert made, "at least one report for every audience"
    holding = {name for name, text in made.items() if canary in text}
    if audience == Audience.FACILITATOR:
        assert "facilitator" in holding, "the facilitator report holds notes and incidents"
    else:
        assert "facilitator" not in made
    if visibility not in MAY_READ[audience]:
        assert holding == set(), f"{visibility} text leaked into {sorted(holding)} for {audience}"
    elif audience != Audience.FACILITATOR:
        assert {"circle", "digest"} & holding, "readable answers reach the circle summary"


@pytest.mark.parametrize(("visibility", "audience"), itertools.product(Visibility, Audience))
def test_every_pair_of_visibility_and_audience(
    sample: Callable[[], Database], visibility: Visibility, audience: Audience
) -> None:
    canary = "zqPAIRCANARY"
    db = sample()
    try:
        plant(db, visibility, canary)
        made = reports_for(db, audience)
    finally:
        db.close()
    leaked = {name for name, text in made.items() if canary in text}
    if visibility not in MAY_READ[audience]:
        assert leaked == set()
    else:
        assert leaked


def test_circle_text_and_names_stay_in_their_own_circle(sample: Callable[[], Database]) -> None:
    canary = "zqOTHERCIRCLECANARY"
    db = sample()
    try:
        plant(db, Visibility.CIRCLE, canary)
        shy = members.get_member(db, ref=circles.get_circle(db, ref=1).members[0].member_id)
        members.edit_member(db, ref=shy.id, changes=MemberUpdate(consent_named=False))
        outsiders = reports_for(db, Audience.CIRCLE, reading=2)
        own = reports_for(db, Audience.CIRCLE, reading=1)
    finally:
        db.close()
    cross_circle = {name for name, kind in REPORTS.items() if not kind.needs_circle}
    assert {name for name, text in outsiders.items() if canary in text} == set()
    assert {name for name, text in own.items() if canary in text} >= {"digest"}
    for name in cross_circle & outsiders.keys():
        assert shy.name not in outsiders[name], f"{name} names a member of another circle"
    assert shy.name in own["circle"]


@pytest.mark.parametrize("name", ["digest", "ambassadors", "recognition"])
def test_the_circle_audience_must_say_which_circle_reads(db: Database, name: str) -> None:
    with pytest.raises(InvalidInput, match="--circle"):
        build_report(db, name, audience=Audience.CIRCLE)
    with pytest.raises(InvalidInput, match="leave it out"):
        build_report(db, name, circle_ref=1, audience=Audience.COMMUNITY)

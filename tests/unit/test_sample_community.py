"""The bundled sample community loads through the services; the demo database is built safely."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.conftest import FROZEN_NOW

from circlekeeper import clock, paths
from circlekeeper.db import Database, NotACircleKeeperDatabase, create_database, open_database
from circlekeeper.models import (
    Cadence,
    CircleDetail,
    CircleKind,
    CircleStatus,
    CircleVisibility,
    MemberCreate,
    MemberStatus,
)
from circlekeeper.services import circles, members
from circlekeeper.services.demo import build_demo_database
from circlekeeper.services.errors import Conflict, InvalidInput
from circlekeeper.services.sample_community import (
    SampleCommunitySummary,
    load_sample_community,
)

SAMPLE_MEMBERS = 62
SAMPLE_CIRCLES = 8
SAMPLE_SEATS = 47
SAMPLE_AMBASSADORS = 7
SAMPLE_RECOGNITIONS = 6

Loaded = tuple[Database, SampleCommunitySummary]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """One loaded sample community shared by the read-only tests of this module."""
    clock.freeze(FROZEN_NOW)
    try:
        db = create_database(tmp_path_factory.mktemp("sample") / "sample.db")
        summary = load_sample_community(db)
    finally:
        clock.set_clock(None)
    yield db, summary
    db.close()


def _all_circles(db: Database) -> list[CircleDetail]:
    return [circles.get_circle(db, ref=row.id) for row in circles.list_circles(db, limit=100).items]


def test_counts_match_the_files_and_the_summary(sample: Loaded) -> None:
    db, summary = sample
    assert summary == SampleCommunitySummary(
        community="Common Thread",
        members=SAMPLE_MEMBERS,
        circles=SAMPLE_CIRCLES,
        memberships=SAMPLE_SEATS,
        paused=5,
        left=2,
        sessions_held=summary.sessions_held,
        ambassadors=SAMPLE_AMBASSADORS,
        recognitions=SAMPLE_RECOGNITIONS,
    )
    with db.read() as session:
        stored = session.exec(
            text("SELECT (SELECT count(*) FROM ambassador), (SELECT count(*) FROM recognition)")
        ).one()
    assert tuple(stored) == (SAMPLE_AMBASSADORS, SAMPLE_RECOGNITIONS)
    active = [c for c in _all_circles(db) if c.status == "active"]
    assert summary.sessions_held == 2 * len(active)
    assert members.count_members(db) == SAMPLE_MEMBERS
    assert members.count_members(db, status=MemberStatus.PAUSED) == 5
    assert members.count_members(db, status=MemberStatus.LEFT) == 2
    assert circles.count_circles(db) == SAMPLE_CIRCLES
    assert sum(circle.size for circle in _all_circles(db)) == SAMPLE_SEATS - 1  # one seat ended


@pytest.mark.parametrize(
    ("ref", "name"),
    [
        ("bo.b", "[b]Bo[/b]"),
        ("eve@example.net", "[@click=app.quit]Eve"),
        ("sunny.okafor", "🌻 Sunny Okafor"),
        ("maryam_h", "مريم الحسيني"),
        ("rafagomez", 'Rafael "Rafa" Gómez'),
    ],
)
def test_unusual_and_hostile_names_are_stored_as_typed(sample: Loaded, ref: str, name: str) -> None:
    db, _ = sample
    assert members.get_member(db, ref=ref).name == name


def test_circles_cover_every_kind_visibility_cadence_and_a_realistic_status_mix(
    sample: Loaded,
) -> None:
    db, _ = sample
    found = _all_circles(db)
    assert {circle.kind for circle in found} == set(CircleKind)
    assert {circle.visibility for circle in found} == set(CircleVisibility)
    assert {circle.cadence for circle in found} == set(Cadence)
    assert Counter(circle.status for circle in found) == {
        CircleStatus.ACTIVE: 6,
        CircleStatus.FORMING: 1,
        CircleStatus.PAUSED: 1,
    }
    assert all(circle.purpose and circle.trust_focus for circle in found)
    assert all("\n" in circle.agreements for circle in found)


def test_exactly_one_circle_is_below_its_minimum_and_one_is_full(
    sample: Loaded,
) -> None:
    db, _ = sample
    found = _all_circles(db)
    below = [c.name for c in found if c.size < c.min_size]
    full = [c.name for c in found if c.size == c.max_size]
    assert below == ["Pacific Evenings"]
    assert full == ["Stewards Circle"]
    warnings = circles.get_circle(db, ref="Pacific Evenings").warnings
    assert any("below minimum size" in warning for warning in warnings)


def test_one_time_bound_circle_and_the_departed_member_left_their_seat(
    sample: Loaded,
) -> None:
    db, _ = sample
    bounded = [c for c in _all_circles(db) if c.ends_on]
    assert [c.name for c in bounded] == ["Autumn Onboarding Cohort"]
    assert bounded[0].starts_on is not None
    assert bounded[0].ends_on is not None
    assert bounded[0].starts_on.weekday() == dt.date(2026, 10, 13).weekday()
    past = circles.get_circle(db, ref="Pacific Evenings").past_members
    assert [(stay.name, stay.leave_reason) for stay in past] == [
        ("Rizal Santoso", "Moved to a job with evening shifts; hopes to come back next year")
    ]


def test_members_are_believable(sample: Loaded) -> None:
    db, _ = sample
    today = FROZEN_NOW.date()
    rows = members.list_members(db, limit=1000).items
    assert len({row.timezone for row in rows}) >= 20
    assert all({"tz", "region", "interest"} <= set(row.tags) for row in rows)
    paused = [row for row in rows if row.status is MemberStatus.PAUSED]
    assert any(row.paused_until is None for row in paused)
    assert all(row.paused_until > today for row in paused if row.paused_until)
    for row in rows:
        detail = members.get_member(db, ref=row.id)
        assert today - dt.timedelta(days=731) <= detail.joined_on <= today
        assert all(stay.joined_on >= detail.joined_on for stay in detail.circles), detail.name


def test_dates_move_forward_by_whole_weeks_so_the_sample_never_looks_stale(db: Database) -> None:
    later = FROZEN_NOW + dt.timedelta(weeks=10, days=3)
    clock.freeze(later)
    load_sample_community(db)
    bo = members.get_member(db, ref="bo.b")
    assert bo.joined_on == dt.date(2025, 6, 14) + dt.timedelta(weeks=10)
    cohort = circles.get_circle(db, ref="Autumn Onboarding Cohort")
    assert cohort.starts_on == dt.date(2026, 10, 13) + dt.timedelta(weeks=10)
    paused = members.get_member(db, ref="kwame.m")
    assert paused.paused_until is not None
    assert paused.paused_until > later.date()


def _sample_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "sample_copy"
    shutil.copytree(paths.bundled_dir("sample_data"), folder)
    return folder


def test_a_bad_row_is_reported_with_its_file_and_line(db: Database, tmp_path: Path) -> None:
    folder = _sample_copy(tmp_path)
    csv_file = folder / "members.csv"
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Africa/Lagos", "Mars/Olympus_Mons")
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"members\.csv line 3: timezone"):
        load_sample_community(db, sample_dir=folder)


def test_an_unknown_member_in_a_circle_is_reported_with_the_circle(
    db: Database, tmp_path: Path
) -> None:
    folder = _sample_copy(tmp_path)
    toml_file = folder / "community.toml"
    text = toml_file.read_text(encoding="utf-8").replace('"olly"', '"nobody.here"')
    toml_file.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"'Ship It Sundays'.*'nobody\.here'"):
        load_sample_community(db, sample_dir=folder)


# ── the demo database ─────────────────────────────────────────────────────────────────────────


def _member_count(path: Path) -> int:
    db = open_database(path)
    try:
        return members.count_members(db)
    finally:
        db.close()


def test_building_the_demo_twice_replaces_the_first_and_leaves_no_scratch(tmp_path: Path) -> None:
    demo_path = paths.demo_db_path()
    assert build_demo_database(demo_path) == demo_path
    db = open_database(demo_path)
    members.add_member(db, data=MemberCreate(name="Only In The Old Demo", handle="old.demo"))
    db.close()
    assert _member_count(demo_path) == SAMPLE_MEMBERS + 1

    build_demo_database(demo_path)

    assert _member_count(demo_path) == SAMPLE_MEMBERS
    assert [p.name for p in demo_path.parent.iterdir()] == [demo_path.name]
    assert not paths.default_db_path().exists()
    assert stat.S_IMODE(demo_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(demo_path.parent.stat().st_mode) == 0o700


def test_the_demo_is_never_built_over_the_users_own_database() -> None:
    with pytest.raises(Conflict, match="your own database"):
        build_demo_database(paths.default_db_path())
    assert not paths.default_db_path().exists()


def test_the_demo_refuses_to_replace_a_file_that_is_not_ours(tmp_path: Path) -> None:
    target = tmp_path / "notes.db"
    target.write_text("my precious notes", encoding="utf-8")
    with pytest.raises(NotACircleKeeperDatabase):
        build_demo_database(target)
    assert target.read_text(encoding="utf-8") == "my precious notes"


def test_a_failed_build_keeps_the_previous_demo(tmp_path: Path) -> None:
    demo_path = paths.demo_db_path()
    build_demo_database(demo_path)
    broken = _sample_copy(tmp_path)
    (broken / "community.toml").write_text("this is = = not toml", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        build_demo_database(demo_path, sample_dir=broken)
    assert _member_count(demo_path) == SAMPLE_MEMBERS
    assert [p.name for p in demo_path.parent.iterdir() if ".building" in p.name] == []


def test_the_demo_history_is_believable(sample: Loaded) -> None:
    """Held sessions fall on each circle's own weekday before today, seats match who was in the
    circle then, some answers are shareable, and every active circle has sessions planned ahead."""
    from circlekeeper import clock
    from circlekeeper.models.enums import SessionStatus, Visibility, Weekday
    from circlekeeper.services import checkins, sessions

    db, _ = sample
    for circle in _all_circles(db):
        if circle.status != "active":
            continue
        detail = circles.get_circle(db, ref=circle.id)
        held = sessions.list_sessions(db, circle_ref=circle.id, status=SessionStatus.HELD)
        planned = sessions.list_sessions(db, circle_ref=circle.id, status=SessionStatus.PLANNED)
        assert len(held) == 2, circle.name
        assert planned, circle.name
        assert all(s.local_start > clock.now() for s in planned)
        for session in held:
            assert session.local_date < clock.today()
            assert session.local_date.weekday() == list(Weekday).index(detail.weekday)
            seated = {m.member_id for m in detail.members if m.joined_on <= session.local_date}
            marked = {c.member_id for c in sessions.get_session(db, session_id=session.id).checkins}
            assert marked == seated, circle.name
    shared = checkins.list_checkins(db, visibility=Visibility.COMMUNITY, limit=1000)
    private = checkins.list_checkins(db, visibility=Visibility.PRIVATE, limit=1000)
    assert shared
    assert private


def test_the_sample_programme_shows_every_state_a_facilitator_meets(sample: Loaded) -> None:
    from circlekeeper.models import AmbassadorStatus
    from circlekeeper.services import ambassadors, nominations
    from circlekeeper.services.programme_settings import ProgrammeSettings

    db, _ = sample
    settings = ProgrammeSettings(timezone="UTC")
    clock.freeze(FROZEN_NOW)
    try:
        rows = {
            row.member_name: row
            for row in ambassadors.list_ambassadors(db, include_alumni=True, settings=settings)
        }
        pending = nominations.list_nominations(db)
    finally:
        clock.set_clock(None)
    assert rows["Marcus Johnson"].behind_streak == 3
    assert rows["Ana Lima"].status is AmbassadorStatus.RESTING
    assert all(not goal.due for goal in rows["Ana Lima"].goals)
    assert rows["Oliver Brown"].status is AmbassadorStatus.ALUMNI
    assert [g.done for g in rows["🌻 Sunny Okafor"].goals] == [3]
    assert len(pending) == 2
    with db.read() as session:
        public_without_consent = session.exec(
            text(
                "SELECT count(*) FROM recognition JOIN member ON member.id = recognition.member_id "
                "WHERE recognition.visibility != 'private' AND NOT member.consent_recognised"
            )
        ).one()[0]
    assert public_without_consent == 0

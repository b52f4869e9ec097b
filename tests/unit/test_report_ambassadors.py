"""The ambassador report: goals against targets per person and per focus, coverage and who rested
on a small programme with answers worked out by hand, what each audience may read, and hostile
names read back from the Markdown with markdown-it-py."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlmodel import select
from tests.unit.markdown_reading import HOSTILE_NAMES, as_read, headings, raw_html, tables

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.export.report_ambassadors_md import (
    DEFAULT_TEXTS,
    REPORT,
    render_ambassador_report,
)
from circlekeeper.export.report_texts import texts_for
from circlekeeper.models import (
    Ambassador,
    AmbassadorFocus,
    AmbassadorRest,
    Audience,
    CircleCreate,
    Goal,
    GoalPer,
    GoalProgress,
    Member,
)
from circlekeeper.services import circles
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.programme_settings import ProgrammeSettings
from circlekeeper.services.report_ambassadors import ambassador_report
from circlekeeper.services.report_models_ambassadors import (
    AmbassadorLine,
    AmbassadorReport,
    CoverageLine,
    GoalLine,
    RestLine,
)
from circlekeeper.services.report_scope import ANONYMOUS
from circlekeeper.text import identity_key, sort_key

SETTINGS = ProgrammeSettings(timezone="UTC", week_start=0, coverage_min=1, coverage_max=3)
START = dt.date(2026, 10, 19)
"""A Monday: the period is four whole weeks, 19 Oct to 15 Nov 2026, and October ends in it."""
END = dt.date(2026, 11, 15)
LONG_AGO = dt.date(2026, 1, 5)
BODHI = "Bodhi Unnamed"
HOME = "Home"
REST_CANARY = "CANARY-REST-REASON"
WELCOME = "welcome new members"
EVENT = "host an event"


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Programme:
    """Writes members, ambassadors, focus areas, goals, progress and rests straight into the
    database, so a test can lay down months of history with known answers."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.numbers = itertools.count(1)

    def member(
        self, name: str, *, named: bool = True, status: str = "active", joined: str = "2025-01-01"
    ) -> int:
        """A member; their id."""
        number = next(self.numbers)
        now = clock.now()
        with self.db.write() as session:
            row = Member(
                name=name,
                name_key=sort_key(name),
                handle=f"m{number}",
                handle_key=f"m{number}",
                joined_on=_d(joined),
                status=status,
                consent_named=named,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def ambassador(
        self,
        name: str,
        focus: list[str],
        *,
        named: bool = True,
        started: dt.date = LONG_AGO,
        retired: str | None = None,
        resting_until: str | None = None,
    ) -> int:
        """A new member who is an ambassador with these focus areas; the ambassador's id."""
        member_id = self.member(name, named=named)
        now = clock.now()
        status = "alumni" if retired else "resting" if resting_until else "active"
        with self.db.write() as session:
            row = Ambassador(
                member_id=member_id,
                status=status,
                resting_until=_d(resting_until) if resting_until else None,
                started_on=started,
                retired_on=_d(retired) if retired else None,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            for position, text in enumerate(focus):
                session.add(
                    AmbassadorFocus(
                        ambassador_id=row.id,
                        focus_key=identity_key(text),
                        focus=text,
                        position=position,
                    )
                )
            return row.id

    def goal(
        self,
        ambassador_id: int,
        metric: str,
        target: int,
        *,
        per: str = "week",
        starts: dt.date = LONG_AGO,
        ends: str | None = None,
    ) -> None:
        """A goal for the ambassador."""
        with self.db.write() as session:
            session.add(
                Goal(
                    ambassador_id=ambassador_id,
                    metric=metric,
                    metric_key=identity_key(metric),
                    target=target,
                    per=per,
                    starts_on=starts,
                    ends_on=_d(ends) if ends else None,
                    created_at=clock.now(),
                )
            )

    def log(self, ambassador_id: int, metric: str, *days_and_counts: tuple[str, int]) -> None:
        """Work the ambassador logged: (day, count) pairs."""
        with self.db.write() as session:
            for day, count in days_and_counts:
                session.add(
                    GoalProgress(
                        ambassador_id=ambassador_id,
                        metric=metric,
                        metric_key=identity_key(metric),
                        day=_d(day),
                        count=count,
                        created_at=clock.now(),
                    )
                )

    def rest(self, ambassador_id: int, starts: str, ends: str, reason: str = "") -> None:
        """A rest, both days included."""
        with self.db.write() as session:
            session.add(
                AmbassadorRest(
                    ambassador_id=ambassador_id,
                    starts_on=_d(starts),
                    ends_on=_d(ends),
                    reason=reason,
                    created_at=clock.now(),
                )
            )


@pytest.fixture
def programme(db: Database) -> Database:
    """Four weeks (W1 19-25 Oct, W2 26 Oct-1 Nov, W3 2-8 Nov, W4 9-15 Nov) and October:

    - Ana (welcome team, content highlighter): 3 welcomes a week — 3, 2, 4, 3 (and work just
      outside the period); 1 event a month — 1 in October.
    - Bodhi (welcome team, not named): 2 welcomes a week — 2, 1, [rest W3 with 5], 2.
    - Dee (conversation starter): started 10 Nov, 2 threads a week from W4 — 1.
    - Eve (culture keeper): no goals.  Hal (culture keeper): resting 10-30 Nov, no goals.
    - Fay (event promoter): 2 events a month, resting 1-20 Oct (most of October).
    - Gus (welcome team): 1 welcome a week until 25 Oct, retired 1 Nov — 1 in W1.
    - Cy: retired 1 Oct, before the period (left out).
    Members: the eight above are active, two more active, one left, one joined after the end.
    Bodhi sits in the circle Home.
    """
    p = Programme(db)
    ana = p.ambassador("Ana", ["welcome team", "content highlighter"])
    p.goal(ana, WELCOME, 3)
    p.goal(ana, EVENT, 1, per="month", starts=dt.date(2026, 1, 1))
    p.log(ana, WELCOME, ("2026-10-18", 5), ("2026-10-20", 3), ("2026-10-27", 2))
    p.log(ana, WELCOME, ("2026-11-03", 4), ("2026-11-10", 3), ("2026-11-16", 9))
    p.log(ana, EVENT, ("2026-10-10", 1), ("2026-11-12", 1))
    p.rest(ana, "2026-09-01", "2026-09-10", "before the period")
    bodhi = p.ambassador(BODHI, ["Welcome Team"], named=False)
    p.goal(bodhi, WELCOME, 2)
    p.log(bodhi, WELCOME, ("2026-10-21", 2), ("2026-10-28", 1), ("2026-11-04", 5))
    p.log(bodhi, WELCOME, ("2026-11-11", 2))
    p.rest(bodhi, "2026-11-02", "2026-11-08", REST_CANARY)
    dee = p.ambassador("Dee", ["conversation starter"], started=dt.date(2026, 11, 10))
    p.goal(dee, "start threads", 2, starts=dt.date(2026, 11, 9))
    p.log(dee, "start threads", ("2026-11-11", 1))
    p.ambassador("Eve", ["culture keeper"])
    hal = p.ambassador("Hal", ["culture keeper"], resting_until="2026-11-30")
    p.rest(hal, "2026-11-10", "2026-11-30")
    fay = p.ambassador("Fay", ["event promoter"])
    p.goal(fay, EVENT, 2, per="month", starts=dt.date(2026, 1, 1))
    p.rest(fay, "2026-10-01", "2026-10-20")
    gus = p.ambassador("Gus", ["WELCOME team"], retired="2026-11-01")
    p.goal(gus, WELCOME, 1, ends="2026-10-25")
    p.log(gus, WELCOME, ("2026-10-20", 1))
    cy = p.ambassador("Cy", ["welcome team"], retired="2026-10-01")
    p.goal(cy, WELCOME, 1, ends="2026-09-27")
    p.member("Member one")
    p.member("Member two")
    p.member("Gone", status="left")
    p.member("Newcomer", joined="2026-11-18")
    home = circles.create_circle(db, data=CircleCreate(name=HOME))
    with db.read() as session:
        bodhi_member = session.exec(select(Member.id).where(Member.name == BODHI)).one()
    circles.add_member_to_circle(db, circle_ref=home.id, member_ref=bodhi_member)
    return db


def reading(audience: Audience) -> str | None:
    """The circle reading a report for `audience`: Bodhi's circle for the circle audience."""
    return HOME if audience == Audience.CIRCLE else None


def goal_table(report: AmbassadorReport) -> dict[str, list[tuple[str, int, int, int, int, int]]]:
    """Name → (metric, periods, met, rested, done, expected) of each goal line."""
    return {
        line.name: [(g.metric, g.periods, g.met, g.rested, g.done, g.expected) for g in line.goals]
        for line in report.ambassadors
    }


# --- the figures ---------------------------------------------------------------------------


def test_goals_are_judged_over_the_periods_that_finished_in_the_report(
    programme: Database,
) -> None:
    report = ambassador_report(
        programme, start=START, end=END, audience=Audience.FACILITATOR, settings=SETTINGS
    )

    assert (report.audience, report.start, report.end) == (Audience.FACILITATOR, START, END)
    assert [line.name for line in report.ambassadors] == [
        "Ana",
        BODHI,
        "Dee",
        "Eve",
        "Fay",
        "Gus",
        "Hal",
    ]
    assert goal_table(report) == {
        "Ana": [(EVENT, 1, 1, 0, 1, 1), (WELCOME, 4, 3, 0, 12, 12)],
        BODHI: [(WELCOME, 3, 2, 1, 5, 6)],
        "Dee": [("start threads", 1, 0, 0, 1, 2)],
        "Eve": [],
        "Fay": [(EVENT, 0, 0, 1, 0, 0)],
        "Gus": [(WELCOME, 1, 1, 0, 1, 1)],
        "Hal": [],
    }
    ana = report.ambassadors[0]
    assert ana.focus == ["welcome team", "content highlighter"]
    assert [(g.target, g.per) for g in ana.goals] == [(1, GoalPer.MONTH), (3, GoalPer.WEEK)]


def test_goals_add_up_per_focus_area_matched_whatever_the_case(programme: Database) -> None:
    report = ambassador_report(programme, start=START, end=END, settings=SETTINGS)

    assert [
        (f.focus, f.ambassadors, f.periods, f.met, f.done, f.expected) for f in report.focus
    ] == [
        ("welcome team", 3, 9, 7, 19, 20),
        ("culture keeper", 2, 0, 0, 0, 0),
        ("content highlighter", 1, 5, 4, 13, 13),
        ("conversation starter", 1, 1, 0, 1, 2),
        ("event promoter", 1, 0, 0, 0, 0),
    ]


def test_coverage_counts_members_and_ambassadors_serving_on_the_last_day(
    programme: Database,
) -> None:
    report = ambassador_report(programme, start=START, end=END, settings=SETTINGS)

    # active by 15 Nov: the eight ambassadors' members and two others; serving: Ana, Bodhi,
    # Dee, Eve, Fay (Gus and Cy retired, Hal resting)
    assert report.coverage == CoverageLine(
        active_members=10, serving_ambassadors=5, members_per_ambassador=2.0, flag=None
    )
    wide = ambassador_report(programme, start=START, end=END, settings=ProgrammeSettings("UTC"))
    assert wide.coverage.flag is not None
    assert wide.coverage.flag.startswith("thin load")
    assert (
        "Thin load: 2 members per ambassador (the band starts at 50)"
        in render_ambassador_report(wide)
    )


def test_a_resting_status_counts_from_today_even_without_a_rest_row(db: Database) -> None:
    p = Programme(db)
    p.ambassador("Ivy", ["welcome team"], resting_until="2026-11-28")
    p.ambassador("Jo", ["welcome team"])

    today = ambassador_report(db, settings=SETTINGS)
    earlier = ambassador_report(db, end=dt.date(2026, 11, 1), settings=SETTINGS)

    assert today.end == dt.date(2026, 11, 21)
    assert today.coverage.serving_ambassadors == 1
    assert earlier.coverage.serving_ambassadors == 2


def test_the_rests_that_overlap_the_period_with_reasons_for_facilitators_only(
    programme: Database,
) -> None:
    rests = {
        audience: ambassador_report(
            programme,
            start=START,
            end=END,
            audience=audience,
            settings=SETTINGS,
            circle_ref=reading(audience),
        ).rested
        for audience in Audience
    }

    assert [(r.name, r.starts_on, r.ends_on) for r in rests[Audience.FACILITATOR]] == [
        ("Fay", _d("2026-10-01"), _d("2026-10-20")),
        (BODHI, _d("2026-11-02"), _d("2026-11-08")),
        ("Hal", _d("2026-11-10"), _d("2026-11-30")),
    ]
    assert [r.reason for r in rests[Audience.FACILITATOR]] == ["", REST_CANARY, ""]
    assert [r.name for r in rests[Audience.COMMUNITY]] == ["Fay", ANONYMOUS, "Hal"]
    assert {r.reason for r in rests[Audience.COMMUNITY] + rests[Audience.CIRCLE]} == {""}


def test_a_short_period_in_which_no_week_finished_judges_nothing(programme: Database) -> None:
    report = ambassador_report(
        programme, start=dt.date(2026, 11, 17), end=dt.date(2026, 11, 21), settings=SETTINGS
    )

    assert all(line.goals == [] for line in report.ambassadors)
    assert "Gus" not in [line.name for line in report.ambassadors]
    with pytest.raises(InvalidInput, match="runs backwards"):
        ambassador_report(programme, start=END, end=START, settings=SETTINGS)


# --- what each audience reads --------------------------------------------------------------


def test_the_community_render_hides_unnamed_ambassadors_and_rest_reasons(
    programme: Database,
) -> None:
    documents = {
        audience: render_ambassador_report(
            ambassador_report(
                programme,
                start=START,
                end=END,
                audience=audience,
                settings=SETTINGS,
                circle_ref=reading(audience),
            )
        )
        for audience in Audience
    }

    community = documents[Audience.COMMUNITY]
    assert "Bodhi" not in community
    assert REST_CANARY not in community
    assert "Bodhi" in documents[Audience.CIRCLE]
    assert REST_CANARY not in documents[Audience.CIRCLE]
    assert REST_CANARY in documents[Audience.FACILITATOR]
    people, focus, coverage, rested = tables(community)
    assert people[0] == ["Ambassador", "Goal", "Target", "Periods met", "Done / expected"]
    assert [row for row in people if row[0] == ANONYMOUS] == [
        [ANONYMOUS, WELCOME, "2 a week", "2 of 3 weeks (1 rested)", "5 / 6"]
    ]
    assert people[1:3] == [
        [ANONYMOUS, WELCOME, "2 a week", "2 of 3 weeks (1 rested)", "5 / 6"],
        ["Ana", EVENT, "1 a month", "1 of 1 month", "1 / 1"],
    ]
    assert ["Eve", "No goal judged this period", "—", "—", "—"] in people
    assert ["Fay", EVENT, "2 a month", "none due (1 rested)", "0 / 0"] in people
    assert focus[1] == ["welcome team", "3", "7 of 9", "19 / 20"]
    assert coverage[1] == ["10", "5", "2"]
    assert rested[0] == ["Ambassador", "From", "To"]
    assert [row[0] for row in rested[1:]] == ["Fay", ANONYMOUS, "Hal"]
    facilitator_rested = tables(documents[Audience.FACILITATOR])[3]
    assert facilitator_rested[2] == [BODHI, "2 Nov 2026", "8 Nov 2026", REST_CANARY]
    assert "Confidential" in documents[Audience.FACILITATOR]
    assert "Confidential" not in community


# --- the Markdown -------------------------------------------------------------------------


def test_hostile_names_stay_in_their_cells_inject_nothing_and_read_back(db: Database) -> None:
    p = Programme(db)
    for name in HOSTILE_NAMES:
        ambassador_id = p.ambassador(name, [name[:40] or "x"])
        p.goal(ambassador_id, WELCOME, 1)
        p.log(ambassador_id, WELCOME, ("2026-10-20", 1))
        p.rest(ambassador_id, "2026-11-02", "2026-11-03", reason=name)

    document = render_ambassador_report(
        ambassador_report(
            db, start=START, end=END, audience=Audience.FACILITATOR, settings=SETTINGS
        )
    )

    assert raw_html(document) == []
    people, focus, _, rested = tables(document)
    expected = sorted(as_read(name) for name in HOSTILE_NAMES)
    for table, width in ((people, 5), (focus, 4), (rested, 4)):
        assert all(len(row) == width for row in table)
        assert len(table) - 1 == len(HOSTILE_NAMES)
        assert sorted(row[0] for row in table[1:]) == expected
    assert sorted(row[3] for row in rested[1:]) == expected
    assert {tuple(row[1:]) for row in people[1:]} == {
        (WELCOME, "1 a week", "1 of 4 weeks", "1 / 4")
    }
    assert "@everyone" not in document


def test_the_renderer_is_pure_and_takes_the_facilitators_words() -> None:
    report = AmbassadorReport(
        audience=Audience.CIRCLE,
        start=START,
        end=END,
        ambassadors=[
            AmbassadorLine(
                name="Zoë | <i>z</i>",
                focus=["welcome team"],
                goals=[
                    GoalLine(
                        metric="start threads",
                        target=2,
                        per=GoalPer.MONTH,
                        periods=2,
                        met=1,
                        rested=0,
                        done=3,
                        expected=4,
                    )
                ],
            )
        ],
        focus=[],
        coverage=CoverageLine(
            active_members=0, serving_ambassadors=0, members_per_ambassador=None, flag=None
        ),
        rested=[RestLine(name="x", starts_on=START, ends_on=END, reason="never shown")],
    )
    texts = texts_for(REPORT, DEFAULT_TEXTS, {REPORT: {"heading_people": "Our <b>people</b>"}})

    document = render_ambassador_report(report, texts)

    assert raw_html(document) == []
    assert headings(document) == [
        ("h1", DEFAULT_TEXTS.title),
        ("h2", "Our <b>people</b>"),
        ("h2", DEFAULT_TEXTS.heading("focus")),
        ("h2", DEFAULT_TEXTS.heading("coverage")),
        ("h2", DEFAULT_TEXTS.heading("rested")),
    ]
    people, coverage, rested = tables(document)
    assert people[1] == ["Zoë | <i>z</i>", "start threads", "2 a month", "1 of 2 months", "3 / 4"]
    assert coverage[1] == ["0", "0", "—"]
    assert rested[1] == ["x", "19 Oct 2026", "15 Nov 2026"]
    assert "never shown" not in document
    assert "No focus areas to show." in document
    assert "For the circle's members" in document

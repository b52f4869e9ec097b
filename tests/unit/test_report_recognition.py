"""The recognition roll-up: counts per contributor and kind for the season and all time on a small
log with known answers, what each audience may read, and hostile names read back from the
Markdown with markdown-it-py."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from tests.unit.markdown_reading import HOSTILE_NAMES, as_read, headings, raw_html, tables

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.export.report_recognition_md import (
    DEFAULT_TEXTS,
    REPORT,
    render_recognition_rollup,
)
from circlekeeper.export.report_texts import texts_for
from circlekeeper.models import (
    Audience,
    CircleCreate,
    Member,
    Recognition,
    RecognitionKind,
    Visibility,
)
from circlekeeper.services import circles
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.report_models_recognition import (
    ContributorLine,
    KindCount,
    RecognitionRollup,
)
from circlekeeper.services.report_recognition import recognition_rollup
from circlekeeper.services.report_scope import ANONYMOUS
from circlekeeper.text import sort_key

START = dt.date(2026, 9, 1)
END = dt.date(2026, 11, 15)
SHOUT_OUT = RecognitionKind.SHOUT_OUT
SPOTLIGHT = RecognitionKind.SPOTLIGHT
BADGE = RecognitionKind.BADGE
NOTE = RecognitionKind.NOTE
GIFT = RecognitionKind.GIFT
COMMUNITY = Visibility.COMMUNITY
CIRCLE = Visibility.CIRCLE
PRIVATE = Visibility.PRIVATE
CANARIES = (
    "CANARY-PRIVATE-MSG",
    "CANARY-PRIVATE-GIVER",
    "CANARY-CIRCLE-MSG",
    "CANARY-CIRCLE-GIVER",
    "CANARY-PRIVATE-NAME",
    "CANARY-CIRCLE-NAME",
)
DEE = "Dee CANARY-CIRCLE-NAME"
HOME = "Home"
ELSEWHERE = "Elsewhere"


class Log:
    """Writes members and recognitions straight into the database (dates in the past, names a
    form would clean), so each test states its log exactly."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.numbers = itertools.count(1)

    def member(self, name: str, *, named: bool = True, recognised: bool = True) -> int:
        """A member with the two consents as given; their id."""
        number = next(self.numbers)
        now = clock.now()
        with self.db.write() as session:
            row = Member(
                name=name,
                name_key=sort_key(name),
                handle=f"m{number}",
                handle_key=f"m{number}",
                joined_on=dt.date(2025, 1, 1),
                consent_named=named,
                consent_recognised=recognised,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def circle(self, name: str, *member_ids: int) -> None:
        """A circle with these members seated."""
        circle = circles.create_circle(self.db, data=CircleCreate(name=name))
        for member_id in member_ids:
            circles.add_member_to_circle(self.db, circle_ref=circle.id, member_ref=member_id)

    def thank(
        self,
        member_id: int,
        kind: RecognitionKind,
        day: str,
        visibility: Visibility = COMMUNITY,
        *,
        message: str = "Thank you",
        given_by: str = "the facilitator",
        badge: str = "",
    ) -> None:
        """One recognition of the member."""
        with self.db.write() as session:
            session.add(
                Recognition(
                    member_id=member_id,
                    kind=kind.value,
                    message=message,
                    badge_name=badge,
                    given_by=given_by,
                    day=dt.date.fromisoformat(day),
                    visibility=visibility.value,
                    created_at=clock.now(),
                )
            )


@pytest.fixture
def log(db: Database) -> Database:
    """A season (1 Sep to 15 Nov 2026) of thanks with answers worked out by hand:

    - Ana (named, agreed): 2 community shout-outs and the Spark badge in the season, a
      spotlight in March, a gift after the end; a private note and a circle shout-out.
    - Bodhi (agreed to recognition, not to be named): a shout-out in the season, the Kind Word
      badge last December.
    - Cyd (named, never agreed): a private note.  A member (agreed) whose very name is a
      canary: a private shout-out.  Dee, with a canary in her name: a circle-visibility
      spotlight.  Eve: a community shout-out from before she withdrew her consent.
    - Ana, Bodhi and Dee sit in the circle Home; Eve in Elsewhere.
    """
    book = Log(db)
    ana = book.member("Ana")
    book.thank(ana, SHOUT_OUT, "2026-09-10")
    book.thank(ana, SHOUT_OUT, "2026-10-01")
    book.thank(ana, BADGE, "2026-11-01", badge="Spark")
    book.thank(ana, SPOTLIGHT, "2026-03-01")
    book.thank(ana, GIFT, "2026-11-20")
    book.thank(ana, NOTE, "2026-10-05", PRIVATE, message="CANARY-PRIVATE-MSG")
    book.thank(
        ana,
        SHOUT_OUT,
        "2026-10-06",
        CIRCLE,
        message="CANARY-CIRCLE-MSG",
        given_by="CANARY-CIRCLE-GIVER",
    )
    bodhi = book.member("Bodhi", named=False)
    book.thank(bodhi, SHOUT_OUT, "2026-10-10")
    book.thank(bodhi, BADGE, "2025-12-01", badge="Kind Word")
    cyd = book.member("Cyd", recognised=False)
    book.thank(
        cyd,
        NOTE,
        "2026-10-01",
        PRIVATE,
        message="CANARY-PRIVATE-MSG",
        given_by="CANARY-PRIVATE-GIVER",
    )
    secret = book.member("CANARY-PRIVATE-NAME")
    book.thank(secret, SHOUT_OUT, "2026-10-02", PRIVATE)
    dee = book.member(DEE)
    book.thank(dee, SPOTLIGHT, "2026-10-03", CIRCLE)
    eve = book.member("Eve", recognised=False)
    book.thank(eve, SHOUT_OUT, "2026-10-04")
    book.circle(HOME, ana, bodhi, dee)
    book.circle(ELSEWHERE, eve)
    return db


def counts(line: ContributorLine) -> dict[str, int]:
    """A contributor's kinds as {kind: count}."""
    return {item.kind.value: item.count for item in line.kinds}


def table_of(lines: list[ContributorLine]) -> list[tuple[str, dict[str, int], list[str], int]]:
    """Contributors as (name, kinds, badges, total), in the report's order."""
    return [(line.name, counts(line), line.badges, line.total) for line in lines]


# --- counting ------------------------------------------------------------------------------


def test_the_community_sees_consented_community_thanks_for_the_season_and_all_time(
    log: Database,
) -> None:
    rollup = recognition_rollup(log, start=START, end=END)

    assert (rollup.audience, rollup.start, rollup.end) == (Audience.COMMUNITY, START, END)
    assert table_of(rollup.season) == [
        ("Ana", {"shout-out": 2, "badge": 1}, ["Spark"], 3),
        (ANONYMOUS, {"shout-out": 1}, [], 1),
    ]
    assert table_of(rollup.cumulative) == [
        ("Ana", {"shout-out": 2, "spotlight": 1, "badge": 1}, ["Spark"], 4),
        (ANONYMOUS, {"shout-out": 1, "badge": 1}, ["Kind Word"], 2),
    ]
    assert [(k.kind.value, k.count) for k in rollup.season_kinds] == [
        ("shout-out", 3),
        ("badge", 1),
    ]
    assert [(k.kind.value, k.count) for k in rollup.cumulative_kinds] == [
        ("shout-out", 3),
        ("spotlight", 1),
        ("badge", 2),
    ]


def test_the_circle_also_sees_its_own_circle_thanks_and_its_members_names(log: Database) -> None:
    rollup = recognition_rollup(log, start=START, end=END, audience="circle", circle_ref=HOME)

    assert table_of(rollup.season) == [
        ("Ana", {"shout-out": 3, "badge": 1}, ["Spark"], 4),
        ("Bodhi", {"shout-out": 1}, [], 1),
        (DEE, {"spotlight": 1}, [], 1),
    ]
    assert [line.name for line in rollup.cumulative] == ["Ana", "Bodhi", DEE]
    assert rollup.cumulative[0].total == 5


def test_another_circle_reads_what_the_community_reads(log: Database) -> None:
    elsewhere = recognition_rollup(
        log, start=START, end=END, audience=Audience.CIRCLE, circle_ref=ELSEWHERE
    )
    community = recognition_rollup(log, start=START, end=END)

    assert table_of(elsewhere.season) == table_of(community.season)
    assert table_of(elsewhere.cumulative) == table_of(community.cumulative)
    with pytest.raises(InvalidInput, match="give --circle"):
        recognition_rollup(log, start=START, end=END, audience=Audience.CIRCLE)


def test_facilitators_see_every_entry_up_to_the_end_private_ones_and_withdrawn_consent_too(
    log: Database,
) -> None:
    rollup = recognition_rollup(log, start=START, end=END, audience=Audience.FACILITATOR)

    assert table_of(rollup.season) == [
        ("Ana", {"shout-out": 3, "badge": 1, "note": 1}, ["Spark"], 5),
        ("Bodhi", {"shout-out": 1}, [], 1),
        ("CANARY-PRIVATE-NAME", {"shout-out": 1}, [], 1),
        ("Cyd", {"note": 1}, [], 1),
        (DEE, {"spotlight": 1}, [], 1),
        ("Eve", {"shout-out": 1}, [], 1),
    ]
    assert [(line.name, line.total) for line in rollup.cumulative][:2] == [
        ("Ana", 6),
        ("Bodhi", 2),
    ]
    assert "gift" not in counts(rollup.cumulative[0])  # dated after the end


def test_a_season_with_no_thanks_still_has_the_cumulative_table(log: Database) -> None:
    rollup = recognition_rollup(log, start=dt.date(2026, 11, 2), end=END)

    assert rollup.season == []
    assert rollup.season_kinds == []
    assert [line.name for line in rollup.cumulative] == ["Ana", ANONYMOUS]
    document = render_recognition_rollup(rollup)
    assert "No recognitions to share this season yet." in document
    assert len(tables(document)) == 1


def test_the_period_defaults_to_four_weeks_to_today_and_must_not_run_backwards(
    log: Database,
) -> None:
    rollup = recognition_rollup(log)

    assert (rollup.start, rollup.end) == (dt.date(2026, 10, 25), dt.date(2026, 11, 21))
    assert table_of(rollup.season) == [
        ("Ana", {"badge": 1, "gift": 1}, ["Spark"], 2),
    ]
    with pytest.raises(InvalidInput, match="runs backwards"):
        recognition_rollup(log, start=END, end=START)
    with pytest.raises(InvalidInput, match="audience 'members'"):
        recognition_rollup(log, audience="members")


# --- what the community render may hold ----------------------------------------------------


def test_no_private_or_circle_canary_reaches_the_community_render(log: Database) -> None:
    for audience in (Audience.COMMUNITY, Audience.CIRCLE):
        home = HOME if audience == Audience.CIRCLE else None
        document = render_recognition_rollup(
            recognition_rollup(log, start=START, end=END, audience=audience, circle_ref=home)
        )
        for canary in CANARIES:
            if audience == Audience.CIRCLE and canary.startswith("CANARY-CIRCLE"):
                continue
            assert canary not in document, (audience, canary)
    facilitator = render_recognition_rollup(
        recognition_rollup(log, start=START, end=END, audience=Audience.FACILITATOR)
    )
    assert "CANARY-PRIVATE-NAME" in facilitator  # the filter, not the renderer, kept it out


def test_a_member_without_consent_to_be_named_is_a_member_in_the_community_render(
    log: Database,
) -> None:
    community = render_recognition_rollup(recognition_rollup(log, start=START, end=END))
    circle = render_recognition_rollup(
        recognition_rollup(log, start=START, end=END, audience=Audience.CIRCLE, circle_ref=HOME)
    )

    assert "Bodhi" not in community
    assert "Bodhi" in circle
    season = tables(community)[0]
    assert [row[0] for row in season] == ["Contributor", "Ana", ANONYMOUS]
    assert season[1][1:] == ["2 shout-outs, 1 badge (Spark)", "3"]
    assert "For the whole community" in community


# --- the Markdown -------------------------------------------------------------------------


def test_hostile_names_stay_in_their_cells_inject_nothing_and_read_back(db: Database) -> None:
    book = Log(db)
    for number, name in enumerate(HOSTILE_NAMES):
        member_id = book.member(name)
        for _ in range(number + 1):
            book.thank(member_id, SHOUT_OUT, "2026-10-01")

    document = render_recognition_rollup(recognition_rollup(db, start=START, end=END))

    assert raw_html(document) == []
    season, cumulative = tables(document)
    expected = [as_read(name) for name in reversed(HOSTILE_NAMES)]  # most thanked first
    for table in (season, cumulative):
        assert table[0] == ["Contributor", "Kinds of contribution", "Total"]
        assert len(table) - 1 == len(HOSTILE_NAMES)
        assert all(len(row) == 3 for row in table)
        assert [row[0] for row in table[1:]] == expected
        assert [row[2] for row in table[1:]] == [str(n) for n in range(len(HOSTILE_NAMES), 0, -1)]
    assert "@everyone" not in document


def test_the_renderer_is_pure_and_takes_the_facilitators_words(db: Database) -> None:
    rollup = RecognitionRollup(
        audience=Audience.FACILITATOR,
        start=START,
        end=END,
        season=[
            ContributorLine(
                name="<script>x</script>",
                kinds=[KindCount(kind=NOTE, count=2), KindCount(kind=GIFT, count=1)],
                badges=[],
                total=3,
            )
        ],
        season_kinds=[KindCount(kind=NOTE, count=2), KindCount(kind=GIFT, count=1)],
        cumulative=[],
        cumulative_kinds=[],
    )
    texts = texts_for(
        REPORT,
        DEFAULT_TEXTS,
        {REPORT: {"title": "Thanks | *all*", "heading_season": "This <em>autumn</em>"}},
    )

    document = render_recognition_rollup(rollup, texts)

    assert raw_html(document) == []
    assert headings(document) == [
        ("h1", "Thanks | *all*"),
        ("h2", "This <em>autumn</em>"),
        ("h2", DEFAULT_TEXTS.heading("cumulative")),
    ]
    [season] = tables(document)
    assert season[1] == ["<script>x</script>", "2 notes of thanks, 1 gift", "3"]
    assert "Confidential — for facilitators only." in document
    assert "No recognitions to share yet." in document

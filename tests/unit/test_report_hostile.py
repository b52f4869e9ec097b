"""Hostile names through every report made from the database: read back with markdown-it-py, no
raw HTML, every table keeps its columns, the contributors table has one row per member and each
name reads back as typed."""

from __future__ import annotations

import pytest
from tests.unit.markdown_reading import HOSTILE_NAMES, as_read, raw_html, tables, tokens

from circlekeeper.db import Database
from circlekeeper.export.reports import REPORTS, build_report
from circlekeeper.models import Audience, MemberUpdate, RecognitionKind, Visibility
from circlekeeper.services import circles, members
from circlekeeper.services.recognition import recognize


@pytest.fixture
def hostile(sample_db: Database) -> list[str]:
    """Circle 1's members renamed to hostile names, each in a public spotlight; names as stored."""
    seated = circles.get_circle(sample_db, ref=1).members
    names = []
    for seat, name in zip(seated, HOSTILE_NAMES, strict=False):
        members.edit_member(
            sample_db,
            ref=seat.member_id,
            changes=MemberUpdate(name=name, consent_named=True, consent_recognised=True),
        )
        recognize(
            sample_db,
            member_ref=seat.member_id,
            kind=RecognitionKind.SPOTLIGHT,
            message=f"thanks | {name}",
            visibility=Visibility.COMMUNITY,
        )
        names.append(members.get_member(sample_db, ref=seat.member_id).name)
    return names


def plain_text(markdown: str) -> str:
    """Every piece of text a renderer would show, joined by newlines."""
    return "\n".join(
        token.content for token in tokens(markdown) if token.type in ("text", "code_inline")
    )


@pytest.mark.parametrize("name", list(REPORTS))
def test_hostile_names_read_back_in_every_report(
    sample_db: Database, hostile: list[str], name: str
) -> None:
    kind = REPORTS[name]
    document = build_report(
        sample_db,
        name,
        circle_ref=1 if kind.needs_circle else None,
        audience=Audience.FACILITATOR if kind.facilitators_only else Audience.COMMUNITY,
    )

    assert raw_html(document) == []
    for table in tables(document):
        assert {len(row) for row in table} == {len(table[0])}, table[0]
    if name in ("recognition", "circle", "digest"):
        shown = plain_text(document)
        for stored in hostile:
            assert as_read(stored) in shown, stored


def test_the_contributors_table_has_one_row_per_member(
    sample_db: Database, hostile: list[str]
) -> None:
    document = build_report(sample_db, "recognition", audience=Audience.FACILITATOR)

    season = tables(document)[0]
    names = [row[0] for row in season[1:]]
    assert len(names) == len(set(names))
    assert set(map(as_read, hostile)) <= set(names)

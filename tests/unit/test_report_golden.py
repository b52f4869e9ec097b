"""Golden files: every report on the sample community, for each audience it may be made for,
with the clock frozen (tests.conftest). A change to a report shows up as a diff to review;
regenerate with `CIRCLEKEEPER_UPDATE_GOLDEN=1 pytest tests/unit/test_report_golden.py`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from circlekeeper.db import Database
from circlekeeper.export.reports import REPORTS, build_report
from circlekeeper.models import Audience

GOLDEN = Path(__file__).parent.parent / "golden"
CASES = [
    (name, audience)
    for name, kind in REPORTS.items()
    for audience in Audience
    if not kind.facilitators_only or audience == Audience.FACILITATOR
]


@pytest.mark.parametrize(("name", "audience"), CASES, ids=lambda value: str(value))
def test_report_matches_its_golden_file(sample_db: Database, name: str, audience: Audience) -> None:
    db = sample_db
    kind = REPORTS[name]
    reads_one_circle = audience == Audience.CIRCLE and not kind.facilitators_only
    text = build_report(
        db, name, circle_ref=1 if kind.needs_circle or reads_one_circle else None, audience=audience
    )
    path = GOLDEN / f"{name}-{audience.value}.md"
    if os.environ.get("CIRCLEKEEPER_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with CIRCLEKEEPER_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    assert next(t for t in tokens if t.type == "heading_open").tag == "h1"

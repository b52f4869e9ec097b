"""The digest's Markdown at community scale: large counts read with thousands separators."""

from __future__ import annotations

import datetime as dt

from circlekeeper.export.report_digest_md import DIGEST_TEXTS, render_digest
from circlekeeper.export.report_texts import texts_for
from circlekeeper.models.enums import Audience
from circlekeeper.services.report_models import Digest, ReportPeriod


def test_large_counts_in_numbers_read_with_thousands_separators() -> None:
    scope = ReportPeriod(
        audience=Audience.COMMUNITY, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
    )
    digest = Digest(
        scope=scope,
        highlights=[],
        new_circles=[],
        closing_circles=[],
        spotlights=[],
        ambassadors=0,
        progress_logged=0,
        progress_by_metric=[],
        invitations=[],
        sessions_held=16478,
        members_present=54079,
    )
    text = render_digest(digest, texts_for("digest", DIGEST_TEXTS, {}))
    assert "16,478 sessions held, 54,079 times someone showed up for their circle." in text

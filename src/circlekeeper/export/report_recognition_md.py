"""The recognition roll-up as CommonMark: a contributors table (name, kinds of contribution) for
the season and cumulatively. Pure: it renders a read model and never reads the database."""

from __future__ import annotations

from collections.abc import Sequence

from circlekeeper.export import markdown_text as md
from circlekeeper.export.report_frame import frame, section, when
from circlekeeper.export.report_texts import ReportTexts
from circlekeeper.models.enums import RecognitionKind
from circlekeeper.services.report_models_recognition import (
    ContributorLine,
    KindCount,
    RecognitionRollup,
)

REPORT = "recognition"
"""The report's name in config.toml (`[reports.recognition]`) and on the command line."""
DEFAULT_TEXTS = ReportTexts(
    title="Recognition roll-up",
    intro=(
        "A community runs on people who show up, listen, welcome and lend a hand. These are "
        "the thanks we shared — this season, and since we started keeping count. To everyone "
        "below, and to everyone who did quiet good work nobody wrote down: thank you."
    ),
    headings={"season": "This season", "cumulative": "All time"},
)
KIND_WORDS = {
    RecognitionKind.SHOUT_OUT: ("shout-out", "shout-outs"),
    RecognitionKind.SPOTLIGHT: ("spotlight", "spotlights"),
    RecognitionKind.BADGE: ("badge", "badges"),
    RecognitionKind.NOTE: ("note of thanks", "notes of thanks"),
    RecognitionKind.GIFT: ("gift", "gifts"),
}
HEADERS = ("Contributor", "Kinds of contribution", "Total")


def render_recognition_rollup(report: RecognitionRollup, texts: ReportTexts = DEFAULT_TEXTS) -> str:
    """The whole roll-up as a Markdown document."""
    return frame(
        texts,
        audience=report.audience,
        start=report.start,
        end=report.end,
        body=[
            section(
                texts,
                "season",
                _summary(report.season_kinds),
                _table(report.season),
                empty="No recognitions to share this season yet.",
            ),
            section(
                texts,
                "cumulative",
                _summary(report.cumulative_kinds, until=when(report.end)),
                _table(report.cumulative),
                empty="No recognitions to share yet.",
            ),
        ],
    )


def kinds_text(counts: Sequence[KindCount], badges: Sequence[str] = ()) -> str:
    """The counts in words with the badges named after their count, such as "2 shout-outs,
    1 badge (Spark)"."""
    parts = []
    for item in counts:
        one, many = KIND_WORDS[item.kind]
        part = f"{item.count} {one if item.count == 1 else many}"
        if item.kind is RecognitionKind.BADGE and badges:
            part += " (" + ", ".join(badges) + ")"
        parts.append(part)
    return ", ".join(parts)


def _summary(counts: list[KindCount], *, until: str | None = None) -> str:
    total = sum(item.count for item in counts)
    if not total:
        return ""
    lead = f"{total} recognition{'' if total == 1 else 's'}"
    if until:
        lead += f" up to {until}"
    return md.paragraph(f"{lead}: {kinds_text(counts)}.")


def _table(lines: list[ContributorLine]) -> str:
    if not lines:
        return ""
    rows = [[line.name, kinds_text(line.kinds, line.badges), str(line.total)] for line in lines]
    return md.table(HEADERS, rows)

"""The ambassador report as CommonMark: goals against targets per person and per focus, coverage
and who rested. Pure: it renders a read model and never reads the database."""

from __future__ import annotations

from circlekeeper.export import markdown_text as md
from circlekeeper.export.report_frame import frame, section, when
from circlekeeper.export.report_texts import ReportTexts
from circlekeeper.models.enums import Audience, GoalPer
from circlekeeper.services.report_models_ambassadors import (
    AmbassadorReport,
    CoverageLine,
    FocusLine,
    GoalLine,
    RestLine,
)

REPORT = "ambassadors"
"""The report's name in config.toml (`[reports.ambassadors]`) and on the command line."""
DEFAULT_TEXTS = ReportTexts(
    title="Ambassador report",
    intro=(
        "Our ambassadors welcome newcomers, start conversations and keep the community warm. "
        "Here is how their goals went over these weeks — something to celebrate and to talk "
        "about together, never a score.\n\n"
        "Rest is part of the work: a week or month mostly spent resting is not counted, and a "
        "period still under way is left for the next report."
    ),
    headings={
        "people": "Goals by ambassador",
        "focus": "Goals by focus area",
        "coverage": "Coverage",
        "rested": "Who rested",
    },
)
UNITS = {GoalPer.WEEK: ("week", "weeks"), GoalPer.MONTH: ("month", "months")}


def render_ambassador_report(report: AmbassadorReport, texts: ReportTexts = DEFAULT_TEXTS) -> str:
    """The whole report as a Markdown document."""
    return frame(
        texts,
        audience=report.audience,
        start=report.start,
        end=report.end,
        body=[
            section(
                texts,
                "people",
                _people(report),
                empty="No ambassador served in this period.",
            ),
            section(
                texts,
                "focus",
                _focus(report.focus),
                empty="No focus areas to show.",
            ),
            section(texts, "coverage", *_coverage(report.coverage)),
            section(
                texts,
                "rested",
                _rested(report.rested, reasons=report.audience == Audience.FACILITATOR),
                empty="Nobody rested in this period.",
            ),
        ],
    )


def _people(report: AmbassadorReport) -> str:
    rows = []
    for ambassador in report.ambassadors:
        if not ambassador.goals:
            rows.append([ambassador.name, "No goal judged this period", "", "", ""])
        for goal in ambassador.goals:
            rows.append(
                [
                    ambassador.name,
                    goal.metric,
                    _target(goal),
                    _periods_met(goal),
                    f"{goal.done} / {goal.expected}",
                ]
            )
    if not rows:
        return ""
    return md.table(["Ambassador", "Goal", "Target", "Periods met", "Done / expected"], rows)


def _target(goal: GoalLine) -> str:
    return f"{goal.target} a {UNITS[goal.per][0]}"


def _periods_met(goal: GoalLine) -> str:
    one, many = UNITS[goal.per]
    if goal.periods == 0:
        text = "none due"
    else:
        text = f"{goal.met} of {goal.periods} {one if goal.periods == 1 else many}"
    if goal.rested:
        text += f" ({goal.rested} rested)"
    return text


def _focus(lines: list[FocusLine]) -> str:
    if not lines:
        return ""
    rows = [
        [
            line.focus,
            str(line.ambassadors),
            f"{line.met} of {line.periods}",
            f"{line.done} / {line.expected}",
        ]
        for line in lines
    ]
    return md.table(["Focus area", "Ambassadors", "Periods met", "Done / expected"], rows)


def _coverage(coverage: CoverageLine) -> list[str]:
    ratio = coverage.members_per_ambassador
    table = md.table(
        ["Active members", "Serving ambassadors", "Members per ambassador"],
        [
            [
                str(coverage.active_members),
                str(coverage.serving_ambassadors),
                "—" if ratio is None else _number(ratio),
            ]
        ],
    )
    return [table, md.paragraph(_sentence(coverage.flag)) if coverage.flag else ""]


def _sentence(text: str) -> str:
    """`text` with a capital first letter and a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _rested(lines: list[RestLine], *, reasons: bool) -> str:
    if not lines:
        return ""
    headers = ["Ambassador", "From", "To"] + (["Reason"] if reasons else [])
    rows = [
        [line.name, when(line.starts_on), when(line.ends_on)] + ([line.reason] if reasons else [])
        for line in lines
    ]
    return md.table(headers, rows)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"

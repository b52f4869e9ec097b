"""The circle summary and the facilitator report as Markdown (pure: read model in, text out)."""

from __future__ import annotations

from circlekeeper.export import markdown_text as md
from circlekeeper.export.report_frame import frame, section, when
from circlekeeper.export.report_texts import ReportTexts
from circlekeeper.models import Audience
from circlekeeper.services.report_models import (
    CircleSummary,
    FacilitatorReport,
    IncidentLine,
    Quote,
)

CIRCLE_TEXTS = ReportTexts(
    title="Circle summary",
    intro="What this circle shared over the period, in its own words.",
    headings={
        "sessions": "Sessions",
        "themes": "Themes",
        "quotes": "In their words",
        "recognitions": "Recognitions",
        "next": "Who facilitates next",
        "upcoming": "Coming up",
        "notes": "Session notes",
        "incidents": "Incidents",
    },
)
FACILITATOR_TEXTS = ReportTexts(
    title="Facilitator report",
    intro="Every active circle in full, with private notes, and every open incident.",
    headings={**CIRCLE_TEXTS.headings, "circles": "Circles", "incidents": "Incidents"},
)
STATUS_WORDS = {"held": "held", "cancelled": "cancelled", "did-not-happen": "did not happen"}


def render_circle_summary(report: CircleSummary, texts: ReportTexts = CIRCLE_TEXTS) -> str:
    """The whole circle summary document."""
    scope = report.scope
    return frame(
        texts,
        audience=scope.audience,
        start=scope.start,
        end=scope.end,
        body=circle_sections(report, texts, level=2),
        subject=report.circle,
    )


def render_facilitator_report(
    report: FacilitatorReport, texts: ReportTexts = FACILITATOR_TEXTS
) -> str:
    """Incidents first (they need action), then every circle's full summary."""
    scope = report.scope
    body = [section(texts, "incidents", incident_table(report.incidents), empty="No incidents.")]
    body.append(md.heading(2, texts.heading("circles")))
    for circle in report.circles:
        body.append(md.heading(3, circle.circle))
        body += circle_sections(circle, texts, level=4)
    return frame(texts, audience=scope.audience, start=scope.start, end=scope.end, body=body)


def circle_sections(report: CircleSummary, texts: ReportTexts, *, level: int) -> list[str]:
    """The summary's sections with headings at `level` (2 alone, deeper inside another report)."""
    facilitators = report.scope.audience == Audience.FACILITATOR

    def part(key: str, *blocks: str, empty: str = "Nothing this time.") -> str:
        return section(texts, key, *blocks, empty=empty, level=level)

    parts = [
        part("sessions", _sessions(report)),
        part("themes", "\n".join(md.bullet(f"{t.prompt} ({t.answers})") for t in report.themes)),
        part("quotes", *(_quote(q) for q in report.quotes), empty="Nothing shared this time."),
        part(
            "recognitions",
            "\n".join(
                md.bullet(f"{r.member}: {r.badge or r.kind} — {r.message}")
                for r in report.recognitions
            ),
        ),
        part("next", _next(report), empty="Not planned yet."),
        part(
            "upcoming",
            "\n".join(md.bullet(f"{when(s.day, weekday=True)}") for s in report.upcoming),
            empty="No sessions planned.",
        ),
    ]
    if facilitators:
        notes = [
            md.bullet(f"{when(s.day, year=False)}: {s.notes}")
            for s in report.sessions
            if s.notes.strip()
        ]
        parts.append(part("notes", "\n".join(notes), empty="No notes."))
        parts.append(part("incidents", incident_table(report.incidents), empty="No incidents."))
    return parts


def _sessions(report: CircleSummary) -> str:
    rate = f"{report.present / report.expected:.0%}" if report.expected else "no marks"
    summary = md.inline(
        f"{report.held} held, {report.missed} did not happen or were cancelled; "
        f"attendance {rate} ({report.present} of {report.expected})."
    )
    rows = [
        md.bullet(
            f"{when(s.day, weekday=True, year=False)}: {STATUS_WORDS.get(s.status, s.status)}"
            + (f" ({s.reason})" if s.reason else "")
        )
        for s in report.sessions
    ]
    return "\n\n".join([summary, "\n".join(rows)]) if rows else summary


def _quote(quote: Quote) -> str:
    return md.quote(
        quote.answer, f"{quote.member}, on “{quote.prompt}” ({when(quote.day, year=False)})"
    )


def _next(report: CircleSummary) -> str:
    if report.next_facilitator is None:
        return ""
    deputy = f", with {report.next_deputy} as deputy" if report.next_deputy else ""
    return md.inline(f"{report.next_facilitator}{deputy}.")


def incident_table(incidents: list[IncidentLine]) -> str:
    """Incidents as a table; empty text when there are none."""
    if not incidents:
        return ""
    return md.table(
        ["#", "Occurred", "Circle", "Severity", "Status", "Summary", "Follow up", "Resolution"],
        [
            [
                str(i.id),
                str(i.occurred_on),
                i.circle,
                i.severity,
                i.status,
                i.summary,
                str(i.follow_up_on or ""),
                i.resolution,
            ]
            for i in incidents
        ],
    )

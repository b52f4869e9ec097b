"""The community digest as Markdown, in the voice of a newsletter (pure: read model in, text
out)."""

from __future__ import annotations

from circlekeeper.export import markdown_text as md
from circlekeeper.export.report_frame import frame, section, when
from circlekeeper.export.report_texts import ReportTexts
from circlekeeper.services.report_models import CircleNews, Digest, Quote

DIGEST_TEXTS = ReportTexts(
    title="Community digest",
    intro=(
        "Here is what our circles lived through together: what they chose to share, who joined "
        "the journey, and where there is a seat for you."
    ),
    headings={
        "numbers": "In numbers",
        "highlights": "From the circles",
        "new": "New circles",
        "closing": "Circles coming to a close",
        "spotlights": "Spotlights and badges",
        "ambassadors": "Our ambassadors",
        "invitations": "Open invitations",
    },
)


def render_digest(report: Digest, texts: ReportTexts = DIGEST_TEXTS) -> str:
    """The whole digest document."""
    scope = report.scope
    body = [
        section(
            texts,
            "numbers",
            md.inline(
                f"{report.sessions_held:,} sessions held, {report.members_present:,} times someone "
                "showed up for their circle."
            ),
        ),
        section(
            texts,
            "highlights",
            *(_highlight(h.circle, h.held, h.quotes) for h in report.highlights),
            empty="No circle met in this period.",
        ),
        section(texts, "new", _news(report.new_circles), empty="No new circles this time."),
        section(texts, "closing", _news(report.closing_circles, ending=True), empty="None."),
        section(
            texts,
            "spotlights",
            "\n".join(
                md.bullet(f"{r.member} — {r.badge or r.kind}: {r.message}")
                for r in report.spotlights
            ),
            empty="No spotlights this time.",
        ),
        section(texts, "ambassadors", _ambassadors(report)),
        section(
            texts,
            "invitations",
            _news(report.invitations, seats=True),
            empty="Every circle is full right now.",
        ),
    ]
    return frame(texts, audience=scope.audience, start=scope.start, end=scope.end, body=body)


def _highlight(circle: str, held: int, quotes: list[Quote]) -> str:
    sessions = "session" if held == 1 else "sessions"
    parts = [md.heading(3, circle), md.inline(f"Met {held} {sessions}.")]
    parts += [md.quote(q.answer, f"{q.member}, on “{q.prompt}”") for q in quotes]
    return "\n\n".join(parts)


def _news(items: list[CircleNews], *, ending: bool = False, seats: bool = False) -> str:
    lines = []
    for item in items:
        text = f"{item.circle} ({item.kind})"
        if item.purpose:
            text += f": {item.purpose}"
        if item.day is not None:
            text += f" — {'ends' if ending else 'from'} {when(item.day)}"
        if seats:
            places = "seat" if item.seats_open == 1 else "seats"
            text += f" — {item.seats_open} {places} open, {item.how_to_join}"
        lines.append(md.bullet(text))
    return "\n".join(lines)


def _ambassadors(report: Digest) -> str:
    if not report.progress_logged:
        return md.inline("No progress logged in this period.")
    people = "ambassador" if report.ambassadors == 1 else "ambassadors"
    lines = [
        md.inline(f"{report.ambassadors} {people} logged {report.progress_logged} in all:"),
        "\n".join(md.bullet(f"{metric}: {count}") for metric, count in report.progress_by_metric),
    ]
    return "\n\n".join(lines)

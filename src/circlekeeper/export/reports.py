"""Every Markdown report by name: what it needs and how it is built, so the CLI and the TUI
offer the same reports with the same rules (a circle for the circle summary, facilitators only
for the facilitator report) and the facilitator's own titles from config.toml."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from circlekeeper.db import Database
from circlekeeper.export.report_texts import texts_for
from circlekeeper.models import Audience
from circlekeeper.services.errors import InvalidInput
from circlekeeper.text import quoted

Builder = Callable[..., str]


@dataclass(frozen=True)
class ReportKind:
    """A report the user can ask for by name."""

    name: str
    title: str
    needs_circle: bool
    facilitators_only: bool
    build: Builder


def _circle(db: Database, texts: Mapping[str, Mapping[str, str]], **where: object) -> str:
    from circlekeeper.export.report_circle_md import CIRCLE_TEXTS, render_circle_summary
    from circlekeeper.services.reports import circle_summary

    report = circle_summary(db, **where)  # type: ignore[arg-type]
    return render_circle_summary(report, texts_for("circle", CIRCLE_TEXTS, texts))


def _digest(db: Database, texts: Mapping[str, Mapping[str, str]], **where: object) -> str:
    from circlekeeper.export.report_digest_md import DIGEST_TEXTS, render_digest
    from circlekeeper.services.report_digest import community_digest

    report = community_digest(db, **where)  # type: ignore[arg-type]
    return render_digest(report, texts_for("digest", DIGEST_TEXTS, texts))


def _facilitator(db: Database, texts: Mapping[str, Mapping[str, str]], **where: object) -> str:
    from circlekeeper.export.report_circle_md import FACILITATOR_TEXTS, render_facilitator_report
    from circlekeeper.services.reports import facilitator_report

    report = facilitator_report(db, **where)  # type: ignore[arg-type]
    return render_facilitator_report(report, texts_for("facilitator", FACILITATOR_TEXTS, texts))


def _ambassadors(db: Database, texts: Mapping[str, Mapping[str, str]], **where: object) -> str:
    from circlekeeper.export.report_ambassadors_md import (
        DEFAULT_TEXTS,
        render_ambassador_report,
    )
    from circlekeeper.services.report_ambassadors import ambassador_report

    report = ambassador_report(db, **where)  # type: ignore[arg-type]
    return render_ambassador_report(report, texts_for("ambassadors", DEFAULT_TEXTS, texts))


def _recognition(db: Database, texts: Mapping[str, Mapping[str, str]], **where: object) -> str:
    from circlekeeper.export.report_recognition_md import (
        DEFAULT_TEXTS,
        render_recognition_rollup,
    )
    from circlekeeper.services.report_recognition import recognition_rollup

    report = recognition_rollup(db, **where)  # type: ignore[arg-type]
    return render_recognition_rollup(report, texts_for("recognition", DEFAULT_TEXTS, texts))


REPORTS: dict[str, ReportKind] = {
    kind.name: kind
    for kind in (
        ReportKind("circle", "Circle summary", True, False, _circle),
        ReportKind("digest", "Community digest", False, False, _digest),
        ReportKind("ambassadors", "Ambassador report", False, False, _ambassadors),
        ReportKind("recognition", "Recognition roll-up", False, False, _recognition),
        ReportKind("facilitator", "Facilitator report", False, True, _facilitator),
    )
}


def build_report(
    db: Database,
    name: str,
    *,
    circle_ref: str | int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    audience: Audience | str = Audience.COMMUNITY,
    texts: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The Markdown of report `name`; `texts` are the `[reports.NAME]` tables of config.toml."""
    from circlekeeper.services.report_scope import audience_of

    kind = REPORTS.get(name.strip().casefold())
    if kind is None:
        raise InvalidInput(f"no report called {quoted(name)}: choose one of {', '.join(REPORTS)}")
    who = audience_of(audience)
    if kind.facilitators_only and who != Audience.FACILITATOR:
        raise InvalidInput(
            f"the {kind.name} report holds private notes and incidents: make it with "
            "--audience facilitator"
        )
    where: dict[str, object] = {"start": start, "end": end, "audience": who}
    if kind.needs_circle and circle_ref is None:
        raise InvalidInput(f"the {kind.name} report needs a circle: give --circle C")
    if kind.facilitators_only and circle_ref is not None:
        raise InvalidInput(f"the {kind.name} report covers every circle; leave out --circle")
    if not kind.facilitators_only:
        where["circle_ref"] = circle_ref
    return kind.build(db, texts or {}, **where)

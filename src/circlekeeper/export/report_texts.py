"""A report's title, intro and section headings: defaults from the report, each replaceable in
config.toml under `[reports.NAME]` (e.g. `[reports.digest] title = "Our month"`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportTexts:
    """The words around a report's data; `heading(key)` falls back to the default heading."""

    title: str
    intro: str
    headings: Mapping[str, str] = field(default_factory=dict)

    def heading(self, key: str) -> str:
        return self.headings.get(key, key.replace("_", " ").capitalize())


def texts_for(
    report: str, defaults: ReportTexts, overrides: Mapping[str, Mapping[str, str]] | None = None
) -> ReportTexts:
    """`defaults` with the facilitator's `[reports.REPORT]` keys laid over them: `title`,
    `intro` and `heading_SECTION` for each section heading."""
    mine = (overrides or {}).get(report, {})
    headings = dict(defaults.headings)
    for key, value in mine.items():
        if key.startswith("heading_"):
            headings[key.removeprefix("heading_")] = value
    return ReportTexts(
        title=mine.get("title", defaults.title),
        intro=mine.get("intro", defaults.intro),
        headings=headings,
    )

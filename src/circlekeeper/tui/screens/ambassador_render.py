"""Ambassador read models as table cells (rich Text) and panes (Content): progress bars, the
detail pane and the programme-health panel. User text is never parsed as markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.content import Content

from circlekeeper.models.enums import AmbassadorStatus, GoalPer
from circlekeeper.text import counted
from circlekeeper.tui.widgets.paged_table import fit_cell, safe_cell_text

if TYPE_CHECKING:
    from circlekeeper.models import (
        AmbassadorDetail,
        AmbassadorRow,
        Coverage,
        GoalStatus,
        ProgrammeHealth,
    )

Part = str | tuple[str, str]

BAR_WIDTH = 5
FULL = "█"
EMPTY = "░"
RECENT_PROGRESS = 12
METRIC_CELL = 16
GOALS_WIDTH = 30
FOCUS_WIDTH_MAX = 60
"""Wide enough for the metric (cut to METRIC_CELL), the bar and "12/20 a month"."""
OVERLOAD_SHOWN = 40
"""People the overload panel lists by name: at community scale thousands can be over capacity,
and laying out tens of thousands of lines took the UI thread seconds for a panel 12 lines high."""


def progress_bar(done: int, target: int, width: int = BAR_WIDTH) -> str:
    """A text bar such as "███░░": full only when the target is met, never empty once started."""
    if target <= 0 or done >= target:
        filled = width
    elif done <= 0:
        filled = 0
    else:
        filled = min(width - 1, max(1, round(done * width / target)))
    return FULL * filled + EMPTY * (width - filled)


def goal_tone(goal: GoalStatus) -> str:
    """The rich style of a goal's bar: met, still due, or not due (resting)."""
    if not goal.due:
        return "dim"
    return "green" if goal.met else "yellow"


def goal_figures(goal: GoalStatus) -> str:
    """ "2/3", with the period when it is not a week and a note when nothing is due."""
    figures = f"{goal.done}/{goal.target}"
    if goal.per == GoalPer.MONTH:
        figures += " a month"
    if not goal.due:
        figures += " (not due)"
    return figures


def fit_metric(metric: str, width: int = METRIC_CELL) -> str:
    """The metric cut or padded to `width` cells, so that the bars line up."""
    return fit_cell(metric, width)


def goal_text(goal: GoalStatus) -> Text:
    """One goal as "welcome new memb… ███░░ 2/3" (the metric is plain text)."""
    text = Text(fit_metric(goal.metric), no_wrap=True, overflow="ellipsis")
    text.append(" ")
    text.append(progress_bar(goal.done, goal.target), style=goal_tone(goal))
    text.append(f" {goal_figures(goal)}")
    return text


def goals_cell(goals: Sequence[GoalStatus]) -> Text:
    """Every goal of this period, one per line (a row is as tall as its goals)."""
    if not goals:
        return Text("no goals — press g", style="dim italic")
    cell = Text(no_wrap=True, overflow="ellipsis")
    for index, goal in enumerate(goals):
        if index:
            cell.append("\n")
        cell.append_text(goal_text(goal))
    return cell


def status_label(row: AmbassadorRow, *, short: bool = False) -> str:
    """ "active", "resting until 2026-12-01" or "alumni since 2026-10-02" ("rest → 2026-12-01"
    and "alumni 2026-10-02" when `short`, for the table)."""
    if row.status == AmbassadorStatus.RESTING and row.resting_until is not None:
        return f"{'rest →' if short else 'resting until'} {row.resting_until}"
    if row.status == AmbassadorStatus.ALUMNI and row.retired_on is not None:
        return f"alumni {'' if short else 'since '}{row.retired_on}"
    return row.status.value


def status_cell(row: AmbassadorRow) -> Text:
    """The status, and a gentle flag when they have been behind three periods running."""
    style = {"active": "", "resting": "cyan", "alumni": "dim"}.get(row.status.value, "")
    text = Text(status_label(row, short=True), style=style, no_wrap=True)
    if row.behind_streak >= 3:
        text.append(f"\nbehind {row.behind_streak} in a row", style="yellow")
    return text


def row_cells(row: AmbassadorRow) -> tuple[Text, Text, Text, Text]:
    """The cells of one ambassador line: name, this period's goals, status, focus (the bars
    come early so that a narrow terminal cuts the focus, which the detail pane shows too)."""
    return (
        Text(safe_cell_text(row.member_name), no_wrap=True, overflow="ellipsis"),
        goals_cell(row.goals),
        status_cell(row),
        Text(focus_label(row), no_wrap=True, overflow="ellipsis"),
    )


def focus_width(rows: Sequence[AmbassadorRow]) -> int:
    """The Focus column's width: its widest cell, at most FOCUS_WIDTH_MAX (the detail pane shows
    the rest). DataTable caches cells drawn before it measures new rows, so a column left to size
    itself can stay as narrow as its header; a set width cannot."""
    widest = max((cell_len(focus_label(row)) for row in rows), default=0)
    return max(len("Focus"), min(widest, FOCUS_WIDTH_MAX))


def focus_label(row: AmbassadorRow) -> str:
    """The focus areas on one line, as the table shows them."""
    return safe_cell_text(", ".join(row.focus))


def row_height(row: AmbassadorRow) -> int:
    """Lines the row needs: one per goal, two when a behind flag sits under the status."""
    return max(1, len(row.goals), 2 if row.behind_streak >= 3 else 1)


def _content_tone(goal: GoalStatus) -> str:
    if not goal.due:
        return "dim"
    return "$success" if goal.met else "$warning"


def _goal_line(goal: GoalStatus, indent: str = "  ") -> list[Part]:
    return [
        indent,
        goal.metric,
        " ",
        (progress_bar(goal.done, goal.target), _content_tone(goal)),
        f" {goal_figures(goal)}",
    ]


def ambassador_detail_content(detail: AmbassadorDetail) -> Content:
    """The detail pane: focus, load against capacity, goals with bars, warnings, history."""
    parts: list[Part] = [(detail.member_name, "bold $accent"), "\n\n"]
    for warning in detail.warnings:
        parts += [("⚠ ", "$warning"), (warning, "$warning"), "\n"]
    if detail.warnings:
        parts.append("\n")
    parts += [("Status: ", "bold"), status_label(detail), "\n"]
    parts += [("Focus: ", "bold"), ", ".join(detail.focus) or "—", "\n"]
    parts += [("Since: ", "bold"), str(detail.started_on), "\n"]
    over = detail.load > detail.capacity_per_week
    parts += [
        ("Load this week: ", "bold"),
        (progress_bar(detail.load, detail.capacity_per_week), "$error" if over else "$success"),
        f" {detail.load} of {detail.capacity_per_week} units they can give",
        "\n",
    ]
    parts += ["\n", ("Goals this period", "bold"), "\n"]
    if not detail.goals:
        parts.append(("  none — press g to set one\n", "italic"))
    for goal in detail.goals:
        span = f"  {goal.period_start:%d %b} → {goal.period_end:%d %b}"
        parts += [*_goal_line(goal), (span, "dim"), "\n"]
    parts += ["\n", ("Recent progress", "bold"), "\n"]
    if not detail.history:
        parts.append(("  nothing logged yet — press l to log some\n", "italic"))
    for item in detail.history[:RECENT_PROGRESS]:
        parts += [f"  {item.day}  +{item.count} ", item.metric]
        if item.note:
            parts += [("  — ", "dim"), (item.note, "dim")]
        parts.append("\n")
    if detail.rests:
        parts += ["\n", ("Rests", "bold"), "\n"]
        for rest in detail.rests:
            parts.append(f"  {rest.starts_on} → {rest.ends_on}")
            if rest.reason:
                parts += [("  — ", "dim"), (rest.reason, "dim")]
            parts.append("\n")
    if detail.past_periods:
        parts += ["\n", ("Past periods", "bold"), "\n"]
        for goal in detail.past_periods:
            parts += [(f"  {goal.period_start} ", "dim"), *_goal_line(goal, indent=""), "\n"]
    ended = [goal for goal in detail.all_goals if goal.ends_on is not None]
    if ended:
        parts += ["\n", ("Earlier goals", "bold"), "\n"]
        for old in ended:
            parts += [
                "  ",
                old.metric,
                f"  {old.target} a {old.per.value}  {old.starts_on} → {old.ends_on}\n",
            ]
    if detail.note:
        parts += ["\n", ("Note", "bold"), "\n", detail.note, "\n"]
    parts.append((f"\nversion {detail.version}", "dim"))
    return Content.assemble(*parts)


def _coverage_line(coverage: Coverage, label: str) -> list[Part]:
    ratio = (
        "—" if coverage.members_per_ambassador is None else f"{coverage.members_per_ambassador:.0f}"
    )
    members = counted(coverage.active_members, "member")
    ambassadors = counted(coverage.active_ambassadors, "ambassador")
    line: list[Part] = ["  ", (label, "bold"), f"  {members} / {ambassadors} = {ratio} each  "]
    if coverage.flag:
        line += [("⚑ ", "$error"), (coverage.flag, "$error")]
    else:
        line.append(("✓ in band", "$success"))
    line.append("\n")
    return line


def coverage_content(health: ProgrammeHealth) -> Content:
    """Coverage overall and per value of the chosen tag, each with its flag; over-reliance."""
    parts: list[Part] = [
        ("Coverage", "bold $accent"),
        (f"  band {health.band_min} to {health.band_max} members per ambassador\n", "dim"),
    ]
    parts += _coverage_line(health.coverage, "overall")
    if health.tag is not None:
        parts += [("  by ", "dim"), (health.tag, "dim"), "\n"]
    for coverage in health.coverage_by_tag:
        parts += _coverage_line(coverage, coverage.tag_value or "(none)")
    if health.tag is None:
        parts.append(("  press t to split by a tag (e.g. region)\n", "dim"))
    parts += ["\n", *reliance_parts(health)]
    return Content.assemble(*parts)


def overload_content(health: ProgrammeHealth) -> Content:
    """Who has more on their plate than they said they can give, or is behind, and why."""
    parts: list[Part] = [("Overload", "bold $accent"), (f"  as of {health.as_of}\n", "dim")]
    if not health.overload:
        parts.append(("  nobody over capacity or behind\n", "dim"))
    for person in health.overload[:OVERLOAD_SHOWN]:
        parts += [("  ⚠ ", "$warning"), person.member_name]
        load = person.goal_load + person.role_load
        parts.append((f"  {load} of {person.capacity_per_week} a week\n", "dim"))
        for reason in person.reasons:
            parts += ["    ", (reason, "dim"), "\n"]
    hidden = len(health.overload) - OVERLOAD_SHOWN
    if hidden > 0:
        parts.append((f"  … and {hidden:,} more over capacity or behind\n", "dim"))
    return Content.assemble(*parts)


def reliance_parts(health: ProgrammeHealth) -> list[Part]:
    """The share of all logged activity done by the top three, and who they are."""
    reliance = health.over_reliance
    share = "—" if reliance.share is None else f"{reliance.share:.0%}"
    parts: list[Part] = [
        ("Over-reliance", "bold $accent"),
        f"  top 3 did {share} of {reliance.total} logged",
        (f"  {health.period_start} → {health.period_end}\n", "dim"),
    ]
    for contributor in reliance.top:
        parts += ["  ", contributor.member_name, (f"  {contributor.count}\n", "dim")]
    return parts


def diversity_content(health: ProgrammeHealth) -> Content:
    """Ambassadors by the chosen tag beside the active membership's distribution."""
    parts: list[Part] = [("Diversity", "bold $accent")]
    if health.tag is None:
        parts.append(("\n  press t to choose a tag\n", "dim"))
        return Content.assemble(*parts)
    parts += [f" by {health.tag}", ("  ambassadors vs members\n", "dim")]
    if not health.diversity:
        parts.append(("  nobody has this tag\n", "dim"))
    for row in health.diversity:
        gap = row.ambassador_share - row.member_share
        tone = "$warning" if abs(gap) >= 0.15 else ""
        parts += [
            "  ",
            row.value,
            (
                f"  {row.ambassadors} ({row.ambassador_share:.0%}) vs "
                f"{row.members} ({row.member_share:.0%})\n",
                tone,
            ),
        ]
    return Content.assemble(*parts)

"""`circlekeeper ambassador health`: coverage, overload, over-reliance and diversity of the
ambassador programme, as tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import JsonOpt, RowsOpt, date_option, optional_day

if TYPE_CHECKING:
    from circlekeeper.models import Coverage, Overload, ProgrammeHealth


def register(app: typer.Typer) -> None:
    """Add `health` to the ambassador sub-app."""

    @app.command("health")
    def health(
        ctx: typer.Context,
        tag: Annotated[
            str | None,
            typer.Option(
                "--tag",
                metavar="KEY",
                help="A member tag (e.g. region) for coverage and diversity per value.",
                show_default=False,
            ),
        ] = None,
        since: Annotated[
            str | None, date_option("--from", "First day of logged activity to weigh.")
        ] = None,
        until: Annotated[
            str | None, date_option("--to", "Last day of logged activity to weigh.")
        ] = None,
        limit: RowsOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Show the programme's health: coverage (members per ambassador) overall and per tag
        value, who is overloaded and why, how much the top 3 carry, and diversity by tag.

        These are prompts for a conversation, not scores.

        \b
        Example: circlekeeper ambassador health --tag region --from 2026-09-01
        """
        from circlekeeper.services.programme_health import programme_health

        found = programme_health(
            open_db(ctx),
            tag=tag,
            since=optional_day(since, "--from"),
            until=optional_day(until, "--to"),
        )
        if as_json:
            output.emit_json(found.model_copy(update={"overload": found.overload[:limit]}))
            return
        print_health(found, limit)


def print_health(found: ProgrammeHealth, limit: int | None = None) -> None:
    """All four parts of the health report, each as a table or a line (the first `limit`
    overloaded ambassadors, output.TABLE_ROWS without one)."""
    output.fields(
        [
            ("as of", found.as_of),
            ("activity weighed", f"{found.period_start} to {found.period_end}"),
            ("healthy coverage", f"{found.band_min} to {found.band_max} members per ambassador"),
        ]
    )
    scopes = [found.coverage, *found.coverage_by_tag]
    output.table(
        ["scope", "active members", "ambassadors", "members per ambassador", "flag"],
        ([c.tag_value or "overall", *_coverage_cells(c)] for c in scopes),
        title=f"coverage by {found.tag}" if found.tag else "coverage",
    )
    _print_overload(found, limit)
    _print_reliance(found)
    if found.diversity:
        output.table(
            [found.tag or "value", "ambassadors", "share", "members", "share"],
            (
                [d.value, d.ambassadors, _pct(d.ambassador_share), d.members, _pct(d.member_share)]
                for d in found.diversity
            ),
            title="diversity",
        )
    elif found.tag is None:
        output.info(
            "diversity and coverage per value need a tag — add --tag KEY, e.g. --tag region"
        )


def _coverage_cells(coverage: Coverage) -> list[object]:
    ratio = coverage.members_per_ambassador
    shown = "—" if ratio is None else f"{ratio:.1f}"
    return [coverage.active_members, coverage.active_ambassadors, shown, coverage.flag or "ok"]


def _print_overload(found: ProgrammeHealth, limit: int | None) -> None:
    if not found.overload:
        output.fields([("overload", "nobody")])
        return
    output.first_rows(
        ["name", "capacity", "goals", "roles", "behind", "why"],
        found.overload,
        _overload_cells,
        "overloaded ambassadors",
        limit=limit,
        title="overload",
    )


def _overload_cells(overload: Overload) -> list[object]:
    return [
        overload.member_name,
        overload.capacity_per_week,
        overload.goal_load,
        overload.role_load,
        overload.behind_streak or "",
        "; ".join(overload.reasons),
    ]


def _print_reliance(found: ProgrammeHealth) -> None:
    reliance = found.over_reliance
    if not reliance.total:
        output.fields([("over-reliance", "no activity logged in the period")])
        return
    output.table(
        ["name", "logged", "share"],
        ([c.member_name, c.count, _pct(c.count / reliance.total)] for c in reliance.top),
        title="over-reliance: top 3",
    )
    share = "—" if reliance.share is None else _pct(reliance.share)
    output.fields([("top 3 share", f"{share} of {reliance.total} logged")])


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"

"""`circlekeeper metrics`: activation, retention by join month, first check-ins and circles that
have closed off, for a period."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from circlekeeper.cli import output
from circlekeeper.cli.context import open_db
from circlekeeper.cli.options import JsonOpt, RowsOpt, date_option, optional_day

if TYPE_CHECKING:
    from circlekeeper.services.metrics_models import CommunityMetrics


def register(app: typer.Typer) -> None:
    """Add the top-level `metrics` command."""
    app.command("metrics")(metrics)


def metrics(
    ctx: typer.Context,
    since: Annotated[
        str | None, date_option("--from", "First joining day counted (default: 90 days ago).")
    ] = None,
    until: Annotated[
        str | None, date_option("--to", "Last joining day counted (default: today).")
    ] = None,
    limit: RowsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Community figures for members who joined in a period: how many attended a first session
    soon (activation), how many still come 1, 3 and 6 months later (by join month), how long
    the first check-in took; and the active circles with nothing shared for weeks, the longest
    silent first (the first 100 of them; --limit N for more, and --json holds them all unless
    --limit is given).

    Thresholds (activation_days, closed_off_weeks) come from config.toml.

    \b
    Example: circlekeeper metrics --from 2026-06-01 --to 2026-08-31
    """
    from circlekeeper.services.health_settings import health_settings
    from circlekeeper.services.metrics import community_metrics

    found = community_metrics(
        open_db(ctx),
        start=optional_day(since, "--from"),
        end=optional_day(until, "--to"),
        settings=health_settings(),
    )
    if as_json:
        cut = found.closed_off if limit is None else found.closed_off[:limit]
        output.emit_json(found.model_copy(update={"closed_off": cut}))
        return
    _print(found, limit)


def _share(part: int | None, whole: int) -> str:
    """`part` with its percentage of `whole`, or a dash while unknown."""
    if part is None:
        return "—"
    return f"{part:,} ({part / whole:.0%})" if whole else f"{part:,}"


def _print(found: CommunityMetrics, limit: int | None) -> None:
    """The figures as a few short tables."""
    activation = found.activation
    first = found.first_check_in
    output.fields(
        [
            ("Period", f"{found.start} → {found.end}"),
            ("Joined", f"{activation.joined:,}"),
            (
                f"Attended within {activation.within_days} days",
                _share(activation.activated, activation.joined),
            ),
            (
                "First check-in",
                "—"
                if first.median_days is None
                else f"median {first.median_days:g} days, slowest {first.slowest_days} "
                f"({first.members:,} members)",
            ),
        ]
    )
    if found.retention:
        output.table(
            ["Joined in", "Members", "After 1 month", "After 3 months", "After 6 months"],
            (
                [
                    c.month,
                    f"{c.joined:,}",
                    _share(c.after_1_month, c.joined),
                    _share(c.after_3_months, c.joined),
                    _share(c.after_6_months, c.joined),
                ]
                for c in found.retention
            ),
            title="Still attending, by join month",
        )
    if found.closed_off:
        output.first_rows(
            ["Circle", "Last shared"],
            found.closed_off,
            lambda c: [c.name, c.last_shareable or "never"],
            "circles",
            limit=limit,
            title=f"Closed off: nothing shared for {found.closed_off_weeks} weeks",
        )
    else:
        output.info(f"no active circle has gone {found.closed_off_weeks} weeks without sharing")

"""A canary in an incident (summary, resolution, contacts) never shows in any output meant for
more than the facilitators: every export, listing, health figure and the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.services.dashboard import dashboard
from circlekeeper.services.incidents import add_incident, update_incident
from tests.cli.cli_helpers import Cli

CANARY = "zq-CANARY-7f3a"
"""A string that no sample data contains, written into every free-text field of an incident."""

NOT_FOR_INCIDENTS = (
    ("member", "list", "--json", "--limit", "500"),
    ("member", "show", "1", "--json"),
    ("circle", "list", "--json"),
    ("circle", "show", "1", "--json"),
    ("session", "list", "--json"),
    ("checkin", "list", "--circle", "1", "--json"),
    ("export", "ics"),
    ("health", "--json"),
    ("health", "members", "--json"),
    ("metrics", "--json"),
    ("review", "due", "--json"),
    ("recognition", "list", "--json"),
    ("ambassador", "list", "--json"),
    ("goal", "status", "--json"),
    ("role", "show", "1", "--json"),
)


@pytest.fixture
def cli(sample_db: Database) -> Cli:
    """The sample community with an incident in its first circle naming its first members."""
    db = sample_db
    today = clock.today()
    found = add_incident(
        db,
        summary=f"harm report {CANARY} in the summary",
        severity="high",
        circle_ref=1,
        people=[1, 2],
        contact=f"Contact {CANARY}",
        alternate_contact=f"Alternate {CANARY}",
        occurred_on=today - dt.timedelta(days=10),
        follow_up_on=today - dt.timedelta(days=2),
    )
    update_incident(db, incident_id=found.id, status="escalated")
    return Cli(db.path)


def test_the_facilitators_own_view_holds_the_canary(cli: Cli) -> None:
    assert CANARY in cli("incident", "show", "1").stdout
    assert CANARY in cli("incident", "list", "--json").stdout


@pytest.mark.parametrize("command", NOT_FOR_INCIDENTS, ids=" ".join)
def test_no_other_output_holds_a_word_of_an_incident(cli: Cli, command: tuple[str, ...]) -> None:
    result = cli(*command)

    assert result.stdout.strip(), "the command printed something to check"
    assert CANARY not in result.stdout
    assert CANARY not in result.stderr


def test_the_dashboard_names_the_overdue_follow_up_without_its_summary(
    sample_db: Database,
) -> None:
    db = sample_db
    add_incident(
        db,
        summary=CANARY,
        occurred_on=clock.today() - dt.timedelta(days=5),
        follow_up_on=clock.today() - dt.timedelta(days=1),
    )

    found = dashboard(db)

    overdue = [alert for alert in found.alerts if alert.kind == "incident"]
    assert overdue, "the overdue follow-up is on the dashboard"
    assert all(CANARY not in alert.model_dump_json() for alert in found.alerts)

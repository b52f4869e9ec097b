"""Every command of the root app by name and summary, in listed order; each module is imported
only when its command is used (tests/cli/test_startup_imports.py checks the summaries)."""

from __future__ import annotations

from importlib import import_module

import typer

from circlekeeper.cli.lazy import LazyCommand, LightGroup


def _command(name: str, summary: str, module: str) -> LazyCommand:
    """A top-level command added by `module.register(root)`."""

    def mount(root: typer.Typer) -> None:
        import_module(module).register(root)

    return LazyCommand(name, summary, mount)


def _sub_app(name: str, summary: str, module: str, attr: str = "app") -> LazyCommand:
    """A sub-app `module.attr` joined under `name`, with `summary` as its help (and parsed by a
    LightGroup, so that completing inside it imports no pydantic)."""

    def mount(root: typer.Typer) -> None:
        root.add_typer(
            getattr(import_module(module), attr), name=name, help=summary, cls=LightGroup
        )

    return LazyCommand(name, summary, mount)


def _mount_recognize(root: typer.Typer) -> None:
    """Add the top-level `recognize` command."""
    from circlekeeper.cli.recognition import recognize

    root.command("recognize")(recognize)


def _mount_health(root: typer.Typer) -> None:
    """Join `health`, whose help comes from its own callback."""
    from circlekeeper.cli import health

    root.add_typer(health.app, name="health", cls=LightGroup)


CLI = "circlekeeper.cli"

ROOT_COMMANDS: tuple[LazyCommand, ...] = (
    _command(
        "init",
        "Create a database at --db, CIRCLEKEEPER_DB or the default place (file 0600, folder 0700).",
        f"{CLI}.database",
    ),
    _command(
        "demo",
        "Open the TUI on a freshly built sample community; your own database is never touched.",
        f"{CLI}.demo",
    ),
    LazyCommand(
        "recognize",
        "Add a shout-out, spotlight, badge, note or gift to the recognition log.",
        _mount_recognize,
    ),
    _command(
        "metrics",
        "Community figures for members who joined in a period: how many attended a first session "
        "soon (activation), how many still come 1, 3 and 6 months later (by join month), how long "
        "the first check-in took; and the active circles with nothing shared for weeks.",
        f"{CLI}.metrics",
    ),
    _command(
        "nominate",
        "Nominate a member as an ambassador; a facilitator accepts or declines later.",
        f"{CLI}.nominations",
    ),
    _sub_app(
        "db",
        "Back up, restore and check the database file; show where it and its backups are.",
        f"{CLI}.db_commands",
    ),
    _sub_app("member", "Add, find, edit, pause and import members.", f"{CLI}.members"),
    _sub_app("circle", "Create circles and manage their seats and lifecycle.", f"{CLI}.circles"),
    _sub_app(
        "application",
        "Applications to circles that take them: add, list, accept, decline, withdraw.",
        f"{CLI}.applications",
    ),
    _sub_app("ritual", "List, add and edit rituals (prompt packs).", f"{CLI}.rituals"),
    _sub_app("session", "Plan, list and record sessions; cancel them.", f"{CLI}.sessions"),
    _sub_app("checkin", "Add check-ins and read their history.", f"{CLI}.checkins"),
    _sub_app(
        "export",
        "Markdown reports for the community, member lists, the sessions calendar.",
        f"{CLI}.export",
    ),
    _sub_app("role", "Rotate roles fairly: plan, show, swap, skip; term roles.", f"{CLI}.roles"),
    _sub_app(
        "review",
        "Seasonal reviews: start, record each choice, apply or cancel; see which are due.",
        f"{CLI}.reviews",
    ),
    _sub_app(
        "incident",
        "Confidential incident records: add, list, show and update (escalate, resolve).",
        f"{CLI}.incidents",
    ),
    LazyCommand(
        "health", "How each circle is doing, and members at risk.", _mount_health, short_help=True
    ),
    _sub_app(
        "recognition",
        "Read the recognition log; see and grant suggestions.",
        f"{CLI}.recognition",
    ),
    _sub_app("badge", "List, add and import badges.", f"{CLI}.recognition", attr="badge_app"),
    _sub_app(
        "ambassador",
        "Ambassadors: add, list, show, rest, retire; programme health.",
        f"{CLI}.ambassadors",
    ),
    _sub_app(
        "nomination",
        "List nominations of ambassadors; accept, decline.",
        f"{CLI}.nominations",
    ),
    _sub_app(
        "goal", "Ambassadors' weekly or monthly goals: set, end, log, status.", f"{CLI}.goals"
    ),
    _sub_app(
        "groups", "Form groups for rounds from an instance file (no database).", f"{CLI}.groups"
    ),
)
"""The root app's commands, in the order `circlekeeper --help` lists them."""

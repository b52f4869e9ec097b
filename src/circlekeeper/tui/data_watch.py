"""Screens reading their data again after a write the app announces (`data_changed`): the ones on
show at once, the first screen of every other mode when it is next shown.

A save used to reload every screen built so far; at 100,000 members that was 5 to 7 seconds of
work (the dashboard's alerts, Health's 13,545 circles, the ambassadors) competing with the one
screen the facilitator was looking at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def reload_on_change(screen: Screen[Any], reload: Callable[[], object]) -> None:
    """Call `reload` after each announced write, unless `screen` is not on show and will read
    again when it is (CircleKeeperApp.switch_mode calls its `reread` when the database changed)."""
    app = screen.app

    def changed(_: int) -> None:
        if screen in app.screen_stack or not rereads_on_show(screen):
            reload()

    screen.watch(app, "data_version", changed, init=False)


def rereads_on_show(screen: Screen[Any]) -> bool:
    """Whether `screen` is the first screen of a mode and reads again when shown."""
    stacks = getattr(screen.app, "_screen_stacks", {})
    first = any(stack and stack[0] is screen for stack in stacks.values())
    return first and reread_of(screen) is not None


def reread_of(screen: Screen[Any]) -> Callable[[], object] | None:
    """The screen's `reread` (read again, painting what it holds meanwhile), if it has one."""
    reread = getattr(screen, "reread", None)
    return reread if callable(reread) else None

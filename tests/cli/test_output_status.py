"""The spinner long work shows on stderr: in a terminal it shows the text and its changes,
elsewhere (pipes, CI, CliRunner) it writes nothing."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from circlekeeper.cli import output


@pytest.mark.parametrize("change", [None, "integrity_check (2 of 3)"])
def test_a_terminal_sees_the_spinner_with_the_latest_text(
    change: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(output, "stderr", Console(file=screen, force_terminal=True, width=80))

    with output.status("checking the database file…") as say:
        if change is not None:
            say(change)

    assert (change or "checking the database file…") in screen.getvalue()


def test_a_pipe_gets_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr(output, "stderr", Console(file=pipe, force_terminal=False, width=80))

    with output.status("checking the database file…") as say:
        say("integrity_check (2 of 3)")

    assert pipe.getvalue() == ""

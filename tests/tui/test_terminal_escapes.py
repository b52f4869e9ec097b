"""The real TUI in a real terminal (tmux) over the hostile community: no escape sequence from
user text reaches the terminal. The window title never becomes an injected one, no colour typed
into a name paints the screen, no clipboard write lands, and the injected bytes never show as
text. A control pane first proves that this tmux does react to each of those sequences."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW
from tests.hostile_corpus import CLIPBOARD_PAYLOAD, TITLE_PAYLOADS, hostile, stored
from tests.tui.hostile_seed import hostile_copy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

WIDTH, HEIGHT = 140, 50
DEADLINE = 30.0
"""Seconds to wait for the app to draw what a key asked for (it usually takes under one)."""
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
BASIC_COLOURS = {*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)}
"""SGR codes of the 16 basic colours. The app draws in 24-bit colour (COLORTERM=truecolor), so
a basic colour in its pane could only come from user text such as ESC [31m."""
CLIPBOARD_TEXT = "pwned"
"""CLIPBOARD_PAYLOAD decoded: what a paste buffer holds after the OSC 52 write lands."""


def basic_colours(capture: str) -> list[str]:
    """The SGR sequences in `capture` that set one of the 16 basic colours (38;2;…, 48;5;… and
    other extended colours skipped whole)."""
    found = []
    for match in SGR.finditer(capture):
        codes = [int(code or 0) for code in re.split("[;:]", match.group(1))]
        index = 0
        while index < len(codes):
            if codes[index] in (38, 48, 58):
                index += 5 if codes[index + 1 : index + 2] == [2] else 3
                continue
            if codes[index] in BASIC_COLOURS:
                found.append(match.group(0))
                break
            index += 1
    return found


class Tmux:
    """A private tmux server (its own socket, no user configuration) driven by its CLI."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def run(self, *args: str, check: bool = True) -> str:
        """Run one tmux command against this server and return its output."""
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        """Start `command` in a detached session `name` of the terminal size under test, on a
        server that keeps clipboard writes (OSC 52) as paste buffers and dead panes on screen.

        The command sees only `env` and a UTF-8 locale (the test process's COLUMNS and LINES
        would override the terminal's size)."""
        settings = [f"{key}={value}" for key, value in env.items()]
        clean = ["env", "-i", f"PATH={os.environ.get('PATH', '')}", "LANG=C.UTF-8", *settings]
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        self.run(
            *("start-server", ";", "set-option", "-g", "set-clipboard", "on", ";"),
            *("set-option", "-g", "remain-on-exit", "on", ";"),
            *("new-session", "-d", "-s", name, *size, *clean, *command),
        )

    def title(self, target: str) -> str:
        """The pane title, which OSC 0 and OSC 2 set."""
        return self.run("display-message", "-p", "-t", target, "#{pane_title}").strip()

    def screen(self, target: str, *, escapes: bool = False) -> str:
        """What the pane shows, with its colours and attributes as SGR sequences if `escapes`."""
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []), "-t", target)

    def buffers(self) -> str:
        """Every paste buffer's content (an OSC 52 write makes one)."""
        names = self.run("list-buffers", "-F", "#{buffer_name}", check=False).split()
        return "\n".join(self.run("show-buffer", "-b", name) for name in names)

    def wait_for(self, target: str, text: str) -> str:
        """Poll the pane until it shows `text`; the screen then, or a failure with what it shows."""
        deadline = time.monotonic() + DEADLINE
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen(target)
            if text in shown:
                return shown
            if self.run("display-message", "-p", "-t", target, "#{pane_dead}").strip() == "1":
                break
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the pane shows:\n{shown}")

    def kill(self) -> None:
        """Stop this server and everything it runs."""
        self.run("kill-server", check=False)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server, killed after the test."""
    server = Tmux(tmp_path / "tmux.sock")
    try:
        yield server
    finally:
        server.kill()


def control_pane(tmux: Tmux) -> None:
    """Send the sequences straight to the terminal once, and check that this tmux reacts: the
    title changes, the colour shows in the capture, the clipboard write makes a buffer. Without
    that, the checks on the app below could not fail."""
    script = (
        f"printf '\\033]2;{TITLE_PAYLOADS[0]}\\033\\\\'; "
        "printf '\\033[31mRED\\033[0m\\n'; "
        f"printf '\\033]52;c;{CLIPBOARD_PAYLOAD}\\007'; "
        "printf 'CONTROL-DONE\\n'; exec sleep 600"
    )
    tmux.start("control", ["sh", "-c", script], {})
    tmux.wait_for("control", "CONTROL-DONE")
    assert tmux.title("control") == TITLE_PAYLOADS[0]
    assert basic_colours(tmux.screen("control", escapes=True))
    assert CLIPBOARD_TEXT in tmux.buffers()
    tmux.run("kill-session", "-t", "control")
    tmux.run("delete-buffer", check=False)
    assert CLIPBOARD_TEXT not in tmux.buffers()


def assert_clean(tmux: Tmux, where: str) -> None:
    """Nothing injected reached the terminal of the app's pane."""
    title = tmux.title("app")
    assert not any(payload in title for payload in TITLE_PAYLOADS), f"{where}: title {title!r}"
    plain = tmux.screen("app")
    assert "PWNED" not in plain, f"{where}: title payload shown"
    assert CLIPBOARD_PAYLOAD not in plain, f"{where}: clipboard payload shown"
    coloured = basic_colours(tmux.screen("app", escapes=True))
    assert coloured == [], f"{where}: colours from user text: {coloured}"
    assert CLIPBOARD_TEXT not in tmux.buffers(), f"{where}: clipboard written"


def test_the_real_tui_sends_no_escape_sequence_from_user_text(tmux: Tmux, tmp_path: Path) -> None:
    path, seeded = hostile_copy(tmp_path)
    control_pane(tmux)
    program = Path(sys.executable).with_name("circlekeeper")
    assert program.exists(), f"no {program}: install the project into this environment"
    env = {
        "CIRCLEKEEPER_DATA_DIR": str(tmp_path / "data"),
        "CIRCLEKEEPER_CONFIG_DIR": str(tmp_path / "config"),
        "CIRCLEKEEPER_NOW": FROZEN_NOW.isoformat(),
        "COLORTERM": "truecolor",
        "TERM": "tmux-256color",
    }
    tmux.start("app", [str(program), "--db", str(path)], env)
    tmux.wait_for("app", "Needs attention")
    assert_clean(tmux, "dashboard")
    steps = [
        ("m", f"{len(seeded.names)} members"),
        ("c", f"{len(seeded.circle_names)} circles"),
        ("s", "upcoming sessions"),
        ("v", "past sessions"),
        ("k", "newest first"),
        ("!", "Confidential"),
    ]
    for key, shown in steps:
        tmux.run("send-keys", "-t", "app", key)
        tmux.wait_for("app", shown)
        assert_clean(tmux, f"after {key}")
    tmux.run("send-keys", "-t", "app", "d")
    screen = tmux.wait_for("app", "Needs attention")
    cleaned = [seeded.circle_names[0], stored(hostile("osc_title_st"))]
    assert all(text in screen for text in cleaned), f"names not shown as stored:\n{screen}"

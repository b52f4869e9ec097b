"""Fault: `circlekeeper member import` of 50,000 rows is killed (SIGKILL) at 20 moments.

Each moment is chosen by a seeded random generator as an event of the run plus a random amount:
the k-th redraw of the progress bar (read from the pseudo-terminal that is the command's stderr),
the n-th file event after the -wal file appears, the -wal file growing past a fraction of its
full size (the commit), the database file growing past a fraction of its final size (the
checkpoint), or the -wal file being deleted (the close). Afterwards the file passes
integrity_check and foreign_key_check, holds the old members or all 50,000 new ones (and their
tags) and never anything in between, and the next import works.
"""

from __future__ import annotations

import os
import pty
import random
import select
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from circlekeeper.db import create_database, open_database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members
from circlekeeper.services.member_import import import_members
from tests.benchmarks.generate import write_roster
from tests.faults import file_events
from tests.faults.file_events import IN_CREATE, IN_DELETE, IN_MODIFY, FolderEvents
from tests.faults.helpers import CLI, checked_member_count, cli_env, query

ROWS = 50_000
SEED = 20261121
QUIET_LIMIT = 60.0
"""Seconds without any event after which the run is taken to hang (a safety net, not a wait)."""

STAGES = (
    *("validating",) * 4,
    *("opened",) * 2,
    *("committing",) * 8,
    *("checkpointing",) * 4,
    *("closing",) * 2,
)
"""Where the 20 kills fall: most where the file changes (the commit and the checkpoint)."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not file_events.available() or not hasattr(os, "pidfd_open"),
        reason="the kill moments are file events seen through Linux inotify",
    ),
]


@dataclass(frozen=True)
class KillPoint:
    """A moment of the run: a stage and how far into it (a count of events, or a fraction)."""

    stage: str
    amount: float

    def __str__(self) -> str:
        if self.stage in ("committing", "checkpointing"):
            return f"{self.stage}-{self.amount:.2f}"
        return f"{self.stage}-{int(self.amount)}"


def kill_points() -> list[KillPoint]:
    """The 20 kill moments, the same on every run (seeded)."""
    rng = random.Random(SEED)
    stages = list(STAGES)
    rng.shuffle(stages)
    points = []
    for stage in stages:
        if stage == "validating":
            amount = float(rng.randint(1, 5))
        elif stage in ("opened", "closing"):
            amount = float(rng.randint(0, 3))
        else:
            amount = rng.uniform(0.02, 0.98)
        points.append(KillPoint(stage, amount))
    return points


@dataclass(frozen=True)
class Sizes:
    """What a complete import of the roster does to the files (measured once per session)."""

    db_before: int
    wal_peak: int
    db_after: int


@dataclass
class Watched:
    """What has been seen of one run so far."""

    db_name: str
    terminal_writes: int = 0
    """Reads from the command's terminal: the progress bar's redraws, then the summary."""
    events: int = 0
    events_at_first_wal: int | None = None
    wal_peak: int = 0
    db_size: int = 0
    wal_deleted_after: list[int] = field(default_factory=list)
    """The -wal file's peak size at each of its deletions."""

    @property
    def wal_name(self) -> str:
        return f"{self.db_name}-wal"

    def note(self, events: list[file_events.FileEvent], folder: Path) -> None:
        """Take in a batch of file events, reading the sizes they changed."""
        wal_written = db_written = False
        for event in events:
            self.events += 1
            if event.name == self.wal_name:
                if event.mask & IN_CREATE and self.events_at_first_wal is None:
                    self.events_at_first_wal = self.events
                wal_written |= bool(event.mask & IN_MODIFY)
                if event.mask & IN_DELETE:
                    self.wal_deleted_after.append(self.wal_peak)
            elif event.name == self.db_name and event.mask & IN_MODIFY:
                db_written = True
        if wal_written:
            self.wal_peak = max(self.wal_peak, _size(folder / self.wal_name))
        if db_written:
            self.db_size = max(self.db_size, _size(folder / self.db_name))

    def reached(self, point: KillPoint, sizes: Sizes) -> bool:
        """Whether the run has got to `point`."""
        if point.stage == "validating":
            return self.terminal_writes >= point.amount
        if point.stage == "opened":
            first = self.events_at_first_wal
            return first is not None and self.events - first >= point.amount
        if point.stage == "committing":
            return self.wal_peak >= point.amount * sizes.wal_peak
        if point.stage == "checkpointing":
            growth = sizes.db_after - sizes.db_before
            return self.db_size >= sizes.db_before + point.amount * growth
        assert point.stage == "closing"
        return any(peak >= sizes.wal_peak for peak in self.wal_deleted_after)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@dataclass(frozen=True)
class Run:
    """How one import run ended."""

    killed: bool
    returncode: int
    watched: Watched
    stderr: str


def run_import(path: Path, roster: Path, point: KillPoint | None, sizes: Sizes | None) -> Run:
    """Run the real import command on `path`, its stderr a pseudo-terminal (so that it draws its
    progress bar), and kill it with SIGKILL once it reaches `point` (never, for None)."""
    master, slave = pty.openpty()
    watch = FolderEvents(path.parent)
    watched = Watched(db_name=path.name)
    output = bytearray()
    process = subprocess.Popen(
        [*CLI, "--db", str(path), "member", "import", str(roster)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=cli_env(TERM="xterm-256color"),
    )
    os.close(slave)
    exited = os.pidfd_open(process.pid)
    killed = False
    try:
        sources: list[int] = [watch.fileno(), master, exited]
        while exited in sources:
            ready, _, _ = select.select(sources, [], [], QUIET_LIMIT)
            assert ready, f"nothing happened for {QUIET_LIMIT} s: {watched}"
            if master in ready:
                chunk = _read_terminal(master)
                if chunk:
                    output += chunk
                    watched.terminal_writes += 1
                else:
                    sources.remove(master)
            if watch.fileno() in ready:
                watched.note(watch.read(), path.parent)
            if exited in ready:
                sources.remove(exited)
            elif point is not None and sizes is not None and watched.reached(point, sizes):
                process.send_signal(signal.SIGKILL)
                killed = True
                break
        returncode = process.wait(timeout=QUIET_LIMIT)
        if master in sources:
            while chunk := _read_terminal(master):
                output += chunk
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(exited)
        os.close(master)
        watch.close()
    return Run(killed, returncode, watched, output.decode("utf-8", "replace"))


def _read_terminal(master: int) -> bytes:
    """What the command wrote to its terminal since the last read (b"" once it is closed)."""
    try:
        return os.read(master, 1 << 16)
    except OSError:  # EIO: every copy of the terminal's other end is closed
        return b""


@dataclass(frozen=True)
class Setup:
    """The roster, the database every run starts from, and what a complete import gives."""

    roster: Path
    next_roster: Path
    baseline: Path
    before: tuple[int, int]
    after: tuple[int, int]
    sizes: Sizes


def counts(path: Path) -> tuple[int, int]:
    """(members, tags), after the file passes integrity_check and foreign_key_check."""
    found = checked_member_count(path)
    ((tags,),) = query(path, "SELECT count(*) FROM member_tag")
    return found, int(tags)


@pytest.fixture(scope="session")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    """Write the 50,000-row roster and a small community once, then import the roster once in
    full to learn the sizes its commit and checkpoint reach."""
    folder = tmp_path_factory.mktemp("import-kill")
    roster = folder / "roster.csv"
    write_roster(roster, ROWS, random.Random(SEED))
    next_roster = folder / "next.csv"
    next_roster.write_text(
        "name,email\n" + "".join(f"Next {i},next{i}@example.org\n" for i in range(3)),
        encoding="utf-8",
    )
    baseline = folder / "baseline" / "circles.db"
    db = create_database(baseline)
    for name, handle in (("Ana Lima", "ana"), ("Bea Costa", "bea"), ("Caio Reis", "caio")):
        members.add_member(db, data=MemberCreate(name=name, handle=handle, tags={"team": "a"}))
    circles.create_circle(db, data=CircleCreate(name="Tuesday Builders", min_size=2))
    for handle in ("ana", "bea"):
        circles.add_member_to_circle(db, circle_ref="Tuesday Builders", member_ref=handle)
    db.close()
    before = counts(baseline)

    full = folder / "full" / "circles.db"
    full.parent.mkdir()
    shutil.copyfile(baseline, full)
    done = run_import(full, roster, None, None)
    assert done.returncode == 0, done.stderr
    assert done.watched.terminal_writes > 1, f"no progress bar was drawn: {done.stderr!r}"
    after = counts(full)
    assert after[0] == before[0] + ROWS
    sizes = Sizes(baseline.stat().st_size, done.watched.wal_peak, full.stat().st_size)
    shutil.rmtree(full.parent)
    return Setup(roster, next_roster, baseline, before, after, sizes)


@pytest.mark.parametrize("point", kill_points(), ids=str)
def test_a_killed_import_leaves_all_or_nothing(
    point: KillPoint, setup: Setup, tmp_path: Path
) -> None:
    path = tmp_path / "run" / "circles.db"
    path.parent.mkdir()
    shutil.copyfile(setup.baseline, path)

    run = run_import(path, setup.roster, point, setup.sizes)

    assert run.killed or point.stage == "closing", f"ended before {point}: {run.watched}"
    found = counts(path)
    assert found in (setup.before, setup.after), f"{found} after a kill at {point}"
    db = open_database(path)
    try:
        report = import_members(db, source=setup.next_roster)
    finally:
        db.close()
    assert report.imported == 3
    assert counts(path) == (found[0] + 3, found[1])
    shutil.rmtree(path.parent)  # up to 60 MB a run; a failed run's files are kept to look at

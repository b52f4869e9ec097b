"""A deterministic community-scale data set for the benchmarks: a roster CSV and a database.

The database is built the way a facilitator's would be: `init_workspace` (what `circlekeeper
init` runs) for the real schema, the roster imported through `services.member_import` (the
project's own bulk path), then circles and memberships written with `executemany` through
`Database.raw()` in one BEGIN IMMEDIATE transaction. Everything comes from one seeded
`random.Random`, and the result is cached under `.bench-data/` in a folder named after the
parameters and a fingerprint of this file and the migrations, so repeated runs are fast.

    python -m tests.benchmarks.generate --members 100000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import random
import shutil
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from circlekeeper.db import Database

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_ROOT = REPO / ".bench-data"
DEFAULT_MEMBERS = 100_000
DEFAULT_SEED = 20261121
GENERATOR_VERSION = 2
"""Bump when the shape of the generated data changes (the fingerprint also covers this file)."""

CSV_NAME = "members.csv"
DB_NAME = "community.db"
EMPTY_DB_NAME = "empty.db"
META_NAME = "meta.json"
CSV_COLUMNS = ("name", "email", "handle", "timezone", "joined_on", "tags")

FROZEN_NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"
_FIRST_JOIN = dt.date(2019, 1, 1)
_LAST_JOIN = dt.date(2026, 11, 1)

_GIVEN_LATIN = (
    "Ana", "Bea", "Carlos", "Chloé", "Dalia", "Élodie", "Emil", "François", "Grete", "Hana",
    "Iñaki", "Jonas", "José", "Kai", "Lena", "Łucja", "Marta", "Mateus", "Noémie", "Nuno",
    "Olu", "Pía", "Rafael", "Renée", "Søren", "Tomás", "Ümit", "Vera", "Wiebke", "Zoë",
    "Aisha", "Björn", "Ciarán", "Dagný", "Ebru", "Folake", "Gábor", "Hélène", "Ife", "Jürgen",
)  # fmt: skip
_FAMILY_LATIN = (
    "Lima", "Costa", "Okafor", "Müller", "García", "Kowalski", "Nguyễn", "Dubois", "Ólafsson",
    "Santos", "Rossi", "Novák", "Yılmaz", "Andersson", "Mbeki", "O'Brien", "Fernández", "Ødegård",  # noqa: RUF001
    "Schäfer", "Ferreira", "Mendes", "Adeyemi", "Horváth", "Çelik", "Jansen", "Łukasik", "Silva",
)  # fmt: skip
_OTHER_SCRIPTS = (
    "Δημήτρης Παπαδόπουλος", "Ελένη Γεωργίου", "Анна Иванова", "Дмитрий Соколов",
    "Олена Шевченко", "مريم الحسيني", "عمر خالد", "王芳", "李伟", "佐藤 花子", "山田 太郎",
    "김민준", "이서연", "प्रिया शर्मा", "अर्जुन सिंह", "דנה כהן", "สมชาย ใจดี", "Nguyễn Thị Hoa",
    "Ṣàngó Àdìsá", "Þórunn Jónsdóttir", "🌻 Sunny Okafor",
)  # fmt: skip
_HOSTILE = (
    "[b]Bo[/b] {family}", "[@click=app.quit]Eve {family}", "[red]not red[/red] {family}",
    "<b>bold</b> & {family}", "{given} [/] {family}", "[link=https://example.org]{given}[/link]",
)  # fmt: skip
_SLUG = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
                       "ı": "i", "'": "", " ": "."})  # fmt: skip  # noqa: RUF001
_DOMAINS = ("example.org", "example.com", "Exemple.fr", "beispiel.de", "example.net")
_ZONES = {
    "emea": ("Europe/Berlin", "Europe/Lisbon", "Europe/London", "Africa/Lagos", "Europe/Warsaw"),
    "amer": ("America/New_York", "America/Chicago", "America/Los_Angeles", "America/Toronto"),
    "latam": ("America/Sao_Paulo", "America/Mexico_City", "America/Bogota"),
    "apac": ("Asia/Tokyo", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney", "Asia/Seoul"),
}
_OFFSETS = {
    "Europe/Berlin": "utc+1", "Europe/Lisbon": "utc+0", "Europe/London": "utc+0",
    "Africa/Lagos": "utc+1", "Europe/Warsaw": "utc+1", "America/New_York": "utc-5",
    "America/Chicago": "utc-6", "America/Los_Angeles": "utc-8", "America/Toronto": "utc-5",
    "America/Sao_Paulo": "utc-3", "America/Mexico_City": "utc-6", "America/Bogota": "utc-5",
    "Asia/Tokyo": "utc+9", "Asia/Kolkata": "utc+5.5", "Asia/Singapore": "utc+8",
    "Australia/Sydney": "utc+10", "Asia/Seoul": "utc+9",
}  # fmt: skip
_INTERESTS = (
    "climate", "parenting", "founders", "gardening", "writing", "music", "design", "running",
    "grief", "career-change", "open-source", "cooking", "languages", "faith", "caregiving",
    "neurodiversity", "photography", "mentoring", "remote-work", "recovery",
)  # fmt: skip
_CIRCLE_WORDS = (
    "Builders", "Gardeners", "Night Owls", "Founders", "Makers", "Parents", "Writers",
    "Listeners", "Runners", "Seekers", "Café Créatif", "Weavers", "Navigators", "Sprouts",
)  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Weekend", "Early", "Late")
MIN_SIZE = 4
AGREEMENTS = "What is said here stays here.\nPhones away.\nEveryone speaks once, then twice."
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_REASONS = (None, "moved away", "schedule changed", "regrouped", "taking a break", "[b]left[/b]")


@dataclass(frozen=True)
class Scale:
    """How big a community to build, and from which seed."""

    members: int
    circles: int
    memberships: int
    seed: int
    checkins: int = 0
    ambassadors: int = 0
    recognitions: int = 0

    @classmethod
    def for_members(cls, members: int, seed: int = DEFAULT_SEED) -> Scale:
        """The community around `members` people: 0.15 circles, 1.5 stays, 20 check-ins, 0.05
        ambassadors and 0.5 recognitions per member (100,000 members: 15,000 circles, 150,000
        memberships, 2,000,000 check-ins, 5,000 ambassadors, 50,000 recognitions)."""
        if members < 100:
            raise ValueError("generate at least 100 members")
        return cls(
            members=members,
            circles=members * 3 // 20,
            memberships=members * 3 // 2,
            seed=seed,
            checkins=members * 20,
            ambassadors=members // 20,
            recognitions=members // 2,
        )


@dataclass(frozen=True)
class Dataset:
    """A generated data set on disk and the facts the benchmarks need about it."""

    folder: Path
    scale: Scale
    circle_name: str
    circle_size: int

    @property
    def csv(self) -> Path:
        """The roster CSV that was imported."""
        return self.folder / CSV_NAME

    @property
    def db(self) -> Path:
        """The built community database (read-only use: benchmarks never write to it)."""
        return self.folder / DB_NAME

    @property
    def empty_db(self) -> Path:
        """An initialised database with no rows, copied for each import run."""
        return self.folder / EMPTY_DB_NAME


def fingerprint() -> str:
    """A short hash of this generator and the schema migrations: a change means a rebuild."""
    digest = hashlib.sha256(f"v{GENERATOR_VERSION}".encode())
    for module in (
        "generate.py",
        "generate_activity.py",
        "generate_programme.py",
        "generate_checks.py",
    ):
        digest.update((HERE / module).read_bytes())
    versions = REPO / "src" / "circlekeeper" / "db" / "migrations" / "versions"
    for path in sorted(versions.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def dataset_folder(scale: Scale, root: Path = DEFAULT_ROOT) -> Path:
    """Where the data set for `scale` is cached."""
    return root / f"members{scale.members}-seed{scale.seed}-{fingerprint()}"


def is_cached(scale: Scale, root: Path = DEFAULT_ROOT) -> bool:
    """True when the data set for `scale` has been generated already."""
    return (dataset_folder(scale, root) / META_NAME).exists()


def ensure_dataset(
    scale: Scale, root: Path = DEFAULT_ROOT, *, force: bool = False, log: bool = True
) -> Dataset:
    """The cached data set for `scale`, generated first if it is missing (or `force`)."""
    folder = dataset_folder(scale, root)
    meta = folder / META_NAME
    if force and folder.exists():
        shutil.rmtree(folder)
    if not meta.exists():
        _build(scale, folder, log=log)
    facts = json.loads(meta.read_text(encoding="utf-8"))
    return Dataset(
        folder=folder,
        scale=scale,
        circle_name=facts["circle_name"],
        circle_size=facts["circle_size"],
    )


def _build(scale: Scale, folder: Path, *, log: bool) -> None:
    """Generate into a scratch folder and rename it into place, so a killed run leaves no cache."""
    from circlekeeper import clock
    from circlekeeper.db import open_database
    from circlekeeper.services.member_import import import_members
    from circlekeeper.services.workspace import init_workspace

    scratch = folder.with_name(folder.name + ".building")
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    say = _logger(log)
    clock.freeze(FROZEN_NOW)
    try:
        rng = random.Random(scale.seed)
        write_roster(scratch / CSV_NAME, scale.members, rng)
        say(f"wrote {scale.members:,} rows to {CSV_NAME}")
        init_workspace(scratch / EMPTY_DB_NAME)
        _checkpoint(scratch / EMPTY_DB_NAME)
        shutil.copyfile(scratch / EMPTY_DB_NAME, scratch / DB_NAME)
        db = open_database(scratch / DB_NAME)
        try:
            report = import_members(db, source=scratch / CSV_NAME)
            if report.imported != scale.members:
                raise RuntimeError(
                    f"import took {report.imported} of {scale.members} rows: {report.problems[:5]}"
                )
            say(f"imported {report.imported:,} members through services.member_import")
            facts, roster = _add_circles(db, scale, rng)
            say(f"added {scale.circles:,} circles and {scale.memberships:,} memberships")
            facts |= _add_activity(db, scale, roster, say)
            facts |= _add_programme(db, scale, roster, say)
            with db.raw() as conn:
                _verify_all(conn, scale, facts)
            say("checked counts, rules, foreign keys and quick_check")
        finally:
            db.close()
        _checkpoint(scratch / DB_NAME)
        meta = {"scale": asdict(scale), "fingerprint": fingerprint(), **facts}
        (scratch / META_NAME).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    finally:
        clock.set_clock(None)
    for stale in folder.parent.glob(f"members{scale.members}-seed{scale.seed}-*"):
        if stale != scratch:
            shutil.rmtree(stale)  # older fingerprints (and `folder` itself when forced)
    scratch.rename(folder)


def _logger(enabled: bool) -> Callable[[str], None]:
    start = time.perf_counter()

    def say(text: str) -> None:
        if enabled:
            print(f"  [{time.perf_counter() - start:6.1f} s] {text}", file=sys.stderr, flush=True)

    return say


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so the cached database is one self-contained file."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


# ------------------------------------------------------------------------------ members


def _slug(text: str) -> str:
    """An ASCII form of a Latin name for emails and handles: accents dropped, letters kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SLUG))
    ascii_only = decomposed.encode("ascii", "ignore").decode()
    kept = "".join(ch for ch in ascii_only if ch.isalnum() or ch in "._")
    return kept.strip("._") or "member"


def _name(rng: random.Random) -> tuple[str, str]:
    """A display name and the ASCII slug its email and handle are made from."""
    given, family = rng.choice(_GIVEN_LATIN), rng.choice(_FAMILY_LATIN)
    roll = rng.random()
    if roll < 0.005:
        name = rng.choice(_HOSTILE).format(given=given, family=family)
    elif roll < 0.25:
        name = rng.choice(_OTHER_SCRIPTS)
    else:
        name = f"{given} {family}"
    return name, _slug(f"{given}.{family}")


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def roster_rows(count: int, rng: random.Random) -> Iterator[dict[str, str]]:
    """`count` valid roster rows; emails and handles are unique (the row number is in each)."""
    regions = tuple(_ZONES)
    for index in range(1, count + 1):
        name, slug = _name(rng)
        contact = rng.random()
        email = handle = ""
        if contact < 0.85:
            local = f"{slug}.{index}"
            if rng.random() < 0.1:
                local = local.title()
            email = f"{local}@{rng.choice(_DOMAINS)}"
        if contact >= 0.35:
            handle = f"@{slug.replace('.', '_')}_{index}"
        region = rng.choice(regions)
        zone = rng.choice(_ZONES[region])
        tags = [f"tz={_OFFSETS[zone]}", f"region={region}"]
        if rng.random() < 0.8:
            tags.append(f"interest={rng.choice(_INTERESTS)}")
        yield {
            "name": name,
            "email": email,
            "handle": handle,
            "timezone": zone if rng.random() < 0.9 else "",
            "joined_on": _day(rng, _FIRST_JOIN, _LAST_JOIN).isoformat(),
            "tags": ";".join(tags),
        }


def write_roster(path: Path, count: int, rng: random.Random) -> None:
    """Write the roster CSV a community platform might export (UTF-8, header first)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(roster_rows(count, rng))


# ------------------------------------------------------------------------------ circles


_TODAY = FROZEN_NOW.date()


def _lifetime(status: str, rng: random.Random) -> tuple[dt.date, dt.date | None, dt.date]:
    """A circle's first day, its planned end (time-bound circles) and its last day of meeting,
    consistent with its status: forming circles have not met, closed ones stopped in the past,
    paused ones stopped weeks ago and time-bound active ones end ahead."""
    if status == "forming":
        first = _TODAY - dt.timedelta(days=rng.randint(0, 45))
        return first, None, first
    if status == "closed":
        first = _day(rng, dt.date(2022, 6, 1), dt.date(2026, 6, 1))
        last = min(first + dt.timedelta(weeks=rng.randint(6, 80)), _TODAY - dt.timedelta(days=7))
        return first, last if rng.random() < 0.5 else None, last
    if rng.random() < 0.2:  # time-bound: 6 weeks, a quarter or half a year, still running
        weeks = rng.choice((6, 13, 26))
        first = _TODAY - dt.timedelta(days=rng.randrange(weeks * 7))
        return first, first + dt.timedelta(weeks=weeks), _TODAY
    first = _day(rng, dt.date(2022, 1, 1), dt.date(2026, 9, 1))
    if status == "paused":
        return first, None, max(first, _TODAY - dt.timedelta(weeks=rng.randint(2, 20)))
    return first, None, _TODAY


def _circle_row(index: int, rng: random.Random) -> dict[str, Any]:
    """One circle's columns by name, as `_INSERT_CIRCLE` takes them, plus `_first` and `_last`
    (the days it began and last met, for its stays and sessions; not inserted)."""
    from circlekeeper.text import identity_key

    word = rng.choice(_CIRCLE_WORDS)
    name = f"{rng.choice(_DAYS)} {word} {index:05d}"
    if rng.random() < 0.003:
        name = f"[b]{word}[/b] {index:05d}"
    cadence = rng.choices(("weekly", "every-n-weeks", "monthly"), (4, 3, 3))[0]
    status = rng.choices(("forming", "active", "paused", "closed"), (1, 7, 1, 1))[0]
    first, ends, last = _lifetime(status, rng)
    starts = first if rng.random() < 0.7 else None
    if status == "forming" and starts is not None:
        starts = first + dt.timedelta(days=rng.randint(7, 60))
    created = dt.datetime.combine(first, dt.time(9, 0)).strftime(_TIMESTAMP)
    return {
        "id": index,
        "name": name,
        "name_key": identity_key(name),
        "kind": rng.choice(("goal", "identity", "cohort", "leadership")),
        "purpose": f"A place to share {word.casefold()} wins and challenges.",
        "trust_focus": "confidentiality",
        "visibility": rng.choice(("open", "opt-in", "application")),
        "min_size": MIN_SIZE,
        "max_size": rng.choice((6, 8, 10, 10, 10, 12)),
        "cadence": cadence,
        "cadence_interval": rng.randint(2, 4) if cadence == "every-n-weeks" else 1,
        "weekday": rng.choice(_WEEKDAYS),
        "meeting_time": f"{rng.randint(7, 21):02d}:{rng.choice(('00', '30'))}",
        "timezone": rng.choice(_ZONES[rng.choice(tuple(_ZONES))]),
        "starts_on": starts.isoformat() if starts else None,
        "ends_on": ends.isoformat() if ends else None,
        "status": status,
        "agreements": AGREEMENTS,
        "version": 1,
        "created_at": created,
        "updated_at": created,
        "_first": first,
        "_last": last,
    }


_CIRCLE_COLUMNS = (
    "id", "name", "name_key", "kind", "purpose", "trust_focus", "visibility", "min_size",
    "max_size", "cadence", "cadence_interval", "weekday", "meeting_time", "timezone", "starts_on",
    "ends_on", "status", "agreements", "version", "created_at", "updated_at",
)  # fmt: skip
_INSERT_CIRCLE = (
    f"INSERT INTO circle ({', '.join(_CIRCLE_COLUMNS)})"
    f" VALUES ({', '.join(':' + column for column in _CIRCLE_COLUMNS)})"
)
_INSERT_STAY = (
    "INSERT INTO membership (member_id, circle_id, joined_on, left_on, leave_reason, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


@dataclass
class Roster:
    """What later steps build on: the circles' rows and each circle's stays as dates."""

    circles: list[dict[str, Any]]
    stays: dict[int, list[tuple[int, dt.date, dt.date | None]]]
    """circle id → (member id, joined on, left on or None) of every stay."""
    left: set[int]
    paused: set[int]


def _seat_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """When someone took a seat: most join in a circle's first fortnight, the rest later."""
    late = max(first, last - dt.timedelta(days=1))
    if rng.random() < 0.6:
        return min(first + dt.timedelta(days=rng.randint(0, 14)), late)
    return _day(rng, first, late)


def _add_circles(
    db: Database, scale: Scale, rng: random.Random
) -> tuple[dict[str, object], Roster]:
    """Circles, open stays (at most max_size, one per member and circle) and past stays, inside
    each circle's lifetime."""
    stamp = FROZEN_NOW.replace(tzinfo=None).strftime(_TIMESTAMP)
    circles = [_circle_row(index, rng) for index in range(1, scale.circles + 1)]
    member_ids = list(range(1, scale.members + 1))
    left = set(rng.sample(member_ids, scale.members * 4 // 100))
    paused = rng.sample([m for m in member_ids if m not in left], scale.members * 6 // 100)
    seated = [m for m in member_ids if m not in left]
    open_sizes = [
        0 if row["status"] == "closed" else rng.randint(MIN_SIZE, row["max_size"])
        for row in circles
    ]
    excess = sum(open_sizes) - scale.memberships
    while excess > 0:  # a small community: trim seats until the stays fit the target
        index = rng.randrange(len(open_sizes))
        if open_sizes[index]:
            open_sizes[index] -= 1
            excess -= 1
    stays: list[tuple[object, ...]] = []
    by_circle: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    for row, size in zip(circles, open_sizes, strict=True):
        for member_id in rng.sample(seated, size):
            joined = _seat_day(rng, row["_first"], _TODAY)
            stays.append((member_id, row["id"], joined.isoformat(), None, None, stamp))
            by_circle.setdefault(row["id"], []).append((member_id, joined, None))
    for _ in range(scale.memberships - len(stays)):
        row = circles[rng.randrange(len(circles))]
        first, last = row["_first"], min(row["_last"], _TODAY - dt.timedelta(days=1))
        joined = _seat_day(rng, first, max(first, last - dt.timedelta(days=14)))
        left_on = max(joined, min(joined + dt.timedelta(days=rng.randint(14, 150)), last))
        member_id = rng.choice(member_ids)
        stays.append(
            (
                member_id,
                row["id"],
                joined.isoformat(),
                left_on.isoformat(),
                rng.choice(_REASONS),
                stamp,
            )
        )
        by_circle.setdefault(row["id"], []).append((member_id, joined, left_on))
    with db.raw() as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(_INSERT_CIRCLE, circles)
        conn.executemany(_INSERT_STAY, stays)
        conn.executemany(
            "UPDATE member SET status = 'left', version = 2 WHERE id = ?", ((m,) for m in left)
        )
        conn.executemany(
            "UPDATE member SET status = 'paused', paused_until = ?, version = 2 WHERE id = ?",
            (("2027-01-15" if i % 2 else None, m) for i, m in enumerate(paused)),
        )
        conn.executemany(  # consent to be named and recognised publicly, as members give it
            "UPDATE member SET consent_named = ?, consent_recognised = ? WHERE id = ?",
            ((named := rng.random() < 0.6, named or rng.random() < 0.3, m) for m in member_ids),
        )
        conn.execute("COMMIT")
        circle_id, size, past = conn.execute(  # the fullest circle, then the longest history
            "SELECT circle_id, sum(left_on IS NULL), sum(left_on IS NOT NULL) FROM membership"
            " GROUP BY circle_id ORDER BY 2 DESC, 3 DESC, circle_id LIMIT 1"
        ).fetchone()
        name = conn.execute("SELECT name FROM circle WHERE id = ?", (circle_id,)).fetchone()[0]
    facts = {
        "circle_name": name,
        "circle_size": size,
        "circle_past_stays": past,
        "left": len(left),
        "paused": len(paused),
    }
    return facts, Roster(circles, by_circle, left, set(paused))


def _add_activity(
    db: Database, scale: Scale, roster: Roster, say: Callable[[str], None]
) -> dict[str, object]:
    """Two years of sessions and `scale.checkins` check-ins (see generate_activity)."""
    from tests.benchmarks.generate_activity import build_activity, write_activity

    rng = random.Random(scale.seed + 1)
    activity, figures = build_activity(roster, scale.members, scale.checkins, rng)
    with db.raw() as conn:
        write_activity(conn, activity)
    say(
        f"added {figures['sessions']:,} sessions ({activity.held:,} held) and "
        f"{activity.marks:,} check-ins of {figures['possible_checkins']:,} possible"
    )
    return {**figures, "checkins": activity.marks}


def _add_programme(
    db: Database, scale: Scale, roster: Roster, say: Callable[[str], None]
) -> dict[str, object]:
    """Ambassadors with goals and progress, and the recognition log (see generate_programme)."""
    from tests.benchmarks.generate_programme import (
        build_programme,
        build_recognitions,
        write_programme,
    )

    rng = random.Random(scale.seed + 2)
    with db.raw() as conn:
        names = dict(conn.execute("SELECT id, name FROM member"))
        consenting = {
            row[0] for row in conn.execute("SELECT id FROM member WHERE consent_recognised")
        }
        badges = conn.execute("SELECT id, name FROM badge ORDER BY id").fetchall()
    serving = [m for m in range(1, scale.members + 1) if m not in roster.left]
    tables = build_programme(serving, scale.ambassadors, rng)
    tables["recognition"] = build_recognitions(
        scale.members, scale.recognitions, consenting, badges, names, rng
    )
    with db.raw() as conn:
        write_programme(conn, tables)
    say(
        f"added {scale.ambassadors:,} ambassadors, {len(tables['goal']):,} goals, "
        f"{len(tables['goal_progress']):,} progress logs, {scale.recognitions:,} recognitions"
    )
    return {"goals": len(tables["goal"]), "progress_logs": len(tables["goal_progress"])}


def _verify_all(conn: sqlite3.Connection, scale: Scale, facts: dict[str, object]) -> None:
    """The checks of `_verify` plus the activity and programme rules (generate_checks)."""
    from tests.benchmarks.generate_checks import activity_problems

    _verify(conn, scale)
    problems = activity_problems(conn, scale, facts)
    if problems:
        raise RuntimeError("generated data breaks the rules: " + "; ".join(problems))


def _verify(conn: sqlite3.Connection, scale: Scale) -> None:
    """Refuse a data set that breaks a rule the app keeps: counts, seats, keys, integrity."""
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM member), (SELECT count(*) FROM circle),"
        " (SELECT count(*) FROM membership)"
    ).fetchone()
    over = conn.execute(
        "SELECT count(*) FROM circle WHERE max_size < (SELECT count(*) FROM membership"
        " WHERE membership.circle_id = circle.id AND left_on IS NULL)"
    ).fetchone()[0]
    seated_left = conn.execute(
        "SELECT count(*) FROM membership JOIN member ON member.id = member_id"
        " WHERE left_on IS NULL AND member.status = 'left'"
    ).fetchone()[0]
    problems = [
        f"counts {counts} != {(scale.members, scale.circles, scale.memberships)}"
        if counts != (scale.members, scale.circles, scale.memberships)
        else "",
        f"{over} circles over max_size" if over else "",
        f"{seated_left} open stays of members who left" if seated_left else "",
        "foreign keys broken" if conn.execute("PRAGMA foreign_key_check").fetchall() else "",
        _quick_check(conn),
    ]
    if any(problems):
        raise RuntimeError("generated data breaks the rules: " + "; ".join(filter(None, problems)))


def _quick_check(conn: sqlite3.Connection) -> str:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    return "" if result == "ok" else f"quick_check: {result}"


def main(argv: list[str] | None = None) -> int:
    """Build (or find) the cached data set and print where it is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args(argv)
    scale = Scale.for_members(args.members, args.seed)
    dataset = ensure_dataset(scale, args.root, force=args.force)
    print(dataset.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())

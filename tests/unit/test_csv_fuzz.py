"""Hostile roster files: every import ends in a report or a one-line error, all or nothing.

The files mix encodings (UTF-8 with and without BOM, UTF-16 with a BOM, Latin-1, stray bytes that
are not UTF-8), quotes that are unbalanced or doubled, NUL bytes, ragged rows, duplicate and
missing headers, values longer than the csv module's field limit, CR / LF / CRLF line ends mixed
in one file and headers with thousands of columns. The parse-and-validate path runs in-process
for thousands of files; a smaller number goes end to end through the database, dry run first.

The run is random (a new seed each run, printed on failure); rerun one with
CIRCLEKEEPER_FUZZ_SEED=N, and change how many files with CIRCLEKEEPER_FUZZ_EXAMPLES=N.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, seed, settings
from hypothesis import strategies as st

from circlekeeper.algorithms.roster_csv import COLUMNS, unguard
from circlekeeper.db import Database
from circlekeeper.errors import CircleKeeperError
from circlekeeper.services.member_import import (
    ImportReport,
    check_rows,
    import_members,
    roster_from_bytes,
)

SEED = int(os.environ.get("CIRCLEKEEPER_FUZZ_SEED") or random.SystemRandom().randrange(2**32))
EXAMPLES = int(os.environ.get("CIRCLEKEEPER_FUZZ_EXAMPLES") or 5000)
RERUN = f"fuzz seed {SEED}: rerun with CIRCLEKEEPER_FUZZ_SEED={SEED}"
LIMIT = csv.field_size_limit()
NAME = "roster.csv"

settings.register_profile(
    "csv-fuzz",
    max_examples=EXAMPLES,
    derandomize=False,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)
settings.register_profile(
    "csv-fuzz-db", parent=settings.get_profile("csv-fuzz"), max_examples=max(EXAMPLES // 40, 10)
)
settings.register_profile(
    "csv-fuzz-cli", parent=settings.get_profile("csv-fuzz"), max_examples=max(EXAMPLES // 200, 5)
)

PLAIN_HEADERS = (*COLUMNS, "Name", " EMAIL ", "Joined-On", "TimeZone", "phone", "status", "")
ODD_HEADERS = ("e-mail", "name\x00", "na\u00adme", "\ufeffname", "[b]x[/]", "x" * 300, '"name"')
VALUES = (
    "Ann",
    "Bob Lee",
    "ann@x.org",
    "bob@x.org",
    "@ann",
    "bob",
    "@",
    "Europe/Berlin",
    "UTC",
    "Europe",
    "Mars/Olympus",
    "../etc/passwd",
    "2024-01-02",
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "team=a;city=b",
    "team",
    "=x",
    "'@ana",
    "'=1+1",
    "'-5",
    "O'Neil",
    "  '  @x",
    "Zoë",
    "مريم",
    "🌻 Sunny",
    "[b]x[/]",
    "\x1b[31mred",
    "",
    " ",
)
HOSTILE = (
    '"',
    '"',
    '""',
    'a"b',
    '"open',
    '"open',
    'close"',
    "\x00",
    "\r",
    "\n",
    "\r\n",
    ",",
    ";",
    "\t",
)
ENDINGS = ("\n", "\r\n", "\r")
ENCODINGS = ("utf-8",) * 5 + ("utf-8-sig", "utf-16-le", "utf-16-be", "latin-1", "cp1252")
"""UTF-8 five times, so that most files get past decoding to the rows."""
STRAY_BYTES = (
    b"\xff",
    b"\xc3",
    b"\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b'"',
    b"\r",
    b"\n",
    b"\xef\xbb\xbf",
)
LINE = re.compile(r"\bline (\d+)\b")
"""How a message names the line to blame."""
WHOLE_FILE = ("the file is empty", "without a byte-order mark")
"""Refusals about the file as a whole, which have no line to name."""


class Sample:
    """A generated roster: its bytes, and what went into them (for the exact checks)."""

    __slots__ = ("clean", "data", "header", "leading_blank_lines", "rows")

    def __init__(
        self,
        data: bytes,
        header: list[str],
        rows: list[list[str]],
        leading_blank_lines: int,
        *,
        clean: bool,
    ) -> None:
        self.data = data
        self.header = header
        self.rows = rows
        self.leading_blank_lines = leading_blank_lines
        self.clean = clean
        """Written by csv.writer in UTF-8 with header names that map unambiguously, unmutated."""

    def __repr__(self) -> str:
        """The bytes, shortened: a failing example with a huge value stays readable."""
        return f"Sample(data={_shorten(self.data)!r}, clean={self.clean})"


def _shorten(data: bytes, keep: int = 300) -> bytes:
    """`data` with its middle left out when it is long."""
    if len(data) <= 2 * keep:
        return data
    return data[:keep] + b"[... %d bytes ...]" % (len(data) - 2 * keep) + data[-keep:]


@st.composite
def cells(draw: st.DrawFn, column: str | None = None) -> str:
    """One cell: mostly plausible for its column, sometimes hostile.

    One number picks the cell (drawing less keeps 5,000 files quick); it shrinks towards 0, a
    plain value.
    """
    number = draw(st.integers(0, 99_999))
    kind, pick = divmod(number, 1000)
    if kind >= 80:
        return HOSTILE[pick % len(HOSTILE)]
    if kind >= 65:
        return draw(st.text(max_size=12))
    if column == "email" and kind >= 50:
        return f"m{pick % 40}@x{pick % 3}.org"
    if column == "handle" and kind >= 50:
        return f"@h{pick % 40}"
    return VALUES[pick % len(VALUES)]


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    """A header row: known, ignored, odd or duplicate names, or occasionally thousands of them.

    Three in four have a name and an email or handle column (so the rows get read), shuffled,
    with a few other names among them; the rest are any list of names.
    """
    if draw(st.integers(0, 3)) == 3:
        header = draw(st.lists(st.sampled_from(PLAIN_HEADERS + ODD_HEADERS), max_size=9))
    else:
        mask = draw(st.integers(0, 63))
        kept = {
            column
            for bit, column in enumerate(COLUMNS)
            if column == "name" or mask & (1 << bit) or (column == "email" and not mask & 6)
        }
        header = [column for column in draw(st.permutations(COLUMNS)) if column in kept]
        for extra in draw(
            st.lists(
                st.sampled_from(ODD_HEADERS[:1] + ODD_HEADERS[4:6] + PLAIN_HEADERS[-3:]), max_size=2
            )
        ):
            header.insert(draw(st.integers(0, len(header))), extra)
    if draw(st.integers(0, 49)) == 0:
        header += [f"extra {index}" for index in range(draw(st.integers(200, 3000)))]
    return header


@st.composite
def data_rows(draw: st.DrawFn, header: list[str]) -> list[str]:
    """A data row: a value per column, up to two more than the header has, or fewer (ragged)."""
    size = draw(st.integers(0, min(len(header), 8) + 2))
    return [
        draw(cells(_key(header[index]) if index < len(header) else None)) for index in range(size)
    ]


@st.composite
def rosters(draw: st.DrawFn, max_rows: int = 8) -> Sample:
    """A roster file as bytes, with the choices behind it."""
    header = draw(headers())
    rows = draw(st.lists(data_rows(header), max_size=max_rows))
    if rows and draw(st.integers(0, 19)) == 7:  # one file in twenty has a huge value
        row = rows[draw(st.integers(0, len(rows) - 1))]
        huge = draw(st.sampled_from('xé",;')) * draw(st.integers(LIMIT - 2, LIMIT + 40))
        row[draw(st.integers(0, len(row))) :] = [huge]
    blanks = draw(st.integers(0, 2))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quoted = draw(st.booleans())
    count = len(rows) + 2 + blanks
    style = draw(st.integers(0, len(ENDINGS)))
    endings = (
        [ENDINGS[style]] * count
        if style < len(ENDINGS)
        else draw(st.lists(st.sampled_from(ENDINGS), min_size=count, max_size=count))
    )
    lines = [""] * blanks + [_line(header, delimiter, quoted)]
    lines += [_line(row, delimiter, quoted) for row in rows]
    text = _join(lines, endings)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    encoding = draw(st.sampled_from(ENCODINGS))
    data = _encode(text, encoding)
    mutations = draw(
        st.lists(st.tuples(st.integers(0, max(len(data), 1)), st.sampled_from(STRAY_BYTES)))
        if draw(st.integers(0, 4)) == 0
        else st.just([])
    )
    for at, stray in sorted(mutations, reverse=True):
        data = data[:at] + stray + data[at:]
    keys = [_key(cell) for cell in header]
    clean = (
        quoted
        and not mutations
        and encoding in ("utf-8", "utf-8-sig", "utf-16-le", "utf-16-be")
        and all(cell in PLAIN_HEADERS for cell in header)
        and len(set(keys) & set(COLUMNS)) == sum(key in COLUMNS for key in keys)
    )
    return Sample(data, header, rows, blanks, clean=clean)


def _join(lines: list[str], endings: list[str]) -> str:
    """The lines, each with its own ending; a blank line after a CR ends in CRLF, so that the CR
    and its LF are not read as one line end."""
    text = ""
    for line, ending in zip(lines, endings, strict=False):
        if not line and ending == "\n" and text.endswith("\r"):
            ending = "\r\n"
        text += line + ending
    return text


def _key(cell: str) -> str:
    """A header cell as the import compares it (for the printable names used here)."""
    return cell.strip().casefold().replace(" ", "_").replace("-", "_")


def _line(cells: list[str], delimiter: str, quoted: bool) -> str:
    """One row's text without its line end: written by csv.writer, or joined raw (no quoting)."""
    if not quoted:
        return delimiter.join(cells)
    buffer = io.StringIO()
    # The line end must be CR LF here: csv.writer quotes only the line-end characters it writes.
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().removesuffix("\r\n")


def _encode(text: str, encoding: str) -> bytes:
    """The file's bytes: UTF-16 with its byte-order mark, Latin-1 with ? for what it lacks."""
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if encoding in ("latin-1", "cp1252"):
        return text.encode(encoding, errors="replace")
    return text.encode(encoding)


def text_lines(data: bytes) -> int:
    """How many lines a text editor shows (CR, LF and CRLF each end one)."""
    return len(re.split(rb"\r\n|\r|\n", data))


def first_bad_byte(data: bytes) -> int | None:
    """Where UTF-8 decoding (after one BOM) first fails, or None for valid UTF-8."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
    return None


REFUSALS = (
    "the file is empty",
    "UTF-16",
    "not UTF-8",
    "longer than",
    "closing quote is missing",
    "appears twice",
    "the header needs",
)


def refusal_kind(message: str) -> str:
    """Which of the known refusals a message is (for the statistics of a run)."""
    return next((phrase for phrase in REFUSALS if phrase in message), message)


def check_refusal(sample: Sample, error: CircleKeeperError) -> None:
    """A refusal is one line, starts with the file name, and names the line to blame."""
    message = error.message
    assert message.startswith(f"{NAME}: ")
    assert "\n" not in message
    assert "\r" not in message
    assert len(message) < 1000
    lines = [int(number) for number in LINE.findall(message)]
    if not any(phrase in message for phrase in WHOLE_FILE):
        assert lines, f"no line named in {message!r}"
        assert 1 <= lines[0] <= text_lines(sample.data)
    if sample.data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        assert "not UTF-8 text" not in message, "a UTF-16 byte-order mark means UTF-16"
        return
    bad = first_bad_byte(sample.data)
    if bad is not None and "UTF-16" not in message:
        assert "is not UTF-8 text" in message
        shown = text_lines(sample.data[:bad])
        assert lines[0] <= shown
        if b'"' not in sample.data[:bad]:
            assert lines[0] == shown


def check_parsed(sample: Sample, roster_rows: list, problems: dict[int, str], valid: int) -> None:
    """A parsed roster counts every row once, on increasing lines, with one-line reasons."""
    lines = [row.line for row in roster_rows]
    assert lines == sorted(set(lines))
    assert all(2 <= line <= text_lines(sample.data) for line in lines)
    assert set(problems) <= set(lines)
    assert len(problems) + valid == len(roster_rows)
    for reason in problems.values():
        assert reason
        assert "\n" not in reason
        assert "\r" not in reason
        assert all(len(part) < 250 for part in reason.split("; ")), reason


def expected_rows(sample: Sample) -> dict[int, dict[str, str]]:
    """For a clean sample, what each data line must read as: the known columns, unguarded."""
    index = {_key(cell): position for position, cell in enumerate(sample.header)}
    known = {column: index[column] for column in COLUMNS if column in index}
    first = sample.leading_blank_lines + 2
    return {
        first + offset: {
            column: unguard(row[position]) if position < len(row) else ""
            for column, position in known.items()
        }
        for offset, row in enumerate(sample.rows)
        if any(cell.strip() for cell in row)
    }


def check_exact(sample: Sample, outcome: object) -> None:
    """A clean sample parses to exactly what was written, or is refused for the right reason."""
    known = {_key(cell) for cell in sample.header} & set(COLUMNS)
    usable = "name" in known and known & {"email", "handle"}
    too_long = [
        position
        for position, row in enumerate([sample.header, *sample.rows])
        if any(len(cell) > LIMIT for cell in row)
    ]
    if not usable or too_long:
        assert isinstance(outcome, CircleKeeperError), outcome
        return
    assert not isinstance(outcome, CircleKeeperError), outcome
    roster, _checked = outcome  # type: ignore[misc]
    assert {row.line: dict(row.values) for row in roster.rows} == expected_rows(sample)


def parse_and_check(data: bytes) -> object:
    """The in-process import path up to the database: a (roster, checked rows) pair or an error."""
    try:
        roster = roster_from_bytes(data, name=NAME)
    except CircleKeeperError as exc:
        return exc
    return roster, check_rows(roster.rows)


@pytest.mark.slow
@seed(SEED)
@settings(settings.get_profile("csv-fuzz"))
@given(sample=rosters())
def test_any_file_is_reported_or_refused_in_one_line(sample: Sample) -> None:
    note(RERUN)
    outcome = parse_and_check(sample.data)
    event(f"clean: {sample.clean}")
    if isinstance(outcome, CircleKeeperError):
        event("refused: " + refusal_kind(outcome.message))
        check_refusal(sample, outcome)
    else:
        event("reported")
        roster, checked = outcome  # type: ignore[misc]
        problems = {problem.line: problem.reason for problem in checked.problems}
        assert len(problems) == len(checked.problems)
        check_parsed(sample, roster.rows, problems, len(checked.valid))
    if sample.clean:
        check_exact(sample, outcome)


def run_cli(*args: str) -> Any:
    """`circlekeeper ARGS` in-process."""
    import typer.testing

    from circlekeeper.cli.main import app

    return typer.testing.CliRunner().invoke(app, list(args))


def member_count(db: Database) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute("SELECT count(*) FROM member").fetchone()[0])
    finally:
        conn.close()


def run_import(db: Database, path: Path, *, dry_run: bool) -> ImportReport | CircleKeeperError:
    try:
        return import_members(db, source=path, dry_run=dry_run)
    except CircleKeeperError as exc:
        return exc


@seed(SEED)
@settings(settings.get_profile("csv-fuzz-db"))
@given(sample=rosters(max_rows=6))
def test_an_import_is_all_or_nothing_and_the_dry_run_foretells_it(
    sample: Sample, db: Database, tmp_path: Path
) -> None:
    note(RERUN)
    path = tmp_path / NAME
    path.write_bytes(sample.data)
    before = member_count(db)
    dry = run_import(db, path, dry_run=True)
    assert member_count(db) == before
    real = run_import(db, path, dry_run=False)
    if isinstance(real, CircleKeeperError):
        assert isinstance(dry, CircleKeeperError)
        assert member_count(db) == before
        return
    assert isinstance(dry, ImportReport)
    assert real.model_dump(exclude={"dry_run"}) == dry.model_dump(exclude={"dry_run"})
    assert member_count(db) == before + real.imported
    assert real.imported + real.updated + real.unchanged + real.skipped == real.total_rows


@seed(SEED)
@settings(settings.get_profile("csv-fuzz-cli"))
@given(sample=rosters(max_rows=4))
def test_the_command_exits_0_or_1_with_one_error_line(
    sample: Sample, db: Database, tmp_path: Path
) -> None:
    note(RERUN)
    path = tmp_path / NAME
    path.write_bytes(sample.data)
    result = run_cli("--db", str(db.path), "member", "import", str(path))
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "unexpected error" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == (result.exit_code == 1)


@pytest.mark.parametrize(
    ("data", "phrase", "line"),
    [
        (b"", "the file is empty", None),
        (b"name,email\n", None, None),
        (b"name,email,Email\nAnn,a@x.org,b@x.org\n", "appears twice", 1),
        (b"\n\nname,phone\nAnn,1\n", "needs an email or a handle column", 3),
        (b"name,email\rAnn,a@x.org\rZo\xeb,z@x.org\r", "not UTF-8", 3),
        (b'name,email\n"Ann\nLee",a@x.org\nZo\xeb,z@x.org\n', "not UTF-8", 3),
        (b'name,email\nAnn,a@x.org\nBob,"b@x.org\nCid,c@x.org\n', "closing quote is missing", 3),
        (b"name,email\nAnn,a@x.org\nBob," + b"x" * (LIMIT + 1) + b"\n", "longer than", 3),
        (b"n\x00a\x00m\x00e\x00,\x00e\x00", "UTF-16", None),
        (codecs.BOM_UTF16_BE + "name,email\n".encode("utf-16-be"), None, None),
        (codecs.BOM_UTF16_LE + "name,email\nAnn,".encode("utf-16-le") + b"\x00\xdc", "UTF-16", 2),
    ],
    ids=[
        "empty",
        "header-only",
        "duplicate-header",
        "missing-header",
        "latin1-cr-lines",
        "latin1-after-quoted-break",
        "unclosed-quote",
        "huge-field",
        "utf16-without-bom",
        "utf16-be-bom",
        "utf16-lone-surrogate",
    ],
)
def test_named_hostile_files(data: bytes, phrase: str | None, line: int | None) -> None:
    outcome = parse_and_check(data)
    if phrase is None:
        assert not isinstance(outcome, CircleKeeperError)
        return
    assert isinstance(outcome, CircleKeeperError)
    assert phrase in outcome.message
    if line is not None:
        assert outcome.message.startswith(f"{NAME}: line {line}")


def test_an_unclosed_quote_names_the_text_line_when_quoted_breaks_moved_it() -> None:
    data = b'name,email\n"Ann\nLee",a@x.org\nBob,"b@x.org\n'
    outcome = parse_and_check(data)
    assert isinstance(outcome, CircleKeeperError)
    assert outcome.message.startswith(f"{NAME}: line 3 (line 4 of the text): ")


def test_a_nul_byte_is_dropped_from_the_value() -> None:
    outcome = parse_and_check(b"name,email\nA\x00nn,ann@x.org\n")
    assert not isinstance(outcome, CircleKeeperError)
    _roster, checked = outcome  # type: ignore[misc]
    assert [row.name for row in checked.valid] == ["Ann"]


def test_a_timezone_naming_a_folder_or_too_long_is_a_row_problem() -> None:
    data = f"name,email,timezone\nA,a@x.org,Europe\nB,b@x.org,{'x' * 5000}\n".encode()
    outcome = parse_and_check(data)
    assert not isinstance(outcome, CircleKeeperError)
    _roster, checked = outcome  # type: ignore[misc]
    reasons = {problem.line: problem.reason for problem in checked.problems}
    assert set(reasons) == {2, 3}
    assert "is not an IANA timezone" in reasons[2]
    assert len(reasons[3]) < 400


def test_thousands_of_unknown_columns_warn_in_a_few_lines(db: Database, tmp_path: Path) -> None:
    path = tmp_path / NAME
    header = ["name", "email", *(f"extra {index}" for index in range(5000))]
    path.write_text(",".join(header) + "\nAnn,ann@x.org\n", encoding="utf-8")
    result = run_cli("--db", str(db.path), "member", "import", str(path))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 6
    assert (
        warnings[-1] == "warning: … and 4995 more unknown columns were ignored (--json lists them)"
    )
    assert member_count(db) == 1

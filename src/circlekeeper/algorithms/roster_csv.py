"""Roster CSV rules without I/O: decoding, header mapping, spreadsheet line numbers, duplicates,
and the formula guard of `export members` taken off again.

Everything here works on bytes and values the caller hands in, so the rules of an import can be
tested (and benchmarked) without a database or a file.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from circlekeeper.text import clean_text, quoted

COLUMNS = ("name", "email", "handle", "timezone", "joined_on", "tags")
"""The columns an import understands, in the order a template would list them."""

FORMULA_STARTS = frozenset("=+-@\t\r\n\0")
"""First characters that make a spreadsheet read a cell as a formula: OWASP's = + - @ tab and
carriage return, plus line feed (some importers treat it like carriage return) and NUL (ASVS
1.2.10), which cost nothing to guard as no honest value starts with them. `export members`
writes a guarding "'" before them and the import takes it off again."""
GUARD = "'"

_DELIMITERS = (",", ";", "\t")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SHOWN_COLUMNS_MAX = 12
_SHOWN_CELL_MAX = 40
_END_MARK = "end"
"""A last line fed to the CSV reader after the file: it comes back as a record of its own,
unless a quote the file opened is still open, which then swallows it."""
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_TEXT_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class RosterError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One data row: its spreadsheet line (header = 1), known columns' raw text, or a problem."""

    line: int
    values: Mapping[str, str]
    problem: str | None = None


@dataclass(frozen=True)
class Roster:
    """A decoded roster: the header as found, the columns used and ignored, and its rows."""

    header: tuple[str, ...]
    columns: tuple[str, ...]
    unknown_columns: tuple[str, ...]
    rows: list[RosterRow]


def decode(data: bytes) -> str:
    """The text of `data`: UTF-8 (one leading BOM dropped), or UTF-16 with its byte-order mark
    (Excel's "Unicode Text"); anything else is refused with a line."""
    if data.startswith(_UTF16_BOMS):
        return _decode_utf16(data)
    if _looks_like_utf16(data):
        raise RosterError(
            "the file is UTF-16 text without a byte-order mark — save it as 'CSV UTF-8' and "
            "import it again"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(
            f"line {_undecodable_line(data, exc.start)}: the file is not UTF-8 text — save it "
            "as 'CSV UTF-8' (most spreadsheets offer it under Save As) and import it again"
        ) from None


def _decode_utf16(data: bytes) -> str:
    """UTF-16 text after its byte-order mark (which says the byte order), without the mark."""
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        good = data[: exc.start - exc.start % 2].decode("utf-16", errors="replace")
        line = len(_TEXT_LINE_BREAK.split(good))
        raise RosterError(
            f"line {line}: the file is damaged UTF-16 text — save it as 'CSV UTF-8' and "
            "import it again"
        ) from None


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII text with a NUL byte before or after each letter."""
    head = data[:4]
    return len(head) == 4 and (
        (head[1] == head[3] == 0 and head[0] != 0 != head[2])
        or (head[0] == head[2] == 0 and head[1] != 0 != head[3])
    )


def _undecodable_line(data: bytes, start: int) -> int:
    """The spreadsheet line holding the first byte that is not UTF-8 (at `start`, after a BOM).

    The file is read again with each bad byte kept as a stand-in character, so the line is
    counted as the rows are (a quoted line break stays in its row); text lines are the fallback.
    """
    text = data.decode("utf-8-sig", errors="surrogateescape")
    try:
        for line, cells in _records(text, _pick_delimiter(text)):
            if any(_ESCAPED_BYTE.search(cell) for cell in cells):
                return line
    except RosterError:
        pass
    return len(_LINE_BREAK.split(data.removeprefix(codecs.BOM_UTF8)[:start]))


def unguard(cell: str) -> str:
    """`cell` without the "'" that `export members` puts before a cell a spreadsheet could run.

    Exactly one apostrophe goes, and only before what the export guards (= + - @ tab, CR, LF,
    NUL, also after spaces or more apostrophes), so a handle exported as '@ana comes back as
    @ana while a name such as O'Neil or 'Sunny' keeps its apostrophes.
    """
    if cell[:1] != GUARD:
        return cell
    rest = cell[1:].lstrip(GUARD)
    if rest[:1] in FORMULA_STARTS or rest.lstrip()[:1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def column_key(header_cell: str) -> str:
    """How a header cell is compared: trimmed, case-insensitive, spaces and dashes as '_'."""
    return clean_text(header_cell).casefold().replace(" ", "_").replace("-", "_")


def parse_roster(data: bytes) -> Roster:
    """Decode `data` and split it into header and rows; raise RosterError for an unusable file."""
    text = decode(data)
    records = _records(text, _pick_delimiter(text))
    header_line, header = _first_nonblank(records)
    mapping, unknown = _map_header(header_line, header)
    _require_columns(header_line, header, mapping)
    width = len(header)
    rows = [
        _row(line, cells, mapping, width)
        for line, cells in records
        if any(cell.strip() for cell in cells)
    ]
    columns = tuple(name for name in COLUMNS if name in mapping)
    return Roster(
        header=tuple(clean_text(cell) for cell in header),
        columns=columns,
        unknown_columns=tuple(unknown),
        rows=rows,
    )


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Every record with its spreadsheet row number (a quoted line break stays in one row).

    A quote that is never closed would swallow the rest of the file into one value without a
    word from the csv module; the end mark fed after the file shows it, and it is refused.
    """
    reader = csv.reader(
        itertools.chain(io.StringIO(text, newline=""), [_END_MARK]), delimiter=delimiter
    )
    record, first_line = 0, 1
    pending: list[str] | None = None
    try:
        for cells in reader:
            if pending is not None:
                yield record, pending
            record += 1
            pending, started, first_line = cells, first_line, reader.line_num + 1
    except csv.Error as exc:
        where = _where(record + 1, first_line)
        if str(exc).startswith("field larger than field limit"):
            raise RosterError(
                f"{where}: cannot read the CSV: a value is longer than "
                f"{csv.field_size_limit():,} characters — usually a quote that is never closed; "
                "check the quotes from that line on"
            ) from None
        raise RosterError(
            f"{where}: cannot read the CSV ({exc}) — check the quotes on that line"
        ) from None
    if pending is not None and started != reader.line_num:
        raise RosterError(
            f"{_where(record, started)}: cannot read the CSV: a quoted value starts on this line "
            "and its closing quote is missing — close it, or write a quote inside a value as "
            'two quotes ("")'
        )


def _where(record: int, text_line: int) -> str:
    """'line N' for a spreadsheet line, with the text line too when quoted breaks moved it."""
    if record == text_line:
        return f"line {record}"
    return f"line {record} (line {text_line} of the text)"


def _pick_delimiter(text: str) -> str:
    """Comma unless the first line names more known columns when split on ';' or a tab."""
    lines = io.StringIO(text, newline="")
    first = next((line for line in lines if line.strip()), "")
    best, best_hits = ",", -1
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([first.rstrip("\r\n")], delimiter=delimiter), [])
        except csv.Error:
            continue
        hits = sum(1 for cell in cells if column_key(cell) in COLUMNS)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    return best


def _first_nonblank(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """The header and its line: the first record with any text (the records after it are data)."""
    for line, cells in records:
        if any(cell.strip() for cell in cells):
            return line, cells
    raise RosterError("the file is empty — expected a header line such as: " + ",".join(COLUMNS))


def _shown(cell: str) -> str:
    """A header cell as a message shows it: cleaned, and cut short when it is long."""
    text = clean_text(cell)
    if len(text) > _SHOWN_CELL_MAX:
        return text[: _SHOWN_CELL_MAX - 1] + "…"
    return text


def _map_header(line: int, header: list[str]) -> tuple[dict[str, int], list[str]]:
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        key = column_key(cell)
        if key in COLUMNS:
            if key in mapping:
                raise RosterError(
                    f"line {line}: the column {quoted(key)} appears twice (columns "
                    f"{mapping[key] + 1} "
                    f"and {index + 1}) — keep one and import again"
                )
            mapping[key] = index
        else:
            unknown.append(_shown(cell) or f"column {index + 1} (no name)")
    return mapping, unknown


def _require_columns(line: int, header: list[str], mapping: Mapping[str, int]) -> None:
    if "name" in mapping and ("email" in mapping or "handle" in mapping):
        return
    shown = [repr(_shown(cell)) for cell in header[:_SHOWN_COLUMNS_MAX]]
    if len(header) > _SHOWN_COLUMNS_MAX:
        shown.append(f"… {len(header) - _SHOWN_COLUMNS_MAX} more")
    missing = "a name column" if "name" not in mapping else "an email or a handle column"
    raise RosterError(
        f"line {line}: the header needs {missing} (expected columns: {', '.join(COLUMNS)}); "
        f"found: {', '.join(shown)}"
    )


def _row(line: int, cells: list[str], mapping: Mapping[str, int], width: int) -> RosterRow:
    values = {
        name: unguard(cells[index]) if index < len(cells) else "" for name, index in mapping.items()
    }
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return RosterRow(
            line=line,
            values=values,
            problem=(
                f"has {len(cells)} values but the header has {width} columns — "
                "check for a stray delimiter or missing quotes"
            ),
        )
    return RosterRow(line=line, values=values)


class Action(StrEnum):
    """What an import does with one valid row."""

    INSERT = "insert"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Keys:
    """A valid row's identity: its spreadsheet line and its email and handle keys."""

    line: int
    email_key: str | None
    handle_key: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    """The plan for one row: insert, update `member_id`, or skip (duplicate or conflict)."""

    line: int
    action: Action
    member_id: int | None = None
    duplicate_of: int | None = None
    conflict: tuple[int, int] | None = None


@dataclass
class _Seen:
    emails: dict[str, int] = field(default_factory=dict)
    handles: dict[str, int] = field(default_factory=dict)
    members: dict[int, int] = field(default_factory=dict)

    def earlier(self, keys: Keys) -> int | None:
        lines = [
            seen[key]
            for seen, key in ((self.emails, keys.email_key), (self.handles, keys.handle_key))
            if key is not None and key in seen
        ]
        return min(lines) if lines else None

    def claim(self, keys: Keys, member_id: int | None) -> None:
        if keys.email_key is not None:
            self.emails.setdefault(keys.email_key, keys.line)
        if keys.handle_key is not None:
            self.handles.setdefault(keys.handle_key, keys.line)
        if member_id is not None:
            self.members.setdefault(member_id, keys.line)


def plan_rows(
    rows: Iterable[Keys], by_email: Mapping[str, int], by_handle: Mapping[str, int]
) -> Iterator[Decision]:
    """Decide each row in file order, given the stored members' email and handle keys.

    A row whose email or handle an earlier accepted row already used is a duplicate of that
    row; so is a row that matches a member an earlier row already updates. A row matching one
    member by email and another by handle is a conflict; a row matching one member updates it.
    """
    seen = _Seen()
    for keys in rows:
        earlier = seen.earlier(keys)
        if earlier is not None:
            yield Decision(line=keys.line, action=Action.DUPLICATE, duplicate_of=earlier)
            continue
        email_id = by_email.get(keys.email_key) if keys.email_key is not None else None
        handle_id = by_handle.get(keys.handle_key) if keys.handle_key is not None else None
        if email_id is not None and handle_id is not None and email_id != handle_id:
            yield Decision(line=keys.line, action=Action.CONFLICT, conflict=(email_id, handle_id))
            continue
        member_id = email_id if email_id is not None else handle_id
        if member_id is not None and member_id in seen.members:
            yield Decision(
                line=keys.line,
                action=Action.DUPLICATE,
                duplicate_of=seen.members[member_id],
                member_id=member_id,
            )
            continue
        seen.claim(keys, member_id)
        if member_id is None:
            yield Decision(line=keys.line, action=Action.INSERT)
        else:
            yield Decision(line=keys.line, action=Action.UPDATE, member_id=member_id)


def merge_tags(stored: Mapping[str, str], incoming: Mapping[str, str]) -> dict[str, str]:
    """The stored tags with the file's added on top (the file wins on the same key)."""
    return {**stored, **incoming}

"""The member list as CSV that a spreadsheet opens as plain text, never as formulas.

A name such as `=HYPERLINK("http://evil", "click")` typed by a member would run as a formula
when a facilitator opens the export in Excel, LibreOffice or Google Sheets (CSV or formula
injection). Following OWASP's guidance, a cell that a spreadsheet could read as a formula gets
a leading apostrophe, so spreadsheets take it as text (some show the apostrophe). Rows are
written with the csv module (RFC 4180 quoting of commas, quotes and line breaks) a chunk at a
time, so an export of 100,000 members never sits in memory as one string.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from circlekeeper.algorithms.roster_csv import FORMULA_STARTS, GUARD, unguard

if TYPE_CHECKING:
    from circlekeeper.services.member_rows import MemberExportRow

MEMBER_COLUMNS = ("name", "email", "handle", "timezone", "joined_on", "status", "tags")
"""The header row: the columns `member import` reads, plus status (which the import ignores), so
an export can be edited and imported again. The import takes the guard off again (one apostrophe
before what `guard` guards), so a handle written '@ana comes back as @ana."""
ROWS_PER_CHUNK = 500


def guard(cell: str) -> str:
    """`cell` with a leading apostrophe when a spreadsheet could read it as a formula.

    That is when it starts with one of FORMULA_STARTS, or does so after leading whitespace:
    LibreOffice (with "trim spaces") and some importers strip leading spaces before deciding, so
    "  =1+1" is guarded too. So is a cell the import would take a guard off ("'=x" is written
    "''=x"), so that every value reads back as it was. Other cells are returned unchanged.
    """
    if cell[:1] in FORMULA_STARTS or cell.lstrip()[:1] in FORMULA_STARTS or unguard(cell) != cell:
        return GUARD + cell
    return cell


def tags_text(tags: Mapping[str, str]) -> str:
    """Tags as `key=value;key=value`, sorted by key (the form `member import` reads)."""
    return ";".join(f"{key}={value}" for key, value in sorted(tags.items()))


def member_cells(row: MemberExportRow) -> list[str]:
    """One member's cells in MEMBER_COLUMNS order, each guarded."""
    cells = (
        row.name,
        row.email or "",
        row.handle or "",
        row.timezone,
        row.joined_on.isoformat(),
        row.status.value,
        tags_text(row.tags),
    )
    return [guard(cell) for cell in cells]


def member_csv_chunks(rows: Iterable[MemberExportRow]) -> Iterator[str]:
    """The member list as CSV text in chunks (the header first, then ROWS_PER_CHUNK rows each).

    Quoting is minimal (only cells holding a comma, quote or line break are quoted) and lines end
    with CRLF, as RFC 4180 asks. Joining the chunks gives the whole file.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(MEMBER_COLUMNS)
    pending = 0
    for row in rows:
        writer.writerow(member_cells(row))
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield _drain(buffer)
            pending = 0
    yield _drain(buffer)


def members_csv(rows: Iterable[MemberExportRow]) -> str:
    """The whole member list as one CSV string (for small lists; large ones stream the chunks)."""
    return "".join(member_csv_chunks(rows))


def _drain(buffer: io.StringIO) -> str:
    """What the buffer holds, leaving it empty for the next rows."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text

"""The note a paged list leaves on stderr: which rows it showed, with thousands separators, and
the --offset of the next page as a plain number to paste."""

from __future__ import annotations

import pytest

from circlekeeper.cli import output


@pytest.mark.parametrize(
    ("offset", "shown", "total", "note"),
    [
        (0, 50, 100_000, "showing 1\u201350 of 100,000 — next page: --offset 50\n"),
        (
            12_000,
            50,
            100_000,
            "showing 12,001\u201312,050 of 100,000 — next page: --offset 12050\n",
        ),
        (99_950, 50, 100_000, "showing 99,951\u2013100,000 of 100,000\n"),
        (0, 3, 3, ""),
    ],
)
def test_page_note(
    offset: int, shown: int, total: int, note: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output.page_note(offset, shown, total)

    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", note)

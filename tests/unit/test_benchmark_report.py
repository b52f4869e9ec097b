"""BENCHMARKS.md reads as one table per run: every figure a row, verdicts from the budgets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.benchmarks.harness import Result
from tests.benchmarks.report import render, write
from tests.unit.markdown_reading import headings, tables

WHEN = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
RESULTS = [
    Result("member list --json", 330.0, 1.3, floor=300.0, runs=7, peak_mib=80),
    Result("help | completion", 250.0, 1.2, floor=200.0, runs=9, note="floor: bare | Typer"),
    Result("end → last member", 12.0, 16.7, runs=3, note="in-process"),
]


def test_every_figure_is_a_row_with_its_ratio_and_verdict() -> None:
    text = render(RESULTS, data="1,000 members", command="make bench", now=WHEN)
    [table] = tables(text)
    assert table[0][:6] == ["figure", "median", "floor", "ratio", "budget", "result"]
    rows = {row[0]: row for row in table[1:]}
    assert list(rows) == [result.figure for result in RESULTS]
    assert rows["member list --json"][3:6] == ["1.10x", "≤ 1.3x", "PASS"]
    assert rows["help | completion"][3:6] == ["1.25x", "≤ 1.2x", "MISS"]
    assert rows["help | completion"][8] == "floor: bare | Typer"
    assert rows["end → last member"][2:6] == ["—", "—", "< 16.7 ms", "PASS"]
    assert "2 of 3 figures within budget." in text
    assert "2026-11-22 03:00 UTC" in text


def test_the_grouping_table_follows_as_its_own_section(tmp_path: Path) -> None:
    text = render(RESULTS, data="d", command="c", grouping="instance  repeats\nsgp  0\n", now=WHEN)
    assert [title for _, title in headings(text)] == [
        "Benchmarks",
        "Grouping: groups solve on the shared instances",
    ]
    path = write(text, tmp_path / "BENCHMARKS.md")
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["BENCHMARKS.md"]

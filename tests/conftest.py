"""Shared fixtures: every test gets private data/config folders and a frozen clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from circlekeeper import clock

FROZEN_NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never touch the developer's own database or config; freeze the clock."""
    monkeypatch.setenv("CIRCLEKEEPER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CIRCLEKEEPER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("CIRCLEKEEPER_DB", raising=False)
    monkeypatch.delenv("CIRCLEKEEPER_NOW", raising=False)
    clock.freeze(FROZEN_NOW)
    yield
    clock.set_clock(None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test database lives."""
    return tmp_path / "db" / "test.db"


@pytest.fixture
def db(db_path: Path):  # type: ignore[no-untyped-def]
    """A fresh, empty circlekeeper database."""
    from circlekeeper.db import create_database

    database = create_database(db_path)
    yield database
    database.close()

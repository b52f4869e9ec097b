"""Shared fixtures: every test gets private data/config folders and a frozen clock."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from circlekeeper import clock

if TYPE_CHECKING:
    from circlekeeper.db import Database

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


@pytest.fixture(autouse=True, scope="session")
def _click_tree_built_once() -> Iterator[None]:
    """CliRunner builds the app's click command tree again on every invoke (~190 ms, most of a
    command's time in tests); the tree never changes, so each test process builds it once."""
    import typer.main
    import typer.testing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", functools.cache(typer.main.get_command))
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test database lives."""
    return tmp_path / "db" / "test.db"


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly migrated database per test process, copied for each test (~1 ms, not ~60 ms)."""
    from circlekeeper.db import create_database

    path = tmp_path_factory.mktemp("template") / "template.db"
    create_database(path).close()
    return path


@pytest.fixture
def db(db_path: Path, _template_db: Path) -> Iterator[Database]:
    """A fresh, empty circlekeeper database (a copy of the session's migrated template)."""
    database = copy_database(_template_db, db_path)
    yield database
    database.close()


@pytest.fixture(scope="session")
def _sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample community built once per test process (with the frozen clock), to be copied."""
    from circlekeeper.db import create_database
    from circlekeeper.services.sample_community import load_sample_community

    folder = tmp_path_factory.mktemp("sample")
    path = folder / "sample.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIRCLEKEEPER_DATA_DIR", str(folder / "data"))
        patch.setenv("CIRCLEKEEPER_CONFIG_DIR", str(folder / "config"))
        clock.freeze(FROZEN_NOW)
        try:
            built = create_database(path)
            load_sample_community(built)
            built.close()
        finally:
            clock.set_clock(None)
    return path


def copy_database(template: Path, path: Path) -> Database:
    """A private copy of `template` at `path`, opened."""
    from circlekeeper.db import Database as DatabaseHandle
    from circlekeeper.paths import private_mkdir

    private_mkdir(path.parent)
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    return DatabaseHandle(path)


@pytest.fixture
def sample_db(db_path: Path, _sample_template: Path) -> Iterator[Database]:
    """The sample community at db_path: what `load_sample_community(db)` gives, in ~1 ms."""
    database = copy_database(_sample_template, db_path)
    yield database
    database.close()

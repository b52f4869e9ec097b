"""Themes in the running app: a broken theme file is reported and skipped, the choice is saved."""

from __future__ import annotations

import os
from pathlib import Path

from circlekeeper import paths
from circlekeeper.config import load_config
from circlekeeper.tui.app import DEFAULT_THEME, CircleKeeperApp
from tests.tui.helpers import settle

SIZE = (120, 36)


async def test_a_broken_theme_file_is_reported_and_the_default_is_used(seeded_path: Path) -> None:
    folder = paths.config_dir() / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\ndark = true\nprimary = "not a colour"\n')
    paths.config_file().write_text('theme = "mine"\n')
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "mine.toml" in messages
        assert app.theme == DEFAULT_THEME
        assert app.is_running


async def test_choosing_a_theme_is_remembered_in_the_config_file(seeded_path: Path) -> None:
    app = CircleKeeperApp(db_path=seeded_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "high-contrast"
        await pilot.pause()
    config, warnings = load_config()
    assert warnings == []
    assert config.theme == "high-contrast"
    assert oct(os.stat(paths.config_file()).st_mode & 0o777) == "0o600"
    again = CircleKeeperApp(db_path=seeded_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "high-contrast"

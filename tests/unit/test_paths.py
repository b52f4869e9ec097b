"""Paths: private folders are created private, existing folders keep their mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from circlekeeper.paths import private_mkdir


def test_private_mkdir_creates_missing_folders_0700(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    private_mkdir(target)
    assert stat.S_IMODE(os.stat(tmp_path / "a").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o700


def test_private_mkdir_leaves_an_existing_folder_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    private_mkdir(shared)
    private_mkdir(shared / "inner")
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o1777
    assert stat.S_IMODE(os.stat(shared / "inner").st_mode) == 0o700

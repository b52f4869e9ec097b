"""Every path circlekeeper uses, resolved in one place, each with an environment override."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "circlekeeper"
DB_FILENAME = "circlekeeper.db"


def _platform_dir(kind: str) -> Path:
    """The platformdirs folder of `kind` ("data" or "config"); imported lazily for start-up."""
    import platformdirs

    if kind == "data":
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """Where the default database and its backups live (CIRCLEKEEPER_DATA_DIR overrides)."""
    override = os.environ.get("CIRCLEKEEPER_DATA_DIR")
    return Path(override) if override else _platform_dir("data")


def config_dir() -> Path:
    """Where config.toml lives (CIRCLEKEEPER_CONFIG_DIR overrides)."""
    override = os.environ.get("CIRCLEKEEPER_CONFIG_DIR")
    return Path(override) if override else _platform_dir("config")


def config_file() -> Path:
    """The user's config TOML."""
    return config_dir() / "config.toml"


def default_db_path() -> Path:
    """The database used when neither --db nor CIRCLEKEEPER_DB names one."""
    return data_dir() / DB_FILENAME


def explicit_db_path(cli_value: str | os.PathLike[str] | None) -> Path | None:
    """The database path the user named (--db first, then CIRCLEKEEPER_DB), or None."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("CIRCLEKEEPER_DB")
    return Path(env).expanduser() if env else None


def demo_db_path() -> Path:
    """The demo database: always separate from the user's real one."""
    return data_dir() / "demo" / "circlekeeper-demo.db"


def backups_dir(db_path: Path) -> Path:
    """Backups sit beside the database in a private folder."""
    return db_path.parent / "backups"


def bundled_dir(name: str) -> Path:
    """A data folder shipped with the app (sample_data, themes): in the wheel or the source tree."""
    here = Path(__file__).resolve().parent
    packaged = here / "_bundled" / name
    if packaged.is_dir():
        return packaged
    return here.parent.parent / name


def private_mkdir(path: Path) -> Path:
    """Create `path` and any missing parents with mode 0700; folders that already exist keep
    their mode (a database in /tmp must not make /tmp private)."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for folder in missing:
        os.chmod(folder, 0o700)
    return path


def fsync_file(path: Path) -> None:
    """Flush `path`'s contents to disk, so a rename that follows cannot outlive its data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

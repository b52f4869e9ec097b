"""Every path circlekeeper uses, resolved in one place, each with an environment override."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
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


PRIVATE_FILE_MODE = 0o600


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `data` to `path` through a private temporary file in the same folder, then rename.

    The file is 0600 (exports and settings can hold names from the community) and fsynced before
    the rename, so a crash leaves either the previous file or the complete new one. The folder
    must exist.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return write_atomic_chunks(path, [payload])


SQLITE_MAGIC = (b"SQLite format 3\x00", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
"""How an SQLite database and its write-ahead log begin."""


def refuse_replacing_database(path: Path) -> None:
    """Raise FileExistsError when `path` is an SQLite database or its write-ahead log: an export
    or a settings file given the database's own name would otherwise replace it."""
    try:
        with path.open("rb") as handle:
            start = handle.read(16)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return
    if any(start.startswith(magic) for magic in SQLITE_MAGIC):
        raise FileExistsError(
            errno.EEXIST, "it is a database, which is never replaced — choose another file name"
        )


def write_atomic_chunks(path: Path, chunks: Iterable[str | bytes]) -> Path:
    """`write_atomic` for data produced a piece at a time (text is written as UTF-8), so a large
    export streams to disk; if producing a chunk fails, the previous file is left as it was.
    An SQLite database is never replaced (see `refuse_replacing_database`)."""
    refuse_replacing_database(path)
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".partial")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, PRIVATE_FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sync_folder(folder)
    return path

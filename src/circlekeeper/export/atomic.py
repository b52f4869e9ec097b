"""Atomic file writes for exports: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from circlekeeper.paths import sync_folder

PRIVATE_FILE_MODE = 0o600


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `data` to `path` through a private temporary file in the same folder, then rename.

    The file is 0600 (exports can hold names from the community) and fsynced before the rename,
    so a crash leaves either the previous file or the complete new one. The folder must exist.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return write_atomic_chunks(path, [payload])


def write_atomic_chunks(path: Path, chunks: Iterable[str | bytes]) -> Path:
    """`write_atomic` for data produced a piece at a time (text is written as UTF-8), so a large
    export streams to disk; if producing a chunk fails, the previous file is left as it was."""
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

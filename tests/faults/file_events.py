"""Waiting for files in a folder to be created, written or deleted (Linux inotify through ctypes).

The kill tests stop a process at moments defined by what it does to its files (its -wal file
appears, grows to a size, is deleted) rather than after a sleep; inotify tells us each change.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

IN_MODIFY = 0x002
IN_CREATE = 0x100
IN_DELETE = 0x200
_IN_NONBLOCK = 0o4000
_IN_CLOEXEC = 0o2000000
_HEADER = struct.Struct("iIII")


def available() -> bool:
    """Whether inotify can be used here (Linux with a C library that has it)."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    return name is not None and hasattr(ctypes.CDLL(name), "inotify_init1")


@dataclass(frozen=True)
class FileEvent:
    """One change: what happened (IN_CREATE, IN_MODIFY or IN_DELETE) to which name."""

    mask: int
    name: str


class FolderEvents:
    """The creations, writes and deletions of files directly inside one folder."""

    def __init__(self, folder: Path) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.fd = libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        watch = libc.inotify_add_watch(
            self.fd, os.fsencode(folder), IN_MODIFY | IN_CREATE | IN_DELETE
        )
        if watch < 0:
            os.close(self.fd)
            raise OSError(ctypes.get_errno(), f"cannot watch {folder}")

    def fileno(self) -> int:
        """For select(): readable when events are waiting."""
        return self.fd

    def read(self) -> list[FileEvent]:
        """The events waiting now (none if there are none)."""
        try:
            data = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return []
        events = []
        offset = 0
        while offset < len(data):
            _, mask, _, length = _HEADER.unpack_from(data, offset)
            start = offset + _HEADER.size
            name = data[start : start + length].rstrip(b"\0")
            events.append(FileEvent(mask, os.fsdecode(name)))
            offset = start + length
        return events

    def close(self) -> None:
        """Stop watching."""
        os.close(self.fd)

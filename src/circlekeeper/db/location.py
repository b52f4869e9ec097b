"""Whether a database sits where SQLite's write-ahead log is unsafe: a synced or network folder.

Sync clients (Dropbox, OneDrive, iCloud Drive, Google Drive, Box) copy the database file
without its -wal file and can put back an old copy while it is open; network file systems
(NFS, SMB/CIFS, sshfs) do not share the memory-mapped -shm index WAL relies on. Both can lose
or corrupt data, so the user is warned once per run. Detection is by path components and by the
file system of the longest mount point holding the path (/proc/self/mounts on Linux; injectable
text for tests); nothing here opens the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

MOUNTS_FILE = Path("/proc/self/mounts")

EXACT_FOLDERS = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "box sync": "Box",
    "box drive": "Box",
    "box-box": "Box",
}
"""Folder names (compared without case) that the sync clients create."""

PREFIXED_FOLDERS = (
    ("dropbox (", "Dropbox"),
    ("onedrive - ", "OneDrive"),
    ("onedrive-", "OneDrive"),
    ("googledrive-", "Google Drive"),
)
"""Folder name beginnings: "Dropbox (Team)", "OneDrive - Contoso", macOS CloudStorage folders."""

CASE_SENSITIVE_FOLDERS = {"Box": "Box"}
"""Box's folder is plainly "Box"; only that exact spelling counts, so a folder "box" does not."""

NETWORK_FILESYSTEMS = {
    "nfs": "NFS",
    "nfs4": "NFS",
    "cifs": "SMB",
    "smb3": "SMB",
    "smbfs": "SMB",
    "fuse.sshfs": "sshfs",
    "sshfs": "sshfs",
    "afpfs": "AFP",
    "fuse.rclone": "rclone",
    "davfs": "WebDAV",
    "fuse.davfs2": "WebDAV",
}
"""File system types (the third field of /proc/self/mounts) on which WAL is unsafe."""


@dataclass(frozen=True)
class RiskyLocation:
    """Why a path is an unsafe home for a live database."""

    service: str
    """"Dropbox", "OneDrive", … for a synced folder; "NFS", "SMB", "sshfs", … for a network one."""

    folder: str
    """The synced folder or the mount point holding the database."""

    network: bool
    """True for a network file system, False for a synced folder."""

    def warning(self) -> str:
        """The one line shown to the user."""
        if self.network:
            where = f"on a network file system ({self.service} at {self.folder})"
        else:
            where = f"in a {self.service} folder ({self.folder})"
        return (
            f"the database is {where}; SQLite's write-ahead log is unsafe there and the file can "
            "be lost or damaged — keep it on a local disk (circlekeeper --db PATH) and copy "
            "backups to the synced folder instead"
        )


def synced_folder(path: PurePath) -> RiskyLocation | None:
    """The sync client whose folder holds the file `path`, judged by folder names alone."""
    parts = path.parts
    for depth, part in enumerate(parts[:-1]):
        service = _sync_service(part)
        if service is not None:
            folder = type(path)(*parts[: depth + 1])
            return RiskyLocation(service=service, folder=str(folder), network=False)
    return None


def _sync_service(name: str) -> str | None:
    """The sync client that names its folder `name`, if one does."""
    if name in CASE_SENSITIVE_FOLDERS:
        return CASE_SENSITIVE_FOLDERS[name]
    lowered = name.casefold()
    if lowered in EXACT_FOLDERS:
        return EXACT_FOLDERS[lowered]
    for prefix, service in PREFIXED_FOLDERS:
        if lowered.startswith(prefix):
            return service
    return None


def network_mount(path: PurePosixPath, mounts_text: str) -> RiskyLocation | None:
    """The network file system holding absolute `path`, from the text of /proc/self/mounts.

    The mount point that is the longest ancestor of `path` decides (the last one listed wins
    when several are mounted on the same folder, as the kernel does).
    """
    best: tuple[int, str, str] | None = None
    for mount_point, fstype in parse_mounts(mounts_text):
        mount = PurePosixPath(mount_point)
        if mount != path and mount not in path.parents:
            continue
        depth = len(mount.parts)
        if best is None or depth >= best[0]:
            best = (depth, mount_point, fstype)
    if best is None:
        return None
    _, mount_point, fstype = best
    service = NETWORK_FILESYSTEMS.get(fstype.casefold())
    if service is None:
        return None
    return RiskyLocation(service=service, folder=mount_point, network=True)


def parse_mounts(mounts_text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each well-formed line, octal escapes (\\040) undone."""
    found = []
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            found.append((_unescape(fields[1]), fields[2]))
    return found


def _unescape(field: str) -> str:
    """Undo the kernel's octal escapes of spaces, tabs, newlines and backslashes."""
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)


def windows_share(path: PureWindowsPath) -> RiskyLocation | None:
    """A UNC path (\\\\server\\share\\…) is on an SMB share."""
    if path.drive.startswith("\\\\"):
        return RiskyLocation(service="SMB", folder=path.drive, network=True)
    return None


def risky_location(path: PurePath, *, mounts_text: str | None = None) -> RiskyLocation | None:
    """Why `path` is an unsafe home for the database, or None when it looks local.

    Synced folders are recognised on any system; network mounts from `mounts_text` (the text of
    /proc/self/mounts) for POSIX paths and from the UNC prefix for Windows paths.
    """
    found = synced_folder(path)
    if found is not None:
        return found
    if isinstance(path, PureWindowsPath):
        return windows_share(path)
    if mounts_text is not None and path.is_absolute():
        return network_mount(PurePosixPath(path), mounts_text)
    return None


def read_mounts() -> str | None:
    """The text of /proc/self/mounts, or None where there is none (macOS, Windows)."""
    try:
        return MOUNTS_FILE.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def location_warning(path: Path) -> str | None:
    """The warning line for the database at `path` (symbolic links followed), or None."""
    try:
        resolved = path.expanduser().resolve()
    except (OSError, RuntimeError):
        resolved = path
    mounts = None if isinstance(resolved, PureWindowsPath) else read_mounts()
    found = risky_location(resolved, mounts_text=mounts)
    return found.warning() if found is not None else None

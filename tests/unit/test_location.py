"""Telling synced and network folders (where WAL is unsafe) from local ones."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from circlekeeper.db import location
from circlekeeper.db.location import (
    network_mount,
    parse_mounts,
    risky_location,
    synced_folder,
)

SYNCED = {
    "/home/ana/Dropbox/circles/ck.db": ("Dropbox", "/home/ana/Dropbox"),
    "/home/ana/Dropbox (Personal)/ck.db": ("Dropbox", "/home/ana/Dropbox (Personal)"),
    "/home/ana/DROPBOX/ck.db": ("Dropbox", "/home/ana/DROPBOX"),
    "/Users/ana/Library/CloudStorage/OneDrive-Personal/ck.db": (
        "OneDrive",
        "/Users/ana/Library/CloudStorage/OneDrive-Personal",
    ),
    "/Users/ana/Library/CloudStorage/GoogleDrive-ana@example.org/My Drive/ck.db": (
        "Google Drive",
        "/Users/ana/Library/CloudStorage/GoogleDrive-ana@example.org",
    ),
    "/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/ck.db": (
        "iCloud Drive",
        "/Users/ana/Library/Mobile Documents",
    ),
    "/home/ana/Google Drive/ck.db": ("Google Drive", "/home/ana/Google Drive"),
    "/Users/ana/Box/circles/ck.db": ("Box", "/Users/ana/Box"),
    "/Users/ana/Library/CloudStorage/Box-Box/ck.db": (
        "Box",
        "/Users/ana/Library/CloudStorage/Box-Box",
    ),
}

WINDOWS_SYNCED = {
    r"C:\Users\Ana\OneDrive - Contoso\circles\ck.db": (
        "OneDrive",
        r"C:\Users\Ana\OneDrive - Contoso",
    ),
    r"C:\Users\Ana\OneDrive\ck.db": ("OneDrive", r"C:\Users\Ana\OneDrive"),
    r"C:\Users\Ana\iCloudDrive\ck.db": ("iCloud Drive", r"C:\Users\Ana\iCloudDrive"),
    r"G:\My Drive\ck.db": ("Google Drive", r"G:\My Drive"),
    r"C:\Users\Ana\Box Sync\ck.db": ("Box", r"C:\Users\Ana\Box Sync"),
}

LOCAL = (
    "/home/ana/.local/share/circlekeeper/circlekeeper.db",
    "/home/ana/box/ck.db",  # a folder named "box" is not Box's
    "/home/ana/dropboxes/ck.db",
    "/home/ana/notes-onedrive/ck.db",
    "/srv/circles/my drive.db",
    "/srv/circles/Dropbox",  # the database's own file name is not a folder
)


@pytest.mark.parametrize("path", SYNCED, ids=SYNCED)
def test_synced_folders_are_recognised_by_their_folder_names(path: str) -> None:
    found = synced_folder(PurePosixPath(path))

    assert found is not None
    assert (found.service, found.folder, found.network) == (*SYNCED[path], False)


@pytest.mark.parametrize("path", WINDOWS_SYNCED, ids=WINDOWS_SYNCED)
def test_synced_folders_are_recognised_on_windows_paths(path: str) -> None:
    found = risky_location(PureWindowsPath(path))

    assert found is not None
    assert (found.service, found.folder) == WINDOWS_SYNCED[path]


@pytest.mark.parametrize("path", LOCAL)
def test_ordinary_folders_are_not_synced(path: str) -> None:
    assert risky_location(PurePosixPath(path), mounts_text=MOUNTS) is None


MOUNTS = "\n".join(
    [
        "/dev/sda1 / ext4 rw,relatime 0 0",
        "proc /proc proc rw,nosuid 0 0",
        "server:/export /mnt/nfs nfs4 rw,vers=4.2 0 0",
        "/dev/sdb1 /mnt/nfs/local ext4 rw 0 0",
        "//nas/share /mnt/nas cifs rw,vers=3.0 0 0",
        "ana@host:/srv /home/ana/remote fuse.sshfs rw,user_id=1000 0 0",
        r"//nas/team /mnt/team\040share smb3 rw 0 0",
        "/dev/sdc1 /mnt/stacked ext4 rw 0 0",
        "server:/stacked /mnt/stacked nfs rw 0 0",
        "not a full line",
    ]
)
"""A sample /proc/self/mounts: nested, escaped and stacked mount points."""

ON_MOUNTS = {
    "/mnt/nfs/ck.db": ("NFS", "/mnt/nfs"),
    "/mnt/nfs/deep/er/ck.db": ("NFS", "/mnt/nfs"),
    "/mnt/nas/circles/ck.db": ("SMB", "/mnt/nas"),
    "/home/ana/remote/ck.db": ("sshfs", "/home/ana/remote"),
    "/mnt/team share/ck.db": ("SMB", "/mnt/team share"),
    "/mnt/stacked/ck.db": ("NFS", "/mnt/stacked"),  # the last mount on a folder wins
}


@pytest.mark.parametrize("path", ON_MOUNTS, ids=ON_MOUNTS)
def test_network_file_systems_are_found_by_the_longest_mount_point(path: str) -> None:
    found = network_mount(PurePosixPath(path), MOUNTS)

    assert found is not None
    assert (found.service, found.folder, found.network) == (*ON_MOUNTS[path], True)


@pytest.mark.parametrize(
    "path",
    [
        "/mnt/nfs/local/ck.db",  # a local disk mounted inside the NFS share
        "/mnt/nfsother/ck.db",  # shares a prefix with /mnt/nfs but is not under it
        "/home/ana/ck.db",
    ],
)
def test_local_mounts_are_not_network_ones(path: str) -> None:
    assert network_mount(PurePosixPath(path), MOUNTS) is None


def test_mount_lines_are_unescaped() -> None:
    assert ("/mnt/team share", "smb3") in parse_mounts(MOUNTS)


def test_a_unc_path_is_an_smb_share() -> None:
    found = risky_location(PureWindowsPath(r"\\nas\circles\ck.db"))

    assert found is not None
    assert (found.service, found.network) == ("SMB", True)


def test_without_mounts_text_only_folder_names_count() -> None:
    assert risky_location(PurePosixPath("/mnt/nfs/ck.db")) is None
    assert risky_location(PurePosixPath("/mnt/nfs/Dropbox/ck.db")) is not None


def test_the_warning_is_one_line_naming_the_service_and_folder() -> None:
    synced = synced_folder(PurePosixPath("/home/ana/Dropbox/ck.db"))
    remote = network_mount(PurePosixPath("/mnt/nfs/ck.db"), MOUNTS)
    assert synced is not None
    assert remote is not None

    for found, words in ((synced, "in a Dropbox folder (/home/ana/Dropbox)"),
                         (remote, "on a network file system (NFS at /mnt/nfs)")):  # fmt: skip
        text = found.warning()
        assert words in text
        assert "write-ahead log is unsafe" in text
        assert "\n" not in text


def test_a_symbolic_link_into_a_synced_folder_is_followed(tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "circles"
    synced.mkdir(parents=True)
    link = tmp_path / "circles"
    os.symlink(synced, link)

    warning = location.location_warning(link / "ck.db")

    assert warning is not None
    assert f"({tmp_path / 'Dropbox'})" in warning


def test_the_mounts_of_this_system_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path.resolve()
    monkeypatch.setattr(location, "read_mounts", lambda: f"server:/x {here} nfs4 rw 0 0\n")

    warning = location.location_warning(tmp_path / "ck.db")

    assert warning is not None
    assert f"NFS at {here}" in warning


def test_a_local_folder_gets_no_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(location, "read_mounts", lambda: "/dev/sda1 / ext4 rw 0 0\n")

    assert location.location_warning(tmp_path / "ck.db") is None

"""Errors raised by services; each message says what went wrong and what to do about it."""

from __future__ import annotations

from circlekeeper.db.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseMissing,
    NewerSchema,
    NotACircleKeeperDatabase,
    StorageError,
)
from circlekeeper.errors import CircleKeeperError

STALE_MESSAGE = "changed elsewhere — reload"


class ServiceError(CircleKeeperError):
    """A request the rules refused."""


class NotFound(ServiceError):
    """No row matches the reference given."""


class Conflict(ServiceError):
    """The request clashes with what is stored (a duplicate, a wrong state)."""


class StaleEdit(Conflict):
    """The edit was based on a version that another program has since changed."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} {STALE_MESSAGE}")


class InvalidInput(ServiceError):
    """A value does not pass validation; the message names the field."""


class CapacityExceeded(ServiceError):
    """A limit such as a circle's max size would be broken."""


__all__ = [
    "STALE_MESSAGE",
    "CapacityExceeded",
    "CircleKeeperError",
    "Conflict",
    "DatabaseBusy",
    "DatabaseCorrupt",
    "DatabaseMissing",
    "InvalidInput",
    "NewerSchema",
    "NotACircleKeeperDatabase",
    "NotFound",
    "ServiceError",
    "StaleEdit",
    "StorageError",
]

"""The root of every error a person may see: a message they can act on and a process exit code."""

from __future__ import annotations


class CircleKeeperError(Exception):
    """An error whose message is written for the facilitator, not the developer."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

"""Who is making a change, for the record; a module of its own so that recording it does not
load the roles service and its tables."""

from __future__ import annotations

import getpass


def current_actor() -> str:
    """Who is making a change, for the record: the login name of this computer's user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "facilitator"

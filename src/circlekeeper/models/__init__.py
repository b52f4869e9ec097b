"""Tables and Create/Update/Read models, loaded lazily so `models.enums` stays cheap to import.

`from circlekeeper.models import Member` works as usual; importing the package alone does not load
SQLModel, which keeps `circlekeeper --help` and the TUI's first paint fast.
`register_tables()` loads every table module so the metadata is complete (Alembic, create_all).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from circlekeeper.models.circle import (
        Circle,
        CircleCreate,
        CircleDetail,
        CircleMember,
        CirclePage,
        CircleRead,
        CircleRow,
        CircleUpdate,
    )
    from circlekeeper.models.enums import (
        CIRCLE_TRANSITIONS,
        SESSION_TRANSITIONS,
        Attendance,
        Cadence,
        CircleKind,
        CircleStatus,
        CircleVisibility,
        MemberStatus,
        RitualMode,
        SessionStatus,
        Visibility,
        Weekday,
    )
    from circlekeeper.models.member import (
        Member,
        MemberCircle,
        MemberCreate,
        MemberDetail,
        MemberPage,
        MemberRead,
        MemberRow,
        MemberTag,
        MemberUpdate,
    )
    from circlekeeper.models.membership import (
        Membership,
    )
    from circlekeeper.models.ritual import (
        Ritual,
        RitualCreate,
        RitualRead,
        RitualUpdate,
    )
    from circlekeeper.models.role import (
        AssignmentRead,
        Role,
        RoleAssignment,
        RoleEvent,
        RoleEventRead,
        RoleOptOut,
        RoleRead,
        RoleSkip,
        RotaRead,
        TermWarning,
    )
    from circlekeeper.models.session import (
        CheckIn,
        CheckInCreate,
        CheckInRead,
        CircleSession,
        MemberSessionRead,
        SessionDetail,
        SessionDraft,
        SessionPlan,
        SessionRead,
    )

_WHERE: dict[str, str] = {
    "AssignmentRead": "circlekeeper.models.role",
    "Role": "circlekeeper.models.role",
    "RoleAssignment": "circlekeeper.models.role",
    "RoleEvent": "circlekeeper.models.role",
    "RoleEventRead": "circlekeeper.models.role",
    "RoleOptOut": "circlekeeper.models.role",
    "RoleRead": "circlekeeper.models.role",
    "RoleSkip": "circlekeeper.models.role",
    "RotaRead": "circlekeeper.models.role",
    "TermWarning": "circlekeeper.models.role",
    "Attendance": "circlekeeper.models.enums",
    "RitualMode": "circlekeeper.models.enums",
    "SESSION_TRANSITIONS": "circlekeeper.models.enums",
    "SessionStatus": "circlekeeper.models.enums",
    "Visibility": "circlekeeper.models.enums",
    "Ritual": "circlekeeper.models.ritual",
    "RitualCreate": "circlekeeper.models.ritual",
    "RitualRead": "circlekeeper.models.ritual",
    "RitualUpdate": "circlekeeper.models.ritual",
    "CheckIn": "circlekeeper.models.session",
    "CheckInCreate": "circlekeeper.models.session",
    "CheckInRead": "circlekeeper.models.session",
    "CircleSession": "circlekeeper.models.session",
    "MemberSessionRead": "circlekeeper.models.session",
    "SessionDetail": "circlekeeper.models.session",
    "SessionDraft": "circlekeeper.models.session",
    "SessionPlan": "circlekeeper.models.session",
    "SessionRead": "circlekeeper.models.session",
    "Circle": "circlekeeper.models.circle",
    "CircleCreate": "circlekeeper.models.circle",
    "CircleDetail": "circlekeeper.models.circle",
    "CircleMember": "circlekeeper.models.circle",
    "CirclePage": "circlekeeper.models.circle",
    "CircleRead": "circlekeeper.models.circle",
    "CircleRow": "circlekeeper.models.circle",
    "CircleUpdate": "circlekeeper.models.circle",
    "CIRCLE_TRANSITIONS": "circlekeeper.models.enums",
    "Cadence": "circlekeeper.models.enums",
    "CircleKind": "circlekeeper.models.enums",
    "CircleStatus": "circlekeeper.models.enums",
    "CircleVisibility": "circlekeeper.models.enums",
    "MemberStatus": "circlekeeper.models.enums",
    "Weekday": "circlekeeper.models.enums",
    "Member": "circlekeeper.models.member",
    "MemberCircle": "circlekeeper.models.member",
    "MemberCreate": "circlekeeper.models.member",
    "MemberDetail": "circlekeeper.models.member",
    "MemberPage": "circlekeeper.models.member",
    "MemberRead": "circlekeeper.models.member",
    "MemberRow": "circlekeeper.models.member",
    "MemberTag": "circlekeeper.models.member",
    "MemberUpdate": "circlekeeper.models.member",
    "Membership": "circlekeeper.models.membership",
}

TABLE_MODULES = (
    "circlekeeper.models.member",
    "circlekeeper.models.circle",
    "circlekeeper.models.membership",
    "circlekeeper.models.ritual",
    "circlekeeper.models.session",
    "circlekeeper.models.role",
)


def register_tables() -> None:
    """Import every table module so SQLModel.metadata knows all tables."""
    for module in TABLE_MODULES:
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "CIRCLE_TRANSITIONS",
    "SESSION_TRANSITIONS",
    "AssignmentRead",
    "Attendance",
    "Cadence",
    "CheckIn",
    "CheckInCreate",
    "CheckInRead",
    "Circle",
    "CircleCreate",
    "CircleDetail",
    "CircleKind",
    "CircleMember",
    "CirclePage",
    "CircleRead",
    "CircleRow",
    "CircleSession",
    "CircleStatus",
    "CircleUpdate",
    "CircleVisibility",
    "Member",
    "MemberCircle",
    "MemberCreate",
    "MemberDetail",
    "MemberPage",
    "MemberRead",
    "MemberRow",
    "MemberSessionRead",
    "MemberStatus",
    "MemberTag",
    "MemberUpdate",
    "Membership",
    "Ritual",
    "RitualCreate",
    "RitualMode",
    "RitualRead",
    "RitualUpdate",
    "Role",
    "RoleAssignment",
    "RoleEvent",
    "RoleEventRead",
    "RoleOptOut",
    "RoleRead",
    "RoleSkip",
    "RotaRead",
    "SessionDetail",
    "SessionDraft",
    "SessionPlan",
    "SessionRead",
    "SessionStatus",
    "TermWarning",
    "Visibility",
    "Weekday",
    "register_tables",
]

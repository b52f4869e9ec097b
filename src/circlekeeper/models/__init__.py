"""Tables and the Create/Update/Read models; importing this registers every table's metadata."""

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
    Cadence,
    CircleKind,
    CircleStatus,
    CircleVisibility,
    MemberStatus,
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
from circlekeeper.models.membership import Membership

__all__ = [
    "CIRCLE_TRANSITIONS",
    "Cadence",
    "Circle",
    "CircleCreate",
    "CircleDetail",
    "CircleKind",
    "CircleMember",
    "CirclePage",
    "CircleRead",
    "CircleRow",
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
    "MemberStatus",
    "MemberTag",
    "MemberUpdate",
    "Membership",
    "Weekday",
]

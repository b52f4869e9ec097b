"""The closed vocabularies of the domain; their values are what the database and JSON hold."""

from __future__ import annotations

from enum import StrEnum


class MemberStatus(StrEnum):
    """Where a member stands in the community."""

    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


class CircleKind(StrEnum):
    """Why a circle exists."""

    GOAL = "goal"
    IDENTITY = "identity"
    COHORT = "cohort"
    LEADERSHIP = "leadership"


class CircleVisibility(StrEnum):
    """How people get into a circle."""

    OPEN = "open"
    OPT_IN = "opt-in"
    APPLICATION = "application"


class CircleStatus(StrEnum):
    """A circle's lifecycle: forming → active ⇄ paused → closed (closed may be reopened)."""

    FORMING = "forming"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class Cadence(StrEnum):
    """How often a circle meets."""

    WEEKLY = "weekly"
    EVERY_N_WEEKS = "every-n-weeks"
    MONTHLY = "monthly"


class Weekday(StrEnum):
    """Days of the week, stored as their three-letter names."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


CIRCLE_TRANSITIONS: dict[CircleStatus, frozenset[CircleStatus]] = {
    CircleStatus.FORMING: frozenset({CircleStatus.ACTIVE, CircleStatus.CLOSED}),
    CircleStatus.ACTIVE: frozenset({CircleStatus.PAUSED, CircleStatus.CLOSED}),
    CircleStatus.PAUSED: frozenset({CircleStatus.ACTIVE, CircleStatus.CLOSED}),
    CircleStatus.CLOSED: frozenset({CircleStatus.ACTIVE}),
}


def sql_in(column: str, enum: type[StrEnum]) -> str:
    """A CHECK expression that keeps `column` inside `enum`'s values."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({values})"


class RitualMode(StrEnum):
    """Whether a ritual is run live in a meeting or as written check-ins on one's own time."""

    LIVE = "live"
    ASYNC = "async"


class SessionStatus(StrEnum):
    """A session's life: planned, then held, cancelled (in advance) or did not happen."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"
    DID_NOT_HAPPEN = "did-not-happen"


SESSION_TRANSITIONS: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.PLANNED: frozenset(
        {SessionStatus.HELD, SessionStatus.CANCELLED, SessionStatus.DID_NOT_HAPPEN}
    ),
    SessionStatus.HELD: frozenset(),
    SessionStatus.CANCELLED: frozenset({SessionStatus.PLANNED}),
    SessionStatus.DID_NOT_HAPPEN: frozenset(),
}


class Attendance(StrEnum):
    """One member at one session."""

    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Visibility(StrEnum):
    """Who may read a note: the facilitator, the circle, or the wider community."""

    PRIVATE = "private"
    CIRCLE = "circle"
    COMMUNITY = "community"


class Audience(StrEnum):
    """Who a report is for: the wider community (default), one circle's members, or the
    facilitators (everything, private notes and incidents included)."""

    COMMUNITY = "community"
    CIRCLE = "circle"
    FACILITATOR = "facilitator"


class AmbassadorStatus(StrEnum):
    """Where an ambassador stands: serving, resting until a date, or alumni (history kept)."""

    ACTIVE = "active"
    RESTING = "resting"
    ALUMNI = "alumni"


class NominationStatus(StrEnum):
    """A nomination waits for a decision, then is accepted (→ ambassador) or declined."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ApplicationStatus(StrEnum):
    """An application to a circle waits for a decision; accepted applicants get a seat."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ReviewChoice(StrEnum):
    """What a member decides at a seasonal review."""

    CONTINUE = "continue"
    PAUSE = "pause"
    LEAVE = "leave"
    REGROUP = "regroup"


class ReviewStatus(StrEnum):
    """A review is open while choices are recorded, applied once, or cancelled."""

    OPEN = "open"
    APPLIED = "applied"
    CANCELLED = "cancelled"


class IncidentKind(StrEnum):
    """A harm report or a breach of the circle's confidentiality."""

    HARM = "harm"
    BREACH = "breach"


class IncidentSeverity(StrEnum):
    """How serious an incident is; high ones come first on the dashboard."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class IncidentStatus(StrEnum):
    """Open, escalated to someone with more say, or resolved with a resolution."""

    OPEN = "open"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


class GoalPer(StrEnum):
    """How often a goal's target is due."""

    WEEK = "week"
    MONTH = "month"


class RecognitionKind(StrEnum):
    """The kinds of thanks a recognition log holds."""

    SHOUT_OUT = "shout-out"
    SPOTLIGHT = "spotlight"
    BADGE = "badge"
    NOTE = "note"
    GIFT = "gift"


class BadgeRule(StrEnum):
    """What circlekeeper can check to suggest a badge: sessions attended, sessions facilitated,
    or goal periods met in a row."""

    ATTENDED = "attended"
    FACILITATED = "facilitated"
    GOAL_STREAK = "goal-streak"


FOCUS_PRESETS = (
    "welcome team",
    "content highlighter",
    "conversation starter",
    "event promoter",
    "peer-support lead",
    "culture keeper",
)
"""Focus areas offered first; any other short text is a custom focus."""

METRIC_PRESETS = (
    "welcome new members",
    "start threads",
    "answer questions",
    "host an event",
)
"""Goal metrics offered first; any other short text is a custom metric."""

"""Circle health and members at risk: plain rules over figures the service counts in SQL.

Pure: no database and no clock; the words that come back are prompts for a facilitator, never a
score shown to members. The thresholds are HealthSettings (config.toml); "the cadence" is the
circle's rhythm in days (weekly 7, every N weeks 7 times N, monthly 30).

Attendance is present / (present + absent) over check-ins at held sessions; excused marks count on
neither side. "The last 4 sessions" for attendance and speaking are the last 4 held sessions dated
up to today, "the 4 before" the 4 held before those; "missed" counts, among the last 4 sessions
that were held, cancelled or did not happen, those that were not held (planned sessions are not
decided yet and are left out).

A circle's status, the first rule that holds:

1. paused: dormant when the dormant rule below holds, else steady — a resting circle is not judged
   on attendance, rhythm or size.
2. forming, no session held yet: steady ("forming; no sessions held yet").
3. dormant: no session held for more than dormant_cadences times the cadence days, or none ever held
   and it started (starts_on, else the day it was created) more than that long ago.
4. fading: any of — no session held for more than overdue_cadences times the cadence days (or none
   held and it started that long ago); attendance over the last 4 at least fading_attendance_drop
   below the 4 before; attendance over the last 4 below low_attendance; 2 or more of the last 4
   sessions not held; fewer members than min_size.
5. thriving: attendance over the last 4 at least 80% and not below the 4 before (when there were
   sessions before), size within min_size..max_size, and at least quiet_share of those who came
   spoke in check-ins. A share nobody recorded answers for is unknown and not held against it.
6. steady: everything else, with what kept it from thriving as the reasons.

A share of speakers below quiet_share is named as a reason whatever the status (dormant aside).

A member is at risk for each of these that holds (urgency adds up the weights in brackets):

- absences (3): active, and their last at_risk_absences check-ins at held sessions of the circles
  they sit in now are all "absent" (excused breaks the run).
- quiet (2): active, in an active circle, and no "present" check-in for at_risk_quiet_days days
  or more, counted from the later of their last one and the day they joined the earliest of
  their active circles.
- pause ending (1; 2 once the date has passed and they are still paused): paused until a day at
  most pause_ending_days ahead.
- no circle (2): active, and no seat in an active or forming circle (a forming circle is a seat
  waiting to start; seats in paused circles alone do not count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Protocol

WINDOW = 4
"""Held sessions in each attendance window (the last 4, and the 4 before)."""
MONTH_DAYS = 30
"""A monthly rhythm counts as 30 days."""
THRIVING_ATTENDANCE = 0.8
"""Attendance a thriving circle keeps over the last 4 held sessions."""
MISSED_LIMIT = 2
"""Sessions of the last 4 not held (cancelled or did not happen) that make a circle fading."""
EPSILON = 1e-9
"""Rates are ratios of small counts: 0.7 - 0.5 must count as a drop of 0.2."""


class HealthStatus(StrEnum):
    """How a circle is doing, from best to worst."""

    THRIVING = "thriving"
    STEADY = "steady"
    FADING = "fading"
    DORMANT = "dormant"


ATTENTION_ORDER = (
    HealthStatus.FADING,
    HealthStatus.DORMANT,
    HealthStatus.STEADY,
    HealthStatus.THRIVING,
)
"""The order a dashboard lists circles in: the ones to act on first."""


class RiskKind(StrEnum):
    """Why a member is on the at-risk list."""

    ABSENCES = "absences"
    QUIET = "quiet"
    PAUSE_ENDING = "pause-ending"
    NO_CIRCLE = "no-circle"


class Thresholds(Protocol):
    """The thresholds the rules read (HealthSettings has them all)."""

    @property
    def at_risk_absences(self) -> int: ...
    @property
    def at_risk_quiet_days(self) -> int: ...
    @property
    def pause_ending_days(self) -> int: ...
    @property
    def fading_attendance_drop(self) -> float: ...
    @property
    def low_attendance(self) -> float: ...
    @property
    def overdue_cadences(self) -> float: ...
    @property
    def dormant_cadences(self) -> float: ...
    @property
    def quiet_share(self) -> float: ...


class CircleFigures(NamedTuple):
    """One circle's figures as of today, counted by the service (a named tuple: the service
    builds one per circle, 13,545 at community scale, and a tuple is built six times faster
    than a frozen dataclass)."""

    lifecycle: str
    """The circle's own status: forming, active or paused."""
    age_days: int
    """Days since it started (starts_on, else the day it was created); negative before then."""
    cadence_days: int
    size: int
    min_size: int
    max_size: int
    recent_attendance: float | None
    """Attendance over the last 4 held sessions; None without present or absent marks."""
    earlier_attendance: float | None
    """Attendance over the 4 held sessions before those; None likewise."""
    recent_sessions: int
    """Held sessions in the recent window (0 to 4)."""
    earlier_sessions: int
    """Held sessions in the window before (0 to 4)."""
    window_sessions: int
    """The last sessions (up to 4) that were held, cancelled or did not happen."""
    missed_sessions: int
    """How many of `window_sessions` were cancelled or did not happen."""
    days_since_held: int | None
    """Days since the last held session; None when none was ever held."""
    speaking_share: float | None
    """Share of those present at the last 4 held sessions who answered in a check-in; None when
    no answers were recorded."""
    role_load: float | None
    """Role assignments at the last 4 held sessions per current member; None with no members."""


@dataclass(frozen=True)
class MemberFigures:
    """One member's figures as of today, counted by the service."""

    status: str
    """The member's status: active or paused (members who left are not assessed)."""
    absent_streak: int
    """Check-ins in a row, newest first, marked absent at held sessions of their circles."""
    quiet_days: int | None
    """Days without a present check-in while in an active circle (see `quiet_days`); None when
    in no active circle."""
    checked_in_since_joining: bool
    """Whether `quiet_days` counts from a check-in (True) or from joining (False)."""
    active_circles: int
    forming_circles: int
    paused_circles: int
    paused_until: dt.date | None
    pause_days_left: int | None
    """Days until `paused_until` (negative once passed); None when not paused until a date."""


@dataclass(frozen=True)
class MemberRisk:
    """Why a member may need a personal note, and how urgently (0: not at risk)."""

    kinds: tuple[RiskKind, ...]
    reasons: tuple[str, ...]
    urgency: int


RISK_WEIGHT = {
    RiskKind.ABSENCES: 3,
    RiskKind.QUIET: 2,
    RiskKind.NO_CIRCLE: 2,
    RiskKind.PAUSE_ENDING: 1,
}
PAUSE_OVERDUE_WEIGHT = 2
"""A pause whose date has passed while the member is still paused weighs more than one ending."""


def cadence_days(cadence: str, interval: int = 1) -> int:
    """A rhythm in days: weekly 7, every-n-weeks 7 times interval, monthly 30."""
    if cadence == "monthly":
        return MONTH_DAYS
    if cadence == "every-n-weeks":
        return 7 * max(1, interval)
    return 7


def rate(part: int, whole: int) -> float | None:
    """`part` as a share of `whole`, or None when the whole is empty."""
    return part / whole if whole else None


def quiet_days(
    last_check_in: dt.date | None, active_since: dt.date | None, today: dt.date
) -> tuple[int | None, bool]:
    """Days without a check-in while in an active circle, and whether they count from a check-in
    (True) or from joining (False); (None, False) when in no active circle."""
    if active_since is None:
        return None, False
    if last_check_in is not None and last_check_in >= active_since:
        return (today - last_check_in).days, True
    return (today - active_since).days, False


# --- circles --------------------------------------------------------------------------------


def judge(figures: CircleFigures, settings: Thresholds) -> tuple[HealthStatus, list[str]]:
    """The circle's status and the reasons for it, in plain words (see the module's rules)."""
    dormant = _silence(figures, settings.dormant_cadences)
    if figures.lifecycle == "paused":
        if dormant:
            return HealthStatus.DORMANT, ["paused", dormant]
        return HealthStatus.STEADY, ["paused; attendance, rhythm and size are not judged"]
    if figures.lifecycle == "forming" and figures.days_since_held is None:
        return HealthStatus.STEADY, ["forming; no sessions held yet", *_size_notes(figures)]
    if dormant:
        return HealthStatus.DORMANT, [dormant]
    fading = _fading_reasons(figures, settings)
    quiet = _quiet_note(figures, settings)
    if fading:
        return HealthStatus.FADING, [*fading, *quiet]
    held_back = _not_thriving(figures, settings)
    if held_back or quiet:
        return HealthStatus.STEADY, [*held_back, *quiet]
    return HealthStatus.THRIVING, _strengths(figures)


def _fading_reasons(figures: CircleFigures, settings: Thresholds) -> list[str]:
    reasons = []
    overdue = _silence(figures, settings.overdue_cadences)
    if overdue:
        reasons.append(overdue)
    recent, earlier = figures.recent_attendance, figures.earlier_attendance
    if recent is not None:
        dropped = (
            earlier is not None and earlier - recent >= settings.fading_attendance_drop - EPSILON
        )
        if dropped:
            reasons.append(_attendance(figures))
        elif recent < settings.low_attendance - EPSILON:
            reasons.append(f"{_attendance(figures)}, below {_pct(settings.low_attendance)}")
    if figures.missed_sessions >= MISSED_LIMIT:
        reasons.append(
            f"{figures.missed_sessions} of the last {figures.window_sessions} sessions were "
            "cancelled or did not happen"
        )
    if figures.size < figures.min_size:
        reasons.append(_size_notes(figures)[0])
    return reasons


def _not_thriving(figures: CircleFigures, settings: Thresholds) -> list[str]:
    """What keeps a circle that is not fading from thriving (empty: it thrives)."""
    recent, earlier = figures.recent_attendance, figures.earlier_attendance
    reasons = []
    if figures.days_since_held is None:
        reasons.append("no session held yet")
    elif recent is None:
        reasons.append(f"no attendance recorded at {_last(figures.recent_sessions)}")
    elif recent < THRIVING_ATTENDANCE - EPSILON or (
        earlier is not None and recent < earlier - EPSILON
    ):
        reasons.append(_attendance(figures))
    reasons.extend(_size_notes(figures))
    return reasons


def _strengths(figures: CircleFigures) -> list[str]:
    """Why a thriving circle thrives, so that the reasons are never empty."""
    reasons = [_attendance(figures)]
    if figures.days_since_held is not None:
        days = figures.days_since_held
        when = "today" if days == 0 else f"{_days(days)} ago"
        reasons.append(f"last session {when}; meets every {figures.cadence_days} days")
    if figures.speaking_share is not None:
        reasons.append(f"{_pct(figures.speaking_share)} of those who came spoke in check-ins")
    return reasons


def _silence(figures: CircleFigures, cadences: float) -> str | None:
    """The reason a circle has not met for more than `cadences` times its cadence, or None."""
    limit = cadences * figures.cadence_days
    every = f"meets every {figures.cadence_days} days"
    if figures.days_since_held is None:
        if figures.age_days > limit:
            return f"no session held in the {figures.age_days} days since it started; {every}"
        return None
    if figures.days_since_held > limit:
        return f"no session for {figures.days_since_held} days; {every}"
    return None


def _attendance(figures: CircleFigures) -> str:
    recent = figures.recent_attendance
    assert recent is not None
    text = f"attendance {_pct(recent)} over {_last(figures.recent_sessions)}"
    earlier = figures.earlier_attendance
    if earlier is not None and abs(earlier - recent) > EPSILON:
        text += f", {'down' if recent < earlier else 'up'} from {_pct(earlier)}"
    return text


def _size_notes(figures: CircleFigures) -> list[str]:
    if figures.size < figures.min_size:
        return [f"{_members(figures.size)}, below the minimum of {figures.min_size}"]
    if figures.size > figures.max_size:
        return [f"{_members(figures.size)}, above the maximum of {figures.max_size}"]
    return []


def _quiet_note(figures: CircleFigures, settings: Thresholds) -> list[str]:
    share = figures.speaking_share
    if share is None or share >= settings.quiet_share - EPSILON:
        return []
    return [
        f"quiet: {_pct(share)} of those who came spoke in check-ins over "
        f"{_last(figures.recent_sessions)}"
    ]


# --- members --------------------------------------------------------------------------------


def assess_member(figures: MemberFigures, settings: Thresholds) -> MemberRisk:
    """Why a member is at risk (see the module's rules); no kinds and urgency 0 when they are
    not."""
    found: list[tuple[RiskKind, str, int]] = []
    active = figures.status == "active"
    if active and figures.absent_streak >= settings.at_risk_absences:
        found.append(
            (
                RiskKind.ABSENCES,
                f"absent from the last {figures.absent_streak} sessions in a row",
                RISK_WEIGHT[RiskKind.ABSENCES],
            )
        )
    quiet = figures.quiet_days
    if active and quiet is not None and quiet >= settings.at_risk_quiet_days:
        text = (
            f"no check-in for {quiet} days"
            if figures.checked_in_since_joining
            else f"no check-in in the {quiet} days since joining"
        )
        found.append((RiskKind.QUIET, text, RISK_WEIGHT[RiskKind.QUIET]))
    pause = _pause_note(figures, settings)
    if pause is not None:
        found.append(pause)
    if active and figures.active_circles == 0 and figures.forming_circles == 0:
        text = "in no active circle"
        if figures.paused_circles:
            text += " (their circles are paused)"
        found.append((RiskKind.NO_CIRCLE, text, RISK_WEIGHT[RiskKind.NO_CIRCLE]))
    return MemberRisk(
        kinds=tuple(kind for kind, _, _ in found),
        reasons=tuple(text for _, text, _ in found),
        urgency=sum(weight for _, _, weight in found),
    )


def _pause_note(figures: MemberFigures, settings: Thresholds) -> tuple[RiskKind, str, int] | None:
    left = figures.pause_days_left
    if figures.status != "paused" or left is None or left > settings.pause_ending_days:
        return None
    until = figures.paused_until
    weight = RISK_WEIGHT[RiskKind.PAUSE_ENDING]
    if left > 0:
        text = f"pause ends in {_days(left)}, on {until}"
    elif left == 0:
        text = "pause ends today"
    else:
        text = f"pause ended {_days(-left)} ago, on {until}; still marked paused"
        weight = PAUSE_OVERDUE_WEIGHT
    return RiskKind.PAUSE_ENDING, text, weight


# --- words ----------------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _last(sessions: int) -> str:
    return "the last session" if sessions == 1 else f"the last {sessions} sessions"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _members(count: int) -> str:
    return "1 member" if count == 1 else f"{count} members"

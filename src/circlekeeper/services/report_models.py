"""Read models of the circle summary, the community digest and the facilitator report: only what
the report's audience may read is ever put into them (the queries filter, not the renderers)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from circlekeeper.models import Audience


class ReportPeriod(BaseModel):
    """Who a report is for and the days it covers (both included)."""

    audience: Audience
    start: dt.date
    end: dt.date
    circle_id: int | None = None
    """For the circle audience, the circle whose members read the report."""


class Quote(BaseModel):
    """One answer to a prompt that the audience may read, with the name it may see."""

    day: dt.date
    prompt: str
    answer: str
    member: str
    visibility: str


class Theme(BaseModel):
    """A prompt the circle answered in the period, and how many readable answers it had."""

    prompt: str
    answers: int


class SessionLine(BaseModel):
    """A session in the period (held, cancelled, did not happen), or an upcoming one."""

    day: dt.date
    status: str
    reason: str
    notes: str
    """Session notes: facilitator audience only (empty otherwise)."""


class RecognitionLine(BaseModel):
    """A recognition the audience may read."""

    day: dt.date
    member: str
    kind: str
    message: str
    badge: str


class IncidentLine(BaseModel):
    """An incident, for the facilitator audience only."""

    id: int
    occurred_on: dt.date
    circle: str
    severity: str
    status: str
    summary: str
    follow_up_on: dt.date | None
    resolution: str


class CircleSummary(BaseModel):
    """One circle over a period."""

    scope: ReportPeriod
    circle_id: int
    circle: str
    purpose: str
    sessions: list[SessionLine]
    held: int
    missed: int
    present: int
    expected: int
    themes: list[Theme]
    quotes: list[Quote]
    recognitions: list[RecognitionLine]
    next_facilitator: str | None
    next_deputy: str | None
    upcoming: list[SessionLine]
    incidents: list[IncidentLine]


class CircleHighlight(BaseModel):
    """A circle's shareable highlights in the digest."""

    circle: str
    held: int
    quotes: list[Quote]


class CircleNews(BaseModel):
    """A circle that began, is ending or closed, or has seats open to join."""

    circle: str
    kind: str
    purpose: str
    day: dt.date | None
    seats_open: int
    how_to_join: str


class Digest(BaseModel):
    """The community newsletter for a period."""

    scope: ReportPeriod
    highlights: list[CircleHighlight]
    new_circles: list[CircleNews]
    closing_circles: list[CircleNews]
    spotlights: list[RecognitionLine]
    ambassadors: int
    progress_logged: int
    progress_by_metric: list[tuple[str, int]]
    invitations: list[CircleNews]
    sessions_held: int
    members_present: int


class FacilitatorReport(BaseModel):
    """Everything about every active circle, with incidents: facilitator audience only."""

    scope: ReportPeriod
    circles: list[CircleSummary]
    incidents: list[IncidentLine]

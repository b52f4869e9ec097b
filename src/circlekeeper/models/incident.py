"""Incidents: harm reports and confidentiality breaches. Always private: they never appear in an
export unless its audience is the facilitators."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

import circlekeeper.models.base  # noqa: F401  (naming convention before any table)
from circlekeeper.models.enums import IncidentKind, IncidentSeverity, IncidentStatus, sql_in
from circlekeeper.models.types import UTCDateTime

SUMMARY_MAX = 4000
RESOLUTION_MAX = 4000
CONTACT_MAX = 120


class Incident(SQLModel, table=True):
    """One incident; resolved ones carry their resolution."""

    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint(sql_in("kind", IncidentKind), name="kind_valid"),
        CheckConstraint(sql_in("severity", IncidentSeverity), name="severity_valid"),
        CheckConstraint(sql_in("status", IncidentStatus), name="status_valid"),
        CheckConstraint(f"length(summary) BETWEEN 1 AND {SUMMARY_MAX}", name="summary_length"),
        CheckConstraint(f"length(resolution) <= {RESOLUTION_MAX}", name="resolution_length"),
        CheckConstraint("status != 'resolved' OR resolution != ''", name="resolved_has_resolution"),
        Index("ix_incident_status", "status", "follow_up_on"),
        Index("ix_incident_circle", "circle_id"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    kind: str = IncidentKind.HARM.value
    occurred_on: dt.date
    circle_id: int | None = SQLField(
        default=None,
        sa_column=Column(Integer, ForeignKey("circle.id", ondelete="SET NULL"), nullable=True),
    )
    summary: str
    severity: str = IncidentSeverity.MEDIUM.value
    status: str = IncidentStatus.OPEN.value
    contact: str = ""
    """Who follows it up (a facilitator's name as written)."""
    alternate_contact: str = ""
    """Who to go to when the usual contact is involved."""
    follow_up_on: dt.date | None = None
    resolution: str = ""
    resolved_on: dt.date | None = None
    version: int = 1
    created_at: dt.datetime = SQLField(sa_type=UTCDateTime)
    updated_at: dt.datetime = SQLField(sa_type=UTCDateTime)


class IncidentPerson(SQLModel, table=True):
    """A member involved in an incident (reporter, affected or named), linked for erasure."""

    __tablename__ = "incident_person"
    __table_args__ = (Index("ix_incident_person_member", "member_id"),)

    incident_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True)
    )
    member_id: int = SQLField(
        sa_column=Column(Integer, ForeignKey("member.id", ondelete="RESTRICT"), primary_key=True)
    )


class IncidentPersonRead(BaseModel):
    """A member named in an incident."""

    member_id: int
    name: str


class IncidentRead(BaseModel):
    """An incident as services hand it out; `overdue` when its follow-up date has passed."""

    id: int
    kind: IncidentKind
    occurred_on: dt.date
    circle_id: int | None
    circle_name: str | None
    summary: str
    severity: IncidentSeverity
    status: IncidentStatus
    contact: str
    alternate_contact: str
    follow_up_on: dt.date | None
    resolution: str
    resolved_on: dt.date | None
    people: list[IncidentPersonRead]
    overdue: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

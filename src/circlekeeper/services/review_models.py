"""Read models of seasonal reviews beyond the review itself: what applying one changes, which
circles are due one, and which circles a start for all of them passed over."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from circlekeeper.models import ReviewChoice, ReviewRead


class ReviewMember(BaseModel):
    """A member named in a review's outcome."""

    member_id: int
    name: str


class ReviewOutcome(BaseModel):
    """What applying a review does (or did) to one member who made a choice."""

    member_id: int
    member_name: str
    choice: ReviewChoice
    pause_until: dt.date | None
    leave_reason: str | None
    """The reason their stay in the circle ends with; None when they continue (seat kept)."""
    member_paused: bool
    """True when the member as a whole is paused until `pause_until` (they sit in no other
    circle); False when only this circle's seat ends."""


class ReviewApplied(BaseModel):
    """A review with what applying it changes: before it is applied (a preview), or after."""

    review: ReviewRead
    outcomes: list[ReviewOutcome]
    undecided: list[ReviewMember]
    """Current members who made no choice: they keep their seats."""
    regroup_pool: list[int]
    """Ids of the members who chose to regroup, for forming new circles."""
    regroup_members: str
    """The pool as `circle form --members` takes it: "review:ID"."""


class ReviewDue(BaseModel):
    """An active circle without an open review whose seasonal review is due."""

    circle_id: int
    circle_name: str
    due_on: dt.date
    reason: str
    last_review_on: dt.date | None
    ends_on: dt.date | None


class ReviewSkip(BaseModel):
    """A circle that starting reviews for all circles passed over, and why."""

    circle_id: int
    circle_name: str
    reason: str


class ReviewsStarted(BaseModel):
    """The reviews started for every active circle, and the circles passed over."""

    started: list[ReviewRead]
    skipped: list[ReviewSkip]

"""Free-text reasons are untrusted text too: cleaned and bounded by the services."""

from __future__ import annotations

import pytest

from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, MemberCreate
from circlekeeper.services import circles, members
from circlekeeper.services.errors import InvalidInput


def _member_in_circle(db: Database) -> None:
    members.add_member(db, data=MemberCreate(name="Ana", email="ana@example.org"))
    circles.create_circle(db, data=CircleCreate(name="Builders"))
    circles.add_member_to_circle(db, circle_ref="Builders", member_ref="ana@example.org")


def test_removal_reason_is_cleaned(db: Database) -> None:
    _member_in_circle(db)
    detail = circles.remove_member_from_circle(
        db, circle_ref="Builders", member_ref="ana@example.org", reason="\x1b[31mmoved\n away  "
    )
    assert detail.past_members[0].leave_reason == "moved away"


def test_leave_reason_is_cleaned_and_bounded(db: Database) -> None:
    _member_in_circle(db)
    with pytest.raises(InvalidInput, match="at most 500"):
        members.leave_member(db, ref="ana@example.org", reason="x" * 501)
    members.leave_member(db, ref="ana@example.org", reason="  new job\x07 ")
    stay = members.get_member(db, ref="ana@example.org").circles[0]
    assert stay.leave_reason == "new job"


def test_blank_reason_falls_back_to_the_default(db: Database) -> None:
    _member_in_circle(db)
    members.leave_member(db, ref="ana@example.org", reason="   ")
    assert (
        members.get_member(db, ref="ana@example.org").circles[0].leave_reason
        == "left the community"
    )

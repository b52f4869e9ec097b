"""Programme-health arithmetic: coverage against a band, weekly load against capacity, the top
contributors' share of the work, and tag distributions side by side.

Pure: the service counts in SQL and hands plain numbers in; the words that come back are prompts
for a conversation with a person, never a score or a penalty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from circlekeeper.text import sort_key

MONTH_WEEKS = 4
"""A monthly target weighs ceil(target / 4) units in a week's load."""
BEHIND_LIMIT = 3
"""Missed periods in a row after which an ambassador is worth a conversation."""
TOP = 3


def members_per_ambassador(members: int, ambassadors: int) -> float | None:
    """Active members per active ambassador, or None when there is no ambassador to divide by."""
    return members / ambassadors if ambassadors else None


def coverage_flag(members: int, ambassadors: int, band_min: int, band_max: int) -> str | None:
    """What is wrong with `members` looked after by `ambassadors` (None inside the band, or when
    there is nobody at all): above the band is a gap, below it a thin load."""
    if ambassadors == 0:
        if members == 0:
            return None
        return (
            f"coverage gap: {members} active member{_s(members)} and no active ambassador — "
            "nominate or recruit ambassadors"
        )
    ratio = members / ambassadors
    if ratio > band_max:
        return (
            f"coverage gap: {_number(ratio)} members per ambassador (aim for at most "
            f"{band_max}) — nominate or recruit ambassadors"
        )
    if ratio < band_min:
        return (
            f"thin load: {_number(ratio)} members per ambassador (the band starts at "
            f"{band_min}) — more ambassadors than needed here; fine, but worth knowing"
        )
    return None


def overload_reasons(
    *, capacity: int, goal_load: int, role_load: int, behind_streak: int
) -> list[str]:
    """Why an ambassador may be carrying too much, in words that open a conversation (empty when
    the week's load fits their capacity and they are not behind 3 periods in a row)."""
    reasons = []
    load = goal_load + role_load
    if load > capacity:
        reasons.append(
            f"this week's load is {load} ({goal_load} from goals, {role_load} from roles), "
            f"more than the {capacity} a week they said they can give — ask how it feels and "
            "whether to drop a goal or hand on a role"
        )
    if behind_streak >= BEHIND_LIMIT:
        reasons.append(
            f"behind on goals {behind_streak} periods in a row — check in on how things are "
            "going and whether the goals still fit; a prompt to talk, not a penalty"
        )
    return reasons


def reliance_share(top_counts: Sequence[int], total: int) -> float | None:
    """The share of `total` done by the people counted in `top_counts` (None when nothing was
    logged)."""
    return sum(top_counts) / total if total else None


def top_share(counts: Sequence[int], top: int = TOP) -> float | None:
    """The share of everything in `counts` done by the `top` largest (None when all is zero)."""
    return reliance_share(sorted(counts, reverse=True)[:top], sum(counts))


def share(part: int, whole: int) -> float:
    """`part` as a fraction of `whole` (0.0 when the whole is empty)."""
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class Distribution:
    """One tag value: ambassadors and members with it, and their shares of each whole."""

    value: str
    ambassadors: int
    ambassador_share: float
    members: int
    member_share: float


def distribution(ambassadors: Mapping[str, int], members: Mapping[str, int]) -> list[Distribution]:
    """Ambassadors beside members for every value either side has, with shares of each side's
    total; most members first, then by value (accent- and case-blind)."""
    ambassador_total = sum(ambassadors.values())
    member_total = sum(members.values())
    rows = [
        Distribution(
            value=value,
            ambassadors=ambassadors.get(value, 0),
            ambassador_share=share(ambassadors.get(value, 0), ambassador_total),
            members=members.get(value, 0),
            member_share=share(members.get(value, 0), member_total),
        )
        for value in set(ambassadors) | set(members)
    ]
    return sorted(rows, key=lambda row: (-row.members, sort_key(row.value), row.value))


def _number(ratio: float) -> str:
    return str(int(ratio)) if ratio == int(ratio) else f"{ratio:.1f}"


def _s(count: int) -> str:
    return "" if count == 1 else "s"

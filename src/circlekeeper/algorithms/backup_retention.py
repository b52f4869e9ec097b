"""Which automatic backups to keep: the newest of each of the last N days, weeks and months.

Each tier looks at the most recent buckets (UTC days, ISO weeks, calendar months) that hold any
backup and keeps the newest backup of each; a backup kept by any tier stays, the rest are pruned.
The newest backup is always kept, so that setting every tier to 0 keeps exactly one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

NEWEST = "newest"
DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"


@dataclass(frozen=True)
class RetentionPolicy:
    """How many days, weeks and months keep their newest automatic backup (0 turns a tier off)."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 6

    def __post_init__(self) -> None:
        """A negative count has no meaning; config loading never passes one."""
        if min(self.daily, self.weekly, self.monthly) < 0:
            raise ValueError("retention counts cannot be negative")

    @property
    def most_kept(self) -> int:
        """The most backups this policy can keep."""
        return max(1, self.daily + self.weekly + self.monthly)


def day_of(moment: dt.datetime) -> Hashable:
    """The UTC day a backup was taken on."""
    return moment.astimezone(dt.UTC).date()


def week_of(moment: dt.datetime) -> Hashable:
    """The ISO week (year, week) a backup was taken in, in UTC."""
    year, week, _ = moment.astimezone(dt.UTC).isocalendar()
    return (year, week)


def month_of(moment: dt.datetime) -> Hashable:
    """The calendar month (year, month) a backup was taken in, in UTC."""
    utc = moment.astimezone(dt.UTC)
    return (utc.year, utc.month)


TIERS: tuple[tuple[str, Callable[[dt.datetime], Hashable]], ...] = (
    (DAILY, day_of),
    (WEEKLY, week_of),
    (MONTHLY, month_of),
)


def retention_plan(
    stamps: Sequence[dt.datetime], policy: RetentionPolicy
) -> tuple[frozenset[str], ...]:
    """For each stamp (same order) the tiers that keep it; an empty set means prune it.

    Stamps must be timezone-aware. Of equal stamps the later one in `stamps` counts as newer
    (two backups taken in the same second are told apart by their position).
    """
    newest_first = sorted(range(len(stamps)), key=lambda i: (stamps[i], i), reverse=True)
    reasons: list[set[str]] = [set() for _ in stamps]
    if newest_first:
        reasons[newest_first[0]].add(NEWEST)
    for tier, bucket_of in TIERS:
        wanted = getattr(policy, tier)
        seen: set[Hashable] = set()
        for index in newest_first:
            if len(seen) >= wanted:
                break
            bucket = bucket_of(stamps[index])
            if bucket not in seen:
                seen.add(bucket)
                reasons[index].add(tier)
    return tuple(frozenset(found) for found in reasons)


def to_prune(stamps: Sequence[dt.datetime], policy: RetentionPolicy) -> list[int]:
    """The positions in `stamps` of the backups the policy does not keep, oldest first."""
    plan = retention_plan(stamps, policy)
    victims = [index for index, why in enumerate(plan) if not why]
    return sorted(victims, key=lambda i: (stamps[i], i))

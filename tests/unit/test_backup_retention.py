"""The retention policy as a pure function: which automatic backups stay, which are pruned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circlekeeper.algorithms.backup_retention import (
    DAILY,
    MONTHLY,
    NEWEST,
    TIERS,
    WEEKLY,
    RetentionPolicy,
    retention_plan,
    to_prune,
)

stamps_strategy = st.lists(
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    max_size=60,
)
"""Up to 60 backups over three years, with repeats (two backups in the same second)."""

policies = st.builds(
    RetentionPolicy,
    daily=st.integers(0, 10),
    weekly=st.integers(0, 6),
    monthly=st.integers(0, 8),
)


def newest_index(stamps: Sequence[dt.datetime]) -> int:
    """The newest backup: the latest stamp, the later one in the list on a tie."""
    return max(range(len(stamps)), key=lambda i: (stamps[i], i))


def kept(stamps: Sequence[dt.datetime], policy: RetentionPolicy) -> list[int]:
    """Positions of the backups the policy keeps."""
    return [i for i, why in enumerate(retention_plan(stamps, policy)) if why]


@given(stamps_strategy.filter(bool), policies)
def test_the_newest_backup_is_always_kept(
    stamps: list[dt.datetime], policy: RetentionPolicy
) -> None:
    plan = retention_plan(stamps, policy)

    assert NEWEST in plan[newest_index(stamps)]
    assert [i for i, why in enumerate(plan) if NEWEST in why] == [newest_index(stamps)]


@given(stamps_strategy, policies)
def test_no_more_are_kept_than_the_tiers_add_up_to(
    stamps: list[dt.datetime], policy: RetentionPolicy
) -> None:
    count = len(kept(stamps, policy))

    assert count <= max(1, policy.daily + policy.weekly + policy.monthly)
    assert count <= len(stamps)


@pytest.mark.parametrize(("tier", "bucket_of"), TIERS, ids=[name for name, _ in TIERS])
@given(stamps=stamps_strategy, policy=policies)
def test_each_tier_keeps_the_newest_of_each_of_its_most_recent_buckets(
    tier: str,
    bucket_of: Callable[[dt.datetime], Hashable],
    stamps: list[dt.datetime],
    policy: RetentionPolicy,
) -> None:
    plan = retention_plan(stamps, policy)
    chosen = [i for i, why in enumerate(plan) if tier in why]
    buckets = {bucket_of(stamp) for stamp in stamps}
    recent = sorted(buckets, key=lambda b: max(s for s in stamps if bucket_of(s) == b))
    wanted = getattr(policy, tier)

    assert len({bucket_of(stamps[i]) for i in chosen}) == len(chosen)  # one per bucket
    assert len(chosen) == min(wanted, len(buckets))
    assert {bucket_of(stamps[i]) for i in chosen} == set(recent[len(recent) - len(chosen) :])
    for index in chosen:
        same_bucket = [j for j, s in enumerate(stamps) if bucket_of(s) == bucket_of(stamps[index])]
        assert index == max(same_bucket, key=lambda j: (stamps[j], j))


@given(stamps_strategy, policies)
def test_no_two_kept_backups_share_a_day(
    stamps: list[dt.datetime], policy: RetentionPolicy
) -> None:
    days = [stamps[i].date() for i in kept(stamps, policy)]

    assert len(days) == len(set(days))


@given(stamps_strategy, policies)
def test_pruning_twice_prunes_nothing_more(
    stamps: list[dt.datetime], policy: RetentionPolicy
) -> None:
    survivors = [stamps[i] for i in kept(stamps, policy)]

    assert to_prune(survivors, policy) == []
    assert retention_plan(survivors, policy) == tuple(
        why for why in retention_plan(stamps, policy) if why
    )


@given(stamps_strategy, policies)
def test_what_is_pruned_is_exactly_what_is_not_kept(
    stamps: list[dt.datetime], policy: RetentionPolicy
) -> None:
    victims = to_prune(stamps, policy)

    assert set(victims) == set(range(len(stamps))) - set(kept(stamps, policy))
    assert [stamps[i] for i in victims] == sorted(stamps[i] for i in victims)


def at(day: str, hour: int = 12) -> dt.datetime:
    """A backup taken on `day` (YYYY-MM-DD) at `hour` UTC."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def test_a_worked_example_of_two_days_one_week_one_month() -> None:
    # Fri 20 Nov 2026 (two backups), Thu 19 Nov, Mon 16 Nov, Sun 15 Nov (the week before),
    # Sat 31 Oct (the month before).
    stamps = [
        at("2026-10-31"),
        at("2026-11-15"),
        at("2026-11-16"),
        at("2026-11-19"),
        at("2026-11-20", 8),
        at("2026-11-20", 18),
    ]
    plan = retention_plan(stamps, RetentionPolicy(daily=2, weekly=1, monthly=1))

    assert plan == (
        frozenset(),  # October: monthly keeps only the newest month
        frozenset(),  # the week before: weekly keeps only this week
        frozenset(),  # Monday: neither of the two newest days
        frozenset({DAILY}),
        frozenset(),  # the earlier of two on one day
        frozenset({NEWEST, DAILY, WEEKLY, MONTHLY}),
    )
    assert to_prune(stamps, RetentionPolicy(daily=2, weekly=1, monthly=1)) == [0, 1, 2, 4]


def test_every_tier_at_zero_keeps_only_the_newest() -> None:
    stamps = [at("2026-11-01"), at("2026-11-21"), at("2026-11-10")]

    assert to_prune(stamps, RetentionPolicy(0, 0, 0)) == [0, 2]


def test_a_second_in_the_same_second_is_the_newer_one() -> None:
    stamps = [at("2026-11-21"), at("2026-11-21")]

    assert retention_plan(stamps, RetentionPolicy(1, 0, 0)) == (
        frozenset(),
        frozenset({NEWEST, DAILY}),
    )


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        RetentionPolicy(daily=-1)

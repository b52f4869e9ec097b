"""Circles by self-selection: one per interest the members list, split when it draws too many.

Members name what they want to meet about in one tag (`interest=gardening, reading`). Everyone
who lists an interest joins its circle; an interest with more takers than the largest circle is
split by the grouping solver so that people who shared a circle before land apart. The answer is
the same FormationPreview as the solver-only formation, so `commit_formation` creates it.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import CircleCreate, CircleKind, Member, MemberTag
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.formation import (
    FormationInfeasible,
    circle_names,
    conflict_reason,
    pool_query,
    proposed_circle,
    size_range,
    tag_key,
    tag_values,
    taken_names,
)
from circlekeeper.services.formation_history import SharedStay, shared_history
from circlekeeper.services.formation_models import FormationPreview, ProposedCircle
from circlekeeper.services.validation import parse
from circlekeeper.text import identity_key, quoted

if TYPE_CHECKING:
    from circlekeeper.algorithms.grouping import GroupingResult


@dataclass(frozen=True)
class Interest:
    """One interest: the spelling shown for it and the ids of the members who listed it."""

    label: str
    people: tuple[int, ...]


@dataclass(frozen=True)
class _Split:
    """What every split of a crowded interest shares: sizes, history, balance and seed."""

    size: int
    smallest: int
    largest: int
    history: Mapping[tuple[int, int], SharedStay]
    balance_key: str | None
    balance_values: Mapping[int, str]
    seed: int


def split_interests(value: str) -> list[str]:
    """The interests one tag value lists, separated by commas, blank entries left out."""
    return [" ".join(part.split()) for part in value.split(",") if part.strip()]


def group_interests(values: Mapping[int, str]) -> list[Interest]:
    """Interests compared case-insensitively, each shown in its most common spelling."""
    spellings: dict[str, Counter[str]] = {}
    people: dict[str, set[int]] = {}
    for member, value in values.items():
        for spelling in split_interests(value):
            key = identity_key(spelling)
            spellings.setdefault(key, Counter())[spelling] += 1
            people.setdefault(key, set()).add(member)
    return [
        Interest(
            label=min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0],
            people=tuple(sorted(people[key])),
        )
        for key in sorted(spellings)
    ]


def preview_interest_formation(
    db: Database,
    *,
    prefix: str,
    interest_tag: str,
    kind: CircleKind,
    size: int,
    min_size: int | None = None,
    max_size: int | None = None,
    members: str = "all",
    balance: str | None = None,
    seed: int = 0,
    time_limit: float = 10.0,
) -> FormationPreview:
    """Propose one circle per interest listed in the chosen members' `interest_tag`.

    Interests with fewer takers than the smallest circle, or whose takers cannot be split into
    circles of min..max, are left out and named in the warnings. Refused (FormationInfeasible)
    only when no interest can be formed at all.
    """
    smallest, largest = size_range(size, min_size, max_size)
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise InvalidInput(f"time limit must be more than 0 seconds, not {time_limit:g}")
    parse(CircleCreate, name=f"{prefix} 1", kind=kind, min_size=smallest, max_size=largest)
    interest_key = tag_key(interest_tag, "interest")
    assert interest_key is not None
    balance_key = tag_key(balance, "balance")
    with db.read() as session:
        chosen = pool_query(session, members)
        names = dict(session.exec(chosen.order_by(col(Member.name_key), col(Member.id))).all())
        if not names:
            raise InvalidInput(f"no active members match --members {quoted(members)}")
        pool = chosen.with_only_columns(col(Member.id))
        interests = group_interests(tag_values(session, pool, interest_key))
        if not interests:
            raise InvalidInput(
                f"none of the {len(names)} members chosen lists anything in tag "
                f"{quoted(interest_key)}"
            )
        tagged = select(MemberTag.member_id).where(col(MemberTag.key) == interest_key)
        history = shared_history(session, pool.where(col(Member.id).in_(tagged)), clock.today())
        balance_values = tag_values(session, pool, balance_key)
        taken = taken_names(session, prefix)
    settings = _Split(size, smallest, largest, history, balance_key, balance_values, seed)
    deadline = time.monotonic() + time_limit
    splits_left = sum(1 for interest in interests if len(interest.people) > largest)
    circles: list[ProposedCircle] = []
    not_formed: list[str] = []
    notes: list[str] = []
    methods: set[str] = set()
    formed = split_count = 0
    for interest in interests:
        count = len(interest.people)
        if count < smallest:
            not_formed.append(
                f"{interest.label}: {count} interested, fewer than the minimum {smallest} "
                "— not formed"
            )
            continue
        groups = [list(interest.people)]
        if count > largest:
            budget = max(deadline - time.monotonic(), 0.0) / splits_left
            splits_left -= 1
            result = _split_or_why(interest, settings, budget, names)
            if isinstance(result, str):
                not_formed.append(result)
                continue
            groups = result.rounds[0]
            methods.add(result.method)
            notes += [f"{interest.label}: {warning}" for warning in result.warnings]
        labels = _interest_names(prefix, interest.label, len(groups), taken)
        bad_name = _name_problem(labels, kind, smallest, largest)
        if bad_name is not None:
            not_formed.append(f"{interest.label}: not formed — {bad_name}")
            continue
        taken.update(identity_key(name) for name in labels)
        formed += 1
        split_count += len(groups) > 1
        circles += [
            proposed_circle(name, group, names, history, balance_values if balance_key else None)
            for name, group in zip(labels, groups, strict=True)
        ]
    if not circles:
        raise FormationInfeasible(not_formed)
    return FormationPreview(
        kind=kind,
        min_size=smallest,
        max_size=largest,
        balance_tag=balance_key,
        cluster_tag=None,
        pool_size=len(names),
        repeated_pairs=sum(len(c.met_before) for c in circles),
        method=_method(formed, split_count, methods),
        warnings=(*not_formed, *_left_out(names, interests, circles, interest_key), *notes),
        circles=tuple(circles),
    )


def _split_or_why(
    interest: Interest, split: _Split, time_limit: float, names: dict[int, str]
) -> GroupingResult | str:
    """The solver's split of a crowded interest, or why it cannot be split (not formed)."""
    from circlekeeper.algorithms.grouping import Infeasible

    try:
        return _solve_split(interest.people, split, time_limit)
    except Infeasible as exc:
        reasons = [conflict_reason(c.rule, c.message, c.people, names) for c in exc.conflicts]
        return (
            f"{interest.label}: {len(interest.people)} interested, cannot be split into circles "
            f"of {split.smallest}..{split.largest} — not formed ({'; '.join(reasons) or exc})"
        )


def _solve_split(people: Sequence[int], split: _Split, time_limit: float) -> GroupingResult:
    """The fewest circles within min..max for one crowded interest, its earlier pairs apart."""
    from circlekeeper.algorithms.grouping import GroupingProblem, solve

    inside = set(people)
    balance = (
        {split.balance_key: [split.balance_values.get(p, "") for p in people]}
        if split.balance_key
        else {}
    )
    problem = GroupingProblem(
        people=list(people),
        group_size=split.size,
        min_size=split.smallest,
        max_size=split.largest,
        num_groups=-(-len(people) // split.largest),
        balance=balance,
        history={
            pair: stay.weight
            for pair, stay in split.history.items()
            if pair[0] in inside and pair[1] in inside
        },
    )
    return solve(problem, seed=split.seed, time_limit=time_limit)


def _interest_names(prefix: str, label: str, count: int, taken: set[str]) -> list[str]:
    """ "PREFIX Interest" for one circle, else "PREFIX Interest 1", "… 2", skipping taken names."""
    base = f"{prefix.strip()} {label}"
    if count == 1 and identity_key(base) not in taken:
        return [base]
    return circle_names(base, count, taken)


def _name_problem(names: list[str], kind: CircleKind, smallest: int, largest: int) -> str | None:
    """Why one of these circle names could not be created (too long, say), or None."""
    for name in names:
        try:
            parse(CircleCreate, name=name, kind=kind, min_size=smallest, max_size=largest)
        except InvalidInput as exc:
            return str(exc)
    return None


def _left_out(
    names: Mapping[int, str],
    interests: Sequence[Interest],
    circles: Sequence[ProposedCircle],
    interest_key: str,
) -> list[str]:
    """Warnings counting the members placed in no circle: no interest, or none formed."""
    interested = {p for interest in interests for p in interest.people}
    placed = {m.id for circle in circles for m in circle.members}
    lines = []
    silent = len(names) - len(interested)
    if silent:
        lines.append(f"{silent} of {len(names)} members list no {interest_key} — not placed")
    unformed = len(interested - placed)
    if unformed:
        lines.append(f"{unformed} members are in no circle: none of their interests was formed")
    return lines


def _method(formed: int, split: int, methods: set[str]) -> str:
    """How the circles came about, e.g. "interest: 6 interests, 2 split (greedy+tabu)"."""
    text = f"interest: {formed} interests, {split} split"
    return text + (f" ({', '.join(sorted(methods))})" if methods else "")

"""Forming new circles from the active members with the grouping solver: preview, then commit.

The preview only reads; the commit creates every proposed circle and its seats in one write
transaction, after checking again that the members are still active and the names still free.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.models import (
    Circle,
    CircleCreate,
    CircleDetail,
    CircleKind,
    Member,
    Membership,
    MemberStatus,
    MemberTag,
)
from circlekeeper.services.circles import chunks, circle_details, insert_circles
from circlekeeper.services.errors import Conflict, InvalidInput, NotFound
from circlekeeper.services.formation_history import SharedStay, shared_history
from circlekeeper.services.formation_models import (
    FormationPreview,
    MetBefore,
    ProposedCircle,
    ProposedMember,
)
from circlekeeper.services.lookup import find_circle, find_member
from circlekeeper.services.members import member_filter
from circlekeeper.services.validation import parse
from circlekeeper.text import identity_key, quoted

RefPair = tuple[str, str]


class FormationInfeasible(InvalidInput):
    """The sizes, keep-apart and keep-together rules cannot all hold for this pool."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = tuple(reasons)


def preview_formation(
    db: Database,
    *,
    prefix: str,
    kind: CircleKind,
    size: int,
    min_size: int | None = None,
    max_size: int | None = None,
    members: str = "all",
    balance: str | None = None,
    cluster: str | None = None,
    keep_apart: Sequence[RefPair] = (),
    keep_together: Sequence[RefPair] = (),
    seed: int = 0,
    time_limit: float = 10.0,
    progress: Callable[[int, float], None] | None = None,
) -> FormationPreview:
    """Propose one round of circles for the chosen active members, avoiding earlier pairs.

    `progress(steps, best_cost)` is called now and then while the solver searches.
    """
    from circlekeeper.algorithms.grouping import GroupingProblem, Infeasible, solve

    smallest, largest = size_range(size, min_size, max_size)
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise InvalidInput(f"time limit must be more than 0 seconds, not {time_limit:g}")
    parse(CircleCreate, name=f"{prefix} 1", kind=kind, min_size=smallest, max_size=largest)
    balance_key = tag_key(balance, "balance")
    cluster_key = tag_key(cluster, "cluster")
    with db.read() as session:
        chosen = pool_query(session, members)
        names = dict(session.exec(chosen.order_by(col(Member.name_key), col(Member.id))).all())
        if not names:
            raise InvalidInput(f"no active members match --members {quoted(members)}")
        people = list(names)
        pool = chosen.with_only_columns(col(Member.id))
        history = shared_history(session, pool, clock.today())
        apart = _resolve_pairs(session, keep_apart, names, "keep-apart")
        together = _resolve_pairs(session, keep_together, names, "keep-together")
        balance_values = tag_values(session, pool, balance_key)
        cluster_values = tag_values(session, pool, cluster_key)
        taken = taken_names(session, prefix)
    problem = GroupingProblem(
        people=people,
        group_size=size,
        min_size=smallest,
        max_size=largest,
        balance={balance_key: [balance_values.get(p, "") for p in people]} if balance_key else {},
        cluster={cluster_key: [cluster_values.get(p) for p in people]} if cluster_key else {},
        keep_apart=apart,
        keep_together=together,
        history={pair: stay.weight for pair, stay in history.items()},
    )
    try:
        result = solve(problem, seed=seed, time_limit=time_limit, progress=progress)
    except Infeasible as exc:
        raise FormationInfeasible(
            [conflict_reason(c.rule, c.message, c.people, names) for c in exc.conflicts]
            or [str(exc)]
        ) from None
    new_names = circle_names(prefix, len(result.rounds[0]), taken)
    circles = tuple(
        proposed_circle(name, group, names, history, balance_values if balance_key else None)
        for name, group in zip(new_names, result.rounds[0], strict=True)
    )
    return FormationPreview(
        kind=kind,
        min_size=smallest,
        max_size=largest,
        balance_tag=balance_key,
        cluster_tag=cluster_key,
        keep_apart=tuple(apart),
        keep_together=tuple(together),
        pool_size=len(people),
        repeated_pairs=sum(len(c.met_before) for c in circles),
        method=result.method,
        warnings=tuple(result.warnings),
        circles=circles,
    )


def commit_formation(
    db: Database,
    preview: FormationPreview,
    progress: Callable[[int, int], None] | None = None,
) -> list[CircleDetail]:
    """Create the previewed circles (forming) and their seats, all or nothing, a chunk of circles
    to an INSERT; `progress(created, total)` after each chunk.

    Refused, with nothing written, when a member is no longer active or a name was taken
    since the preview.
    """
    member_ids = [m.id for c in preview.circles for m in c.members]
    today, moment = clock.today(), clock.now()
    total = len(preview.circles)
    with db.write() as session:
        _ensure_still_active(session, member_ids)
        created: list[CircleDetail] = []
        for batch in chunks(preview.circles):
            data = [
                parse(
                    CircleCreate,
                    name=proposed.name,
                    kind=preview.kind,
                    min_size=preview.min_size,
                    max_size=preview.max_size,
                )
                for proposed in batch
            ]
            ids = insert_circles(session, data)
            seats = [
                {
                    "member_id": member.id,
                    "circle_id": circle_id,
                    "joined_on": today,
                    "created_at": moment,
                }
                for circle_id, proposed in zip(ids, batch, strict=True)
                for member in proposed.members
            ]
            session.execute(insert(Membership), seats)
            created += circle_details(session, ids)
            if progress is not None:
                progress(len(created), total)
        return created


def parse_pairs(text: str, rule: str) -> list[RefPair]:
    """Pairs of member references written "A,B; C,D" (a form field) as (A, B) tuples."""
    pairs = []
    for chunk in text.split(";"):
        if not chunk.strip():
            continue
        parts = [part.strip() for part in chunk.split(",")]
        if len(parts) != 2 or not all(parts):
            raise InvalidInput(
                f"{rule}: write pairs as two members separated by a comma, such as @ana,@bo; "
                f"@cy,@dee — not {quoted(chunk.strip())}"
            )
        pairs.append((parts[0], parts[1]))
    return pairs


def size_range(size: int, min_size: int | None, max_size: int | None) -> tuple[int, int]:
    """The smallest and largest circle allowed; the target size must lie between them."""
    smallest = size if min_size is None else min_size
    largest = size if max_size is None else max_size
    if not smallest <= size <= largest:
        raise InvalidInput(f"size {size} must lie between min {smallest} and max {largest}")
    return smallest, largest


def tag_key(key: str | None, what: str) -> str | None:
    """A tag name as stored (lower-case), or None when not given."""
    if key is None:
        return None
    cleaned = key.strip().casefold()
    if not cleaned or "=" in cleaned:
        raise InvalidInput(f"{what}: give a tag name such as city, not {quoted(key)}")
    return cleaned


def pool_query(session: Session, members: str) -> Any:
    """SELECT id, name of the active members that `members` names: all, tag:K=V, circle:C, or
    review:ID (those who chose to regroup at that seasonal review)."""
    query = select(Member.id, Member.name).where(col(Member.status) == MemberStatus.ACTIVE.value)
    kind, _, value = members.strip().partition(":")
    kind = kind.strip().casefold()
    if kind == "all" and not value:
        return query
    if kind == "tag" and "=" in value and all(part.strip() for part in value.split("=", 1)):
        return query.where(member_filter(value, MemberStatus.ACTIVE))
    if kind == "circle" and value.strip():
        circle = find_circle(session, value.strip())
        seated = select(Membership.member_id).where(
            col(Membership.circle_id) == circle.id, col(Membership.left_on).is_(None)
        )
        return query.where(col(Member.id).in_(seated))
    if kind == "review" and value.strip():
        from circlekeeper.models import Review, ReviewChoice, ReviewEntry

        digits = value.strip().removeprefix("#")
        if not (digits.isascii() and digits.isdigit() and len(digits) < 19):
            raise InvalidInput(f"members: review:ID takes a review's id, not {quoted(members)}")
        if session.get(Review, int(digits)) is None:
            raise NotFound(f"members: no review #{digits} — 'review show CIRCLE' shows them")
        regroupers = select(ReviewEntry.member_id).where(
            col(ReviewEntry.review_id) == int(digits),
            col(ReviewEntry.choice) == ReviewChoice.REGROUP.value,
        )
        return query.where(col(Member.id).in_(regroupers))
    raise InvalidInput(
        f"members: give all, tag:KEY=VALUE, circle:CIRCLE or review:ID, not {quoted(members)}"
    )


def _resolve_pairs(
    session: Session, pairs: Sequence[RefPair], names: dict[int, str], rule: str
) -> list[tuple[int, int]]:
    """Member ids for each pair of references; both must be in the pool and different."""
    resolved = []
    for refs in pairs:
        found = [find_member(session, ref) for ref in refs]
        for member in found:
            if member.id not in names:
                raise InvalidInput(
                    f"{rule}: {member.name} (#{member.id}) is not among the members being formed"
                )
        a, b = (int(member.id or 0) for member in found)
        if a == b:
            raise InvalidInput(
                f"{rule}: {quoted(refs[0])} and {quoted(refs[1])} are the same member"
            )
        resolved.append((a, b))
    return resolved


def tag_values(session: Session, pool: Any, key: str | None) -> dict[int, str]:
    """Each pool member's value of tag `key` (members without it are left out)."""
    if key is None:
        return {}
    rows = session.exec(
        select(MemberTag.member_id, MemberTag.value).where(
            col(MemberTag.key) == key, col(MemberTag.member_id).in_(pool)
        )
    ).all()
    return dict(rows)


def taken_names(session: Session, prefix: str) -> set[str]:
    """Name keys of existing circles whose names begin like the prefix."""
    start = identity_key(prefix)
    query = select(Circle.name_key).where(col(Circle.name_key).startswith(start, autoescape=True))
    return set(session.exec(query).all())


def circle_names(prefix: str, count: int, taken: set[str]) -> list[str]:
    """`count` names "PREFIX 1", "PREFIX 2", … skipping those already taken."""
    names: list[str] = []
    number = 0
    while len(names) < count:
        number += 1
        name = f"{prefix.strip()} {number}"
        if identity_key(name) not in taken:
            names.append(name)
    return names


def proposed_circle(
    name: str,
    group: list[int],
    names: dict[int, str],
    history: dict[tuple[int, int], SharedStay],
    balance: dict[int, str] | None,
) -> ProposedCircle:
    """One proposed circle with the pairs in it who met before and its balance counts."""
    ordered = sorted(group, key=lambda p: (names[p].casefold(), p))
    met = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            stay = history.get((min(a, b), max(a, b)))
            if stay is not None:
                met.append(
                    MetBefore(
                        first_id=a,
                        first=names[a],
                        second_id=b,
                        second=names[b],
                        circle_id=stay.circle_id,
                        circle=stay.circle,
                        last_together=stay.last_together,
                        current=stay.current,
                    )
                )
    counts = Counter(balance.get(p, "") for p in group) if balance is not None else Counter()
    return ProposedCircle(
        name=name,
        members=tuple(ProposedMember(id=p, name=names[p]) for p in ordered),
        met_before=tuple(met),
        balance=dict(sorted(counts.items())),
    )


def conflict_reason(rule: str, message: str, people: Sequence[int], names: dict[int, str]) -> str:
    """A solver conflict in words, naming the members it concerns."""
    who = ", ".join(f"{names[p]} (#{p})" for p in people[:5] if p in names)
    return f"{rule}: {message}" + (f" — {who}" if who else "")


def _ensure_still_active(session: Session, member_ids: list[int]) -> None:
    """Refuse when a proposed member was removed or is no longer active."""
    rows = session.exec(
        select(Member.id, Member.name, Member.status).where(col(Member.id).in_(member_ids))
    ).all()
    found = {row[0]: (row[1], row[2]) for row in rows}
    gone = [
        f"{found[m][0]} (#{m}) is {found[m][1]}" if m in found else f"member #{m} no longer exists"
        for m in member_ids
        if m not in found or found[m][1] != MemberStatus.ACTIVE.value
    ]
    if gone:
        raise Conflict(
            "changed since the preview: " + "; ".join(gone[:5]) + " — run the formation again"
        )

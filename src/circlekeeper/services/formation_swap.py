"""Hand adjustments to a formation preview: swap two members between proposed circles.

Nothing is written: the two circles are rebuilt with fresh "met before" marks and balance
counts, read for just their members, so the preview's figures stay true after every swap.
"""

from __future__ import annotations

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.formation import proposed_circle, tag_values
from circlekeeper.services.formation_history import shared_history
from circlekeeper.services.formation_models import FormationPreview, ProposedCircle


def swap_members(
    db: Database, preview: FormationPreview, first_id: int, second_id: int
) -> FormationPreview:
    """The preview with two members in different circles trading places.

    Refused when either is not in the preview, both sit in one circle, or the swap would split a
    keep-together pair or seat a keep-apart pair together.
    """
    where = {m.id: i for i, circle in enumerate(preview.circles) for m in circle.members}
    for member_id in (first_id, second_id):
        if member_id not in where:
            raise InvalidInput(f"member #{member_id} is not in this proposal")
    a, b = where[first_id], where[second_id]
    if a == b:
        raise InvalidInput("both are already in the same circle — pick someone from another one")
    groups = {
        a: [m.id for m in preview.circles[a].members if m.id != first_id] + [second_id],
        b: [m.id for m in preview.circles[b].members if m.id != second_id] + [first_id],
    }
    names = {m.id: m.name for i in (a, b) for m in preview.circles[i].members}
    _check_rules(preview, groups, names)
    people = [*groups[a], *groups[b]]
    with db.read() as session:
        history = shared_history(session, people, clock.today())
        balance = tag_values(session, people, preview.balance_tag)
    rebuilt = {
        index: proposed_circle(
            preview.circles[index].name,
            group,
            names,
            history,
            balance if preview.balance_tag else None,
        )
        for index, group in groups.items()
    }
    circles = tuple(rebuilt.get(i, circle) for i, circle in enumerate(preview.circles))
    return preview.model_copy(update={"circles": circles, "repeated_pairs": _repeats(circles)})


def _check_rules(
    preview: FormationPreview, groups: dict[int, list[int]], names: dict[int, str]
) -> None:
    """Refuse a swap that breaks a keep-apart or keep-together pair of the preview."""
    seat = {person: index for index, group in groups.items() for person in group}
    for x, y in preview.keep_apart:
        if x in seat and y in seat and seat[x] == seat[y]:
            raise InvalidInput(f"{names[x]} and {names[y]} are to be kept apart")
    for x, y in preview.keep_together:
        if (x in seat or y in seat) and seat.get(x) != seat.get(y):
            first, second = names.get(x, f"#{x}"), names.get(y, f"#{y}")
            raise InvalidInput(f"{first} and {second} are to be kept together")


def _repeats(circles: tuple[ProposedCircle, ...]) -> int:
    """Pairs who met before, over every proposed circle."""
    return sum(len(circle.met_before) for circle in circles)

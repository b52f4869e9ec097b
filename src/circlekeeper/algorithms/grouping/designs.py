"""Zero-repeat schedules built directly from finite-field geometry, when the numbers allow.

With G groups per round, G a prime power q, and at most K <= q people per group, put the people
on a K x q grid of cells (a, b) and send cell (a, b) in round r to group b + r*a (in GF(q)).
Two cells in different rows meet in exactly one round r (r = (b' - b)/(a - a')), two cells in
the same row never meet — so q rounds have no repeated pair at all, and when K = q and the grid
is full, one more round (the rows themselves) is repeat-free too (the affine plane AG(2, q)).
Grids with empty cells (N < K*q) leave them in the last row, where they never share a group,
so group sizes differ by at most one.
"""

from __future__ import annotations

from circlekeeper.algorithms.grouping.fields import field


def max_design_rounds(people: int, groups: int) -> int:
    """How many repeat-free rounds the construction gives for `people` in `groups` (0: none)."""
    if groups < 2 or people < groups:
        return 0
    per_group = -(-people // groups)
    if per_group > groups or field(groups) is None:
        return 0
    return groups + 1 if per_group == groups and people == groups * groups else groups


def design_rounds(people: int, groups: int, rounds: int) -> list[list[list[int]]] | None:
    """`rounds` repeat-free rounds of `people` (0..people-1) in `groups` groups, or None."""
    if rounds > max_design_rounds(people, groups):
        return None
    gf = field(groups)
    assert gf is not None
    per_group = -(-people // groups)
    empty = per_group * groups - people
    cells = [(a, b) for a in range(per_group) for b in range(groups)]
    if empty:
        last_row = per_group - 1
        holes = {(last_row, b) for b in range(groups - empty, groups)}
        cells = [cell for cell in cells if cell not in holes]
    schedule: list[list[list[int]]] = []
    for r in range(min(rounds, groups)):
        layout: list[list[int]] = [[] for _ in range(groups)]
        for person, (a, b) in enumerate(cells):
            layout[gf.add(b, gf.mul(r, a))].append(person)
        schedule.append(layout)
    if rounds > groups:
        schedule.append(
            [[person for person, (a, _) in enumerate(cells) if a == row] for row in range(groups)]
        )
    return schedule

"""How many groups a round has and how big each is: within min..max, differing by at most one."""

from __future__ import annotations

from circlekeeper.algorithms.grouping.problem import Conflict


def group_count(
    people: int, *, target: int, smallest: int, largest: int, fixed: int | None = None
) -> int | Conflict:
    """The number of groups: `fixed` when given, else the count whose sizes are nearest `target`."""
    if smallest < 1 or largest < smallest:
        return Conflict("sizes", f"group sizes {smallest}..{largest} are not a valid range")
    if people < smallest:
        return Conflict("sizes", f"{people} people cannot fill one group of at least {smallest}")
    fewest = -(-people // largest)
    most = people // smallest
    if fixed is not None:
        if not fewest <= fixed <= most:
            return Conflict(
                "sizes",
                f"{people} people in {fixed} groups gives sizes outside {smallest}..{largest}",
            )
        return fixed
    if fewest > most:
        return Conflict(
            "sizes",
            f"{people} people cannot be split into groups of {smallest} to {largest} "
            "without leaving someone out",
        )
    return group_counts(people, target=target, smallest=smallest, largest=largest)[0]


def group_counts(people: int, *, target: int, smallest: int, largest: int) -> list[int]:
    """Every group count that keeps sizes within smallest..largest, best first: average size
    nearest `target`, then more groups (smaller circles) on a tie."""
    fewest = -(-people // largest)
    most = people // smallest
    return sorted(range(fewest, most + 1), key=lambda count: (abs(people / count - target), -count))


def sizes_for(people: int, groups: int) -> list[int]:
    """Sizes of `groups` groups holding `people`: larger ones first, differing by one at most."""
    base, extra = divmod(people, groups)
    return [base + 1] * extra + [base] * (groups - extra)

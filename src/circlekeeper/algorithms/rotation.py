"""Plan who takes each rotating role at a circle's upcoming sessions, without I/O.

The planner walks the sessions in date order and, within a session, the rotating roles in the
order given, and picks a main person and (optionally) a deputy for each. For a main person:

1. **Eligible** means not paused on the day (pause ranges include both ends), not excused from
   that date and not opted out of the role. Nobody else is ever chosen.
2. **First-session rule**: someone who has not attended a session of the circle *before* this
   day is not chosen while an eligible member who has is available. "Attended before" means
   their ``first_day`` is earlier than the day, or an earlier session of this plan falls on a
   day they are neither paused nor excused for (the plan assumes people come when they can).
   In a brand-new circle everyone is new at the first session, so the rule waits until the
   second.
3. **Different people** for different roles of one session: someone who already holds a role
   that day is only chosen when nobody else is eligible (with a warning). Among the others,
   people are preferred whose choice still lets the session's later roles go to different
   people (a small bipartite matching), so an early role does not take the only person a later
   role could have.
4. **Load cap**: at most ``cap`` role assignments in any ``cap_window_days``-day window,
   counting ``load`` from elsewhere, this circle's history and this plan. People under the cap
   are preferred; when everyone eligible is at it, the least-loaded person is still assigned
   (someone must facilitate) and a warning names them, the role and the date.
5. **Balance guard** (see below), then the **order**: least recently served in this role first
   (never served counts as longest ago), then fewest times served overall (all rotating roles in
   this circle, history plus this plan so far), then ``(order_key, id)``.

A deputy is chosen by the same eligibility, first-session rule, cap preference and order from
everyone but the main person, preferring people with no role and no deputyship that session.
Deputies stand by rather than serve, so they do not count towards turns or the cap, and
over-cap deputies produce no warning; a role with a person but no possible deputy does.
Assignments set by hand (``fixed``) are kept as they are, counted, and planned around.

Why a balance guard. The issue orders candidates by recency in the role first and by overall
count only on ties, and also asks that, over any run of sessions with a stable eligible set,
everyone's overall count differs by at most one. With one role per session the two agree; with
several they need not. Say Ann, Ben and Cy share facilitator and timekeeper, Ann has served
twice (both roles), Ben and Cy once each, and Cy kept time last week. Ben takes facilitator
(never done it); for timekeeper, recency prefers Ann, who then has three turns against Cy's
one. So before ordering, the candidates are narrowed to those after whose choice the session
can still end (filling its other open roles with the least-served people) with a spread of at
most one *counted* turn among the people available that day who take any of the roles — or, if
nobody allows that, to those allowing the smallest spread. Recency therefore decides whenever
it keeps turns balanced; when it would not, the least-served person takes the role even if they
held it recently. Counted turns are real turns plus forgiven ones: at the start of each
session, anyone more than one counted turn behind the most is credited up to one behind. So a
newcomer, someone back from a long pause, or someone who missed turns to an opt-out or the cap
is not made to catch up session after session; they join the rotation one turn behind. With a
stable eligible set and a balanced start nobody is ever forgiven, counted and real turns agree,
and by induction they stay within one (choosing the least-served first always satisfies the
guard).

Only the standard library is used, nothing is random, and the result does not depend on the
order of the inputs: the same data always gives the same plan.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from circlekeeper.text import quoted

DEFAULT_CAP = 2
"""At most this many role assignments per person in one window, across all circles."""

DEFAULT_CAP_WINDOW_DAYS = 28
"""The length of the load-cap window in days (four weeks)."""


@dataclass(frozen=True)
class Role:
    """A role of the circle; only rotating roles are planned per session, term roles are not."""

    name: str
    rotating: bool = True


@dataclass(frozen=True)
class Person:
    """A member who may take roles, with what the planner needs to know about them.

    ``order_key`` (the member's sort key) then ``id`` is the stable tie-break. ``first_day`` is
    the first session they attended in this circle (None: none yet). ``paused`` holds
    unavailable ranges, both ends inclusive, an open end as None.
    """

    id: int
    order_key: str
    first_day: dt.date | None
    paused: tuple[tuple[dt.date, dt.date | None], ...] = ()
    excused: frozenset[dt.date] = frozenset()
    opted_out: frozenset[str] = frozenset()

    def available(self, day: dt.date) -> bool:
        """Whether they can take a role on `day`: not paused then and not excused from it."""
        if day in self.excused:
            return False
        return not any(
            start <= day and (until is None or day <= until) for start, until in self.paused
        )


@dataclass(frozen=True)
class Slot:
    """One upcoming session to plan, identified by the caller's key."""

    key: int
    day: dt.date


@dataclass(frozen=True)
class Served:
    """A rotating role someone held at a session of this circle (history)."""

    person: int
    role: str
    day: dt.date


@dataclass(frozen=True)
class Load:
    """A role assignment elsewhere (another circle, ambassador work) that counts towards the cap."""

    person: int
    day: dt.date


@dataclass(frozen=True)
class Assignment:
    """Who takes a role at a session and who stands by; None where nobody can."""

    slot: int
    role: str
    person: int | None
    deputy: int | None


@dataclass(frozen=True)
class RotaPlan:
    """The planned assignments (sessions by date, roles in order) and any warnings, in order."""

    assignments: tuple[Assignment, ...]
    warnings: tuple[str, ...]


def plan_rotation(
    *,
    roles: Sequence[Role],
    slots: Iterable[Slot],
    people: Iterable[Person],
    history: Iterable[Served] = (),
    load: Iterable[Load] = (),
    cap: int | None = DEFAULT_CAP,
    cap_window_days: int = DEFAULT_CAP_WINDOW_DAYS,
    with_deputy: bool = True,
    names: Mapping[int, str] | None = None,
    fixed: Iterable[Assignment] = (),
) -> RotaPlan:
    """Assign every rotating role at every slot by the rules in the module docstring.

    `history` is this circle's past rotating-role service and `load` assignments elsewhere;
    `cap` None switches the load cap off. Warnings name people by `names` (else "member #id").
    `fixed` holds assignments set by hand (swaps, overrides) for slots being planned: they are
    kept as given and counted before planning starts, so the rest of the plan works around them
    (nobody is planned into the same role just before their fixed turn), with a warning when the
    person is unavailable, opted out or over the cap; a fixed deputy of None gets one chosen.
    Pass them here rather than in `history`, or they would count twice. Duplicate role names,
    slot keys, person ids or fixed (slot, role) pairs, a fixed pair that is not being planned,
    and a cap or window below 1 raise ValueError.
    """
    rotating = [role.name for role in roles if role.rotating]
    _check_unique(rotating, "role name")
    ordered_slots = sorted(slots, key=lambda slot: (slot.day, slot.key))
    for slot in ordered_slots:
        _check_date(slot.day)
    _check_unique([slot.key for slot in ordered_slots], "session key")
    everyone = sorted(people, key=lambda person: (person.order_key, person.id))
    _check_unique([person.id for person in everyone], "member id")
    if cap is not None and (isinstance(cap, bool) or cap < 1):
        raise ValueError(f"the load cap must be at least 1 role assignment, got {quoted(cap)}")
    if isinstance(cap_window_days, bool) or cap_window_days < 1:
        raise ValueError(
            f"the load-cap window must be at least 1 day, got {quoted(cap_window_days)}"
        )
    term_roles = {role.name for role in roles if not role.rotating}
    kept = _index_fixed(fixed, {slot.key for slot in ordered_slots}, set(rotating))
    ledger = _Ledger(history, load, term_roles, cap_window_days)
    days = {slot.key: slot.day for slot in ordered_slots}
    for (key, role), item in sorted(kept.items()):
        if item.person is not None:
            ledger.serve(item.person, role, days[key])
    planner = _Planner(
        rotating=rotating,
        people=everyone,
        ledger=ledger,
        cap=cap,
        names=names or {},
        attended_from=_attended_from(everyone, ordered_slots),
        fixed=kept,
    )
    for slot in ordered_slots:
        planner.plan_slot(slot, with_deputy=with_deputy)
    return RotaPlan(tuple(planner.assignments), tuple(planner.warnings))


class _Ledger:
    """Turns, last service per role and dated assignments for the cap, updated as the plan grows."""

    def __init__(
        self, history: Iterable[Served], load: Iterable[Load], term_roles: set[str], window: int
    ) -> None:
        """Index the history and the outside load."""
        self.window = window
        self.turns: defaultdict[int, int] = defaultdict(int)
        self.credit: defaultdict[int, int] = defaultdict(int)
        self.last: dict[tuple[int, str], dt.date] = {}
        self.busy: defaultdict[int, list[dt.date]] = defaultdict(list)
        for item in load:
            self.busy[item.person].append(item.day)
        for served in history:
            self.busy[served.person].append(served.day)
            if served.role in term_roles:
                continue
            self.turns[served.person] += 1
            key = (served.person, served.role)
            if key not in self.last or self.last[key] < served.day:
                self.last[key] = served.day
        for days in self.busy.values():
            days.sort()

    def serve(self, person: int, role: str, day: dt.date) -> None:
        """Record a planned assignment."""
        self.turns[person] += 1
        key = (person, role)
        if key not in self.last or self.last[key] < day:
            self.last[key] = day
        bisect.insort(self.busy[person], day)

    def counted(self, person: int) -> int:
        """Turns as the balance guard counts them: real turns plus forgiven ones."""
        return self.turns[person] + self.credit[person]

    def forgive(self, pool: list[int]) -> None:
        """Credit anyone in `pool` more than one counted turn behind the most, up to one behind."""
        if not pool:
            return
        floor = max(self.counted(person) for person in pool) - 1
        for person in pool:
            self.credit[person] += max(0, floor - self.counted(person))

    def window_load(self, person: int, day: dt.date) -> int:
        """The most assignments already in any cap window that contains `day`."""
        days = self.busy.get(person)
        if not days:
            return 0
        span = dt.timedelta(days=self.window - 1)
        lo = bisect.bisect_left(days, day)
        hi = bisect.bisect_right(days, day + span)
        ends = {day, *days[lo:hi]}
        return max(
            bisect.bisect_right(days, end) - bisect.bisect_left(days, end - span) for end in ends
        )

    def rank(self, person: Person, role: str) -> tuple[bool, dt.date, int, str, int]:
        """The order: least recently in this role (never first), fewest turns, then stable."""
        last = self.last.get((person.id, role))
        return (
            last is not None,
            last or dt.date.min,
            self.turns[person.id],
            person.order_key,
            person.id,
        )


class _Planner:
    """Plans one session after another, collecting assignments and warnings."""

    def __init__(
        self,
        *,
        rotating: list[str],
        people: list[Person],
        ledger: _Ledger,
        cap: int | None,
        names: Mapping[int, str],
        attended_from: dict[int, dt.date],
        fixed: Mapping[tuple[int, str], Assignment],
    ) -> None:
        """Keep the inputs; the output starts empty."""
        self.rotating = rotating
        self.people = people
        self.ledger = ledger
        self.cap = cap
        self.names = names
        self.attended_from = attended_from
        self.fixed = fixed
        self.assignments: list[Assignment] = []
        self.warnings: list[str] = []

    def plan_slot(self, slot: Slot, *, with_deputy: bool) -> None:
        """Choose main people for every rotating role of `slot`, then their deputies."""
        day = slot.day
        available = [person for person in self.people if person.available(day)]
        pool = [p for p in self._seasoned(available, day) if self._takes_any_role(p)]
        self.ledger.forgive([person.id for person in pool])
        mains: dict[str, int | None] = {}
        held: dict[int, list[str]] = defaultdict(list)
        for role in self.rotating:
            kept = self.fixed.get((slot.key, role))
            if kept is not None and kept.person is not None:
                self._keep(kept.person, role, day)
                mains[role] = kept.person
                held[kept.person].append(role)
        open_roles = [role for role in self.rotating if role not in mains]
        for index, role in enumerate(open_roles):
            person = self._main(available, pool, held, open_roles[index:], day)
            mains[role] = person
            if person is None:
                self.warnings.append(
                    f"nobody can take {role} on {day.isoformat()}: "
                    "everyone is paused, excused or opted out"
                )
                continue
            held[person].append(role)
            self.ledger.serve(person, role, day)
        kept_deputies = {
            role: kept.deputy
            for role in self.rotating
            if (kept := self.fixed.get((slot.key, role))) is not None
            and kept.deputy is not None
            and kept.deputy != mains[role]
        }
        deputies = set(kept_deputies.values())
        for role in self.rotating:
            person = mains[role]
            deputy = kept_deputies.get(role)
            if with_deputy and person is not None and deputy is None:
                deputy = self._deputy(available, role, person, set(held), deputies, day)
                if deputy is None:
                    self.warnings.append(
                        f"no deputy for {role} on {day.isoformat()}: nobody else can take it"
                    )
                else:
                    deputies.add(deputy)
            self.assignments.append(Assignment(slot.key, role, person, deputy))

    def _main(
        self,
        available: list[Person],
        pool: list[Person],
        held: Mapping[int, list[str]],
        roles_left: list[str],
        day: dt.date,
    ) -> int | None:
        """The main person for ``roles_left[0]``, warning about doubling up or the cap."""
        role = roles_left[0]
        candidates = self._seasoned([p for p in available if role not in p.opted_out], day)
        if not candidates:
            return None
        free = [person for person in candidates if person.id not in held]
        doubled = not free
        if free:
            keeps = [p for p in free if self._later_roles_fit(available, held, roles_left, p, day)]
            candidates = keeps or free
        over_cap, candidates = self._under_cap(candidates, day)
        candidates = self._balanced(candidates, pool, held, len(roles_left))
        chosen = min(candidates, key=lambda person: self.ledger.rank(person, role))
        who = self._name(chosen.id)
        if doubled:
            others = " and ".join(held[chosen.id])
            self.warnings.append(
                f"{who} takes both {others} and {role} on {day.isoformat()}: "
                f"nobody else can take {role}"
            )
        if over_cap:
            total = self.ledger.window_load(chosen.id, day) + 1
            self._warn_over_cap(
                chosen.id, role, day, total, "everyone who could take it is at the cap"
            )
        return chosen.id

    def _keep(self, person: int, role: str, day: dt.date) -> None:
        """Check an assignment set by hand (already in the ledger) against the planner's rules."""
        known = next((p for p in self.people if p.id == person), None)
        who = self._name(person)
        if known is not None and not known.available(day):
            self.warnings.append(
                f"{who} is set by hand to take {role} on {day.isoformat()} "
                "but is paused or excused then"
            )
        if known is not None and role in known.opted_out:
            self.warnings.append(
                f"{who} is set by hand to take {role} on {day.isoformat()} "
                f"but has opted out of {role}"
            )
        total = self.ledger.window_load(person, day)
        if self.cap is not None and total > self.cap:
            self._warn_over_cap(person, role, day, total, "it was set by hand")

    def _warn_over_cap(self, person: int, role: str, day: dt.date, total: int, why: str) -> None:
        """Say that `person` goes over the load cap, to `total`, by taking `role` on `day`."""
        self.warnings.append(
            f"{self._name(person)} takes {role} on {day.isoformat()} although that makes {total} "
            f"role assignments within {self.ledger.window} days (cap {self.cap}): {why}"
        )

    def _deputy(
        self,
        available: list[Person],
        role: str,
        main: int,
        holding: set[int],
        deputies: set[int],
        day: dt.date,
    ) -> int | None:
        """The deputy for `role`: same rules, never `main`, preferably holding nothing else."""
        candidates = [p for p in available if p.id != main and role not in p.opted_out]
        candidates = self._seasoned(candidates, day)
        if not candidates:
            return None
        idle = [p for p in candidates if p.id not in holding]
        candidates = [p for p in idle if p.id not in deputies] or idle or candidates
        candidates = self._under_cap(candidates, day)[1]
        return min(candidates, key=lambda person: self.ledger.rank(person, role)).id

    def _seasoned(self, people: list[Person], day: dt.date) -> list[Person]:
        """`people` without those who would be at their first session, unless that is everyone."""
        seasoned = [p for p in people if self.attended_from.get(p.id, day) < day]
        return seasoned or people

    def _takes_any_role(self, person: Person) -> bool:
        """Whether `person` has not opted out of every rotating role (else turns ignore them)."""
        return any(role not in person.opted_out for role in self.rotating)

    def _under_cap(self, people: list[Person], day: dt.date) -> tuple[bool, list[Person]]:
        """Whether everyone is at the cap, and those under it (else the least loaded)."""
        if self.cap is None:
            return False, people
        loads = {person.id: self.ledger.window_load(person.id, day) for person in people}
        under = [person for person in people if loads[person.id] < self.cap]
        if under:
            return False, under
        least = min(loads.values())
        return True, [person for person in people if loads[person.id] == least]

    def _balanced(
        self,
        candidates: list[Person],
        pool: list[Person],
        held: Mapping[int, list[str]],
        picks_left: int,
    ) -> list[Person]:
        """Candidates after whose choice the session can still end with turns balanced."""
        spreads = {
            person.id: self._best_spread(person.id, pool, held, picks_left) for person in candidates
        }
        allowed = max(1, min(spreads.values()))
        return [person for person in candidates if spreads[person.id] <= allowed]

    def _best_spread(
        self, chosen: int, pool: list[Person], held: Mapping[int, list[str]], picks_left: int
    ) -> int:
        """The spread of counted turns in `pool` if `chosen` serves and the least served fill the
        session's other open roles."""
        counted = self.ledger.counted
        fixed = [counted(p.id) for p in pool if p.id in held and p.id != chosen]
        free = sorted(counted(p.id) for p in pool if p.id not in held and p.id != chosen)
        rest = min(picks_left - 1, len(free))
        values = [*fixed, *(count + 1 for count in free[:rest]), *free[rest:], counted(chosen) + 1]
        return max(values) - min(values)

    def _later_roles_fit(
        self,
        available: list[Person],
        held: Mapping[int, list[str]],
        roles_left: list[str],
        chosen: Person,
        day: dt.date,
    ) -> bool:
        """Whether the roles after ``roles_left[0]`` can still go to distinct, unused people."""
        taken = {*held, chosen.id}
        options: list[list[int]] = []
        for role in roles_left[1:]:
            eligible = self._seasoned([p for p in available if role not in p.opted_out], day)
            options.append([p.id for p in eligible if p.id not in taken])
        return _matches_all(options)

    def _name(self, person: int) -> str:
        """How a warning names someone."""
        return self.names.get(person) or f"member #{person}"


def _matches_all(options: list[list[int]]) -> bool:
    """Whether every role can get its own person from its options (augmenting paths)."""
    owner: dict[int, int] = {}

    def place(role: int, seen: set[int]) -> bool:
        for person in options[role]:
            if person in seen:
                continue
            seen.add(person)
            if person not in owner or place(owner[person], seen):
                owner[person] = role
                return True
        return False

    return all(place(role, set()) for role in range(len(options)))


def _index_fixed(
    fixed: Iterable[Assignment], slots: set[int], roles: set[str]
) -> dict[tuple[int, str], Assignment]:
    """Hand-set assignments by (slot, role), refusing repeats and pairs not being planned."""
    kept: dict[tuple[int, str], Assignment] = {}
    for item in fixed:
        key = (item.slot, item.role)
        if item.slot not in slots or item.role not in roles:
            raise ValueError(
                f"a fixed assignment of {quoted(item.role)} at session {quoted(item.slot)} is "
                "not being planned"
            )
        if key in kept:
            raise ValueError(f"{quoted(item.role)} at session {quoted(item.slot)} is fixed twice")
        kept[key] = item
    return kept


def _attended_from(people: list[Person], slots: list[Slot]) -> dict[int, dt.date]:
    """The first day each person attended or is expected at (``first_day`` or a planned slot)."""
    first: dict[int, dt.date] = {}
    for person in people:
        days = [slot.day for slot in slots if person.available(slot.day)][:1]
        if person.first_day is not None:
            days.append(person.first_day)
        if days:
            first[person.id] = min(days)
    return first


def _check_unique(values: list[str] | list[int], what: str) -> None:
    """Refuse a repeated role name, session key or member id, naming it."""
    seen: set[str | int] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"the {what} {quoted(value)} is given twice")
        seen.add(value)


def _check_date(value: object) -> None:
    """Refuse anything but a calendar date (a datetime would compare wrongly with dates)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"each session day must be a date, got {quoted(value)}")

"""A community whose every user-text field holds the hostile corpus, written through the services.

Member, circle and incident `i` carry corpus entry `i` (names, summaries); other fields take the
next entries, and a few texts hold every entry at once (one per line), so that one detail pane
shows the whole corpus. Where an entry is longer than a field allows, the service must refuse it
cleanly and the entry cut to the limit is stored instead. Built once per test process and copied
per test, because it takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import ValidationError

from circlekeeper import clock
from circlekeeper.db import Database
from circlekeeper.db.database import create_database
from circlekeeper.models import (
    CheckInCreate,
    CircleCreate,
    CircleUpdate,
    MemberCreate,
    RitualCreate,
)
from circlekeeper.models.ambassador import FOCUS_MAX, METRIC_MAX
from circlekeeper.models.enums import (
    CircleStatus,
    RecognitionKind,
    ReviewChoice,
    SessionStatus,
    Visibility,
)
from circlekeeper.models.fields import CIRCLE_NAME_MAX, HANDLE_MAX, NAME_MAX, TAG_VALUE_MAX
from circlekeeper.models.incident import CONTACT_MAX, SUMMARY_MAX
from circlekeeper.models.recognition import BADGE_NAME_MAX, MESSAGE_MAX
from circlekeeper.models.review import REVIEW_NOTE_MAX
from circlekeeper.models.ritual import PROMPT_MAX, PROMPTS_MAX, RITUAL_NAME_MAX
from circlekeeper.models.session import ANSWER_MAX
from circlekeeper.services import (
    ambassadors,
    badges,
    checkins,
    circles,
    goals,
    incidents,
    members,
    nominations,
    recognition,
    reviews,
    rituals,
    rota,
    sessions,
)
from circlekeeper.services.errors import InvalidInput
from circlekeeper.services.sessions import NOTES_MAX
from circlekeeper.services.validation import REASON_MAX
from tests.hostile_corpus import BY_KEY, HOSTILE, cut, fits, stored

T = TypeVar("T")

SHORT_TEXT_MAX = 500
"""Trust focus, ritual words, ambassador and progress notes: 500 characters."""
BIG_CIRCLE_SIZE = 30
KEY = {entry.key: index for index, entry in enumerate(HOSTILE)}
"""Corpus keys to their index: member, circle and incident `i` carry entry `i`."""
EVERY_ENTRY = "\n".join(entry.text for entry in HOSTILE if entry.key != "long")
"""Every corpus entry but the 10,000 characters, one per line: one text that holds them all."""
EVERY_PART = [stored(entry.text, multiline=True) for entry in HOSTILE if entry.key != "long"]
"""What a multi-line field shows of EVERY_ENTRY, entry by entry."""


def accept(
    text: str, limit: int, call: Callable[[str], T], *, multiline: bool = False
) -> tuple[T, str]:
    """Write `text` with `call`; when it is over `limit`, the refusal must be clean (the service's
    own message, not a database error) and the text cut to `limit` is written instead.

    Returns the call's result and the text the app now stores.
    """
    if fits(text, limit, multiline=multiline):
        return call(text), stored(text, multiline=multiline)
    with pytest.raises((InvalidInput, ValidationError)):
        call(text)
    shortened = cut(text, limit, multiline=multiline)
    return call(shortened), shortened


def nth(index: int) -> str:
    """The corpus text at `index`, wrapping around."""
    return HOSTILE[index % len(HOSTILE)].text


def within(text: str, limit: int, *, multiline: bool = False) -> str:
    """The stored form of `text`, cut to `limit` when it is longer."""
    kept = stored(text, multiline=multiline)
    return kept if len(kept) <= limit else cut(text, limit, multiline=multiline)


@dataclass
class Seeded:
    """What the hostile community holds, as stored: the texts each screen must show."""

    member_ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    circle_ids: list[int] = field(default_factory=list)
    circle_names: list[str] = field(default_factory=list)
    circle_texts: dict[int, list[str]] = field(default_factory=dict)
    """Circle index → what its detail pane shows besides the name (the first three circles)."""
    big: list[list[int]] = field(default_factory=list)
    """Member indexes of circles 0 and 1, the two big active ones."""
    leave_reason: str = ""
    ritual_ids: list[int] = field(default_factory=list)
    ritual_names: list[str] = field(default_factory=list)
    prompts: list[list[str]] = field(default_factory=list)
    ritual_texts: list[list[str]] = field(default_factory=list)
    """Per ritual: description, opening, closing."""
    held: list[int] = field(default_factory=list)
    """The held session of each big circle."""
    notes: list[str] = field(default_factory=list)
    answers: dict[int, str] = field(default_factory=dict)
    """Member index → their check-in answer at their big circle's held session."""
    cancel_reason: str = ""
    messages: list[str] = field(default_factory=list)
    every_recognition: int = 0
    """The recognition whose message holds every entry."""
    badge_names: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    every_incident: int = 0
    """The incident whose summary holds every entry."""
    resolution: str = ""
    ambassadors: list[int] = field(default_factory=list)
    """Member indexes of the ambassadors; the last one rests."""
    focus: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    progress_notes: list[str] = field(default_factory=list)
    ambassador_notes: list[str] = field(default_factory=list)
    rest_reason: str = ""
    nominated: list[int] = field(default_factory=list)
    nomination_reasons: list[str] = field(default_factory=list)
    review_notes: dict[int, str] = field(default_factory=dict)

    def member_names(self, indexes: list[int]) -> list[str]:
        """The stored names of the members at `indexes`."""
        return [self.names[i] for i in indexes]


def seed_members(db: Database, seeded: Seeded) -> None:
    """One member per corpus entry: named by it, the next entry as handle and the one after as
    the value of their `motto` tag."""
    joined = clock.today() - dt.timedelta(days=200)
    for index, entry in enumerate(HOSTILE):
        handle = within(nth(index + 1), HANDLE_MAX)
        tag = within(nth(index + 2), TAG_VALUE_MAX)
        if handle != stored(nth(index + 1)):
            with pytest.raises(ValidationError):
                MemberCreate(name="x", handle=nth(index + 1))
        if tag != stored(nth(index + 2)):
            with pytest.raises(ValidationError):
                MemberCreate(name="x", handle="x", tags={"motto": nth(index + 2)})

        def add(name: str, handle: str = handle, tag: str = tag, index: int = index) -> Any:
            return members.add_member(
                db,
                data=MemberCreate(
                    name=name,
                    handle=handle,
                    tags={"motto": tag},
                    joined_on=joined,
                    consent_recognised=index % 2 == 0,
                ),
            )

        member, name = accept(entry.text, NAME_MAX, add)
        seeded.member_ids.append(member.id)
        seeded.names.append(name)
        seeded.handles.append(handle)
        seeded.tags.append(f"motto={tag}")


def seed_rituals(db: Database, seeded: Seeded) -> None:
    """Prompt packs named, described and prompted by the corpus (twelve prompts each)."""
    texts = [within(entry.text, PROMPT_MAX) for entry in HOSTILE]
    for index, start in enumerate(range(0, len(texts), PROMPTS_MAX)):
        prompts = texts[start : start + PROMPTS_MAX]
        words = [within(nth(index * 3 + n), SHORT_TEXT_MAX, multiline=True) for n in (1, 2, 3)]

        def add(name: str, prompts: list[str] = prompts, words: list[str] = words) -> Any:
            description, opening, closing = words
            return rituals.add_ritual(
                db,
                data=RitualCreate(
                    name=name,
                    prompts=prompts,
                    description=description,
                    opening=opening,
                    closing=closing,
                ),
            )

        ritual, name = accept(nth(index * 11 + 5), RITUAL_NAME_MAX, add)
        seeded.ritual_ids.append(ritual.id)
        seeded.ritual_names.append(name)
        seeded.prompts.append(prompts)
        seeded.ritual_texts.append(words)


def seed_circles(db: Database, seeded: Seeded) -> None:
    """One circle per corpus entry. Circles 0 and 1 are big and active, with every member between
    them and a ritual each; circle 0's purpose and agreements hold every entry, circle 1's the
    10,000 characters, and their trust focus is what is left of too long a line."""
    long = BY_KEY["long"].text
    for index, entry in enumerate(HOSTILE):
        purpose = {0: EVERY_ENTRY, 1: long}.get(index, nth(index + 1))
        agreements = {0: EVERY_ENTRY, 1: long}.get(index, nth(index + 3))
        big = index < 2

        def create(
            name: str,
            purpose: str = purpose,
            agreements: str = agreements,
            index: int = index,
            big: bool = big,
        ) -> Any:
            return circles.create_circle(
                db,
                data=CircleCreate(
                    name=name,
                    purpose=purpose,
                    trust_focus="" if big else within(nth(index + 2), SHORT_TEXT_MAX),
                    agreements=agreements,
                    min_size=2,
                    max_size=BIG_CIRCLE_SIZE if big else 10,
                    weekday="mon" if big else None,
                    meeting_time="18:00",
                    ritual_id=seeded.ritual_ids[index] if big else None,
                    starts_on=clock.today() - dt.timedelta(days=150) if big else None,
                ),
            )

        circle, name = accept(entry.text, CIRCLE_NAME_MAX, create)
        seeded.circle_ids.append(circle.id)
        seeded.circle_names.append(name)
    for index, text in ((0, EVERY_ENTRY.replace("\n", " · ")), (1, long)):

        def focus(trust: str, index: int = index) -> Any:
            changes = CircleUpdate(trust_focus=trust)
            return circles.edit_circle(db, ref=seeded.circle_ids[index], changes=changes)

        _, trust = accept(text, SHORT_TEXT_MAX, focus)
        seeded.circle_texts[index] = [*(EVERY_PART if index == 0 else [long]), trust]
    seeded.circle_texts[2] = [stored(nth(3), multiline=True), stored(nth(4))]
    seeded.circle_texts[2].append(stored(nth(5), multiline=True))
    half = (len(HOSTILE) + 1) // 2
    seeded.big = [list(range(half)), list(range(half, len(HOSTILE)))]
    joined = clock.today() - dt.timedelta(days=150)
    for circle_index, indexes in enumerate(seeded.big):
        circle_id = seeded.circle_ids[circle_index]
        for index in indexes:
            member_id = seeded.member_ids[index]
            circles.add_member_to_circle(
                db, circle_ref=circle_id, member_ref=member_id, joined_on=joined
            )
        circles.set_circle_status(db, ref=circle_id, status=CircleStatus.ACTIVE)
    small = seeded.circle_ids[2]
    circles.add_member_to_circle(db, circle_ref=small, member_ref=seeded.member_ids[0])

    def remove(reason: str) -> Any:
        return circles.remove_member_from_circle(
            db, circle_ref=small, member_ref=seeded.member_ids[0], reason=reason
        )

    _, seeded.leave_reason = accept(long, REASON_MAX, remove)


def seed_sessions(db: Database, seeded: Seeded) -> None:
    """A held session five days ago in each big circle, where every member answered the first
    prompt with their entry (private, circle or community in turn) and the notes are an entry;
    four planned sessions each with their roles, and the last one of circle 1 cancelled."""
    held_on = clock.today() - dt.timedelta(days=5)
    for circle_index, indexes in enumerate(seeded.big):
        circle_id = seeded.circle_ids[circle_index]
        people = [seeded.member_ids[i] for i in indexes]

        def record(notes: str, circle_id: int = circle_id, people: list[int] = people) -> Any:
            return sessions.record_session(
                db, circle_ref=circle_id, day=held_on, present=people, notes=notes
            )

        notes = EVERY_ENTRY if circle_index == 0 else BY_KEY["long"].text
        held, stored_notes = accept(notes, NOTES_MAX, record, multiline=True)
        seeded.held.append(held.id)
        seeded.notes.append(stored_notes)
        prompt = seeded.prompts[circle_index][0]
        for index in indexes:

            def answer(
                text: str, index: int = index, held_id: int = held.id, prompt: str = prompt
            ) -> Any:
                return checkins.add_checkin(
                    db,
                    session_id=held_id,
                    member_ref=seeded.member_ids[index],
                    data=CheckInCreate(answers={prompt: text}, visibility=shared_as(index)),
                )

            _, seeded.answers[index] = accept(nth(index), ANSWER_MAX, answer, multiline=True)
        sessions.plan_sessions(db, circle_ref=circle_id, count=4)
        rota.plan_roles(db, circle_ref=circle_id)
    last = sessions.list_sessions(db, circle_ref=seeded.circle_ids[1], start=clock.today())[-1]

    def cancel(reason: str) -> Any:
        return sessions.set_session_status(
            db, session_id=last.id, status=SessionStatus.CANCELLED, reason=reason
        )

    _, seeded.cancel_reason = accept(BY_KEY["click"].text, REASON_MAX, cancel)


def shared_as(index: int) -> Visibility:
    """Who may read member `index`'s check-in answer: private, circle, community in turn."""
    return list(Visibility)[index % len(Visibility)]


def seed_recognition(db: Database, seeded: Seeded) -> None:
    """A shout-out for every member whose message is their entry, given by the next member; one
    that holds every entry; badges named by the corpus, given to the first five members."""
    count = len(seeded.member_ids)
    for index, member_id in enumerate(seeded.member_ids):

        def give(message: str, member_id: int = member_id, index: int = index) -> Any:
            return recognition.recognize(
                db,
                member_ref=member_id,
                kind=RecognitionKind.SHOUT_OUT,
                message=message,
                by_ref=seeded.member_ids[(index + 1) % count],
                day=clock.today() - dt.timedelta(days=1 + index % 20),
            )

        _, message = accept(nth(index), MESSAGE_MAX, give, multiline=True)
        seeded.messages.append(message)
    every = recognition.recognize(
        db, member_ref=seeded.member_ids[0], kind=RecognitionKind.SPOTLIGHT, message=EVERY_ENTRY
    )
    seeded.every_recognition = every.id
    for index in range(5):

        def add_badge(name: str, index: int = index) -> Any:
            return badges.add_badge(db, name=name, description=nth(index + 40))

        badge, name = accept(nth(index * 7 + 2), BADGE_NAME_MAX, add_badge)
        seeded.badge_names.append(name)
        recognition.recognize(
            db,
            member_ref=seeded.member_ids[index],
            kind=RecognitionKind.BADGE,
            badge=f"#{badge.id}",
            message=nth(index),
            day=clock.today() - dt.timedelta(days=1),
        )


def seed_incidents(db: Database, seeded: Seeded) -> None:
    """An incident per corpus entry (its summary, circle and member, contacts from the corpus),
    follow-ups overdue so that the dashboard lists them; the first one resolved; one incident
    whose summary holds every entry."""
    today = clock.today()
    for index, entry in enumerate(HOSTILE):
        contact = within(nth(index + 3), CONTACT_MAX)

        def add(summary: str, index: int = index, contact: str = contact) -> Any:
            return incidents.add_incident(
                db,
                summary=summary,
                severity="high" if index % 4 == 0 else "medium",
                circle_ref=seeded.circle_ids[index],
                people=[seeded.member_ids[index]],
                contact=contact,
                occurred_on=today - dt.timedelta(days=10),
                follow_up_on=today - dt.timedelta(days=1 + index % 5),
            )

        incident, summary = accept(entry.text, SUMMARY_MAX, add, multiline=True)
        seeded.summaries.append(summary)
        seeded.contacts.append(contact)
        if index == 0:
            seeded.resolution = stored(nth(1), multiline=True)
            incidents.update_incident(
                db, incident_id=incident.id, status="resolved", resolution=nth(1)
            )
    every = incidents.add_incident(db, summary=EVERY_ENTRY, circle_ref=seeded.circle_ids[0])
    seeded.every_incident = every.id


def seed_ambassadors(db: Database, seeded: Seeded) -> None:
    """Eight ambassadors with corpus focus areas, notes, goal metrics and progress notes (their
    capacity is one, so they show as overloaded), the last one resting; five nominations."""
    for number in range(8):
        index = number * 7
        member_id = seeded.member_ids[index]
        note = within(nth(index + 4), SHORT_TEXT_MAX, multiline=True)

        def add(focus: str, member_id: int = member_id, note: str = note) -> Any:
            return ambassadors.add_ambassador(
                db,
                member_ref=member_id,
                focus=[focus],
                capacity_per_week=1,
                note=note,
                started_on=clock.today() - dt.timedelta(days=60),
            )

        _, focus = accept(nth(index + 1), FOCUS_MAX, add)
        seeded.ambassadors.append(index)
        seeded.focus.append(focus)
        seeded.ambassador_notes.append(note)
        for offset in (2, 3):

            def set_goal(metric: str, member_id: int = member_id) -> Any:
                return goals.set_goal(db, ref=member_id, metric=metric, target=3)

            _, metric = accept(nth(index + offset), METRIC_MAX, set_goal)
            seeded.metrics.append(metric)
            progress_note = within(nth(index + offset + 3), SHORT_TEXT_MAX)
            goals.log_progress(db, ref=member_id, metric=metric, count=1, note=progress_note)
            seeded.progress_notes.append(progress_note)
    resting = seeded.member_ids[seeded.ambassadors[-1]]

    def rest(reason: str) -> Any:
        until = clock.today() + dt.timedelta(days=14)
        return ambassadors.rest_ambassador(db, ref=resting, until=until, reason=reason)

    _, seeded.rest_reason = accept(nth(KEY["isolates"]), REASON_MAX, rest)
    for number in range(5):
        index = number * 7 + 3

        def nominate(reason: str, index: int = index) -> Any:
            return nominations.nominate(
                db,
                member_ref=seeded.member_ids[index],
                reason=reason,
                by_ref=seeded.member_ids[index + 1],
                focus=within(nth(index + 1), FOCUS_MAX),
            )

        _, reason = accept(nth(index), nominations.REASON_MAX, nominate, multiline=True)
        seeded.nominated.append(index)
        seeded.nomination_reasons.append(reason)


def seed_review(db: Database, seeded: Seeded) -> None:
    """A seasonal review of circle 1 where every member chose, with an entry as their note."""
    circle_id = seeded.circle_ids[1]
    reviews.start_review(db, circle_ref=circle_id)
    choices = [ReviewChoice.CONTINUE, ReviewChoice.LEAVE, ReviewChoice.REGROUP]
    for number, index in enumerate(seeded.big[1]):

        def choose(note: str, index: int = index, number: int = number) -> Any:
            return reviews.record_choice(
                db,
                circle_ref=circle_id,
                member_ref=seeded.member_ids[index],
                choice=choices[number % len(choices)],
                note=note,
            )

        note = nth(index + 5)
        _, seeded.review_notes[index] = accept(note, REVIEW_NOTE_MAX, choose, multiline=True)


def seed_hostile_community(db: Database) -> Seeded:
    """Fill `db` through the services with the corpus in every user-text field."""
    seeded = Seeded()
    seed_members(db, seeded)
    seed_rituals(db, seeded)
    seed_circles(db, seeded)
    seed_sessions(db, seeded)
    seed_recognition(db, seeded)
    seed_incidents(db, seeded)
    seed_ambassadors(db, seeded)
    seed_review(db, seeded)
    return seeded


_BUILT: dict[str, tuple[bytes, Seeded]] = {}


def hostile_copy(folder: Path) -> tuple[Path, Seeded]:
    """A fresh copy of the hostile community's database in `folder` (built once per process)."""
    if "db" not in _BUILT:
        base = folder / "hostile-base.db"
        built = create_database(base)
        try:
            seeded = seed_hostile_community(built)
        finally:
            built.close()
        _BUILT["db"] = (base.read_bytes(), seeded)
        base.unlink()
    data, seeded = _BUILT["db"]
    path = folder / "hostile.db"
    path.write_bytes(data)
    os.chmod(path, 0o600)
    return path, seeded

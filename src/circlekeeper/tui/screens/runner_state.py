"""What the session runner holds while a session runs; it round-trips through a JSON draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PHASES = ("roll", "round", "closing")
ATTENDANCE = ("present", "absent", "excused")
VISIBILITY = ("private", "circle", "community")


@dataclass
class RunState:
    """Attendance, answers and choices per member, and where the facilitator is."""

    order: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    phase: str = "roll"
    attendance: dict[int, str] = field(default_factory=dict)
    answers: dict[int, dict[str, str]] = field(default_factory=dict)
    visibility: dict[int, str] = field(default_factory=dict)
    mood: dict[int, int] = field(default_factory=dict)
    current: int = 0
    notes: str = ""

    def present(self) -> list[int]:
        """Members marked present, in roll-call order: the go-round visits them."""
        return [m for m in self.order if self.attendance.get(m, "present") == "present"]

    def mark(self, member_id: int, attendance: str) -> None:
        """Set one member's attendance."""
        if attendance not in ATTENDANCE:
            raise ValueError(attendance)
        self.attendance[member_id] = attendance

    def cycle_attendance(self, member_id: int) -> str:
        """present → absent → excused → present."""
        now = self.attendance.get(member_id, "present")
        self.attendance[member_id] = ATTENDANCE[(ATTENDANCE.index(now) + 1) % len(ATTENDANCE)]
        return self.attendance[member_id]

    def cycle_visibility(self, member_id: int) -> str:
        """private → circle → community → private."""
        now = self.visibility.get(member_id, "private")
        self.visibility[member_id] = VISIBILITY[(VISIBILITY.index(now) + 1) % len(VISIBILITY)]
        return self.visibility[member_id]

    def current_member(self) -> int | None:
        """The member whose turn it is in the go-round."""
        present = self.present()
        if not present:
            return None
        self.current = max(0, min(self.current, len(present) - 1))
        return present[self.current]

    def counts(self) -> dict[str, int]:
        """How many present, absent and excused."""
        result = dict.fromkeys(ATTENDANCE, 0)
        for member_id in self.order:
            result[self.attendance.get(member_id, "present")] += 1
        return result

    def shareable(self) -> list[tuple[int, str, str, str]]:
        """(member, visibility, prompt, answer) for every answer marked circle or community."""
        result = []
        for member_id in self.present():
            visibility = self.visibility.get(member_id, "private")
            if visibility == "private":
                continue
            for prompt, answer in self.answers.get(member_id, {}).items():
                if answer.strip():
                    result.append((member_id, visibility, prompt, answer))
        return result

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe dict for the draft table."""
        return {
            "order": self.order,
            "names": {str(k): v for k, v in self.names.items()},
            "phase": self.phase,
            "attendance": {str(k): v for k, v in self.attendance.items()},
            "answers": {str(k): v for k, v in self.answers.items()},
            "visibility": {str(k): v for k, v in self.visibility.items()},
            "mood": {str(k): v for k, v in self.mood.items()},
            "current": self.current,
            "notes": self.notes,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> RunState:
        """Rebuild the state from a draft (unknown or damaged parts are dropped, not fatal)."""

        def keyed(name: str) -> dict[int, Any]:
            raw = payload.get(name) or {}
            return {int(k): v for k, v in raw.items() if str(k).lstrip("-").isdigit()}

        phase = payload.get("phase", "roll")
        return cls(
            order=[int(m) for m in payload.get("order", [])],
            names={k: str(v) for k, v in keyed("names").items()},
            phase=phase if phase in PHASES else "roll",
            attendance={k: v for k, v in keyed("attendance").items() if v in ATTENDANCE},
            answers={
                k: {str(p): str(a) for p, a in v.items()} for k, v in keyed("answers").items()
            },
            visibility={k: v for k, v in keyed("visibility").items() if v in VISIBILITY},
            mood={
                k: int(v) for k, v in keyed("mood").items() if isinstance(v, int) and 1 <= v <= 5
            },
            current=int(payload.get("current", 0) or 0),
            notes=str(payload.get("notes", "")),
        )

"""Badge definitions in TOML and badge rules in words ("attended 10 sessions").

A badge file holds `[[badge]]` tables with `name`, `description` and an optional `rule`; the
starter set ships as sample_data/badges.toml and facilitators write their own the same way.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circlekeeper.models.enums import BadgeRule
from circlekeeper.text import clean_text, identity_key, quoted

BADGE_NAME_MAX = 60
DESCRIPTION_MAX = 500
RULE_COUNT_MAX = 10_000

_RULES = (
    (re.compile(r"^attended\s+(\d+)\s+sessions?$"), BadgeRule.ATTENDED),
    (re.compile(r"^facilitated\s+(\d+)\s+sessions?$"), BadgeRule.FACILITATED),
    (
        re.compile(
            r"^met\s+goals\s+(\d+)\s+(?:periods?|weeks?|months?)\s+(?:running|in\s+a\s+row)$"
        ),
        BadgeRule.GOAL_STREAK,
    ),
)

RULE_EXAMPLES = ("attended 10 sessions", "facilitated 5 sessions", "met goals 4 periods running")


class BadgeFileError(ValueError):
    """A badge file or rule that cannot be used, with a message saying what to change."""


@dataclass(frozen=True)
class BadgeSpec:
    """A badge as written in a file or typed on the command line, already validated."""

    name: str
    description: str = ""
    rule_kind: BadgeRule | None = None
    rule_count: int | None = None

    def as_row(self) -> dict[str, Any]:
        """The columns of the badge table (without id, builtin and created_at)."""
        return {
            "name": self.name,
            "name_key": identity_key(self.name),
            "description": self.description,
            "rule_kind": self.rule_kind.value if self.rule_kind else None,
            "rule_count": self.rule_count,
        }


def parse_rule(text: str | None) -> tuple[BadgeRule, int] | None:
    """("attended", 10) from "attended 10 sessions"; None for no rule; BadgeFileError if unknown."""
    words = " ".join(clean_text(text or "").casefold().split())
    if not words:
        return None
    for pattern, kind in _RULES:
        match = pattern.match(words)
        if match:
            count = int(match.group(1))
            if not 1 <= count <= RULE_COUNT_MAX:
                raise BadgeFileError(
                    f"rule {quoted(text)}: the number must be 1 to {RULE_COUNT_MAX}"
                )
            return kind, count
    examples = ", ".join(repr(example) for example in RULE_EXAMPLES)
    raise BadgeFileError(
        f"rule {quoted(text)} is not one circlekeeper can check; write one of {examples}"
    )


def describe_rule(kind: str | BadgeRule | None, count: int | None) -> str | None:
    """The rule in words, the inverse of parse_rule."""
    if kind is None or count is None:
        return None
    plural = "" if count == 1 else "s"
    match BadgeRule(kind):
        case BadgeRule.ATTENDED:
            return f"attended {count} session{plural}"
        case BadgeRule.FACILITATED:
            return f"facilitated {count} session{plural}"
        case BadgeRule.GOAL_STREAK:
            return f"met goals {count} period{plural} running"


def badge_spec(name: object, description: object = "", rule: object = None) -> BadgeSpec:
    """Validate one badge's fields into a BadgeSpec."""
    if not isinstance(name, str) or not clean_text(name):
        raise BadgeFileError("a badge needs a name")
    clean_name = clean_text(name)
    if len(clean_name) > BADGE_NAME_MAX:
        raise BadgeFileError(
            f"badge name {quoted(clean_name[:30])}…: at most {BADGE_NAME_MAX} characters"
        )
    if not isinstance(description, str):
        raise BadgeFileError(f"badge {quoted(clean_name)}: description must be text")
    clean_description = clean_text(description, multiline=True)
    if len(clean_description) > DESCRIPTION_MAX:
        raise BadgeFileError(
            f"badge {quoted(clean_name)}: description at most {DESCRIPTION_MAX} characters"
        )
    if rule is not None and not isinstance(rule, str):
        raise BadgeFileError(
            f"badge {quoted(clean_name)}: rule must be text such as {quoted(RULE_EXAMPLES[0])}"
        )
    parsed = parse_rule(rule)
    return BadgeSpec(
        name=clean_name,
        description=clean_description,
        rule_kind=parsed[0] if parsed else None,
        rule_count=parsed[1] if parsed else None,
    )


def read_badge_file(path: Path) -> list[BadgeSpec]:
    """Every badge in a TOML file; BadgeFileError names the file and the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadgeFileError(f"cannot read {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadgeFileError(f"{path} is not valid TOML: {exc}") from exc
    entries = data.get("badge", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise BadgeFileError(f"{path}: write each badge as a [[badge]] table")
    specs: list[BadgeSpec] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        try:
            spec = badge_spec(entry.get("name"), entry.get("description", ""), entry.get("rule"))
        except BadgeFileError as exc:
            raise BadgeFileError(f"{path}, badge {number}: {exc}") from exc
        key = identity_key(spec.name)
        if key in seen:
            raise BadgeFileError(f"{path}: the badge {quoted(spec.name)} is there twice")
        seen.add(key)
        specs.append(spec)
    return specs

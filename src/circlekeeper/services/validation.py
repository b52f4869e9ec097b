"""Building Create/Update models from loose input, with errors a person can read."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from circlekeeper.services.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)

MESSAGE_MAX = 200
"""Longest message shown for one field: messages quote the value given, which may be huge."""
_HEAD = 100


def describe(error: ValidationError) -> str:
    """One line per problem: `field: message`, without pydantic's jargon."""
    lines = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        message = shorten(
            str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        )
        lines.append(f"{field}: {message}" if field else message)
    return "; ".join(lines)


def field_errors(error: ValidationError) -> dict[str, str]:
    """Problems keyed by field name, for forms that show each message beside its input."""
    result: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        message = shorten(str(item["msg"]).removeprefix("Value error, "))
        result.setdefault(field, message)
    return result


def shorten(message: str) -> str:
    """`message` with its middle left out when it is longer than MESSAGE_MAX characters."""
    if len(message) <= MESSAGE_MAX:
        return message
    return message[:_HEAD] + " … " + message[-(MESSAGE_MAX - _HEAD - 3) :]


REASON_MAX = 500


def clean_reason(reason: str | None) -> str | None:
    """A free-text reason (leaving, removal): cleaned like any user text, at most 500 characters."""
    from circlekeeper.text import clean_text

    text = clean_text(reason or "")
    if len(text) > REASON_MAX:
        raise InvalidInput(f"reason: at most {REASON_MAX} characters (this one has {len(text)})")
    return text or None


def parse(model: type[ModelT], **values: Any) -> ModelT:
    """Validate `values` into `model`, raising InvalidInput with a readable message."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(describe(exc)) from exc

"""Building Create/Update models from loose input, with errors a person can read."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from circlekeeper.services.errors import InvalidInput
from circlekeeper.text import quoted

ModelT = TypeVar("ModelT", bound=BaseModel)

MESSAGE_MAX = 200
"""Longest message shown for one field: messages quote the value given, which may be huge."""
_HEAD = 100


def describe(error: ValidationError) -> str:
    """One line per problem: `field: message`, without pydantic's jargon."""
    lines = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        message = shorten(plain_message(item))
        lines.append(f"{field}: {message}" if field else message)
    return "; ".join(lines)


def field_errors(error: ValidationError) -> dict[str, str]:
    """Problems keyed by field name, for forms that show each message beside its input."""
    result: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        result.setdefault(field, shorten(plain_message(item)))
    return result


def plain_message(item: Any) -> str:
    """One pydantic error in a facilitator's words ("at most 200 characters (this one has 250)"
    rather than "String should have at most 200 characters"); our own validators' messages
    (value errors) are already written that way and pass through."""
    kind, ctx, given = item.get("type", ""), item.get("ctx") or {}, item.get("input")
    if kind == "string_too_long":
        return f"at most {ctx['max_length']} characters (this one has {len(str(given))})"
    if kind == "string_too_short":
        least = ctx["min_length"]
        return "cannot be empty" if least == 1 else f"at least {least} characters"
    bounds = {
        "greater_than_equal": ("ge", "{} or more"),
        "less_than_equal": ("le", "{} or less"),
        "greater_than": ("gt", "more than {}"),
        "less_than": ("lt", "less than {}"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return f"give {words.format(_number(ctx[key]))} (not {_number(given)})"
    phrased = {
        "missing": "required",
        "int_parsing": f"give a whole number (not {quoted(given)})",
        "int_from_float": f"give a whole number (not {quoted(given)})",
        "float_parsing": f"give a number (not {quoted(given)})",
        "bool_parsing": f"give yes or no (not {quoted(given)})",
        "date_parsing": f"give a date as YYYY-MM-DD (not {quoted(given)})",
        "date_from_datetime_parsing": f"give a date as YYYY-MM-DD (not {quoted(given)})",
        "enum": f"give one of {ctx.get('expected', '')} (not {quoted(given)})",
        "extra_forbidden": "not a field this takes",
    }
    if kind in phrased:
        return phrased[kind]
    message = str(item["msg"])
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _number(value: object) -> str:
    """A bound or value as a person writes it: 0 rather than 0.0."""
    return f"{value:g}" if isinstance(value, float) else str(value)


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

"""Building Create/Update models from loose input, with errors a person can read."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from circlekeeper.services.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)


def describe(error: ValidationError) -> str:
    """One line per problem: `field: message`, without pydantic's jargon."""
    lines = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "input"
        message = str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        lines.append(f"{field}: {message}")
    return "; ".join(lines)


def field_errors(error: ValidationError) -> dict[str, str]:
    """Problems keyed by field name, for forms that show each message beside its input."""
    result: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        message = str(item["msg"]).removeprefix("Value error, ")
        result.setdefault(field, message)
    return result


def parse(model: type[ModelT], **values: Any) -> ModelT:
    """Validate `values` into `model`, raising InvalidInput with a readable message."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(describe(exc)) from exc

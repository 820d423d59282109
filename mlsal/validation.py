"""Validation of raw data against the schema's dataclasses, by pydantic (imported only here)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

T = TypeVar("T")


@cache
def _adapter(model: type[Any]) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def validate(model: type[T], raw: Any, report: Callable[[str, str], None]) -> T | None:
    """An instance of model, or None after reporting each problem as (field, message)."""
    try:
        instance: T = _adapter(model).validate_python(raw)  # type: ignore[arg-type]
    except ValidationError as error:
        for detail in error.errors():
            report(".".join(str(part) for part in detail["loc"]) or "(entry)", detail["msg"])
        return None
    problems = instance.problems() if hasattr(instance, "problems") else []
    for where, message in problems:
        report(where, message)
    return None if problems else instance

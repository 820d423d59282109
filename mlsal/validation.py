"""Validation of raw data against the schema's dataclasses, by pydantic (imported only here)."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

T = TypeVar("T")


def _booleans_for_numbers(model: Any, raw: Any, prefix: str) -> Iterator[str]:
    """Where raw gives true or false for a field the model types as a number."""
    if not isinstance(raw, dict) or not hasattr(model, "__dataclass_fields__"):
        return
    hints = _hints(model)
    for name, value in raw.items():
        kind = hints.get(name)
        if kind is None:
            continue
        where = f"{prefix}{name}"
        if isinstance(value, bool) and _is_number(kind):
            yield where
        elif isinstance(value, dict):
            yield from _booleans_for_numbers(kind, value, f"{where}.")
        elif isinstance(value, list):
            inner = typing.get_args(kind)
            for index, item in enumerate(value):
                if inner:
                    yield from _booleans_for_numbers(inner[0], item, f"{where}.{index}.")


@cache
def _hints(model: Any) -> dict[str, Any]:
    """A class's field types, evaluated once (evaluating them costs more than validating)."""
    return typing.get_type_hints(model)


# Control characters other than tab and newline: C0, DEL and C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_characters(raw: Any, where: str) -> Iterator[str]:
    """Where a text holds a control character other than tab and newline."""
    if isinstance(raw, str):
        if CONTROL.search(raw):
            yield where or "(entry)"
    elif isinstance(raw, dict):
        for name, value in raw.items():
            yield from _control_characters(value, f"{where}.{name}" if where else str(name))
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            yield from _control_characters(value, f"{where}.{index}")


def _is_number(kind: Any) -> bool:
    options = typing.get_args(kind) or (kind,)
    return bool not in options and any(o in (int, float) for o in options)


@cache
def _adapter(model: type[Any]) -> TypeAdapter[Any]:
    return TypeAdapter(model)


MAX_DEPTH = 16  # no entry of the data nests deeper; a deeper one is a mistake or an attack


def _too_deep(raw: Any) -> bool:
    """Whether tables or lists nest more than MAX_DEPTH deep (a 1,000-part dotted key makes
    1,000 tables): looked for without recursion, before anything recursive reads them."""
    level = [raw]
    for _ in range(MAX_DEPTH + 1):
        level = [
            item
            for node in level
            if isinstance(node, dict | list)
            for item in (node.values() if isinstance(node, dict) else node)
            if isinstance(item, dict | list)
        ]
        if not level:
            return False
    return True


def validate(model: type[T], raw: Any, report: Callable[[str, str], None]) -> T | None:
    """An instance of model, or None after reporting each problem as (field, message)."""
    if _too_deep(raw):
        report("(entry)", f"tables nested more than {MAX_DEPTH} deep (a dotted key of many parts?)")
        return None
    booleans = list(_booleans_for_numbers(model, raw, ""))
    for where in booleans:  # pydantic reads true as 1: a number must be written as one
        report(where, "must be a number, not true or false")
    controls = list(_control_characters(raw, ""))
    for where in controls:  # an escape sequence in a title would reach the terminal
        report(where, "holds a control character (only tab and newline are text)")
    if booleans or controls:
        return None
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

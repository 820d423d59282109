"""JSON Lines rows read a chunk at a time: one object per line, its keys checked as a CSV
header is. A line that is no usable object is said in its place (NotARow)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from mlsal.batch.rows import (
    CHUNK,
    NOT_UTF8,
    OUTPUT_COLUMNS,
    TOO_LONG,
    TOO_LONG_SAID,
    Chunk,
    NotARow,
    Row,
    capped_lines,
    check_header,
    refuse_shown_in,
)
from mlsal.errors import UsageError


def read_json_lines(stream: IO[str]) -> tuple[list[str], Iterator[Chunk]]:
    """JSON Lines: one object per line, keyed as CSV headers are. The header (the columns of
    CSV output) is the first object's keys; each object is read with its own keys."""
    lines = enumerate(capped_lines(stream), start=1)
    # The lines up to the first object: a bad line first does not make the header.
    before: list[tuple[int, dict[str, Any] | NotARow]] = []
    try:
        for number, text in lines:
            if text.strip():
                before.append((number, _json_line(text.removeprefix("\ufeff"))))
                row = before[-1][1]
                if (isinstance(row, dict) and row) or len(before) == CHUNK:  # keys: the header
                    break
    except UnicodeDecodeError:
        raise UsageError("the input is not UTF-8 text: save it as UTF-8") from None
    if not before:
        raise UsageError("the input is empty: it needs one JSON object per line")
    first = before[-1]
    header = list(first[1]) if isinstance(first[1], dict) else []

    def chunks() -> Iterator[Chunk]:
        chunk = Chunk([n for n, _ in before], [row for _, row in before], [None] * len(before))
        last = first[0]
        try:
            for last, text in lines:
                if text.strip():
                    chunk.lines.append(last)
                    chunk.rows.append(_json_line(text))
                    chunk.plains.append(None)
                    if len(chunk.rows) == CHUNK:
                        yield chunk
                        chunk = Chunk([], [], [])
        except UnicodeDecodeError:
            chunk.stop(last + 1, f"not JSON Lines from here on: {NOT_UTF8}")
        if chunk.rows:
            yield chunk

    return header, chunks()


def _json_line(text: str) -> dict[str, Any] | NotARow:
    return NotARow(TOO_LONG_SAID) if text is TOO_LONG else _json_object(text)


class _Refused(ValueError):
    """What JSON allows and a row may not hold: a key twice, NaN or Infinity."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's keys and values; a key given twice is refused (the last would win)."""
    found = dict(pairs)
    if len(found) < len(pairs):
        twice = sorted({key for key, _ in pairs if [k for k, _ in pairs].count(key) > 1})
        raise _Refused(f"the object names {', '.join(map(repr, twice))} twice; keep one")
    return found


def _constant(name: str) -> Any:
    """NaN, Infinity, -Infinity: no JSON (strict readers refuse them), so no row holds them."""
    raise _Refused(f"{name} is not a JSON number")


def _json_object(text: str) -> dict[str, Any] | NotARow:
    """A line's object, its keys checked as a CSV header is; NotARow if it is none."""
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except _Refused as error:
        return NotARow(str(error))
    except (json.JSONDecodeError, RecursionError) as error:
        return NotARow(f"not JSON: {getattr(error, 'msg', 'nested too deeply')}")
    except ValueError:  # a number of thousands of digits
        digits = sys.get_int_max_str_digits()
        return NotARow(f"not a usable JSON value: a number of more than {digits:,} digits")
    if not isinstance(value, dict):
        return NotARow(f"a JSON {type(value).__name__}, not an object")
    if "\\u" in text and _lone_surrogate(value):  # only an escape can make one
        return NotARow("a text holds a lone surrogate escape (such as \\ud800), no character")
    for key, item in value.items():
        if isinstance(item, dict) or (
            isinstance(item, list) and not all(isinstance(i, str) for i in item)
        ):
            return NotARow(f"'{key}' must be a text, a number or a list of texts")
    try:
        check_header(list(value))
        refuse_shown_in(value)
    except UsageError as error:
        return NotARow(str(error).replace("the header names", "the object names"))
    return value


def in_columns(row: Row | NotARow, columns: set[str]) -> Row | NotARow:
    """The object, or NotARow if it has keys the CSV's columns (the first object's) lack."""
    if not isinstance(row, dict):
        return row
    extra = [k for k in row if k not in columns and k.casefold() not in OUTPUT_COLUMNS]
    if not extra:
        return row
    named = ", ".join(repr(k) for k in extra[:5])
    return NotARow(
        f"the object has keys the first object has not ({named}): CSV output has the first "
        "object's columns; give every object those keys, or write JSON Lines"
    )


def _lone_surrogate(value: dict[str, Any]) -> bool:
    """Whether a key or text of the object is no UTF-8 text (a lone surrogate)."""
    texts = [*value, *(v for v in value.values() if isinstance(v, str))]
    texts += [i for v in value.values() if isinstance(v, list) for i in v]
    try:
        "".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False

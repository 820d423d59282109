"""The formats of output, in one place. A command's result is a View, shown as a table, JSON or
CSV (OutputFormat, emit: exhaustive, so a new format fails type checking until each View can
show it). A batch reads and writes rows, CSV or JSON Lines (RowsFormat): its readers and
writers are keyed by it, and a test holds them to it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, assert_never


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class RowsFormat(StrEnum):
    """How a batch's rows are written: `--format` and `--input-format` of `mlsal batch`."""

    csv = "csv"
    jsonl = "jsonl"

    @classmethod
    def of(cls, path: str | None, given: str | None) -> RowsFormat:
        """The format given, else the one the file's extension names, else CSV."""
        if given is not None:
            return cls(given)
        if path is not None and path.casefold().endswith(JSON_LINES_SUFFIXES):
            return cls.jsonl
        return cls.csv


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


class View:
    """One result, ready to be shown in any format (each built only when asked for)."""

    __slots__ = ("data", "csv", "table", "warnings")

    def __init__(
        self,
        data: Callable[[], Any],  # the JSON document
        csv: Callable[[], str],
        table: Callable[[], Any],  # a Rich renderable, or plain text
        warnings: list[str] | None = None,  # on stderr for tables and CSV; JSON holds its own
    ) -> None:
        self.data = data
        self.csv = csv
        self.table = table
        self.warnings = warnings or []


def emit(output_format: OutputFormat, view: View) -> None:
    from mlsal.render import console

    match output_format:
        case OutputFormat.json:
            from mlsal.render.json_text import to_json

            console.write(to_json(view.data()) + "\n")
        case OutputFormat.csv:
            console.warn(view.warnings)
            console.write(view.csv())
        case OutputFormat.table:
            console.warn(view.warnings)
            table = view.table()
            if isinstance(table, str):
                console.write(table + "\n")
            else:
                console.draw(table)
        case _:
            assert_never(output_format)

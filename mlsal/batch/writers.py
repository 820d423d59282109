"""A batch's output written a chunk of rows at a time: CSV (each row's passed-on columns,
then its outputs; cells made safe for spreadsheets) or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import IO, Any

from mlsal.batch.rows import OUTPUT_COLUMNS, Outputs, Row, remember
from mlsal.render.cells import FORMULA_STARTS, safe_cell
from mlsal.render.formats import RowsFormat

SAID_LIMIT = 4_000  # rows' warnings as CSV (long texts): three rows in four find theirs


def _cell(value: Any) -> Any:
    """A value of a row as a CSV cell: lists joined with ';', texts made safe for spreadsheets."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    return safe_cell(value) if isinstance(value, str) else value


def csv_cell(text: str) -> str:
    """A text as the csv module writes it in a line of several cells (the 'excel' dialect,
    see CsvWriter.encoder): quoted when it holds a comma, a quote or a line break (a
    carriage return too), quotes doubled."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _formula_in(text: str) -> bool:
    """Whether some cell of these lines (cells split at ',', lines at '\\n', a cell perhaps
    quoted) may start as a formula would (see safe_cell): looked for with str's own search,
    a chunk at a time."""
    return text.startswith(FORMULA_STARTS) or any(
        start in text and ("," + start in text or "\n" + start in text or '"' + start in text)
        for start in FORMULA_STARTS
    )


def passed_cells(row: list[str], columns: list[int] | None) -> list[str]:
    """A CSV row's cells passed on: all, or those at `columns` (not a batch's old outputs)."""
    return row if columns is None else [row[i] for i in columns]


class CsvWriter:
    """The passed-on columns, then the outputs. A line kept as read is written back as it is
    (what the csv module would write of its cells); any other row is written by the csv
    module, its texts made safe for spreadsheets."""

    def __init__(
        self, stream: IO[str], header: list[str], columns: list[int] | None = None
    ) -> None:
        """header: the columns passed on; columns: where they are in a CSV row as read, if
        not all of it."""
        self.stream = stream
        self.header = header
        self.columns = columns
        self.buffer = io.StringIO()
        # '\r\n' ends the csv module's lines here so that it quotes a cell holding a
        # carriage return (which would end the line for a reader); written, lines end in '\n'
        self.encoder = csv.writer(self.buffer, lineterminator="\r\n")
        self.cited: dict[tuple[Any, ...], str] = {}  # (band, sources): as CSV
        self.said: dict[tuple[str, ...], str] = {}  # warnings: as CSV (rows share them)
        # Header cells are texts from the input too: made safe for spreadsheets as data are.
        stream.write(self._encoded([*map(safe_cell, header), *OUTPUT_COLUMNS]))

    def write_many(
        self, rows: Sequence[Row], plains: Sequence[str | None], outputs: Sequence[Outputs]
    ) -> None:
        """Rows as read (see Chunk), each with its outputs."""
        # No column passed on (objects without keys): each line starts with the figures.
        passed = self._passed_texts(rows, plains) if self.header else [None] * len(rows)
        lines = []
        for text, (low, median, high, band, sources, warnings) in zip(passed, outputs, strict=True):
            cited = self.cited.get((band, sources))
            if cited is None:  # a few kinds of band and sources
                cited = self.cited[band, sources] = f"{band},{csv_cell(';'.join(sources))},"
            said = self.said.get(warnings)
            if said is None:
                said = csv_cell(_cell(" | ".join(warnings))) if warnings else ""
                remember(self.said, warnings, said, SAID_LIMIT)
            start = "" if text is None else f"{text},"
            lines.append(f"{start}{low},{median},{high},{cited}{said}\n")
        self.stream.write("".join(lines))

    def _passed_texts(self, rows: Sequence[Row], plains: Sequence[str | None]) -> list[str]:
        """Each row's passed-on cells as CSV: a line kept as read, as it is; the others
        written by the csv module together (one call for the lot), texts made safe."""
        texts: list[Any] = list(plains) if self.columns is None else [None] * len(rows)
        kept = [text for text in texts if text is not None]
        if kept and _formula_in("\n".join(kept)):
            texts = [None if t is not None and _formula_in(t) else t for t in texts]
        others = [i for i, text in enumerate(texts) if text is None]
        if not others:
            return texts
        cells = [self._passed(rows[i]) for i in others]
        # a CSV row's cells are texts; an object's may be numbers, lists…
        if any(isinstance(rows[i], dict) for i in others) or _formula_in(
            "\n".join(",".join(row) for row in cells)
        ):
            cells = [list(map(_cell, row)) for row in cells]
        self.encoder.writerows(cells)
        encoded = self.buffer.getvalue().split("\r\n")[:-1]
        self.buffer.seek(0)
        self.buffer.truncate()
        if len(encoded) != len(others) or len(self.header) < 2:
            # a line break in a cell (so no line per row), or one column only (the csv
            # module quotes a row of one empty cell): a row at a time, with its outputs
            encoded = [self._encoded([*row, ""])[: -len(",\n")] for row in cells]
        for index, text in zip(others, encoded, strict=True):
            texts[index] = text
        return texts

    def _passed(self, row: Row) -> list[Any]:
        if isinstance(row, dict):
            return [row.get(c, "") for c in self.header]
        return passed_cells(row, self.columns)

    def _encoded(self, cells: list[Any]) -> str:
        """One line of CSV, as the csv module writes it (see encoder), ending in '\n'."""
        self.encoder.writerow(cells)
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text.removesuffix("\r\n") + "\n"


class JsonLinesWriter:
    """One object per row: the row's own columns (or keys), then the outputs."""

    def __init__(
        self, stream: IO[str], header: list[str], columns: list[int] | None = None
    ) -> None:
        self.stream = stream
        self.header = header
        self.columns = columns  # where the header's columns are in a CSV row as read

    def write_many(
        self, rows: Sequence[Row], plains: Sequence[str | None], outputs: Sequence[Outputs]
    ) -> None:
        lines = []
        for row, (low, median, high, band, sources, warnings) in zip(rows, outputs, strict=True):
            if isinstance(row, dict):
                record: dict[str, Any] = {c: row.get(c, "") for c in self.header}
                for column, value in row.items():
                    if column not in record and column.casefold() not in OUTPUT_COLUMNS:
                        record[column] = value
            else:
                record = dict(zip(self.header, passed_cells(row, self.columns), strict=True))
            record.update(
                low=low,
                median=median,
                high=high,
                band=band,
                sources=list(sources),
                warnings=list(warnings),
            )
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        self.stream.write("".join(lines))


WRITERS: dict[RowsFormat, Callable[..., CsvWriter | JsonLinesWriter]] = {
    RowsFormat.csv: CsvWriter,
    RowsFormat.jsonl: JsonLinesWriter,
}

"""A batch run: every row of the input estimated into the output, in input order, a chunk at
a time. A bad row never stops the others (unless strict): it is reported with its line
number and left out of the output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any, cast

from mlsal.batch.csv_lines import read_rows
from mlsal.batch.estimator import BatchEstimator
from mlsal.batch.json_lines import in_columns, read_json_lines
from mlsal.batch.rows import (
    OUTPUT_COLUMNS,
    BadRow,
    Chunk,
    NotARow,
    Outputs,
    Result,
    Row,
    check_profile_columns,
)
from mlsal.batch.writers import WRITERS
from mlsal.catalog import Catalog
from mlsal.errors import MlsalError, UsageError
from mlsal.render.formats import RowsFormat

READERS: dict[RowsFormat, Callable[[IO[str]], tuple[list[str], Iterator[Chunk]]]] = {
    RowsFormat.csv: read_rows,
    RowsFormat.jsonl: read_json_lines,
}


def run_batch(
    catalog: Catalog,
    source: IO[str],
    target: IO[str],
    output_format: str,
    on_bad_row: Callable[[BadRow], None],
    strict: bool = False,
    on_rows: Callable[[int], None] | None = None,
    input_format: str = "csv",
) -> tuple[int, int]:
    """Estimate every row of source into target. Returns (rows written, bad rows)."""
    reading, writing = RowsFormat(input_format), RowsFormat(output_format)
    header, chunks = READERS[reading](source)
    if reading is RowsFormat.csv:
        check_profile_columns(header)
    estimator = BatchEstimator(catalog)
    # A batch's own output read again: its old results give way to the new ones.
    kept = [i for i, c in enumerate(header) if c.casefold() not in OUTPUT_COLUMNS]
    passed_on = [header[i] for i in kept]
    if reading is RowsFormat.jsonl and writing is RowsFormat.jsonl:
        passed_on = []  # each object keeps its own keys, none added
    # CSV of objects has the first object's columns: a key it lacks would be lost, so an
    # object naming one is a bad row (JSON Lines output keeps every key).
    objects_to_csv = reading is RowsFormat.jsonl and writing is RowsFormat.csv
    columns_of_csv = set(header) if objects_to_csv else None
    columns = None if len(kept) == len(header) else kept
    writer = WRITERS[writing](target, passed_on, columns)
    profile_columns = [(i, f) for i, c in enumerate(header) if (f := estimator.field(c))]
    written = bad = 0
    for chunk in chunks:
        if columns_of_csv is not None:
            chunk.rows = [in_columns(row, columns_of_csv) for row in chunk.rows]
        read = chunk.rows
        good: list[Any] = [row for row in read if row.__class__ is not NotARow]
        if reading is RowsFormat.csv:
            cells = list(zip(*good, strict=True))  # column by column
            by_field = {f: cells[i] for i, f in profile_columns} if good else {}
            results: list[Result] = estimator.estimate_columns(len(good), by_field)
        else:
            results = estimator.estimate_rows(good)
        if len(good) < len(read):  # in the order read, NotARow's said in place of a result
            found = iter(results)
            results = [
                UsageError(row.message) if isinstance(row, NotARow) else next(found) for row in read
            ]
        bad_at = [i for i, result in enumerate(results) if isinstance(result, MlsalError)]
        start = 0
        for index in [*bad_at, len(read)]:
            if index > start:  # the rows before a bad one, first
                estimated = cast(list[Row], read[start:index])  # (no NotARow: it is bad)
                outputs = cast(list[Outputs], results[start:index])
                writer.write_many(estimated, chunk.plains[start:index], outputs)
                written += index - start
            if index == len(read):
                break
            bad += 1
            on_bad_row(BadRow(chunk.lines[index], str(results[index])))
            if strict:
                return written, bad
            start = index + 1
        if on_rows is not None:
            on_rows(len(read))
    return written, bad

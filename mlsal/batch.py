"""Many profiles, one per CSV row, streamed: rows go out in input order as they are estimated.

A bad row never stops the others (unless strict): it is reported with its line number and
left out of the output. Each band and factor is computed once per catalog (the engine's
memo); each distinct row once per run, in a bounded memo so memory stays flat.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from mlsal.api import INPUT_NAMES, make_profile
from mlsal.catalog import Catalog
from mlsal.engine import estimate, level_for_years
from mlsal.errors import MlsalError, UsageError
from mlsal.profile import check_years, resolve_profile
from mlsal.render.cells import safe_cell

OUTPUT_COLUMNS = ("low", "median", "high", "band", "sources", "warnings")
TOO_MANY = "\0too many cells"  # marks a row with more cells than the header has names
NOT_CSV = "\0not csv"  # marks where the input stops being CSV
MEMO_LIMIT = 20_000  # distinct rows remembered at once; the memo is emptied when full


@dataclass
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class BatchEstimator:
    """Estimates rows of strings keyed by column name; remembers recent distinct rows."""

    def __init__(self, catalog: Catalog, columns: list[str]) -> None:
        self.catalog = catalog
        self.profile_columns = [c for c in columns if c.strip().casefold() in INPUT_NAMES]
        if not self.profile_columns:
            known = ", ".join(sorted({k for k in INPUT_NAMES if "-" not in k}))
            raise UsageError(f"the input has no profile column; name columns after: {known}")
        self.memo: dict[tuple[str, ...], list[Any] | UsageError] = {}
        named = {c: INPUT_NAMES[c.strip().casefold()] for c in self.profile_columns}
        self.years_column = next((c for c, f in named.items() if f == "years"), None)
        self.level_columns = [c for c, f in named.items() if f == "level"]

    def key(self, row: dict[str, str]) -> tuple[str, ...]:
        """What the outputs depend on. Years matter only through the level they map to (unless
        a level is given too, when a disagreement is warned of), so 3.2 and 4.7 years share."""
        cells = [row.get(c, "") for c in self.profile_columns]
        if self.years_column is not None and not any(
            row.get(c, "").strip() for c in self.level_columns
        ):
            index = self.profile_columns.index(self.years_column)
            try:
                years = float(cells[index])
                check_years(years)
                cells[index] = "level " + level_for_years(self.catalog, years)
            except (ValueError, MlsalError):
                pass  # a bad value: keyed as typed, and reported when estimated
        return tuple(cells)

    def outputs(self, row: dict[str, str]) -> list[Any]:
        """low, median, high, band, sources, warnings for one row; UsageError if it is bad."""
        key = self.key(row)
        found = self.memo.get(key)
        if found is None:
            found = self._compute(row)
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = found
        if isinstance(found, UsageError):
            raise found
        return found

    def _compute(self, row: dict[str, str]) -> list[Any] | UsageError:
        try:
            inputs = {c: row.get(c, "") for c in self.profile_columns}
            profile = resolve_profile(make_profile(inputs), self.catalog)
            result = estimate(self.catalog, profile)
        except UsageError as error:
            return error
        return [
            result.low,
            result.median,
            result.high,
            result.band_share,
            ";".join(s.id for s in result.sources),
            " | ".join(result.warnings),
        ]


def read_rows(stream: IO[str]) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header, and each data row with the line it starts on."""
    reader = csv.reader(stream, strict=True)  # strict: an unterminated quote is an error
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError("the input is empty: it needs a header row of column names") from None
    except csv.Error as error:
        raise UsageError(f"line 1: the header is not CSV: {error}") from None
    except UnicodeDecodeError:
        raise UsageError("the input is not UTF-8 text: save it as UTF-8") from None
    header = [name.strip() for name in header]
    if header:
        header[0] = header[0].removeprefix("\ufeff")  # a byte-order mark, as Excel writes
    check_header(header)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # an unterminated quote at the end, a NUL…
                yield line, {NOT_CSV: str(error)}
                return
            except UnicodeDecodeError:
                yield line, {NOT_CSV: "it is not UTF-8 text (save it as UTF-8)"}
                return
            if cells:  # a blank line holds no row; a row of empty cells is a profile
                if len(cells) > len(header):
                    yield line, {TOO_MANY: str(len(cells))}
                else:
                    yield line, dict(zip(header, cells, strict=False))
            line = reader.line_num + 1

    return header, rows()


def check_header(header: list[str]) -> None:
    """One column per name: 'City' and 'city', or 'skill' and 'skills', name the same input,
    and the last would silently win."""
    duplicated = sorted({n for n in header if header.count(n) > 1})
    if duplicated:
        raise UsageError(f"the header names a column twice: {', '.join(duplicated)}")
    by_input: dict[str, list[str]] = {}
    for name in header:
        field = INPUT_NAMES.get(name.casefold())
        if field is not None:
            by_input.setdefault(field, []).append(name)
    for field, names in by_input.items():
        if len(names) > 1:
            spelled = " and ".join(f"'{n}'" for n in names)
            raise UsageError(f"the header names the input {field} twice: {spelled}; keep one")


class CsvWriter:
    def __init__(self, stream: IO[str], header: list[str]) -> None:
        self.header = header
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow([*header, *OUTPUT_COLUMNS])

    def write(self, row: dict[str, str], outputs: list[Any]) -> None:
        cells = [*(row.get(c, "") for c in self.header), *outputs]
        self.writer.writerow([safe_cell(c) if isinstance(c, str) else c for c in cells])


class JsonLinesWriter:
    def __init__(self, stream: IO[str], header: list[str]) -> None:
        self.stream = stream
        self.header = header

    def write(self, row: dict[str, str], outputs: list[Any]) -> None:
        record: dict[str, Any] = {c: row.get(c, "") for c in self.header}
        record.update(zip(OUTPUT_COLUMNS, outputs, strict=True))
        record["sources"] = record["sources"].split(";") if record["sources"] else []
        record["warnings"] = record["warnings"].split(" | ") if record["warnings"] else []
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")


WRITERS: dict[str, Callable[[IO[str], list[str]], CsvWriter | JsonLinesWriter]] = {
    "csv": CsvWriter,
    "jsonl": JsonLinesWriter,
}


def run_batch(
    catalog: Catalog,
    source: IO[str],
    target: IO[str],
    output_format: str,
    on_bad_row: Callable[[BadRow], None],
    strict: bool = False,
    on_row: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Estimate every row of source into target. Returns (rows written, bad rows)."""
    header, rows = read_rows(source)
    estimator = BatchEstimator(catalog, header)
    # A batch's own output read again: its old results give way to the new ones.
    passed_on = [c for c in header if c.casefold() not in OUTPUT_COLUMNS]
    writer = WRITERS[output_format](target, passed_on)
    written = bad = 0
    for line, row in rows:
        try:
            if TOO_MANY in row:
                raise UsageError(
                    f"{row[TOO_MANY]} cells, but the header names {len(header)} columns"
                )
            if NOT_CSV in row:
                raise UsageError(f"not CSV from here on: {row[NOT_CSV]}")
            outputs = estimator.outputs(row)
        except MlsalError as error:
            bad += 1
            on_bad_row(BadRow(line, str(error)))
            if strict:
                break
        else:
            writer.write(row, outputs)
            written += 1
        if on_row is not None:
            on_row()
    return written, bad

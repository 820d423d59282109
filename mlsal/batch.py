"""Many profiles, one per CSV row or JSON Lines object, streamed: rows go out in input order
as they are estimated.

A bad row never stops the others (unless strict): it is reported with its line number and
left out of the output. Each distinct cell is resolved once and each distinct resolved
profile estimated once (BatchEstimator), in bounded memos so memory stays flat.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from mlsal.aging import check_as_of
from mlsal.catalog import Catalog
from mlsal.dimensions import BY_FIELD, INPUT_NAMES
from mlsal.engine import Outputs, estimate_outputs, outputs_key_of
from mlsal.errors import MlsalError, UsageError
from mlsal.profile import Profile, make_profile, resolve_field, resolve_profile
from mlsal.render.cells import FORMULA_STARTS, safe_cell

OUTPUT_COLUMNS = ("low", "median", "high", "band", "sources", "warnings")
# Marks a row that is no profile (too many cells, not JSON…); its value says why.
NOT_A_ROW = "\0not a row"
NOT_UTF8 = "it is not UTF-8 text (save it as UTF-8)"
# Estimates remembered by resolved profile: a varied roster rarely meets one twice, a list of
# a few kinds of profile holds fewer than this.
RESOLVED_KEPT = 5_000
MEMO_LIMIT = 20_000  # cells and places remembered at once; emptied when full


@dataclass
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class BatchEstimator:
    """Estimates rows keyed by column name. Each distinct cell is read and resolved once (a
    name to its key, years checked…); a row whose cells all resolve is answered from the
    estimates already made for the same resolved profile (the engine says what an estimate
    depends on: 'SF' and 'San Francisco', 3.2 and 4.7 years share), else estimated by the
    engine's batch path. A row with a bad cell takes the path of a single estimate, so that
    its error is the one `mlsal estimate` gives."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.fields: dict[str, str | None] = {}  # column -> the input it names, or None
        # field -> {cell as typed -> the fields it resolves to, or its text (a place's), ABSENT
        # or BAD}
        self.cells: dict[str, dict[Any, Any]] = {field: {} for field in BY_FIELD}
        self.places: dict[tuple[Any, ...], Any] = {}  # (city, state, country) as typed
        self.columns: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        self.resolved: dict[tuple[Any, ...], Outputs] = {}
        self.defaults = dict(vars(Profile()))
        self.defaults["role"] = catalog.method.reference.role
        self.defaults["as_of"] = check_as_of(catalog, None)

    def field(self, column: str) -> str | None:
        found = self.fields.get(column, "")
        if found == "":
            found = self.fields[column] = INPUT_NAMES.get(column.strip().casefold())
        return found

    def outputs(self, row: Mapping[str, Any]) -> Outputs:
        """low, median, high, band, sources, warnings for one row; UsageError if it is bad."""
        fields = self._resolved_fields(row)
        if fields is None:  # some cell is bad: the single estimate's path names the error
            inputs = {c: v for c, v in row.items() if self.field(c) is not None}
            profile = resolve_profile(make_profile(inputs), self.catalog)
            return estimate_outputs(self.catalog, profile)
        try:
            key = outputs_key_of(self.catalog, fields)
        except UsageError:
            key = None  # years no level covers: estimated, to raise the engine's error
        found = self.resolved.get(key) if key is not None else None
        if found is None:
            found = estimate_outputs(self.catalog, Profile.from_checked(fields))
            _remember(self.resolved, key, found, RESOLVED_KEPT)
        return found

    def _resolved_fields(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """Every field of the resolved profile the row makes, or None if a cell is bad."""
        fields = self.defaults.copy()
        place = None
        for column, field in self._profile_columns(row):
            cell = row[column]
            memo = self.cells[field]
            if type(cell) is not str:
                cell = _hashable(cell)
            found = memo.get(cell, MISSING)
            if found is MISSING:
                found = self._cell(field, cell)
                _remember(memo, cell, found)
            if found is ABSENT:
                continue
            if found is BAD:
                return None
            if field in PLACE_FIELDS:
                place = place or [None, None, None]
                place[PLACE_FIELDS.index(field)] = found
            else:
                fields.update(found)
        if place is not None:
            typed = tuple(place)
            where = self.places.get(typed, MISSING)
            if where is MISSING:
                where = self._place(*typed)
                _remember(self.places, typed, where)
            if where is BAD:
                return None
            fields.update(where)
        return fields

    def _profile_columns(self, row: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The row's columns that name inputs, with the input each names (once per set of
        columns: every row of a CSV file has the same)."""
        columns = tuple(row)
        found = self.columns.get(columns)
        if found is None:
            found = [(c, f) for c in columns if (f := self.field(c)) is not None]
            _remember(self.columns, columns, found)
        return found

    def _cell(self, field: str, cell: Any) -> Any:
        """One cell as the profile's fields: read as make_profile reads it, resolved as
        resolve_profile resolves it (the place is resolved as a whole, in _place)."""
        try:
            value = getattr(make_profile({field: cell}), field)
            if value is None or value == ():
                return ABSENT
            if field in PLACE_FIELDS:
                return value  # resolved with the others of the place
            found = resolve_field(self.catalog, field, value)
        except UsageError:
            return BAD
        if found.pop("unlisted", ()):  # an unknown skill is said by the single path
            return BAD
        return found

    def _place(self, city: Any, state: Any, country: Any) -> Any:
        try:
            profile = Profile(city=city, state=state, country=country)
            resolved = resolve_profile(profile, self.catalog)
        except UsageError:
            return BAD
        return {name: getattr(resolved, name) for name in (*PLACE_FIELDS, "unmatched_city")}


PLACE_FIELDS = ("city", "state", "country")  # resolved together: they must agree
MISSING, ABSENT, BAD = object(), object(), object()


def _hashable(value: Any) -> Any:
    """A cell as a memo's key: a list as a tuple, NaN (a data frame's empty cell) as None."""
    if isinstance(value, list):
        return tuple(value)
    return None if value != value else value


def _remember(memo: dict[Any, Any], key: Any, value: Any, limit: int | None = None) -> None:
    if key is None:
        return
    if len(memo) >= (limit or MEMO_LIMIT):  # a bound on memory, whatever the input
        memo.clear()
    memo[key] = value


def check_profile_columns(header: list[str]) -> None:
    if not any(c.strip().casefold() in INPUT_NAMES for c in header):
        known = ", ".join(sorted({k for k in INPUT_NAMES if "-" not in k}))
        raise UsageError(f"the input has no profile column; name columns after: {known}")


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
                yield line, {NOT_A_ROW: f"not CSV from here on: {error}"}
                return
            except UnicodeDecodeError:
                yield line, {NOT_A_ROW: f"not CSV from here on: {NOT_UTF8}"}
                return
            if cells:  # a blank line holds no row; a row of empty cells is a profile
                if len(cells) > len(header):
                    said = f"{len(cells)} cells, but the header names {len(header)} columns"
                    yield line, {NOT_A_ROW: said}
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


def read_json_lines(stream: IO[str]) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """JSON Lines: one object per line, keyed as CSV headers are. The header (the columns of
    CSV output) is the first object's keys; each object is read with its own keys."""
    lines = enumerate(stream, start=1)
    first: tuple[int, dict[str, Any]] | None = None
    try:
        for number, text in lines:
            if text.strip():
                first = number, _json_object(text.removeprefix("\ufeff"))
                break
    except UnicodeDecodeError:
        raise UsageError("the input is not UTF-8 text: save it as UTF-8") from None
    if first is None:
        raise UsageError("the input is empty: it needs one JSON object per line")
    header = [k for k in first[1] if k != NOT_A_ROW]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        assert first is not None
        yield first
        last = first[0]
        try:
            for last, text in lines:
                if text.strip():
                    yield last, _json_object(text)
        except UnicodeDecodeError:
            yield last + 1, {NOT_A_ROW: f"not JSON Lines from here on: {NOT_UTF8}"}

    return header, rows()


def _json_object(text: str) -> dict[str, Any]:
    """A line's object, its keys checked as a CSV header is; a marked row if it is none."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return {NOT_A_ROW: f"not JSON: {getattr(error, 'msg', 'nested too deeply')}"}
    if not isinstance(value, dict):
        return {NOT_A_ROW: f"a JSON {type(value).__name__}, not an object"}
    for key, item in value.items():
        if isinstance(item, dict) or (
            isinstance(item, list) and not all(isinstance(i, str) for i in item)
        ):
            return {NOT_A_ROW: f"'{key}' must be a text, a number or a list of texts"}
    try:
        check_header(list(value))
    except UsageError as error:
        return {NOT_A_ROW: str(error).replace("the header names", "the object names")}
    return value


def _cell(value: Any) -> Any:
    """A value of a row as a CSV cell: lists joined with ';', texts made safe for spreadsheets."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    return safe_cell(value) if isinstance(value, str) else value


class CsvWriter:
    def __init__(self, stream: IO[str], header: list[str]) -> None:
        self.header = header
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow([*header, *OUTPUT_COLUMNS])

    def write(self, row: dict[str, Any], outputs: Outputs) -> None:
        low, median, high, band, sources, warnings = outputs
        passed = [row.get(c, "") for c in self.header]
        cells = [
            *[
                # a plain text cell is written as it is; only one a spreadsheet would run
                # as a formula, or not text, needs more
                cell if type(cell) is str and not cell.startswith(FORMULA_STARTS) else _cell(cell)
                for cell in passed
            ],
            low,
            median,
            high,
            band,
            ";".join(sources),
            _cell(" | ".join(warnings)),
        ]
        self.writer.writerow(cells)


class JsonLinesWriter:
    """One object per row: the row's own columns (or keys), then the outputs."""

    def __init__(self, stream: IO[str], header: list[str]) -> None:
        self.stream = stream
        self.header = header

    def write(self, row: dict[str, Any], outputs: Outputs) -> None:
        record: dict[str, Any] = {c: row.get(c, "") for c in self.header}
        for column, value in row.items():
            if column not in record and column.casefold() not in OUTPUT_COLUMNS:
                record[column] = value
        low, median, high, band, sources, warnings = outputs
        record.update(
            low=low,
            median=median,
            high=high,
            band=band,
            sources=list(sources),
            warnings=list(warnings),
        )
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")


WRITERS: dict[str, Callable[[IO[str], list[str]], CsvWriter | JsonLinesWriter]] = {
    "csv": CsvWriter,
    "jsonl": JsonLinesWriter,
}
READERS = {"csv": read_rows, "jsonl": read_json_lines}


def run_batch(
    catalog: Catalog,
    source: IO[str],
    target: IO[str],
    output_format: str,
    on_bad_row: Callable[[BadRow], None],
    strict: bool = False,
    on_row: Callable[[], None] | None = None,
    input_format: str = "csv",
) -> tuple[int, int]:
    """Estimate every row of source into target. Returns (rows written, bad rows)."""
    header, rows = READERS[input_format](source)
    if input_format == "csv":
        check_profile_columns(header)
    estimator = BatchEstimator(catalog)
    # A batch's own output read again: its old results give way to the new ones.
    passed_on = [c for c in header if c.casefold() not in OUTPUT_COLUMNS]
    if input_format == "jsonl" and output_format == "jsonl":
        passed_on = []  # each object keeps its own keys, none added
    writer = WRITERS[output_format](target, passed_on)
    written = bad = 0
    for line, row in rows:
        try:
            if NOT_A_ROW in row:
                raise UsageError(row[NOT_A_ROW])
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

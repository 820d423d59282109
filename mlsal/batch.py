"""Many profiles, one per CSV row or JSON Lines object, streamed: rows go out in input order,
a chunk of rows at a time.

A bad row never stops the others (unless strict): it is reported with its line number and
left out of the output. Rows are estimated a chunk at a time, column by column
(BatchEstimator): each distinct cell is resolved once, each distinct share of a profile (its
band, work, place, employer, credentials; see engine.Share) made once, and each row's
figures combine its shares; bounded memos keep memory flat.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from typing import IO, Any, cast

from mlsal.aging import check_as_of
from mlsal.catalog import Catalog
from mlsal.dimensions import BY_FIELD, INPUT_NAMES
from mlsal.engine import (
    SHARE_MAKERS,
    Outputs,
    Share,
    estimate_outputs,
    outputs_of_shares,
    share,
    share_memo,
    shares_of_rows,
)
from mlsal.errors import MlsalError, UsageError
from mlsal.profile import Profile, make_profile, resolve_field, resolve_profile
from mlsal.render.cells import FORMULA_STARTS, safe_cell

OUTPUT_COLUMNS = ("low", "median", "high", "band", "sources", "warnings")
NOT_UTF8 = "it is not UTF-8 text (save it as UTF-8)"
CHUNK = 256  # rows estimated together: enough to share the work; few, for flat memory
MEMO_LIMIT = 20_000  # cells and places remembered at once; emptied when full


@dataclass
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class NotARow:
    """What a reader met in place of a row (too many cells, not JSON…), and why."""

    message: str


# A row's outputs, or the error that makes it no estimate.
Result = Outputs | MlsalError


class BatchEstimator:
    """Estimates rows, many at once, column by column. Each distinct cell is read and
    resolved once (a name to its key, years checked…); each distinct share of a profile is
    made once by the engine; a row's figures, sources and warnings combine its shares. A row
    with a bad cell takes the path of a single estimate, so that its error is the one
    `mlsal estimate` gives."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.fields: dict[str, str | None] = {}  # column -> the input it names, or None
        # field -> {cell as typed -> what it resolves to (see _cell), or BAD}
        self.cells: dict[str, dict[Any, Any]] = {field: {} for field in BY_FIELD}
        self.places: dict[tuple[Any, ...], Any] = {}  # (city, state, country) as typed
        self.columns: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        self.memos = {kind: share_memo(catalog, kind) for kind in SHARE_MAKERS}
        self.outputs_of = outputs_of_shares(catalog)
        self.no_share = Share(catalog)  # stands for the share of a row that takes the single path
        self.bad_fields: set[str] = set()  # fields some cell of which was bad
        self.defaults: dict[str, Any] = dict(vars(Profile()))
        self.defaults["role"] = catalog.method.reference.role
        self.defaults["as_of"] = check_as_of(catalog, None)

    def field(self, column: str) -> str | None:
        found = self.fields.get(column, "")
        if found == "":
            found = self.fields[column] = INPUT_NAMES.get(column.strip().casefold())
        return found

    def estimate_rows(self, rows: Sequence[Mapping[str, Any]]) -> list[Result]:
        """Each row's result; rows are keyed by column name (JSON objects, mappings)."""
        count = len(rows)
        columns: dict[str, list[Any]] = {}
        for index, row in enumerate(rows):
            for column, field in self._profile_columns(row):
                cells = columns.get(field)
                if cells is None:
                    cells = columns[field] = [None] * count
                cells[index] = row[column]
        return self.estimate_columns(count, columns)

    def estimate_columns(self, count: int, columns: Mapping[str, Sequence[Any]]) -> list[Result]:
        """Each of `count` rows' results, the rows given as columns of cells by field (None,
        '' or NaN: not given)."""
        failed: set[int] = set()
        values = {field: self._values(field, cells, failed) for field, cells in columns.items()}

        def given(name: str) -> Iterable[Any]:
            """Each row's value of a field, its default where no column gives it."""
            found = values.get(name)
            return repeat(self.defaults[name], count) if found is None else found

        places = self._places(list(zip(*map(given, PLACE_FIELDS), strict=True)), failed)

        def column(name: str) -> Iterable[Any]:
            return places if name == "place" else given(name)

        shares = shares_of_rows(column, lambda kind, keys: self._shares(kind, keys, failed))
        results: list[Result] = list(map(self.outputs_of, *shares))
        for index in failed:
            results[index] = self._single({f: cells[index] for f, cells in columns.items()})
        return results

    def _single(self, inputs: dict[str, Any]) -> Result:
        """The outputs of one estimate, or its error."""
        try:
            profile = resolve_profile(make_profile(inputs), self.catalog)
            return estimate_outputs(self.catalog, profile)
        except MlsalError as error:
            return _bare(error)

    def _values(self, field: str, cells: Sequence[Any], failed: set[int]) -> list[Any]:
        """Each cell as the field's resolved value; a bad cell's row is marked failed."""
        memo = self.cells[field]
        try:
            values = _looked_up(memo, cells, lambda i: self._cell_value(field, cells[i]))
        except TypeError:  # a list (JSON) is no key: as a tuple it is
            cells = [_hashable(cell) for cell in cells]
            values = _looked_up(memo, cells, lambda i: self._cell_value(field, cells[i]))
        if field in self.bad_fields:
            failed.update(_positions(values, BAD))
        return values

    def _cell_value(self, field: str, cell: Any) -> Any:
        memo = self.cells[field]
        key = _hashable(cell)
        found = memo.get(key, MISSING)
        if found is MISSING:
            found = self._cell(field, key)
            if found is BAD:
                self.bad_fields.add(field)
            _remember(memo, key, found)
        return found

    def _cell(self, field: str, cell: Any) -> Any:
        """One cell as make_profile reads it and resolve_profile resolves it: a key, a number,
        keys (lists), (company, the name typed for it) or the text of a place (resolved as a
        whole, in _place); the field's default when not given."""
        try:
            value = getattr(make_profile({field: cell}), field)
            if value is None or value == ():
                return self.defaults[field]
            if field in PLACE_FIELDS:
                return value
            found = resolve_field(self.catalog, field, value)
        except UsageError:
            return BAD
        if found.pop("unlisted", ()):  # an unknown skill is said by the single path
            return BAD
        if field == "company":
            return found["company"], found["company_as_typed"]
        return found[field]

    def _places(self, typed: list[tuple[Any, ...]], failed: set[int]) -> list[Any]:
        """Each (city, state, country) as (city, state, country, unmatched city), resolved
        together: they must agree."""

        def make(index: int) -> Any:
            if index in failed:
                return BAD
            place = self._place(*typed[index])
            _remember(self.places, typed[index], place)
            return place

        found = _looked_up(self.places, typed, make)
        if BAD in found:
            failed.update(_positions(found, BAD))
        return found

    def _place(self, city: Any, state: Any, country: Any) -> Any:
        try:
            profile = Profile(city=city, state=state, country=country)
            resolved = resolve_profile(profile, self.catalog)
        except UsageError:
            return BAD
        return resolved.city, resolved.state, resolved.country, resolved.unmatched_city

    def _shares(self, kind: str, keys: Iterable[tuple[Any, ...]], failed: set[int]) -> list[Share]:
        """Each row's share of this kind (the engine's, made once per key)."""
        keys = list(keys)

        def make(index: int) -> Share:
            if index not in failed:
                try:
                    return share(self.catalog, kind, keys[index])
                except UsageError:  # years no level covers…: the single path says so
                    failed.add(index)
            return self.no_share

        return _looked_up(self.memos[kind], keys, make)

    def _profile_columns(self, row: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The row's columns that name inputs, with the input each names (once per set of
        columns: every object of a JSON Lines file mostly has the same)."""
        columns = tuple(row)
        found = self.columns.get(columns)
        if found is None:
            found = [(c, f) for c in columns if (f := self.field(c)) is not None]
            _remember(self.columns, columns, found)
        return found


PLACE_FIELDS = ("city", "state", "country")  # resolved together: they must agree
MISSING, BAD = object(), object()


def _looked_up(memo: dict[Any, Any], keys: Sequence[Any], make: Callable[[int], Any]) -> list[Any]:
    """memo[key] for each key, and make(index) for each key not in it. Looked up at C speed:
    a chunk whose keys are all known (most, once the memos are warm) takes one pass."""
    try:
        return list(map(memo.__getitem__, keys))
    except KeyError:
        found = list(map(memo.get, keys, repeat(MISSING)))
    for index in _positions(found, MISSING):
        found[index] = make(index)
    return found


def _positions(items: list[Any], item: object) -> Iterator[int]:
    """Where item is in items, each found at C speed (list.index)."""
    index = -1
    while True:
        try:
            index = items.index(item, index + 1)
        except ValueError:
            return
        yield index


def _bare(error: MlsalError) -> MlsalError:
    """An error kept as a row's result, without its traceback and the error it was raised
    from: their frames hold the chunk being estimated (its results among them), a cycle
    that kept every chunk with a bad row in memory until the cyclic collector came by."""
    error.__context__ = error.__cause__ = None
    return error.with_traceback(None)


def _hashable(value: Any) -> Any:
    """A cell as a memo's key: a list as a tuple, NaN (a data frame's empty cell) as None."""
    if isinstance(value, list):
        return tuple(value)
    return None if value != value else value


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= MEMO_LIMIT:  # a bound on memory, whatever the input
        memo.clear()
    memo[key] = value


def check_profile_columns(header: list[str]) -> None:
    if not any(c.strip().casefold() in INPUT_NAMES for c in header):
        known = ", ".join(sorted({k for k in INPUT_NAMES if "-" not in k}))
        raise UsageError(f"the input has no profile column; name columns after: {known}")


# A row as read: its cells, one per column (CSV) or an object by its keys (JSON); what stands
# in its place when there is none; and for a CSV row, its line as it can be written back as
# it is (no quotes, no line break in a cell), else None.
Row = list[str] | dict[str, Any]
Read = tuple[int, Row | NotARow, str | None]


def read_rows(stream: IO[str]) -> tuple[list[str], Iterator[Read]]:
    """The header, and each data row with the line it starts on. A line without quotes is
    split at its commas, as the csv module would (and kept to be written back as it is); one
    with quotes is read by the csv module, which takes the further lines of a quoted cell."""
    lines = iter(stream)
    pending: list[str] = []

    def feed() -> Iterator[str]:
        while True:
            if pending:
                yield pending.pop()
                continue
            try:
                yield next(lines)
            except StopIteration:
                return

    reader = csv.reader(feed(), strict=True)  # strict: an unterminated quote is an error
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
    width = len(header)

    def rows() -> Iterator[Read]:
        line = reader.line_num + 1
        taken = 1
        limit = csv.field_size_limit()
        try:
            for text in lines:
                stripped = text.rstrip("\r\n")
                plain: str | None = stripped
                if '"' in stripped or "\r" in stripped:  # quoted: the csv module's to read
                    pending.append(text)
                    before = reader.line_num
                    cells = next(reader, [])
                    taken, plain = reader.line_num - before, None
                else:
                    cells, taken = stripped.split(",") if stripped else [], 1
                    if len(stripped) > limit and max(map(len, cells)) > limit:
                        raise csv.Error(f"field larger than field limit ({limit})")  # as csv's
                if cells:  # a blank line holds no row; a row of empty cells is a profile
                    if len(cells) > width:
                        said = f"{len(cells)} cells, but the header names {width} columns"
                        yield line, NotARow(said), None
                    else:
                        short = width - len(cells)  # short: the rest empty
                        if short:
                            cells += [""] * short
                            plain = None if plain is None else plain + "," * short
                        yield line, cells, plain
                line += taken
        except csv.Error as error:  # an unterminated quote at the end, a NUL…
            yield line, NotARow(f"not CSV from here on: {error}"), None
        except UnicodeDecodeError:
            yield line + taken - 1, NotARow(f"not CSV from here on: {NOT_UTF8}"), None

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


def read_json_lines(stream: IO[str]) -> tuple[list[str], Iterator[Read]]:
    """JSON Lines: one object per line, keyed as CSV headers are. The header (the columns of
    CSV output) is the first object's keys; each object is read with its own keys."""
    lines = enumerate(stream, start=1)
    first: Read | None = None
    try:
        for number, text in lines:
            if text.strip():
                first = number, _json_object(text.removeprefix("\ufeff")), None
                break
    except UnicodeDecodeError:
        raise UsageError("the input is not UTF-8 text: save it as UTF-8") from None
    if first is None:
        raise UsageError("the input is empty: it needs one JSON object per line")
    header = [] if isinstance(first[1], NotARow) else list(first[1])

    def rows() -> Iterator[Read]:
        assert first is not None
        yield first
        last = first[0]
        try:
            for last, text in lines:
                if text.strip():
                    yield last, _json_object(text), None
        except UnicodeDecodeError:
            yield last + 1, NotARow(f"not JSON Lines from here on: {NOT_UTF8}"), None

    return header, rows()


def _json_object(text: str) -> dict[str, Any] | NotARow:
    """A line's object, its keys checked as a CSV header is; NotARow if it is none."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        return NotARow(f"not JSON: {getattr(error, 'msg', 'nested too deeply')}")
    if not isinstance(value, dict):
        return NotARow(f"a JSON {type(value).__name__}, not an object")
    for key, item in value.items():
        if isinstance(item, dict) or (
            isinstance(item, list) and not all(isinstance(i, str) for i in item)
        ):
            return NotARow(f"'{key}' must be a text, a number or a list of texts")
    try:
        check_header(list(value))
    except UsageError as error:
        return NotARow(str(error).replace("the header names", "the object names"))
    return value


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
    """Whether some cell of these lines (cells split at ',', lines at '\\n') may start as a
    formula would (see safe_cell): looked for with str's own search, a chunk at a time."""
    return text.startswith(FORMULA_STARTS) or any(
        start in text and ("," + start in text or "\n" + start in text) for start in FORMULA_STARTS
    )


def passed_cells(row: list[str], columns: list[int] | None) -> list[str]:
    """A CSV row's cells passed on: all, or those at `columns` (not a batch's old outputs)."""
    return row if columns is None else [row[i] for i in columns]


# A row to write: as read (see Read), and its outputs.
Written = tuple[Row, str | None, Outputs]


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
        stream.write(self._encoded([*header, *OUTPUT_COLUMNS]))

    def write_many(self, rows: list[Written]) -> None:
        passed = self._passed_texts(rows)
        lines = []
        for text, (_, _, (low, median, high, band, sources, warnings)) in zip(
            passed, rows, strict=True
        ):
            cited = self.cited.get((band, sources))
            if cited is None:  # a few kinds of band and sources: the warnings vary by row
                cited = self.cited[band, sources] = f"{band},{csv_cell(';'.join(sources))},"
            said = csv_cell(_cell(" | ".join(warnings))) if warnings else ""
            lines.append(f"{text},{low},{median},{high},{cited}{said}\n")
        self.stream.write("".join(lines))

    def _passed_texts(self, rows: list[Written]) -> list[str]:
        """Each row's passed-on cells as CSV: a line kept as read, as it is; the others
        written by the csv module together (one call for the lot), texts made safe."""
        texts: list[Any] = [None if self.columns is not None else plain for _, plain, _ in rows]
        kept = [text for text in texts if text is not None]
        if kept and _formula_in("\n".join(kept)):
            texts = [None if t is not None and _formula_in(t) else t for t in texts]
        others = [i for i, text in enumerate(texts) if text is None]
        if not others:
            return texts
        cells = [self._passed(rows[i][0]) for i in others]
        # a CSV row's cells are texts; an object's may be numbers, lists…
        if any(isinstance(rows[i][0], dict) for i in others) or _formula_in(
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

    def write_many(self, rows: list[Written]) -> None:
        lines = []
        for row, _, (low, median, high, band, sources, warnings) in rows:
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


WRITERS: dict[str, Callable[..., CsvWriter | JsonLinesWriter]] = {
    "csv": CsvWriter,
    "jsonl": JsonLinesWriter,
}
READERS: dict[str, Callable[[IO[str]], tuple[list[str], Iterator[Read]]]] = {
    "csv": read_rows,
    "jsonl": read_json_lines,
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
    header, rows = READERS[input_format](source)
    if input_format == "csv":
        check_profile_columns(header)
    estimator = BatchEstimator(catalog)
    # A batch's own output read again: its old results give way to the new ones.
    kept = [i for i, c in enumerate(header) if c.casefold() not in OUTPUT_COLUMNS]
    passed_on = [header[i] for i in kept]
    if input_format == "jsonl" and output_format == "jsonl":
        passed_on = []  # each object keeps its own keys, none added
    columns = None if len(kept) == len(header) else kept
    writer = WRITERS[output_format](target, passed_on, columns)
    profile_columns = [(i, f) for i, c in enumerate(header) if (f := estimator.field(c))]
    written = bad = 0
    while chunk := list(islice(rows, CHUNK)):
        lines, read, plains = zip(*chunk, strict=True)
        good: list[Any] = [row for row in read if row.__class__ is not NotARow]
        if input_format == "csv":
            by_field = {f: [cells[i] for cells in good] for i, f in profile_columns}
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
        for index in [*bad_at, len(chunk)]:
            # (results between bad rows are outputs)
            segment = zip(read[start:index], plains[start:index], results[start:index], strict=True)
            estimated = cast(list[Written], list(segment))
            if estimated:
                writer.write_many(estimated)  # the rows before a bad one, first
                written += len(estimated)
            if index == len(chunk):
                break
            bad += 1
            on_bad_row(BadRow(lines[index], str(results[index])))
            if strict:
                return written, bad
            start = index + 1
        if on_rows is not None:
            on_rows(len(chunk))
    return written, bad

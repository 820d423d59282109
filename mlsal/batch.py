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
import sys
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
from mlsal.engine.shares import PLACE_FIELDS, place_of
from mlsal.errors import MlsalError, UsageError
from mlsal.profile import (
    NOT_GIVEN_TYPES,
    Profile,
    make_profile,
    resolve_field,
    resolve_profile,
)
from mlsal.render.cells import FORMULA_STARTS, safe_cell

OUTPUT_COLUMNS = ("low", "median", "high", "band", "sources", "warnings")
NOT_UTF8 = "it is not UTF-8 text (save it as UTF-8)"
CHUNK = 256  # rows estimated together: enough to share the work; few, for flat memory
MAX_LINE_CHARS = 1_000_000  # no row of a profile is this long; a longer line is not read
# Stands for a line longer than MAX_LINE_CHARS (found by identity: no line is this object).
TOO_LONG = "\x00 longer than the limit\n"
TOO_LONG_SAID = f"longer than {MAX_LINE_CHARS:,} characters: not read"


def capped_lines(stream: IO[str]) -> Iterator[str]:
    """The stream's lines, each read up to MAX_LINE_CHARS: a longer one (a 50 MB line, a
    file of no line ends such as /dev/zero) is TOO_LONG, its rest read and dropped a piece at
    a time, so memory stays bounded whatever the input."""
    read = stream.readline
    while line := read(MAX_LINE_CHARS + 1):
        if len(line) <= MAX_LINE_CHARS or line.endswith("\n"):
            yield line
            continue
        yield TOO_LONG
        while (rest := read(MAX_LINE_CHARS)) and not rest.endswith("\n"):
            pass


MEMO_LIMIT = 20_000  # cells and places remembered at once; emptied when full
SAID_LIMIT = 4_000  # rows' warnings as CSV (long texts): three rows in four find theirs


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
        if BY_FIELD[field].kind in ("number", "year") and BOOL_TYPES & {
            t.__name__ for t in set(map(type, cells))
        }:  # True == 1 and False == 0 as keys: each a memo entry of its own
            cells = [
                Apart(c, ("truth", bool(c))) if type(c).__name__ in BOOL_TYPES else c for c in cells
            ]
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
        if type(cell) is Apart:
            cell = cell.value  # make_profile says why it is no value of the field
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
        """Each row's place inputs (engine.shares.PLACE_FIELDS: city, state, country, work
        mode…) resolved together, as the place share's key holds them: they must agree."""

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

    def _place(self, *typed: Any) -> Any:
        try:
            profile = Profile(**dict(zip(PLACE_FIELDS, typed, strict=True)))
            resolved = resolve_profile(profile, self.catalog)
        except UsageError:
            return BAD
        return place_of(resolved)

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
            refuse_shown_in(columns)
            found = [(c, f) for c in columns if (f := self.field(c)) is not None]
            _remember(self.columns, columns, found)
        return found


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
    """A cell as a memo's key: a list (or a NumPy array, as Parquet list columns give) as a
    tuple, NaN, pd.NA and pd.NaT (a data frame's empty cells) as None; a dict or a set kept
    Apart, which make_profile refuses."""
    if isinstance(value, list):
        return tuple(value)
    if getattr(value, "ndim", 0) and hasattr(value, "tolist"):
        return tuple(value.tolist())
    if isinstance(value, dict | set | frozenset):
        return Apart(value, type(value).__name__)
    if type(value).__name__ in NOT_GIVEN_TYPES:
        return None
    return None if value != value else value


BOOL_TYPES = {"bool", "bool_"}  # Python's and NumPy's truth values


class Apart:
    """A cell standing in a memo by a key of its own: a truth value in a column of numbers
    (True == 1, and hashes as 1: a memo would answer one for the other), a dict or a set (no
    key at all). The cell itself is what make_profile reads, and says why it is no value."""

    __slots__ = ("value", "key")

    def __init__(self, value: Any, key: Any) -> None:
        self.value = value
        self.key = key

    def __hash__(self) -> int:
        return hash(("apart", self.key))

    def __eq__(self, other: object) -> bool:
        return type(other) is Apart and other.key == self.key


def _remember(memo: dict[Any, Any], key: Any, value: Any, limit: int | None = None) -> None:
    if len(memo) >= (limit or MEMO_LIMIT):  # a bound on memory, whatever the input
        memo.clear()
    memo[key] = value


def refuse_shown_in(columns: Iterable[str]) -> None:
    """A currency column would be validated and then not applied: batch rows are figures in
    US dollars. Refused, not half-read."""
    for column in columns:
        if INPUT_NAMES.get(str(column).strip().casefold()) == "currency":
            raise UsageError(
                f"the column '{column}' is not read: batch figures are in US dollars, "
                "whatever a row asks; leave the column out (a single estimate converts)"
            )


def check_profile_columns(header: list[str]) -> None:
    refuse_shown_in(header)
    if not any(c.strip().casefold() in INPUT_NAMES for c in header):
        known = ", ".join(
            sorted({k for k, f in INPUT_NAMES.items() if "-" not in k and f != "currency"})
        )
        raise UsageError(f"the input has no profile column; name columns after: {known}")


# A row as read: its cells, one per column (CSV), or an object by its keys (JSON).
Row = list[str] | dict[str, Any]


@dataclass
class Chunk:
    """Rows read together, in order: the line each starts on; its cells, or what stands in
    its place when there is none (NotARow); and for a CSV row, its line where it can be
    written back as it is (what the csv module writes of its cells), else None."""

    lines: list[int]
    rows: list[Row | NotARow]
    plains: list[str | None]


def read_rows(stream: IO[str]) -> tuple[list[str], Iterator[Chunk]]:
    """The header, and the data rows a chunk at a time. Most chunks are read whole: their
    lines split at commas, the few with quotes read by the csv module together
    (_whole_lines). A chunk where a quoted cell may run over a line end, or any other case,
    is read line by line as the csv module would read it, which takes the further lines of
    a quoted cell (line_by_line)."""
    source = _Lines(stream)
    reader = csv.reader(source, strict=True)  # strict: an unterminated quote is an error
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError("the input is empty: it needs a header row of column names") from None
    except csv.Error as error:
        raise UsageError(f"line 1: the header is not CSV: {error}") from None
    except UnicodeDecodeError:
        raise UsageError("the input is not UTF-8 text: save it as UTF-8") from None
    if header == [TOO_LONG.rstrip("\n")]:
        raise UsageError(f"line 1: the header is {TOO_LONG_SAID}")
    header = [name.strip() for name in header]
    if header:
        header[0] = header[0].removeprefix("\ufeff")  # a byte-order mark, as Excel writes
    check_header(header)
    width = len(header)
    limit = csv.field_size_limit()

    def line_by_line(line: int) -> tuple[Chunk, int, bool]:
        """Up to CHUNK rows from `line` on; the line after them; whether the input ends."""
        chunk = Chunk([], [], [])
        taken = 1
        try:
            for text in source:
                if text is TOO_LONG:
                    _stop(chunk, line, TOO_LONG_SAID)
                    line += 1
                    continue
                stripped = text.rstrip("\r\n")
                plain: str | None = stripped
                before = reader.line_num
                try:
                    if '"' in stripped or "\r" in stripped:  # quoted: the csv module's to read
                        source.pending.append(text)
                        cells = next(reader, [])
                        taken, plain = reader.line_num - before, None
                    else:
                        cells, taken = stripped.split(",") if stripped else [], 1
                        if len(stripped) > limit and max(map(len, cells)) > limit:
                            raise csv.Error(f"field larger than field limit ({limit})")  # as csv's
                except csv.Error as error:  # a stray quote, a cell too long: that row only
                    _stop(chunk, line, f"not CSV: {error}")
                    line += max(reader.line_num - before, 1)
                    continue
                if cells:  # a blank line holds no row; a row of empty cells is a profile
                    chunk.lines.append(line)
                    _fit(chunk, cells, plain, width)
                line += taken
                if len(chunk.rows) == CHUNK:
                    return chunk, line, False
        except UnicodeDecodeError:
            _stop(chunk, line + taken - 1, f"not CSV from here on: {NOT_UTF8}")
        return chunk, line, True

    def chunks() -> Iterator[Chunk]:
        line = reader.line_num + 1
        ended = False
        while not ended:
            block = source.take(CHUNK)
            chunk = None if source.error else _whole_lines(block, line, width, limit)
            if chunk is None:
                source.pending.extend(reversed(block))
                chunk, line, ended = line_by_line(line)
            else:
                line += len(block)
                ended = len(block) < CHUNK
            if chunk.rows:
                yield chunk

    return header, chunks()


class _Lines:
    """A stream's lines, with lines put back to be read again first (the last first). A
    line that is not UTF-8 ends them: its error is raised each time a further one is read."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines = capped_lines(stream)
        self.pending: list[str] = []
        self.error: UnicodeDecodeError | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pending:
            return self.pending.pop()
        if self.error is not None:
            raise self.error
        try:
            return next(self.lines)
        except UnicodeDecodeError as error:
            self.error = error
            raise

    def take(self, count: int) -> list[str]:
        """Up to `count` lines, read at C speed; fewer where the input ends or stops being
        UTF-8 (the error is raised when the next line is read)."""
        block = [self.pending.pop() for _ in range(min(count, len(self.pending)))]
        if self.error is None:
            try:
                block.extend(islice(self.lines, count - len(block)))
            except UnicodeDecodeError as error:
                self.error = error
        return block


def _whole_lines(block: list[str], line: int, width: int, limit: int) -> Chunk | None:
    """The rows of these lines (from `line` on), when each line holds one row and nothing
    the csv module reads otherwise than a split at commas, bar quotes within the line; else
    None. Lines with quotes are read by the csv module together: each must give one row."""
    if TOO_LONG in block:  # line by line, where it is said
        return None
    stripped = [text.rstrip("\r\n") for text in block]
    joined = "\n".join(stripped)
    if "\r" in joined or (len(joined) > limit and max(map(len, stripped)) > limit):
        return None
    cells = [text.split(",") for text in stripped]
    plains: list[str | None] = list(stripped)
    if '"' in joined:
        quoted = [i for i, text in enumerate(stripped) if '"' in text]
        try:
            records = list(csv.reader([block[i] for i in quoted], strict=True))
        except csv.Error:
            return None
        if len(records) != len(quoted):  # a quoted cell ran over a line end
            return None
        for index, record in zip(quoted, records, strict=True):
            cells[index] = record
            if not _written_as_read(stripped[index]):
                plains[index] = None
    lines = list(range(line, line + len(block)))
    if "" not in stripped and list(map(len, cells)).count(width) == len(cells):
        return Chunk(lines, cast(list[Row | NotARow], cells), plains)
    chunk = Chunk([], [], [])  # blank lines, short or long rows: each as line_by_line does
    for at, row, plain in zip(lines, cells, plains, strict=True):
        if plain != "":
            chunk.lines.append(at)
            _fit(chunk, row, plain, width)
    return chunk


def _written_as_read(line: str) -> bool:
    """Whether a line with quotes is what the csv module writes of its cells (so that it can
    be written back as it is): one quoted cell, which needs its quotes (it holds a comma, and
    no quote). Whether a cell starts as a formula would is the writer's to look for."""
    first, last = line.find('"'), line.rfind('"')
    return (
        line.count('"') == 2
        and (first == 0 or line[first - 1] == ",")
        and (last == len(line) - 1 or line[last + 1] == ",")
        and "," in line[first + 1 : last]
    )


def _fit(chunk: Chunk, cells: list[str], plain: str | None, width: int) -> None:
    """A row read into the chunk: too many cells, NotARow; too few, the rest empty."""
    if len(cells) > width:
        said = f"{len(cells)} cells, but the header names {width} columns"
        chunk.rows.append(NotARow(said))
        chunk.plains.append(None)
        return
    short = width - len(cells)
    if short:
        cells += [""] * short
        plain = None if plain is None else plain + "," * short
    chunk.rows.append(cells)
    chunk.plains.append(plain)


def _stop(chunk: Chunk, line: int, message: str) -> None:
    """What stops the reading, said at its line, as the chunk's last row."""
    chunk.lines.append(line)
    chunk.rows.append(NotARow(message))
    chunk.plains.append(None)


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
            _stop(chunk, last + 1, f"not JSON Lines from here on: {NOT_UTF8}")
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


def _in_columns(row: Row | NotARow, columns: set[str]) -> Row | NotARow:
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
                _remember(self.said, warnings, said, SAID_LIMIT)
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


WRITERS: dict[str, Callable[..., CsvWriter | JsonLinesWriter]] = {
    "csv": CsvWriter,
    "jsonl": JsonLinesWriter,
}
READERS: dict[str, Callable[[IO[str]], tuple[list[str], Iterator[Chunk]]]] = {
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
    header, chunks = READERS[input_format](source)
    if input_format == "csv":
        check_profile_columns(header)
    estimator = BatchEstimator(catalog)
    # A batch's own output read again: its old results give way to the new ones.
    kept = [i for i, c in enumerate(header) if c.casefold() not in OUTPUT_COLUMNS]
    passed_on = [header[i] for i in kept]
    if input_format == "jsonl" and output_format == "jsonl":
        passed_on = []  # each object keeps its own keys, none added
    # CSV of objects has the first object's columns: a key it lacks would be lost, so an
    # object naming one is a bad row (JSON Lines output keeps every key).
    columns_of_csv = set(header) if input_format == "jsonl" and output_format == "csv" else None
    columns = None if len(kept) == len(header) else kept
    writer = WRITERS[output_format](target, passed_on, columns)
    profile_columns = [(i, f) for i, c in enumerate(header) if (f := estimator.field(c))]
    written = bad = 0
    for chunk in chunks:
        if columns_of_csv is not None:
            chunk.rows = [_in_columns(row, columns_of_csv) for row in chunk.rows]
        read = chunk.rows
        good: list[Any] = [row for row in read if row.__class__ is not NotARow]
        if input_format == "csv":
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

"""Rows estimated many at once, column by column: each distinct cell is resolved once, each
distinct share of a profile (its band, work, place, employer, credentials; see
engine.Share) made once, and each row's figures combine its shares; bounded memos keep
memory flat."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any, TypeVar

from mlsal.batch.rows import (
    Result,
    band_constants,
    estimate_outputs,
    outputs_of_shares,
    refuse_shown_in,
    remember,
)
from mlsal.catalog import Catalog
from mlsal.dimensions import BY_FIELD, INPUT_NAMES
from mlsal.engine import SHARE_MAKERS, Share, share, share_memo, shares_of_rows
from mlsal.engine.shares import PLACE_FIELDS, RowColumns, place_of, sources_of
from mlsal.errors import MlsalError, UsageError
from mlsal.profile import (
    NOT_GIVEN_TYPES,
    Profile,
    make_profile,
    profile_defaults,
    resolve_field,
    resolve_profile,
)


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
        *self.z_scores, self.band_share = band_constants(catalog)
        self.no_share = Share(catalog)  # stands for the share of a row that takes the single path
        self.bad_fields: set[str] = set()  # fields some cell of which was bad
        self.defaults: dict[str, Any] = vars(Profile()) | profile_defaults(catalog)

    def field(self, column: str) -> str | None:
        found = self.fields.get(column, "")
        if found == "":
            found = INPUT_NAMES.get(column.strip().casefold())
            remember(self.fields, column, found)  # bounded: an estimator lives across calls
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
        values = {field: self.values_of(field, cells, failed) for field, cells in columns.items()}

        def given(name: str) -> Iterable[Any]:
            """Each row's value of a field, its default where no column gives it."""
            found = values.get(name)
            return repeat(self.defaults[name], count) if found is None else found

        places = self.places_of(list(zip(*map(given, PLACE_FIELDS), strict=True)), failed)

        def column(name: str) -> Iterable[Any]:
            return places if name == "place" else given(name)

        shares = shares_of_rows(
            RowColumns(column, lambda kind, keys: self._shares(kind, keys, failed), count)
        )
        results: list[Result] = list(map(self.outputs_of, *shares))
        for index in failed:
            results[index] = self.single({f: cells[index] for f, cells in columns.items()})
        return results

    def single(self, inputs: dict[str, Any]) -> Result:
        """The outputs of one estimate, or its error."""
        try:
            profile = resolve_profile(make_profile(inputs), self.catalog)
            return estimate_outputs(self.catalog, profile)
        except MlsalError as error:
            return _bare(error)

    def values_of(self, field: str, cells: Sequence[Any], failed: set[int]) -> list[Any]:
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
            remember(memo, key, found)
        return found

    def _cell(self, field: str, cell: Any) -> Any:
        """One cell as make_profile reads it and resolve_profile resolves it: a key, a number,
        keys (lists), (company, the name typed for it) or the text of a place (resolved as a
        whole, in _place); the field's default when not given; BAD where it is no value."""
        try:
            return self._read_cell(field, cell)
        except UsageError:
            return BAD

    def _read_cell(self, field: str, cell: Any) -> Any:
        """_cell's value, or the UsageError a single estimate raises for this cell."""
        if type(cell) is Apart:
            cell = cell.value  # make_profile says why it is no value of the field
        value = getattr(make_profile({field: cell}), field)
        if value is None or value == ():
            return self.defaults[field]
        if field in PLACE_FIELDS:
            return value
        found = resolve_field(self.catalog, field, value)
        if found.pop("unlisted", ()):  # an unknown skill is said by the single path
            return BAD
        if field == "company":
            return found["company"], found["company_as_typed"]
        return found[field]

    def cell_error(self, field: str, cell: Any) -> UsageError | None:
        """The error of a row whose one bad cell is this one (a cell values_of found BAD):
        resolve_profile raises it whatever the row's other, good cells are. None where the
        row's other cells may still decide: a level (a company's own rung names), a list
        (an unknown skill is said, and the row estimated)."""
        if field == "level" or BY_FIELD[field].is_list:
            return None
        try:
            self._read_cell(field, _hashable(cell))
        except UsageError as error:
            return _bare(error)
        return None

    def places_of(self, typed: list[tuple[Any, ...]], failed: set[int]) -> list[Any]:
        """Each row's place inputs (engine.shares.PLACE_FIELDS: city, state, country, work
        mode…) resolved together, as the place share's key holds them: they must agree."""

        def make(index: int) -> Any:
            if index in failed:
                return BAD
            place = self._place(*typed[index])
            remember(self.places, typed[index], place)
            return place

        found = _looked_up(self.places, typed, make)
        if BAD in found:
            failed.update(_positions(found, BAD))
        return found

    def _place(self, *typed: Any) -> Any:
        try:
            return place_of(self._resolved_place(typed))
        except UsageError:
            return BAD

    def _resolved_place(self, typed: tuple[Any, ...]) -> Profile:
        return resolve_profile(Profile(**dict(zip(PLACE_FIELDS, typed, strict=True))), self.catalog)

    def place_error(self, typed: tuple[Any, ...]) -> UsageError | None:
        """The error of a row whose place inputs (as places_of reads them) disagree and
        whose other cells are good: resolve_profile checks the place with what the row's
        place inputs say alone."""
        try:
            self._resolved_place(typed)
        except UsageError as error:
            return _bare(error)
        return None

    def _shares(self, kind: str, keys: Iterable[tuple[Any, ...]], failed: set[int]) -> list[Share]:
        """Each row's share of this kind (the engine's, made once per key)."""
        keys = list(keys)

        def make(index: int) -> Share:
            if index not in failed:
                found = self.share_of(kind, keys[index])
                if found is not None:
                    return found
                failed.add(index)  # years no level covers…: the single path says so
            return self.no_share

        return _looked_up(self.memos[kind], keys, make)

    def share_of(self, kind: str, key: tuple[Any, ...]) -> Share | None:
        """The engine's share of this kind and key, or None where it refuses the key."""
        found = self.memos[kind].get(key)
        if found is None:
            try:
                found = share(self.catalog, kind, key)
            except UsageError:
                return None
        return found

    def sources_of_bits(self, shares: tuple[Share, ...]) -> tuple[str, ...]:
        """The sources the shares cite, by id."""
        bits = 0
        for found in shares:
            bits |= found.bits
        return sources_of(self.catalog, bits)

    def _profile_columns(self, row: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The row's columns that name inputs, with the input each names (once per set of
        columns: every object of a JSON Lines file mostly has the same)."""
        columns = tuple(row)
        found = self.columns.get(columns)
        if found is None:
            refuse_shown_in(columns)
            found = [(c, f) for c in columns if (f := self.field(c)) is not None]
            remember(self.columns, columns, found)
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


Error = TypeVar("Error", bound=MlsalError)


def _bare(error: Error) -> Error:
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

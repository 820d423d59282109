"""A data frame estimated a column at a time with NumPy: each column factorized into codes
(each row's index into the column's distinct cells), each distinct cell resolved once by the
batch estimator, each share key laid out by engine.shares_of_rows over codes (CodedColumns:
a key is made once per distinct combination, however many rows hold it), and the figures
combined with NumPy in the order the row path adds them. Every output is the row path's to
the last digit: additions and square roots are IEEE in both, and exp is Python's own
(math.exp), as NumPy's may differ from it in the last bit."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from mlsal.batch.estimator import BOOL_TYPES, BatchEstimator
from mlsal.batch.rows import OUTPUT_COLUMNS, Result
from mlsal.engine import Share
from mlsal.engine.shares import PLACE_FIELDS, said_by
from mlsal.errors import MlsalError

SLICE = 1 << 18  # rows of a frame estimated together: codes for these stay a few MiB

# Integer codes up to this many are made dense by marking them in an array (no sort, no
# hash); a larger space of combinations is sorted (np.unique).
DENSE_CODES = 1 << 22


def numpy_or_none() -> Any:
    """NumPy, which a pandas frame brings and a Polars one may not: without it, frames take
    the row path."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


class Coded:
    """A column as each row's code (a NumPy array of indexes) into its distinct values."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: Any, values: list[Any]) -> None:
        self.codes = codes
        self.values = values


def factorized(np: Any, series: Any) -> Coded | None:
    """A pandas or Polars series' cells as codes into its distinct cells, an empty cell (NA,
    null, NaN) as None; or None where the cells are not plain values (lists, dicts, truth
    values among numbers in one column), which the row path reads one by one."""
    if hasattr(series, "iloc"):  # pandas
        if series.dtype == object:
            return _factorized_cells(np, series.tolist())
        codes, distinct = series.factorize(use_na_sentinel=True)
        values = distinct.tolist()
        codes = np.asarray(codes, dtype=np.intp)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(values), codes)
        return Coded(codes, [*values, None])
    dtype = getattr(series, "dtype", None)  # Polars' (or a series read by to_list alone)
    if dtype is not None and (dtype.is_nested() or dtype.is_object()):
        return None
    if dtype is not None and _hashed_by_polars(dtype):
        return _factorized_polars(np, series)
    if dtype is not None and dtype.is_float():  # each NaN a float of its own: null, one code
        series = series.fill_nan(None)
    return _factorized_cells(np, series.to_list())


def _hashed_by_polars(dtype: Any) -> bool:
    """Texts and whole numbers, whose equality in Polars is a dict's (floats are not: -0.0
    and 0.0, NaN; they take _factorized_cells)."""
    import polars as pl

    return dtype.is_integer() or dtype in (pl.String, pl.Categorical) or dtype == pl.Enum


def _factorized_polars(np: Any, series: Any) -> Coded:
    """A Polars column factorized by Polars (hashing in Rust: several times faster than
    Python's list and dict), its distinct cells in the order they first appear."""
    import polars as pl

    distinct = series.drop_nulls().unique(maintain_order=True)
    values = distinct.to_list()
    if not values:  # all empty: one code, None
        return Coded(np.zeros(len(series), dtype=np.intp), [None])
    positions = pl.int_range(len(values), eager=True, dtype=pl.UInt32)
    codes = series.replace_strict(distinct, positions, return_dtype=pl.UInt32)
    if series.null_count():
        codes = codes.fill_null(len(values))
        values.append(None)
    return Coded(codes.to_numpy().astype(np.intp, copy=False), values)


def _factorized_cells(np: Any, cells: list[Any]) -> Coded | None:
    """Cells factorized as a dict keys them, as the row path's memos do (1 and 1.0 alike)."""
    kinds = {type(cell).__name__ for cell in set(map(type, cells))}
    if kinds & BOOL_TYPES and kinds - BOOL_TYPES - {"NoneType", "str"}:
        return None  # True == 1: a dict would take one for the other; the row path does not
    try:
        index = dict.fromkeys(cells)
    except TypeError:  # a list, a dict: no key
        return None
    values = list(index)
    position = dict(zip(values, range(len(values)), strict=True))
    codes = np.fromiter(map(position.__getitem__, cells), dtype=np.intp, count=len(cells))
    return Coded(codes, values)


def dense(np: Any, code: Any, size: int) -> tuple[Any, Any]:
    """Codes 0..k-1 for integer codes below size, and a row holding each (any one: every
    row with a code holds the same combination)."""
    count = len(code)
    if size <= max(DENSE_CODES, 2 * count):
        present = np.zeros(size, dtype=bool)
        present[code] = True
        renumbered = np.cumsum(present, dtype=np.intp) - 1
        codes = renumbered[code]
        distinct = int(renumbered[-1]) + 1 if size else 0
    else:
        _, codes = np.unique(code, return_inverse=True)
        codes = codes.reshape(-1).astype(np.intp)
        distinct = int(codes.max()) + 1 if count else 0
    holder = np.empty(distinct, dtype=np.intp)
    holder[codes] = np.arange(count, dtype=np.intp)
    return codes, holder


class CodedColumns:
    """engine.shares.Columns over codes: each operation on a column runs once per distinct
    value, and a row's value is found by its code. Rows that cannot be estimated here (a
    bad cell, a share the engine refuses) are marked in `failed`, with how many things each
    fails on (`reasons`) and, where one thing alone decides its error, that error (`said`,
    an index into `errors`); the others take the single path, for the error `mlsal
    estimate` gives."""

    def __init__(
        self, np: Any, estimator: BatchEstimator, count: int, fields: dict[str, Coded]
    ) -> None:
        self.np = np
        self.estimator = estimator
        self.count = count
        self.failed = np.zeros(count, dtype=bool)
        self.reasons = np.zeros(count, dtype=np.intp)
        self.said = np.full(count, -1, dtype=np.intp)
        self.errors: list[MlsalError] = []
        self.fields = {name: self._resolved(name, found) for name, found in fields.items()}
        typed = self.zip(*map(self.column, PLACE_FIELDS))
        bad: set[int] = set()
        places = estimator.places_of(typed.values, bad)
        self._fail(typed, bad, lambda at: estimator.place_error(typed.values[at]))
        self.place = self.interned(typed.codes, places)

    def _resolved(self, field: str, cells: Coded) -> Coded:
        bad: set[int] = set()
        values = self.estimator.values_of(field, cells.values, bad)
        self._fail(cells, bad, lambda at: self.estimator.cell_error(field, cells.values[at]))
        return self.interned(cells.codes, values)

    def interned(
        self, codes: Any, values: list[Any], part: Callable[[Any], Any] | None = None
    ) -> Coded:
        """A column whose values equal in part (the whole value, unless part says) share a
        code and the first such value ('SF' and 'San Francisco' resolve alike; most shares
        have one of a few levels): the keys zipped from it are fewer."""
        first: dict[Any, int] = {}
        kept: list[Any] = []
        renumbered = []
        for value in values:
            key = value if part is None else part(value)
            code = first.get(key)
            if code is None:
                code = first[key] = len(kept)
                kept.append(value)
            renumbered.append(code)
        if len(kept) == len(values):
            return Coded(codes, values)
        return Coded(self.np.array(renumbered, dtype=self.np.intp)[codes], kept)

    def _fail(
        self,
        column: Coded,
        positions: Iterable[int],
        error_of: Callable[[int], MlsalError | None] = lambda at: None,
    ) -> None:
        """The rows whose code is one of the positions (in column.values) marked failed, with
        the error error_of gives for a position where that alone decides a row's."""
        np = self.np
        positions = list(positions)
        if not positions:
            return
        bad = np.zeros(len(column.values), dtype=bool)
        bad[positions] = True
        hit = bad[column.codes]
        self.failed |= hit
        self.reasons += hit
        said = np.full(len(column.values), -1, dtype=np.intp)
        for at in positions:
            error = error_of(at)
            if error is not None:
                said[at] = len(self.errors)
                self.errors.append(error)
        self.said = np.where(hit, said[column.codes], self.said)

    def result_of_failed(self, at: int) -> MlsalError | None:
        """A failed row's error where one thing alone decides it, else None."""
        if self.reasons[at] == 1 and (said := int(self.said[at])) >= 0:
            return self.errors[said]
        return None

    def column(self, name: str) -> Coded:
        if name == "place":
            return self.place
        found = self.fields.get(name)
        return self.repeat(self.estimator.defaults[name]) if found is None else found

    def zip(self, *columns: Coded) -> Coded:
        np = self.np
        code = np.zeros(self.count, dtype=np.int64)
        size = 1
        for column in columns:
            width = max(len(column.values), 1)
            if size * width > 1 << 62:  # compacted first: the product stays an int64
                code, holder = dense(np, code, size)
                size = len(holder)
            code = code * width + column.codes
            size *= width
        codes, holder = dense(np, code, size)
        parts = [
            map(column.values.__getitem__, column.codes[holder].tolist()) for column in columns
        ]
        return Coded(codes, list(zip(*parts, strict=True)))

    def map(self, function: Any, column: Coded) -> Coded:
        return self.interned(column.codes, list(map(function, column.values)))

    def repeat(self, value: Any) -> Coded:
        return Coded(self.np.zeros(self.count, dtype=self.np.intp), [value])

    def shares(self, kind: str, keys: Coded) -> Coded:
        """Each distinct key's share, made by the engine for the keys of rows not failed."""
        np, estimator = self.np, self.estimator
        wanted = np.zeros(len(keys.values), dtype=bool)
        wanted[keys.codes[~self.failed]] = True
        made: list[Share] = []
        refused = []
        for at, (key, want) in enumerate(zip(keys.values, wanted.tolist(), strict=True)):
            found = estimator.share_of(kind, key) if want else estimator.no_share
            if found is None:  # years no level covers…: the single path says so
                refused.append(at)
                found = estimator.no_share
            made.append(found)
        self._fail(keys, refused)
        return Coded(keys.codes, made)


@dataclass
class CodedOutputs:
    """A slice's outputs as columns: low, median and high (NumPy integers; 0 where a row
    failed), the band's share, sources and warnings as codes into their distinct tuples, and
    each failed row's result (its error, or its outputs where the single path found some)."""

    low: Any
    median: Any
    high: Any
    band: float
    sources: Coded
    warnings: Coded
    failed: dict[int, Result]

    def columns(self) -> dict[str, list[Any]]:
        """As lists by name (OUTPUT_COLUMNS, then each row's error: the exception itself,
        or None), each row's sources and warnings as a tuple."""
        low, median, high = self.low.tolist(), self.median.tolist(), self.high.tolist()
        count = len(low)
        band: list[float | None] = [self.band] * count
        sources = list(map(self.sources.values.__getitem__, self.sources.codes.tolist()))
        warnings = list(map(self.warnings.values.__getitem__, self.warnings.codes.tolist()))
        error: list[Exception | None] = [None] * count
        for at, result in self.failed.items():
            if isinstance(result, Exception):
                error[at] = result
                low[at] = median[at] = high[at] = band[at] = sources[at] = warnings[at] = None
            else:
                low[at], median[at], high[at], band[at], sources[at], warnings[at] = result
        figures = (low, median, high, band, sources, warnings, error)
        return dict(zip((*OUTPUT_COLUMNS, "error"), figures, strict=True))


def estimate_coded(
    np: Any, estimator: BatchEstimator, count: int, fields: dict[str, Coded]
) -> CodedOutputs:
    """The outputs of `count` rows given as coded cells by field."""
    from mlsal.engine import shares_of_rows

    columns = CodedColumns(np, estimator, count, fields)
    band, work, place, employer, credentials = shares_of_rows(columns)
    shares = (band, work, place, employer, credentials)

    def each(column: Coded, value: Callable[[Share], float]) -> Any:
        """Each row's value of its share of this column, as floats."""
        return np.array(list(map(value, column.values)), dtype=np.float64)[column.codes]

    logs = [each(column, attrgetter("log_sum")) for column in shares]
    variances = [each(column, attrgetter("variance")) for column in shares]
    # As engine.shares.median_and_sigma adds them: the band, then the others in order.
    log_median = logs[0] + (((logs[1] + logs[2]) + logs[3]) + logs[4])
    variance = variances[0] + (((variances[1] + variances[2]) + variances[3]) + variances[4])
    own = np.array([s.spread is not None for s in employer.values], dtype=bool)[employer.codes]
    banded = np.array([s.band is not None for s in band.values], dtype=bool)[band.codes]
    square = each(employer, lambda s: 0.0 if s.spread is None else s.spread**2)
    within = each(band, lambda s: 0.0 if s.band is None else s.band.sigma_within**2)
    variance = np.where(own & banded, variance + (square - within), variance)
    median = _exp(np, log_median)
    sigma = np.sqrt(variance)
    z_low, z_high = estimator.z_scores
    low, high = median * _exp(np, sigma * z_low), median * _exp(np, sigma * z_high)

    sources = _combined(columns, shares, _BITS, estimator.sources_of_bits)
    warnings = _combined(columns, shares, _SAID, lambda found: said_by(*found))
    failed: dict[int, Result] = {}
    for at in np.flatnonzero(columns.failed).tolist():
        said = columns.result_of_failed(at)
        if said is None:  # more than one thing may decide: the row path says which
            row = {name: cells.values[cells.codes[at]] for name, cells in fields.items()}
            failed[at] = estimator.single(row)
        else:
            failed[at] = said
    low, median, high = (np.rint(values).astype(np.int64) for values in (low, median, high))
    return CodedOutputs(low, median, high, estimator.band_share, sources, warnings, failed)


def _exp(np: Any, values: Any) -> Any:
    """math.exp of each value (see the module's note)."""
    return np.fromiter(map(math.exp, values.tolist()), dtype=np.float64, count=len(values))


_BITS = attrgetter("bits")
_SAID = attrgetter("warned", "noticed", "flagged", "last")  # all said_by reads of a share


def _combined(
    columns: CodedColumns,
    shares: tuple[Coded, ...],
    part: Callable[[Share], Any],
    make: Callable[[tuple[Share, ...]], Any],
) -> Coded:
    """What make gives of each row's shares, where it reads only part of each share: made
    once per distinct combination of those parts (a few, where rows number millions)."""
    kept = [columns.interned(column.codes, column.values, part) for column in shares]
    together = columns.zip(*kept)
    return Coded(together.codes, list(map(make, together.values)))

"""The public Python API, on which the CLI is built.

    >>> import mlsal
    >>> result = mlsal.estimate(years=3, city="SF")          # keyword inputs
    >>> result = mlsal.estimate({"years": 3, "city": "SF"})  # or a mapping (a CSV or pandas row)
    >>> result["low"] <= result["median"] <= result["high"]
    True

`estimate` returns the object `mlsal estimate --format json` prints. Bad input raises
`mlsal.UsageError` (whose message names the value and the nearest valid ones); a broken data
directory raises `mlsal.DataError`. The shipped data is loaded once per process (and per set
of `data_dirs`), so calling `estimate` once per row of a data frame is cheap.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsal.catalog import Catalog
from mlsal.dimensions import INPUT_NAMES
from mlsal.errors import UsageError
from mlsal.names import did_you_mean, nearest
from mlsal.paused_gc import paused_gc
from mlsal.profile import Profile, make_profile, resolve_profile
from mlsal.result import Estimate

if TYPE_CHECKING:
    from mlsal.batch import BatchEstimator

__all__ = [
    "INPUT_NAMES",
    "catalog",
    "estimate",
    "estimate_columns",
    "estimate_frame",
    "estimate_many",
    "estimate_result",
    "make_profile",
]

_catalogs: dict[tuple[Path, ...], Catalog] = {}


def catalog(data_dirs: Iterable[str | Path] = (), pay: str = "default") -> Catalog:
    """The shipped data plus any directories of your own, loaded and checked once, read for
    one pay: 'base', 'gross' or the method's 'default' (see Catalog.for_pay)."""
    from mlsal.load import load_catalog

    key = tuple(Path(d) for d in data_dirs)
    if key not in _catalogs:
        _catalogs[key] = load_catalog(key)
    found = _catalogs[key]
    return found.for_pay(pay_of(found, pay))


def forget_catalogs() -> None:
    """Load the data afresh on the next call: a process forked from one that loaded them
    shares its open cache file, whose position the two would move under each other."""
    _catalogs.clear()


PAYS = ("base", "gross")


def pay_of(data: Catalog, pay: str) -> str:
    """'base' or 'gross' as asked ('default': the method's), or a UsageError."""
    if pay == "default":
        return data.method.pay.default
    if pay not in PAYS:
        raise UsageError(f"unknown pay '{pay}'; known: {', '.join(PAYS)}")
    return pay


def estimate_result(
    inputs: Mapping[str, Any] | Profile | None = None,
    *,
    data_dirs: Iterable[str | Path] = (),
    real: bool = False,
    pay: str = "default",
    **more: Any,
) -> Estimate:
    """The estimate as an object (see mlsal.result.Estimate); the CLI renders this. `real`
    adds what the pay buys at US-average prices (BEA price parities), for a US city. `pay`:
    'base' (base salary, the default) or 'gross' (aijobs.net's gross pay)."""
    from mlsal.engine import estimate as run

    data = catalog(data_dirs, pay)
    return run(data, resolve_profile(make_profile(inputs, **more), data), real=real)


def estimate(
    inputs: Mapping[str, Any] | Profile | None = None,
    *,
    data_dirs: Iterable[str | Path] = (),
    pay: str = "default",
    **more: Any,
) -> dict[str, Any]:
    """The estimate for a profile, as the JSON object of `mlsal estimate --format json`.

    Inputs: years, level, city, country, industry, education, company, company_size, role,
    skills, certifications, as_of; as keywords or a mapping. Empty values are not given.
    """
    from mlsal.render.json_data import estimate_data

    return estimate_data(estimate_result(inputs, data_dirs=data_dirs, pay=pay, **more))


MANY_COLUMNS = ("low", "median", "high", "band", "sources", "warnings", "error")


def estimate_many(
    rows: Any,
    *,
    unknown: str = "error",
    errors: str = "raise",
    keep: Iterable[str] = (),
    data_dirs: Iterable[str | Path] = (),
    pay: str = "default",
) -> Iterator[dict[str, Any]]:
    """Estimates for many profiles, in order: one dict per row with low, median, high, band,
    sources, warnings and error, the columns of `mlsal batch`; first, the columns named in
    `keep` (an id, say), passed through so that each result joins back to its row.

    rows: an iterable of mappings (CSV rows, `DataFrame.to_dict("records")`), or a pandas or
    Polars DataFrame itself (only its profile columns are read). Columns are named as the
    estimate's inputs. unknown="error" refuses a column that names no input (with the
    nearest names); "ignore" passes over it (ids, names, teams…). errors="raise" raises
    UsageError at the first bad row, naming the row (from 0); "keep" yields it with its
    figures None and the message in "error". Rows are estimated as `mlsal batch` does, a
    chunk at a time (a frame: a slice of each column), so a frame of a million rows takes
    seconds. What was worked out is kept between calls (bounded), so a frame estimated a slice
    at a time (Spark's batches, Dask's partitions) runs at the speed of one call.
    """
    index = 0
    for block in _blocks(rows, unknown, errors, _kept_columns(keep), data_dirs, pay):
        said = block["error"]
        bad = _bad_rows(said)
        for name in ("sources", "warnings"):  # each row's a list of its own, made as it goes
            texts = block[name]
            for at in bad:
                texts[at] = ()
            block[name] = map(list, texts)  # type: ignore[assignment]
        # Rows made at C speed: a row at a time, without a Python step for each good row.
        made = map(dict, map(zip, itertools.repeat(list(block)), zip(*block.values(), strict=True)))
        done = 0
        for at in bad:
            yield from itertools.islice(made, at - done)
            row = next(made)
            row["sources"] = row["warnings"] = None
            row["error"] = _said(said[at], index + at, errors)  # raised here, in the rows' order
            yield row
            done = at + 1
        yield from made
        index += len(said)


def estimate_columns(
    rows: Any,
    *,
    unknown: str = "error",
    errors: str = "raise",
    keep: Iterable[str] = (),
    data_dirs: Iterable[str | Path] = (),
    pay: str = "default",
) -> dict[str, list[Any]]:
    """What estimate_many gives, as columns: {column: one value per row}, the kept columns
    first. A frame is built from columns at columnar cost, from dicts at a row's:
    `pd.DataFrame(found, index=df.index)`, `pl.DataFrame(found)`. Arguments as estimate_many's.
    """
    with paused_gc():
        return _listed(_columns(rows, unknown, errors, _kept_columns(keep), data_dirs, pay))


def _listed(columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The columns with each row's sources and warnings as a list of its own (JSON's shape)."""
    bad = _bad_rows(columns["error"])
    for name in ("sources", "warnings"):
        texts = columns[name]
        for at in bad:  # a bad row's is None: no list
            texts[at] = ()
        texts = columns[name] = list(map(list, texts))
        for at in bad:
            texts[at] = None
    return columns


def _columns(
    rows: Any,
    unknown: str,
    errors: str,
    kept: tuple[str, ...],
    data_dirs: Iterable[str | Path],
    pay: str,
) -> dict[str, list[Any]]:
    """estimate_columns' columns, sources and warnings as the outputs' own tuples (the
    few distinct ones shared by many rows), which each kind of frame turns into lists."""
    columns: dict[str, list[Any]] = {name: [] for name in (*kept, *MANY_COLUMNS)}
    index = 0
    for block in _blocks(rows, unknown, errors, kept, data_dirs, pay):
        said = block["error"]
        for at in _bad_rows(said):
            said[at] = _said(said[at], index + at, errors)
        index += len(said)
        for name, values in block.items():
            columns[name].extend(values)
    return columns


def _bad_rows(said: list[Any]) -> list[int]:
    """Where the rows' errors are (at C speed: most rows have none)."""
    return [at for at, error in enumerate(said) if error is not None] if any(said) else []


WHOLE_NUMBERS = ("low", "median", "high")  # kept whole where a bad row leaves a gap


def estimate_frame(
    frame: Any,
    *,
    unknown: str = "error",
    errors: str = "raise",
    keep: Iterable[str] = (),
    data_dirs: Iterable[str | Path] = (),
    pay: str = "default",
) -> Any:
    """What estimate_columns gives, as a frame of the kind given: a pandas frame on the
    frame's index (`df.join(found)`), or a Polars frame in its rows' order
    (`pl.concat([df, found], how="horizontal")`). Figures stay whole numbers where bad rows
    leave gaps (pandas: Int64). Arguments as estimate_many's."""
    import importlib

    library = type(frame).__module__.partition(".")[0]
    if library not in ("pandas", "polars"):
        kind = type(frame).__name__
        raise UsageError(f"estimate_frame takes a pandas or Polars data frame, got a {kind}")
    with paused_gc():
        found = _columns(frame, unknown, errors, _kept_columns(keep), data_dirs, pay)
        if library == "pandas":
            pd = importlib.import_module("pandas")
            whole = dict.fromkeys(WHOLE_NUMBERS, "Int64")
            return pd.DataFrame(_listed(found), index=frame.index).astype(whole)
        pl = importlib.import_module("polars")
        for name in ("sources", "warnings"):
            found[name] = _polars_lists(pl, found[name])
        return pl.DataFrame(found)


def _polars_lists(pl: Any, values: list[tuple[str, ...] | None]) -> Any:
    """A Polars column of lists of texts (None: a bad row's null), made from its distinct
    tuples and gathered. The distinct tuples are built as one column of texts grouped by
    tuple (Polars builds a list from a Python list one cell at a time: for 100,000 distinct
    warnings, longer than the estimate); each tuple ends with a null, dropped, so that an
    empty one keeps its group."""
    codes: dict[tuple[str, ...], int] = {}
    at: list[int | None] = []
    for value in values:
        if value is None:
            at.append(None)  # gathered as a null
            continue
        code = codes.get(value)
        if code is None:
            code = codes[value] = len(codes)
        at.append(code)
    owner = [code for code, texts in enumerate(codes) for _ in range(len(texts) + 1)]
    texts = [text for each in codes for text in (*each, None)]
    lists = (
        pl.DataFrame(
            {"owner": owner, "text": texts}, schema={"owner": pl.UInt32, "text": pl.String}
        )
        .group_by("owner", maintain_order=True)
        .agg(pl.col("text").drop_nulls())
        .get_column("text")
    )
    return lists.gather(pl.Series(at, dtype=pl.UInt32))


def _blocks(
    rows: Any,
    unknown: str,
    errors: str,
    kept: tuple[str, ...],
    data_dirs: Iterable[str | Path],
    pay: str,
) -> Iterator[dict[str, list[Any]]]:
    """The arguments checked (`kept` by _kept_columns), then the rows' results a block at a
    time, as columns: those kept, then MANY_COLUMNS, with each row's sources and warnings as
    the outputs' tuples and its error as the exception itself (said by the caller, in the
    rows' order)."""
    if unknown not in ("error", "ignore"):
        raise UsageError(f"unknown must be 'error' or 'ignore', got {unknown!r}")
    if errors not in ("raise", "keep"):
        raise UsageError(f"errors must be 'raise' or 'keep', got {errors!r}")
    yield from _results_of(rows, warm_estimator(catalog(data_dirs, pay)), unknown, kept)


def _said(error: Exception, index: int, errors: str) -> str:
    """A bad row's message (errors="keep"), or its UsageError raised (errors="raise"); any
    other error is a bug, raised as it is."""
    if not isinstance(error, UsageError):
        raise error
    if errors == "raise":
        raise UsageError(f"row {index}: {error}") from None
    return str(error)


SLICE = 1 << 18  # rows of a frame estimated together: enough to share the work

ESTIMATORS_KEPT = 64  # threads whose estimator is kept warm at once, per catalog


def warm_estimator(data: Catalog) -> BatchEstimator:
    """The estimator estimate_many uses for this catalog in this thread, kept between calls:
    its memos are bounded, and an estimator is not shared between threads (Dask's)."""
    from mlsal.batch import BatchEstimator

    estimators: dict[int, BatchEstimator] = data.memo.table("estimators")
    thread = threading.get_ident()
    found = estimators.get(thread)
    if found is None:
        if len(estimators) >= ESTIMATORS_KEPT:
            estimators.clear()
        found = estimators[thread] = BatchEstimator(data)
    return found


def _kept_columns(keep: Iterable[str]) -> tuple[str, ...]:
    """The columns estimate_many passes through: names, none of them an output's."""
    kept = (keep,) if isinstance(keep, str) else tuple(keep)
    for column in kept:
        if not isinstance(column, str):
            raise UsageError(f"keep names columns by their names, got {column!r}")
        if column in MANY_COLUMNS:
            raise UsageError(f"keep names '{column}', an output of estimate_many; rename it")
    return kept


def _results_of(
    rows: Any, estimator: BatchEstimator, unknown: str, kept: tuple[str, ...]
) -> Iterator[dict[str, list[Any]]]:
    """The rows' results a block at a time (see _blocks). A data frame is read by its
    profile columns (and those kept), a slice of each at a time: coded (mlsal.batch.columnar)
    where NumPy is at hand and the cells are plain values, else a chunk of rows at a time."""
    from mlsal.batch import CHUNK, check_profile_columns

    if type(rows).__name__ == "LazyFrame" and callable(getattr(rows, "collect", None)):
        rows = rows.collect()  # a Polars query: its rows, once
    columns = getattr(rows, "columns", None)
    if columns is None or isinstance(rows, Mapping) or not hasattr(rows, "__getitem__"):
        checked: set[tuple[str, ...]] = set()
        each = iter(rows)
        while chunk := list(itertools.islice(each, CHUNK)):
            for row in chunk:  # a None, a number (a Series' values): no row of inputs
                if not isinstance(row, Mapping):
                    kind = type(row).__name__
                    raise UsageError(f"each row must be a mapping of inputs, got a {kind}")
            if unknown == "error":
                for row in chunk:
                    if (names := tuple(row)) not in checked:
                        _refuse_unknown(names, estimator, kept)
                        checked.add(names)
            carried = {column: [row.get(column) for row in chunk] for column in kept}
            with paused_gc():
                found = _block(estimator.estimate_rows(chunk))
            yield carried | found
        return
    header = [str(c) for c in columns]
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:  # rows[column] would be a frame, and the last column would win
        raise UsageError(f"the frame names a column twice: {', '.join(twice)}")
    missing = [column for column in kept if column not in header]
    if missing:
        hint = did_you_mean(nearest(missing[0], header))
        raise UsageError(f"keep names '{missing[0]}', which the frame has no column of{hint}")
    if unknown == "error":
        _refuse_unknown(tuple(header), estimator, kept)
    check_profile_columns(header)
    by_name = dict(zip(header, columns, strict=True))
    series = {field: rows[by_name[name]] for name in header if (field := estimator.field(name))}
    passed = {column: rows[by_name[column]] for column in kept}
    count = len(rows)
    for start in range(0, count, SLICE):
        size = min(SLICE, count - start)
        carried = {column: _as_list(values, start, size) for column, values in passed.items()}
        with paused_gc():
            coded = _coded(estimator, series, start, size)
        if coded is not None:
            yield carried | coded
            continue
        for first in range(start, start + size, CHUNK):
            length = min(CHUNK, start + size - first)
            by_field = {field: _as_list(values, first, length) for field, values in series.items()}
            at = first - start
            part = {name: cells[at : at + length] for name, cells in carried.items()}
            with paused_gc():
                found = _block(estimator.estimate_columns(length, by_field))
            yield part | found


def _coded(
    estimator: BatchEstimator, series: dict[str, Any], start: int, size: int
) -> dict[str, list[Any]] | None:
    """A slice of a frame's results, estimated coded (mlsal.batch.columnar); None where the
    slice must take the row path (no NumPy; a column of lists or mixed truth values)."""
    from mlsal.batch.columnar import estimate_coded, factorized, numpy_or_none

    np = numpy_or_none()
    if np is None:
        return None
    fields = {}
    for field, values in series.items():
        found = factorized(np, _sliced(values, start, size))
        if found is None:
            return None
        fields[field] = found
    return estimate_coded(np, estimator, size, fields).columns()


def _block(results: list[Any]) -> dict[str, list[Any]]:
    """A chunk's results (outputs, or the error that makes a row no estimate) as columns."""
    count = len(results)
    error: list[Any] = [None] * count
    for at, result in enumerate(results):
        if isinstance(result, Exception):  # few rows: each taken apart here
            error[at] = result
            results[at] = NO_OUTPUTS
    outputs = map(list, zip(*results, strict=True)) if results else ([],) * 6
    return dict(zip(MANY_COLUMNS, (*outputs, error), strict=True))


NO_OUTPUTS = (None, None, None, None, None, None)  # a bad row's figures


def _sliced(series: Any, start: int, length: int) -> Any:
    """A slice of a pandas or Polars series, by position (whatever a pandas index says)."""
    if hasattr(series, "iloc"):
        return series.iloc[start : start + length]
    return series.slice(start, length)


def _as_list(series: Any, start: int, length: int) -> list[Any]:
    """A slice of a pandas or Polars series, as a list."""
    part = _sliced(series, start, length)
    return part.tolist() if hasattr(part, "iloc") else part.to_list()  # type: ignore[no-any-return]


def _refuse_unknown(columns: tuple[str, ...], estimator: Any, kept: tuple[str, ...]) -> None:
    """A column that names no input (and is not kept), with the nearest input names."""
    for column in columns:
        if estimator.field(column) is None and column not in kept:
            hint = did_you_mean(nearest(str(column), list(INPUT_NAMES)))
            raise UsageError(
                f"unknown input '{column}'{hint} (unknown=\"ignore\" passes over such columns)"
            )

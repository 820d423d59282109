"""mlsal.estimate_many: many profiles from mappings or a data frame, in order, as `mlsal
batch` estimates them; and the batch path gives what one estimate at a time gives."""

from __future__ import annotations

import csv
import importlib.util
import io
import random
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import mlsal
from mlsal.api import catalog
from mlsal.batch import BadRow, run_batch
from mlsal.engine import estimate
from mlsal.errors import UsageError
from mlsal.profile import make_profile, resolve_profile
from mlsal.render.cells import safe_cell

from conftest import REPO


def _rosters() -> ModuleType:
    """benchmarks/rosters.py, the rosters the batch benchmark runs on, loaded by its path
    (benchmarks/ is no package): the equivalence tests check the inputs speed is measured on."""
    spec = importlib.util.spec_from_file_location(
        "benchmark_rosters", REPO / "benchmarks" / "rosters.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark = _rosters()


def one_at_a_time(row: dict[str, Any]) -> Any:
    """A row's outputs through the path of `mlsal estimate`: resolve, then a whole estimate."""
    inputs = {k: v for k, v in row.items() if k.strip().casefold() in mlsal.api.INPUT_NAMES}
    data = catalog()
    try:
        result = estimate(data, resolve_profile(make_profile(inputs), data))
    except UsageError as error:
        return str(error)
    sources = tuple(s.id for s in result.sources)
    return (result.low, result.median, result.high, result.band_share, sources, result.warnings)


def roster_frame(pd: Any, seed: int, rows: int) -> Any:
    """The varied roster of the benchmark as a pandas frame of texts."""
    roster = benchmark.Roster(random.Random(seed))
    return pd.DataFrame(
        [roster.row(i) for i in range(rows)], columns=benchmark.VARIED_COLUMNS
    ).astype(str)


def generated(kind: str, rows: int, folder: Path) -> list[dict[str, str]]:
    path = folder / f"{kind}.csv"
    benchmark.BUILDERS[kind](path, rows)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reference_csv(rows: list[dict[str, str]], header: list[str]) -> str:
    """What the batch must write: each good row's cells (made safe for spreadsheets) and the
    outputs of one whole estimate, through the csv module alone."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([*header, "low", "median", "high", "band", "sources", "warnings"])
    for row in rows:
        expected = one_at_a_time(row)
        if isinstance(expected, str):
            continue
        low, median, high, band, sources, warnings = expected
        cells = [safe_cell(row[c]) for c in header]
        writer.writerow(
            [*cells, low, median, high, band, ";".join(sources), safe_cell(" | ".join(warnings))]
        )
    return text.getvalue()


@pytest.mark.parametrize("kind", ["typical", "varied"])
def test_the_batch_path_writes_what_single_estimates_give(kind: str, tmp_path: Path) -> None:
    """Byte for byte: `mlsal batch`'s path (lines passed on as read, rows estimated a chunk
    at a time from shares) against one whole estimate per row written by the csv module, on
    both benchmark inputs (typos, aliases, quoted cells, every column); and each bad row's
    error is the single estimate's."""
    rows = generated(kind, 5_000, tmp_path)
    header = list(rows[0])
    out = io.StringIO()
    bad: list[BadRow] = []
    with (tmp_path / f"{kind}.csv").open(newline="", encoding="utf-8") as source:
        run_batch(catalog(), source, out, "csv", bad.append)
    assert out.getvalue() == reference_csv(rows, header)
    errors = [(r.line - 2, r.message) for r in bad]
    assert errors == [
        (i, message) for i, row in enumerate(rows) if isinstance(message := one_at_a_time(row), str)
    ]
    assert kind == "typical" or errors, "the varied input has typos"


def test_mappings_in_order_with_the_batch_columns() -> None:
    rows = [{"years": 3, "city": "SF"}, {"level": "staff"}, {"years": 3, "city": "sf"}]
    results = list(mlsal.estimate_many(rows))
    assert [set(r) for r in results] == [set(mlsal.api.MANY_COLUMNS)] * 3
    single = mlsal.estimate(years=3, city="SF")
    assert (results[0]["low"], results[0]["median"], results[0]["high"]) == (
        single["low"],
        single["median"],
        single["high"],
    )
    assert results[0]["sources"] == [s["id"] for s in single["sources"]]
    assert results[2] == results[0]
    assert results[1]["median"] == mlsal.estimate(level="staff")["median"]


def test_unknown_columns_are_refused_or_passed_over() -> None:
    rows = [{"years": 3, "citty": "SF", "id": 7}]
    with pytest.raises(UsageError, match=r"unknown input 'citty'; did you mean 'city'\?"):
        list(mlsal.estimate_many(rows))
    kept = list(mlsal.estimate_many(rows, unknown="ignore"))
    assert kept[0]["error"] is None and kept[0]["median"] == mlsal.estimate(years=3)["median"]


def test_bad_rows_raise_with_their_number_or_are_kept() -> None:
    rows = [{"city": "SF"}, {"city": "Atlantiss"}, {"city": "NYC"}]
    with pytest.raises(UsageError, match=r"^row 1: unknown city 'Atlantiss'"):
        list(mlsal.estimate_many(rows))
    kept = list(mlsal.estimate_many(rows, errors="keep"))
    assert [r["error"] is None for r in kept] == [True, False, True]
    assert kept[1]["median"] is None and "Atlantiss" in kept[1]["error"]


def test_a_data_frame_with_extra_columns_and_empty_cells() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "employee": ["ana", "bo", "cy"],
            "years": [3, None, 12],  # NaN: not given
            "level": [None, "staff", None],
            "city": ["SF", "Seattle", float("nan")],
        }
    )
    results = pd.DataFrame(list(mlsal.estimate_many(frame, unknown="ignore")), index=frame.index)
    joined = frame.join(results)
    assert list(joined["median"]) == [
        mlsal.estimate(years=3, city="SF")["median"],
        mlsal.estimate(level="staff", city="Seattle")["median"],
        mlsal.estimate(years=12)["median"],
    ]
    with pytest.raises(UsageError, match="unknown input 'employee'"):
        list(mlsal.estimate_many(frame))


def test_partitions_give_what_the_whole_frame_gives() -> None:
    """What Spark's mapInPandas does: the same function over each partition of the frame."""
    pd = pytest.importorskip("pandas")
    frame = roster_frame(pd, 3, 600)

    def estimate_partition(frames: Any) -> Any:
        for part in frames:
            found = mlsal.estimate_many(part, unknown="ignore", errors="keep")
            yield pd.DataFrame(list(found), index=part.index)

    parts = [frame.iloc[start : start + 137] for start in range(0, len(frame), 137)]
    by_parts = pd.concat(list(estimate_partition(iter(parts))))
    whole = next(estimate_partition(iter([frame])))

    def plain(result: Any) -> list[tuple[Any, ...]]:
        return [
            tuple(None if value != value else value for value in row)  # NaN and None alike
            for row in result[["low", "median", "high", "band", "error"]].itertuples()
        ]

    assert plain(by_parts) == plain(whole)
    assert list(by_parts["sources"]) == list(whole["sources"])
    assert 0 < whole["error"].notna().sum() < len(frame) // 10


def test_a_frame_read_column_by_column_as_polars_offers_it() -> None:
    """A Polars frame is no pandas frame: columns named by `columns`, each a Series read a
    slice at a time (`slice(offset, length)`, `to_list()`). Only the profile columns are
    read."""

    class Series:
        def __init__(self, values: list[Any]) -> None:
            self.values = values

        def slice(self, offset: int, length: int) -> Series:
            return Series(self.values[offset : offset + length])

        def to_list(self) -> list[Any]:
            return self.values

    class Frame:
        columns = ["id", "years", "city"]
        read: list[str] = []

        def __len__(self) -> int:
            return 2

        def __getitem__(self, name: str) -> Series:
            self.read.append(name)
            return Series({"id": [1, 2], "years": [3, 8], "city": ["SF", None]}[name])

    frame = Frame()
    results = list(mlsal.estimate_many(frame, unknown="ignore"))
    assert frame.read == ["years", "city"]
    assert [r["median"] for r in results] == [
        mlsal.estimate(years=3, city="SF")["median"],
        mlsal.estimate(years=8)["median"],
    ]


def test_kept_columns_join_each_result_to_its_row() -> None:
    """What Spark's mapInPandas loses (the index): an id passed through, first in each result."""
    pd = pytest.importorskip("pandas")
    frame = roster_frame(pd, 5, 300)
    shuffled = frame.sample(frac=1, random_state=2).reset_index(drop=True)
    found = list(
        mlsal.estimate_many(shuffled, unknown="ignore", errors="keep", keep=["employee_id"])
    )
    assert [r["employee_id"] for r in found] == list(shuffled["employee_id"])
    assert list(found[0])[:2] == ["employee_id", "low"]
    by_id = {r["employee_id"]: r for r in found}
    plain = list(mlsal.estimate_many(frame, unknown="ignore", errors="keep"))
    for row_id, result in zip(frame["employee_id"], plain, strict=True):
        assert by_id[row_id] | {} == {"employee_id": row_id} | result
    assert any(r["error"] for r in found) and any(r["error"] is None for r in found)
    # mappings: a row without the key keeps None; a kept key is no unknown input
    rows = [{"id": 1, "years": 3}, {"years": 4}]
    assert [r["id"] for r in mlsal.estimate_many(rows, keep="id")] == [1, None]


def test_keep_names_columns_the_rows_have_and_no_output() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": [1], "years": [3]})
    with pytest.raises(UsageError, match="keep names 'idd', which the frame has no column of"):
        list(mlsal.estimate_many(frame, keep=["idd"]))
    with pytest.raises(UsageError, match="keep names 'median', an output"):
        list(mlsal.estimate_many(frame, keep=["median"]))
    with pytest.raises(UsageError, match="unknown input 'id'"):
        list(mlsal.estimate_many(frame))  # not kept: an unknown column, as before


def test_calls_in_one_thread_share_a_warm_estimator_and_threads_do_not() -> None:
    """Spark and Dask call estimate_many once per batch: what one call worked out serves the
    next (bounded memos), and no estimator is shared between threads."""
    import threading

    data = catalog()
    first = mlsal.api.warm_estimator(data)
    assert mlsal.api.warm_estimator(data) is first
    list(mlsal.estimate_many([{"years": 3, "city": "Boston"}]))
    assert first.cells["city"], "the call used (and filled) the warm estimator"
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(mlsal.api.warm_estimator(data)))
    thread.start()
    thread.join()
    assert other[0] is not first
    assert mlsal.api.warm_estimator(catalog(pay="gross")) is not first  # per catalog read


def test_estimate_columns_is_estimate_many_as_columns() -> None:
    """Row for row and column for column, bad rows and kept columns included, in chunks."""
    pd = pytest.importorskip("pandas")
    frame = roster_frame(pd, 8, 700)
    arguments: dict[str, Any] = {"unknown": "ignore", "errors": "keep", "keep": ["team"]}
    rows = list(mlsal.estimate_many(frame, **arguments))
    columns = mlsal.estimate_columns(frame, **arguments)
    assert list(columns) == list(rows[0])
    assert columns == {name: [row[name] for row in rows] for name in rows[0]}
    assert any(columns["error"]) and columns["low"].count(None) == sum(map(bool, columns["error"]))
    bad = columns["error"].index(next(e for e in columns["error"] if e))
    with pytest.raises(UsageError, match=f"^row {bad}: "):
        mlsal.estimate_columns(frame, unknown="ignore")


def test_estimate_frame_gives_a_frame_of_the_kind_given() -> None:
    """pandas: on the frame's own index, whole numbers kept whole beside bad rows; Polars: in
    its rows' order, lists of texts; anything else refused."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"years": ["3", "x", "12"], "city": ["SF", "SF", "Seattle"]}, index=[30, 10, 20]
    )
    found = mlsal.estimate_frame(frame, errors="keep")
    assert list(found.index) == [30, 10, 20]
    assert str(found["median"].dtype) == "Int64" and found["median"].isna().tolist() == [
        False,
        True,
        False,
    ]
    assert found.loc[20, "median"] == mlsal.estimate(years=12, city="Seattle")["median"]
    assert found.loc[10, "error"].startswith("years must be a number")
    pl = pytest.importorskip("polars")
    polars_frame = pl.from_pandas(frame.reset_index(names="id"))
    done = mlsal.estimate_frame(polars_frame, errors="keep", keep=["id"])
    assert done["id"].to_list() == [30, 10, 20]
    assert done["median"].to_list() == [found.loc[i, "median"] for i in (30, 10, 20)][:1] + [
        None,
        found.loc[20, "median"],
    ]
    assert done["sources"].to_list()[0] == list(found.loc[30, "sources"])
    assert done["sources"].to_list()[1] is None
    with pytest.raises(UsageError, match="takes a pandas or Polars data frame, got a list"):
        mlsal.estimate_frame([{"years": 3}])


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_a_frame_estimated_coded_gives_the_row_path_to_the_digit(library: str) -> None:
    """A frame of plain columns takes the coded path (mlsal.batch.columnar: NumPy over the
    distinct cells); the same rows as mappings take the row path. Every output is equal, bad
    rows' messages too, and the coded path was taken (a spy counts its calls)."""
    pd = pytest.importorskip("pandas")
    frame = roster_frame(pd, 13, 2_000)
    if library == "polars":
        pl = pytest.importorskip("polars")
        frame = pl.from_pandas(frame)
    import mlsal.batch.columnar as columnar

    taken = []
    real = columnar.estimate_coded

    def spy(*args: Any) -> Any:
        taken.append(args[2])
        return real(*args)

    arguments: dict[str, Any] = {"unknown": "ignore", "errors": "keep"}
    records = frame.to_dict("records") if library == "pandas" else frame.to_dicts()
    by_rows = mlsal.estimate_columns(records, **arguments)
    columnar.estimate_coded = spy
    try:
        coded = mlsal.estimate_columns(frame, **arguments)
    finally:
        columnar.estimate_coded = real
    assert taken == [len(records)]
    assert coded == by_rows
    assert 0 < sum(error is not None for error in coded["error"]) < len(records) // 5

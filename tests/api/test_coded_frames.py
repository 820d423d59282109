"""The coded path for frames (mlsal.batch.columnar) where it differs in how, not in what:
a bad row's message found from its one bad cell without estimating the row again, the
garbage collector paused and restored, and Polars list columns built from distinct tuples."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from test_estimate_many import one_at_a_time

import mlsal
from mlsal.batch.estimator import BatchEstimator

# Each row bad (or odd) in one way, then in two; repeated below among good rows, so that each
# bad cell is one distinct value of its column shared by several rows.
ODD_ROWS: list[dict[str, Any]] = [
    {"years": "abc", "city": "Seattle"},
    {"years": "4", "company": "Amazn"},
    {"years": "7", "industry": "Fintec"},
    {"years": "2", "city": "Portland"},
    {"years": "5", "city": "SF", "country": "Germany"},
    {"years": "-2", "education": "phd"},
    {"company_size": "huge", "years": "3"},
    {"level": "E5", "company": "Amazon"},  # a rung: the company decides, so the row path says
    {"years": "abc", "city": "Atlantiss"},  # two bad cells: the row path says which comes first
    {"years": "6", "skills": "pytorc"},  # an unknown skill: the row path words its warning
]
GOOD_ROWS: list[dict[str, Any]] = [
    {"years": "3", "city": "SF", "company": "Google"},
    {"years": "10", "city": "Seattle", "industry": "Finance"},
    {"level": "senior", "city": "NYC", "company": "Amazon"},
    {"years": "1", "city": "Austin", "education": "masters"},
    {"level": "Staff", "city": "Boston"},  # no warning
]
COLUMNS = ["years", "level", "city", "country", "company", "industry", "education"]
COLUMNS += ["company_size", "skills"]


def mixed_rows(copies: int) -> list[dict[str, Any]]:
    """Good and odd rows interleaved, every row with every column (None where not given)."""
    rows = []
    for copy in range(copies):
        for at, odd in enumerate(ODD_ROWS):
            rows.append(GOOD_ROWS[(copy + at) % len(GOOD_ROWS)])
            rows.append(odd)
    return [{name: row.get(name) for name in COLUMNS} for row in rows]


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_one_bad_cell_names_the_error_without_the_row_path(
    library: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row's outputs and message equal one whole estimate's; the row path (the
    estimator's `single`) runs only for rows where more than one thing may decide: a level
    beside a company, two bad cells, a list with an unknown item."""
    rows = mixed_rows(3)
    frame: Any
    if library == "pandas":
        frame = pytest.importorskip("pandas").DataFrame(rows, columns=COLUMNS)
    else:
        frame = pytest.importorskip("polars").DataFrame(rows)
    singles: list[dict[str, Any]] = []
    real = BatchEstimator.single

    def counted(self: BatchEstimator, row: dict[str, Any]) -> Any:
        singles.append(row)
        return real(self, row)

    monkeypatch.setattr(BatchEstimator, "single", counted)
    found = mlsal.estimate_columns(frame, errors="keep")
    for at, row in enumerate(rows):
        expected = one_at_a_time(row)
        if isinstance(expected, str):
            assert found["error"][at] == expected, row
            assert found["median"][at] is None
        else:
            low, median, high, band, sources, warnings = expected
            assert found["error"][at] is None, row
            assert (found["low"][at], found["median"][at], found["high"][at]) == (low, median, high)
            assert (found["band"][at], found["sources"][at]) == (band, list(sources))
            assert found["warnings"][at] == list(warnings)
    decided_alone = [{k: v for k, v in row.items() if v is not None} for row in singles]
    assert decided_alone, "the level and two-bad-cell rows take the row path"
    for row in decided_alone:
        assert row.get("level") == "E5" or row.get("city") == "Atlantiss" or row.get("skills"), row


def test_a_frame_raises_at_its_first_bad_row_after_the_rows_before_it() -> None:
    """errors="raise" (the default): the rows before the bad one are given, then the error
    names the bad row's number in the whole frame (past the first slice of rows)."""
    pd = pytest.importorskip("pandas")
    rows = [GOOD_ROWS[at % len(GOOD_ROWS)] for at in range(70_000)]
    rows[66_000] = {"years": "5", "company": "Amazn"}
    frame = pd.DataFrame(rows, columns=COLUMNS)
    given = []
    with pytest.raises(mlsal.UsageError, match=r"^row 66000: unknown company 'Amazn'"):
        for result in mlsal.estimate_many(frame):
            given.append(result["median"])
    assert len(given) == 66_000 and None not in given
    assert given[: len(GOOD_ROWS)] == [mlsal.estimate(**row)["median"] for row in GOOD_ROWS]


@pytest.mark.parametrize("was_on", [True, False])
def test_the_collector_is_left_as_it_was_found(was_on: bool) -> None:
    """Paused while a batch works; on after it if it was on, off if the caller had it off,
    also when the call raises and when an iteration stops half-way."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(mixed_rows(2), columns=COLUMNS)
    (gc.enable if was_on else gc.disable)()
    try:
        mlsal.estimate_columns(frame, errors="keep")
        assert gc.isenabled() is was_on
        mlsal.estimate_frame(frame, errors="keep")
        assert gc.isenabled() is was_on
        with pytest.raises(mlsal.UsageError):
            mlsal.estimate_frame(frame)
        assert gc.isenabled() is was_on
        many = mlsal.estimate_many(frame, errors="keep")
        next(many)
        assert gc.isenabled() is was_on, "not paused between the rows a caller takes"
        many.close()
    finally:
        gc.enable()


def test_polars_lists_keep_nulls_empties_and_order() -> None:
    """Bad rows' lists are nulls, a row without warnings an empty list, and each row's list
    its own texts in order, as estimate_columns gives them."""
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(mixed_rows(2))
    found = mlsal.estimate_frame(frame, errors="keep")
    columns = mlsal.estimate_columns(frame, errors="keep")
    assert found.schema["sources"] == pl.List(pl.String)
    assert found.schema["warnings"] == pl.List(pl.String)
    for name in ("sources", "warnings"):
        assert found[name].to_list() == columns[name]
    warnings = found["warnings"].to_list()
    assert None in warnings and [] in warnings and any(len(w or ()) > 1 for w in warnings)
    every_bad = pl.DataFrame([{"years": "abc"}, {"years": "x"}])
    empty = mlsal.estimate_frame(every_bad, errors="keep")
    assert empty["sources"].to_list() == [None, None]
    assert empty["sources"].dtype == pl.List(pl.String)


def test_polars_columns_of_every_kind_factorized_as_the_row_path_reads_them() -> None:
    """Whole numbers, texts, categoricals and enums are factorized by Polars, floats with NaN
    by Python: each with nulls, equal to the same rows as mappings (the row path)."""
    pl = pytest.importorskip("polars")
    cities = ["SF", None, "Seattle", "Atlantiss", "SF", "Boston", None, "Portland"]
    companies = ["Google", "Amazon", None, "Google", "Amazn", None, "Meta", "Amazon"]
    frame = pl.DataFrame(
        {
            "years": pl.Series([3, None, 12, 3, 5, 0, 30, 3], dtype=pl.Int64),
            "city": pl.Series(cities, dtype=pl.Categorical),
            "company": pl.Series(companies, dtype=pl.Enum(["Google", "Amazon", "Amazn", "Meta"])),
            "industry": ["Finance", None, None, "Finance", None, "Healthcare", None, None],
        }
    )
    with_floats = frame.with_columns(pl.Series("years", [3.0, None, 12.5, float("nan")] * 2))
    for each in (frame, with_floats):
        coded = mlsal.estimate_columns(each, errors="keep")
        by_rows = mlsal.estimate_columns(each.to_dicts(), errors="keep")
        assert coded == by_rows
        assert any(coded["error"]) and not all(coded["error"])

"""README's recipes for data frames (pandas, Polars, Dask, Spark), run as written on a roster
with typos, each result held to what `mlsal batch` writes for the same rows."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from mlsal.api import catalog
from mlsal.batch import run_batch

from conftest import REPO

ROWS = 1_500  # the roster's size: some hundreds of distinct employers and cities, ~1% typos
Figures = dict[str, tuple[int, int, int]]  # (low, median, high) by employee_id


def recipe(name: str) -> str:
    """The README's Python block that starts with the comment `# <name>`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```")[0] for b in readme.split("```python\n")[1:]]
    found = [b for b in blocks if b.startswith(f"# {name}")]
    assert len(found) == 1, name
    return found[0]


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location("rosters", REPO / "benchmarks" / "rosters.py")
    assert spec is not None and spec.loader is not None
    rosters = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rosters)
    folder = tmp_path_factory.mktemp("recipes")
    rosters.build_varied(folder / "roster.csv", ROWS)
    return folder


@pytest.fixture(scope="module")
def batch(roster: Path) -> Figures:
    """What `mlsal batch` writes of the roster: each good row's figures, by employee_id."""
    written = io.StringIO()
    bad: list[Any] = []
    with (roster / "roster.csv").open(encoding="utf-8", newline="") as source:
        run_batch(catalog(), source, written, "csv", bad.append)
    assert 0 < len(bad) < ROWS // 20  # the roster has typos, as real ones do
    rows = list(csv.DictReader(io.StringIO(written.getvalue())))
    assert len(rows) + len(bad) == ROWS
    return {r["employee_id"]: (int(r["low"]), int(r["median"]), int(r["high"])) for r in rows}


def held_to_batch(
    batch: Figures, ids: list[Any], figures: list[tuple[Any, ...]], errors: list[Any]
) -> None:
    """Each good row has batch's figures, each bad row an error and no figures."""
    assert len(ids) == ROWS
    for row_id, found, error in zip(ids, figures, errors, strict=True):
        expected = batch.get(str(row_id))
        if expected is None:
            assert isinstance(error, str) and error, row_id
        else:
            assert error is None or error != error, (row_id, error)  # None, or NaN in pandas
            assert tuple(int(f) for f in found) == expected, row_id


def run_recipe(name: str, roster: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(roster)
    scope: dict[str, Any] = {}
    exec(recipe(name), scope)  # noqa: S102  (the README's own recipe, as written)
    return scope


def test_the_pandas_recipe(roster: Path, batch: Figures, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    df = run_recipe("pandas", roster, monkeypatch)["df"]
    figures = list(zip(df["low"], df["median"], df["high"], strict=True))
    held_to_batch(batch, list(df["employee_id"]), figures, list(df["error"]))


def test_the_polars_recipe(roster: Path, batch: Figures, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("polars")
    df = run_recipe("Polars", roster, monkeypatch)["df"]
    figures = list(zip(df["low"], df["median"], df["high"], strict=True))
    held_to_batch(batch, df["employee_id"].to_list(), figures, df["error"].to_list())


def test_the_dask_recipe(roster: Path, batch: Figures, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.dataframe")
    df = run_recipe("Dask", roster, monkeypatch)["df"].sort_values("employee_id", key=_as_int)
    figures = list(zip(df["low"], df["median"], df["high"], strict=True))
    errors = [None if e is None or e != e else e for e in df["error"]]
    held_to_batch(batch, list(df["employee_id"]), figures, errors)


def _as_int(column: Any) -> Any:
    return column.astype(int)


SPARK_RUN = """
import json, sys
exec(open(sys.argv[1], encoding="utf-8").read())
rows = joined.orderBy("employee_id").collect()
json.dump([[r["employee_id"], r["low"], r["median"], r["high"], r["error"]] for r in rows],
          sys.stdout)
spark.stop()
"""


def test_the_spark_recipe_joins_back_by_id(roster: Path, batch: Figures) -> None:
    """In a real local Spark session (where pyspark and Java are installed): the results come
    back by id through mapInPandas, equal to `mlsal batch`."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.skip("Spark needs Java")
    (roster / "recipe_spark.py").write_text(recipe("Spark"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SPARK_RUN), "recipe_spark.py"],
        cwd=roster,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": ""},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout)
    held_to_batch(batch, [r[0] for r in rows], [tuple(r[1:4]) for r in rows], [r[4] for r in rows])

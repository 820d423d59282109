"""How fast `mlsal batch` and `mlsal.estimate_many` estimate, and whether memory stays flat.

Builds CSV files of generated profiles (seeded, so every run builds the same ones), runs the
installed `mlsal batch` on them, and prints profiles per second end to end (start-up included),
the peak memory (max RSS) of each run, and how many of the rows are distinct profiles.
Targets (issue #14): at least 100,000 profiles a second on the varied roster, peak memory for
1,000,000 rows within 1.2 x that for 10,000, and `estimate_many` at 100,000 rows a second on
a 1,000,000-row data frame (when pandas is installed). Issue #28 adds: `--jobs 2` at 1.7 x
one process on two cores, and a data frame estimated columnar at 400,000 rows a second.

Two inputs:
  typical  whole years and a handful of cities, companies and industries, as short lists do;
  varied   a company's whole roster: every column, every company and city the tool lists
           (drawn with the long tail real rosters have: a few employers and cities hold most
           people), names spelled as people do (aliases, case), 1% of rows with a typo,
           years 0 to 30 (a tenth with a half year), levels for a third, lists of skills.

    python benchmarks/batch.py [--skip-million]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rosters import BUILDERS, VARIED_COLUMNS, Roster  # benchmarks/rosters.py

from mlsal.batch.jobs import cores

MLSAL = str(Path(sys.executable).parent / "mlsal")


def apart(*args: str) -> str:
    """Run this script with args in a process of its own, for its output. Inputs are built
    and counted apart so that this process stays small: a child started by fork() reports
    its parent's pages in its peak memory, which would hide mlsal's own."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def distinct_share(path: Path) -> float:
    """The share of rows that are distinct profiles (all columns but the first two)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        seen = set()
        total = 0
        for row in rows:
            seen.add(tuple(row[2:]))
            total += 1
    return len(seen) / max(total, 1)


def run(source: Path, target: Path, jobs: int = 1) -> tuple[float, int]:
    """(seconds, peak RSS in KiB, of the largest process) of one `mlsal batch` run with
    `jobs` processes (bad rows reported, not shown)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [MLSAL, "batch", str(source), "--output", str(target), "--jobs", str(jobs)],
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: some rows were bad (typos)
        raise SystemExit(f"mlsal batch failed on {source}")
    return seconds, usage.ru_maxrss


def frame_rates(rows: int) -> list[str]:
    """`mlsal.estimate_many`, `estimate_columns` and `estimate_frame` over a pandas (and a
    Polars) frame of the varied roster (with its extra columns and bad rows): in one call,
    and in 10,000- and 1,000-row slices as Spark's Arrow batches and Dask's partitions call
    it; and the columnar path (a frame's columns coded) against the row path (the same rows
    as mappings, one at a time). A first pass (not timed) loads the data and makes the
    engine's shares, as a long-running process has them; each measurement then starts with
    a new estimator (kept warm between its own calls)."""
    try:
        import pandas as pd
    except ImportError:
        return ["estimate_many: pandas is not installed; skipped"]
    import mlsal

    roster = Roster(random.Random(11))
    frame = pd.DataFrame([roster.row(i) for i in range(rows)], columns=VARIED_COLUMNS)
    records = frame.to_dict("records")  # the row path's input: the same rows as mappings
    arguments = {"unknown": "ignore", "errors": "keep"}
    said = []
    for _ in mlsal.estimate_many(frame, **arguments):
        pass

    def sliced(call: Callable[..., Any], size: int) -> Callable[[], None]:
        def each_slice() -> None:
            for first in range(0, rows, size):
                found = call(frame.iloc[first : first + size], **arguments)
                for _ in found:
                    pass

        return each_slice

    calls: list[tuple[str, Callable[[], Any]]] = [
        ("estimate_many, one call", sliced(mlsal.estimate_many, rows)),
        ("estimate_many, 10,000-row slices", sliced(mlsal.estimate_many, 10_000)),
        ("estimate_many, 1,000-row slices", sliced(mlsal.estimate_many, 1_000)),
        ("estimate_columns, one call", sliced(mlsal.estimate_columns, rows)),
        ("estimate_columns, 10,000-row slices", sliced(mlsal.estimate_columns, 10_000)),
        (
            "estimate_columns, the rows as mappings",
            lambda: mlsal.estimate_columns(records, **arguments),
        ),
        ("estimate_frame, pandas", lambda: mlsal.estimate_frame(frame, **arguments)),
    ]
    try:
        import polars as pl
    except ImportError:
        said.append("estimate_frame, Polars: Polars is not installed; skipped")
    else:
        polars_frame = pl.from_pandas(frame)
        calls.append(
            ("estimate_frame, Polars", lambda: mlsal.estimate_frame(polars_frame, **arguments))
        )
    rates = {}
    for name, call in calls:
        mlsal.api.catalog().memo.table("estimators").clear()  # a new estimator
        start = time.perf_counter()
        call()
        rates[name] = rows / (time.perf_counter() - start)
        said.append(f"{name} over a {rows:,}-row data frame: {rates[name]:,.0f} rows/s")
    columnar = rates["estimate_columns, one call"]
    by_rows = rates["estimate_columns, the rows as mappings"]
    said.append(f"columnar path / row path (estimate_columns): {columnar / by_rows:.2f} x")
    return said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-million", action="store_true", help="skip the 1,000,000 run")
    parser.add_argument("--distinct", metavar="CSV", help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=3, metavar=("KIND", "ROWS", "CSV"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.distinct:
        print(distinct_share(Path(arguments.distinct)))
        return
    if arguments.build:
        kind, rows, path = arguments.build
        BUILDERS[kind](Path(path), int(rows))
        return
    skip_million = arguments.skip_million
    sizes = [10_000, 100_000] + ([] if skip_million else [1_000_000])
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        print(
            f"{'input':9} {'profiles':>10} {'distinct':>9} {'seconds':>8} {'profiles/s':>11} "
            f"{'peak MiB':>9}"
        )
        peaks: dict[tuple[str, int], int] = {}
        for kind in BUILDERS:
            for size in sizes:
                source = directory / f"{kind}-{size}.csv"
                apart("--build", kind, str(size), str(source))
                share = float(apart("--distinct", str(source)))
                seconds, peak = run(source, directory / "out.csv")
                peaks[kind, size] = peak
                print(
                    f"{kind:9} {size:10,d} {share:9.1%} {seconds:8.2f} {size / seconds:11,.0f} "
                    f"{peak / 1024:9.1f}"
                )
                if size >= 1_000_000:  # large enough to be split (mlsal.batch.jobs)
                    for jobs in sorted({2, cores()}):
                        if jobs > 1:
                            parallel, _ = run(source, directory / "out.csv", jobs)
                            print(
                                f"  --jobs {jobs}: {parallel:8.2f} s, {size / parallel:,.0f} "
                                f"profiles/s, {seconds / parallel:.2f} x one process"
                            )
                source.unlink()
        if not skip_million:
            for kind in BUILDERS:
                ratio = peaks[kind, 1_000_000] / peaks[kind, 10_000]
                print(f"peak memory, 1,000,000 / 10,000 profiles ({kind}): {ratio:.2f} x")
    for line in frame_rates(100_000 if skip_million else 1_000_000):
        print(line)


if __name__ == "__main__":
    main()

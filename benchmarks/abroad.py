"""Validate pay abroad and remote out of sample: python benchmarks/abroad.py [--quick]

Holds aijobs.net records out at random (5 folds), derives data/facts/aijobs.toml from the
rest (derive/aijobs.py, written to a copy of data/), and estimates each held-out record's
cell with the real engine (gross pay, the records' own measure, in 2024 dollars). For each
kind of cell it prints the number of cells, the median |log error| of the median of the
out-of-fold estimates against the cell's median record, and the median share of the cell's
records inside their own fold's P10-P90 band (it aims at 80%).

Cells (full-time records of the five roles, 2020-2024):
  country           a country's records paid in its own currency (>= 20), all levels
  country x level   the same, at one experience level (>= 20)
  remote x level    US ML engineers working remotely, at one level (>= 20)
  remote abroad     a country's remote records paid in its own currency (>= 20)

Three fits are scored on the same held-out records (FITS): 0.3.0's (a country's records in
every currency, its US-dollar ones too, most of them US employers' postings; one factor for
all levels), own currency with one factor, and what data/ ships: own currency, a factor per
level where the country has 20 records of it. Each held-out record is estimated for its own
role. The truth is each country's own-currency records, its own market:
docs/methodology.md section 12 shows the table.
"""

from __future__ import annotations

import math
import random
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "derive"), str(ROOT)]

import aijobs  # noqa: E402  (derive/aijobs.py)
from common import to_toml  # noqa: E402
from validate import report  # noqa: E402  (benchmarks/validate.py: the same table)

from mlsal.engine import estimate  # noqa: E402
from mlsal.errors import UsageError  # noqa: E402
from mlsal.load import load_catalog  # noqa: E402
from mlsal.profile import make_profile, resolve_profile  # noqa: E402

MIN_CELL = 20
FOLDS = 5
AS_OF = 2024  # the records' dollars
LEVELS = {"EN": "entry", "MI": "mid", "SE": "senior"}
Cell = tuple[str, str, str]  # (kind, country, level or '')


# The fits compared: (name, every currency counts as the country's own, a factor per level)
FITS = (
    ("0.3.0: every currency, one factor", True, False),
    ("own currency, one factor", False, False),
    ("own currency, by level (now)", False, True),
)


@contextmanager
def fit_as(every_currency: bool, by_level: bool) -> Iterator[None]:
    """The derivation as one of FITS: 0.3.0's counted a country's records in any currency
    as its own, and gave one factor for all levels."""
    kept = aijobs.in_own_currency, aijobs.country_level_cells
    if every_currency:
        aijobs.in_own_currency = lambda record: True  # type: ignore[assignment]
    if not by_level:
        aijobs.country_level_cells = lambda *args: []  # type: ignore[assignment]
    try:
        yield
    finally:
        aijobs.in_own_currency, aijobs.country_level_cells = kept  # type: ignore[assignment]


def fitted_data(
    header: str, lines: list[str], cpi: str, folder: Path, fit: tuple[bool, bool]
) -> Path:
    """A copy of data/ whose aijobs facts are derived from these lines alone."""
    text = "".join([header, *lines])
    with fit_as(*fit):
        facts = aijobs.derive(text, cpi) + aijobs.rate_facts(text)
    data = folder / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("checked-catalog.bin"))
    (data / "facts" / "aijobs.toml").write_text(to_toml(facts, "abroad", "held-in"), "utf-8")
    return data


def cells_of(record: aijobs.Record) -> list[Cell]:
    found: list[Cell] = []
    level = LEVELS.get(record.level)
    if record.country != "US" and aijobs.in_own_currency(record):
        found.append(("country", record.country, ""))
        if level:
            found.append(("country x level", record.country, level))
        if record.remote == "100":
            found.append(("remote abroad", record.country, ""))
    if record.country == "US" and record.role == "ml-engineer" and record.remote == "100" and level:
        found.append(("remote x level", "US", level))
    return found


def profile_of(cell: Cell, role: str) -> dict[str, object]:
    """The profile a held-out record of this cell is estimated as: its own role too, so a
    cell's records of several roles meet their own estimates."""
    kind, country, level = cell
    profile: dict[str, object] = {"as_of": AS_OF, "role": role}
    if country != "US":
        profile["country"] = country
    if level:
        profile["level"] = level
    if kind.startswith("remote"):
        profile["work_mode"] = "remote"
    return profile


def bands(
    data: Path, wanted: set[tuple[Cell, str]]
) -> dict[tuple[Cell, str], tuple[float, float, float]]:
    """Each (cell, role)'s (low, median, high) from the engine on this fit; none where no
    figure."""
    catalog = load_catalog((), shipped_dir=data, use_cache=False).for_pay("gross")
    found = {}
    for cell, role in wanted:
        profile = make_profile(profile_of(cell, role))
        try:
            result = estimate(catalog, resolve_profile(profile, catalog))
        except UsageError:  # a country the held-in records no longer price
            continue
        found[cell, role] = (result.low, result.median, result.high)
    return found


def score(records: list[aijobs.Record], predicted: list[dict[Cell, tuple]]) -> dict[str, list]:
    """Per kind: (|log error|, coverage) of each cell with MIN_CELL records estimated."""
    by_cell: dict[Cell, list[tuple[float, tuple[float, float, float]]]] = defaultdict(list)
    for record, bands_of in zip(records, predicted, strict=True):
        for cell, band in bands_of.items():
            by_cell[cell].append((record.salary, band))
    results: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for cell, rows in by_cell.items():
        if len(rows) < MIN_CELL:
            continue
        actual = statistics.median(s for s, _ in rows)
        median = statistics.median(b[1] for _, b in rows)
        inside = sum(b[0] <= s <= b[2] for s, b in rows) / len(rows)
        results[cell[0]].append((abs(math.log(median / actual)), inside))
    return results


KINDS = ("country", "country x level", "remote x level", "remote abroad")


def main() -> int:
    folds = 2 if "--quick" in sys.argv[1:] else FOLDS
    raw = aijobs.RAW.read_text(encoding="utf-8")
    cpi = aijobs.CPI.read_text(encoding="utf-8")
    header, *lines = raw.splitlines(keepends=True)
    cpi_by_year = aijobs.cpi_by_year(cpi)
    # One record (or None, for a row the derivation leaves out) per line, in order.
    records = [next(iter(aijobs.read_records(header + line, cpi_by_year)), None) for line in lines]
    scored = [
        i for i, r in enumerate(records) if r is not None and r.year in aijobs.YEARS and cells_of(r)
    ]
    print("| fit | cells | n | median abs log error | within 0.10 | median band coverage |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    random.seed(20261204)
    order = list(range(len(lines)))
    random.shuffle(order)
    for name, *fit in FITS:
        predicted: dict[int, dict[Cell, tuple]] = {}
        for fold in range(folds):
            out = set(order[fold::folds])
            kept = [line for i, line in enumerate(lines) if i not in out]
            with tempfile.TemporaryDirectory() as folder:
                data = fitted_data(header, kept, cpi, Path(folder), (fit[0], fit[1]))
                held = [(i, records[i]) for i in scored if i in out]
                wanted = {(c, r.role) for _, r in held for c in cells_of(r)}  # type: ignore[union-attr]
                fitted = bands(data, wanted)
                for i, r in held:
                    own = [(c, r.role) for c in cells_of(r)]  # type: ignore[union-attr, arg-type]
                    predicted[i] = {c: fitted[c, role] for c, role in own if (c, role) in fitted}
        if fit[0]:  # 0.3.0 priced no remote work: its rows are of countries only
            predicted = {
                i: {c: b for c, b in found.items() if c[0].startswith("country")}
                for i, found in predicted.items()
            }
        kept_records = [records[i] for i in sorted(predicted)]
        report(
            f"{name}, random {folds}-fold",
            score(kept_records, [predicted[i] for i in sorted(predicted)]),  # type: ignore[arg-type]
            KINDS,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How well the band holds on salaries it has not seen.

Fits on the aijobs.net records of 2020-2023 (plus every other source), tests on the records of
2024, the last full year: for US ML engineers of each level, the share of 2024 salaries inside
[low, high] (the band aims at 80%) and the error of the median. Two fits are compared: the
articles and official statistics without records, and the same with the earlier records. All
in 2024 dollars. Executive (EX) records stand for staff, as in the shipped data.

    python benchmarks/calibration.py
"""

from __future__ import annotations

import csv
import statistics
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "derive"))

import aijobs  # noqa: E402  (derive/aijobs.py: the same cells the product ships)

from mlsal.catalog import Catalog  # noqa: E402
from mlsal.engine import estimate  # noqa: E402
from mlsal.load import load_catalog  # noqa: E402
from mlsal.profile import Profile  # noqa: E402
from mlsal.schema import Fact  # noqa: E402

TEST_YEAR = 2024
FIT_YEARS = (2020, 2021, 2022, 2023)
LEVELS = {"EN": "entry", "MI": "mid", "SE": "senior", "EX": "staff"}
DOCUMENT = ROOT / "data" / "documents" / "aijobs_salaries_2020-2025.csv"


def with_records(catalog: Catalog, years: tuple[int, ...] | None) -> Catalog:
    """The catalog with its aijobs cells derived from these years only (None: no records)."""
    kept = [f for f in catalog.facts if f.source != "aijobs"]
    if years:
        raw = DOCUMENT.read_text(encoding="utf-8")
        cpi = (ROOT / "data" / "documents" / "cpi_u_annual.csv").read_text()
        kept += [Fact(**f) for f in aijobs.derive(raw, cpi, years)] + [
            Fact(**f) for f in aijobs.rate_facts(raw, years)
        ]
    return replace(catalog, facts=kept)  # keeps the pay it is read for


def held_out_salaries() -> dict[str, list[float]]:
    titles = set(aijobs.ROLE_TITLES["ml-engineer"])
    by_level: dict[str, list[float]] = {level: [] for level in LEVELS.values()}
    with DOCUMENT.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (
                int(row["work_year"]) == TEST_YEAR
                and row["job_title"] in titles
                and row["employment_type"] == "FT"
                and row["company_location"] == "US"
                and row["experience_level"] in LEVELS
            ):
                by_level[LEVELS[row["experience_level"]]].append(float(row["salary_in_usd"]))
    return by_level


def main() -> None:
    catalog = load_catalog().for_pay("gross")  # aijobs.net's records are gross pay
    fits = {
        "articles and statistics": with_records(catalog, None),
        "+ records 2020-2023": with_records(catalog, FIT_YEARS),
    }
    salaries = held_out_salaries()
    print(
        f"Test set: US ML engineers' salaries of {TEST_YEAR} (aijobs.net), in {TEST_YEAR} dollars"
    )
    print(
        f"{'fit':24} {'level':7} {'n':>5} {'low':>9} {'median':>9} {'high':>9} "
        f"{'inside':>7} {'test median':>12} {'median error':>13}"
    )
    for name, fitted in fits.items():
        for level, values in salaries.items():
            result = estimate(fitted, Profile(level=level, as_of=TEST_YEAR))
            inside = sum(result.low <= v <= result.high for v in values) / len(values)
            actual = statistics.median(values)
            error = (result.median - actual) / actual
            print(
                f"{name:24} {level:7} {len(values):5d} {result.low:9,d} {result.median:9,d} "
                f"{result.high:9,d} {inside:7.0%} {actual:12,.0f} {error:+13.1%}"
            )


if __name__ == "__main__":
    main()

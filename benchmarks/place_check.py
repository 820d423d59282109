"""Do the LCA records' worksite states agree with the BLS state factors?

Two independent views of how pay differs by state: BLS OEWS May 2025 (each state's median wage
of software developers over the national median) and the LCA records of one quarter of FY2024
(the median ANNUAL_WAGE of software developers' records whose title states no level, per
worksite state, over the same records' national median). Prints both for every state with at
least MIN_RECORDS such records, their correlation on the log scale, and how far they differ.

    python benchmarks/place_check.py
"""

from __future__ import annotations

import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "derive"))

import lca  # noqa: E402  (derive/lca.py: the records as the product reads them)

OEWS = ROOT / "data" / "documents" / "oews_may2025_software_data.csv"
MIN_RECORDS = 100
CELL = ("software", "unstated")  # one subgroup and level, so that the mix cannot differ


def bls_state_factors() -> dict[str, float]:
    """Postal code -> state median / national median, software developers."""
    from oews import read_rows, state_codes

    rows = read_rows(OEWS.read_text(encoding="utf-8"))
    codes = state_codes(rows)
    software = [r for r in rows if r["soc_code"] == "15-1252" and r["a_median"].isdigit()]
    nation = next(int(r["a_median"]) for r in software if r["area_type"] == "national")
    return {
        codes[r["state_fips"]]: int(r["a_median"]) / nation
        for r in software
        if r["area_type"] == "state"
    }


def lca_state_factors() -> tuple[dict[str, float], dict[str, int]]:
    records = lca.read_records(lca.EXTRACT.read_text(encoding="utf-8"))
    wages: dict[str, list[float]] = defaultdict(list)
    for record in records:
        if record.cell == CELL:
            wages[record.state].append(record.wage)
    nation = statistics.median(w for values in wages.values() for w in values)
    kept = {state: values for state, values in wages.items() if len(values) >= MIN_RECORDS}
    factors = {state: statistics.median(values) / nation for state, values in kept.items()}
    return factors, {state: len(values) for state, values in kept.items()}


def main() -> None:
    bls = bls_state_factors()
    records, counts = lca_state_factors()
    states = sorted(s for s in records if s in bls)
    print(f"{'state':6} {'LCA records':>11} {'LCA factor':>11} {'BLS factor':>11} {'LCA/BLS':>8}")
    for state in states:
        print(
            f"{state:6} {counts[state]:11,d} {records[state]:11.3f} {bls[state]:11.3f} "
            f"{records[state] / bls[state]:8.3f}"
        )
    x = [math.log(records[s]) for s in states]
    y = [math.log(bls[s]) for s in states]
    correlation = statistics.correlation(x, y)
    gaps = [abs(records[s] / bls[s] - 1) for s in states]
    within = sum(gap <= 0.05 for gap in gaps)
    print(
        f"{len(states)} states with {MIN_RECORDS}+ records; correlation of log factors "
        f"{correlation:.2f}; median gap {statistics.median(gaps):.1%}; "
        f"{within} of {len(states)} within 5%"
    )


if __name__ == "__main__":
    main()

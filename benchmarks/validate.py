"""Validate the base salary model out of sample: python benchmarks/validate.py [--quick]

Holds LCA records out (at random, and whole employers), fits the model on the rest (the same
derivation as derive/lca.py, written to a copy of data/), and estimates each held-out cell
with the real engine in 2024 dollars (the records' year). For each kind of cell it prints the
number of cells, the median |log error| of the estimate's median against the cell's filed
median, and the share of the held-out wages inside the estimate's P10-P90 band (it aims at
80%). The in-sample row fits on every record, as the shipped data do.

Cells (ML or software titles, SOC 15-xxxx or an ML title, in the shipped LCA extract):
  employer x state   an employer's records in one worksite state (>= 40), all levels
  employer x level   an employer's records at one title level (>= 40), every state
  level x state      market employers' records at one title level in one state (>= 40)
docs/methodology.md section 9 shows the table.
"""

from __future__ import annotations

import math
import random
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "derive"), str(ROOT)]

import lca  # noqa: E402  (derive/lca.py)
from common import to_toml  # noqa: E402

from mlsal.engine import estimate  # noqa: E402
from mlsal.load import load_catalog  # noqa: E402
from mlsal.profile import make_profile, resolve_profile  # noqa: E402

MIN_CELL = 40
FOLDS = 5
AS_OF = 2024  # the records' dollars


def read_inputs() -> tuple[str, str, str, str, str]:
    return (
        lca.EXTRACT.read_text(encoding="utf-8"),
        lca.COMPANIES.read_text(encoding="utf-8"),
        lca.LADDERS.read_text(encoding="utf-8"),
        lca.IT_SERVICES.read_text(encoding="utf-8"),
        lca.OEWS_FACTS.read_text(encoding="utf-8"),
    )


def fitted_data(lines: list[str], inputs: tuple[str, ...], folder: Path) -> Path:
    """A copy of data/ whose LCA facts are derived from these lines of the extract alone."""
    _, companies, ladders, services, oews = inputs
    text = "".join(lines)
    facts, employers, model, _ = lca.derive(text, companies, ladders, services)
    data = folder / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("checked-catalog.bin"))
    (data / "facts" / "lca.toml").write_text(to_toml(facts, "validate", "held-in"), "utf-8")
    base = lca.base_facts(model, text.splitlines()[0], oews)
    (data / "facts" / "base.toml").write_text(to_toml(base, "validate", "held-in"), "utf-8")
    (data / "employers.toml").write_text(employers, "utf-8")
    return data


def cells(records: list[lca.Record], flagged: set[str]) -> dict[tuple[str, str, str], list[float]]:
    """Held-out wages by (kind, a, b)."""
    found: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for r in records:
        if not r.titled:
            continue
        if r.company is not None:
            found["employer x state", r.company, r.state].append(r.wage)
        if r.cell[1] == "unstated":
            continue
        if r.company is not None:
            found["employer x level", r.company, r.cell[1]].append(r.wage)
        if lca.in_market(r, flagged):
            found["level x state", r.cell[1], r.state].append(r.wage)
    return found


def profile_of(kind: str, a: str, b: str) -> dict[str, object]:
    if kind == "employer x state":
        return {"company": a, "state": b, "as_of": AS_OF}
    if kind == "employer x level":
        return {"company": a, "level": b, "as_of": AS_OF}
    return {"level": a, "state": b, "as_of": AS_OF}


def score(
    data: Path, held_out: dict[tuple[str, str, str], list[float]], keep: Callable[[tuple], bool]
) -> dict[str, list[tuple[float, float]]]:
    catalog = load_catalog((), shipped_dir=data, use_cache=False).for_pay("base")
    results: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for key, wages in held_out.items():
        if len(wages) < MIN_CELL or not keep(key):
            continue
        kind, a, b = key
        try:
            result = estimate(
                catalog, resolve_profile(make_profile(profile_of(kind, a, b)), catalog)
            )
        except Exception:  # noqa: BLE001  (a held-out employer the fit no longer names)
            continue
        error = abs(math.log(result.median / statistics.median(wages)))
        inside = sum(result.low <= w <= result.high for w in wages) / len(wages)
        results[kind].append((error, inside))
    return results


KINDS = ("employer x state", "employer x level", "level x state")


def report(
    name: str, results: dict[str, list[tuple[float, float]]], kinds: tuple[str, ...] = KINDS
) -> None:
    """One table row per kind of cell: cells, median |log error|, share within 0.10, median
    band coverage (benchmarks/abroad.py prints its own kinds with it)."""
    for kind in kinds:
        rows = results.get(kind, [])
        if not rows:
            continue
        errors = [e for e, _ in rows]
        coverage = statistics.median(c for _, c in rows)
        print(
            f"| {name} | {kind} | {len(rows)} | {statistics.median(errors):.3f} "
            f"| {sum(e <= 0.10 for e in errors) / len(errors):.0%} | {coverage:.0%} |"
        )


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    inputs = read_inputs()
    header, *lines = inputs[0].splitlines(keepends=True)
    records = lca.records_of(*inputs[:3])  # one per line of the extract, in order
    flagged = set(lca.it_services_firms(records, inputs[3]))
    print("| fit | cells | n | median abs log error | within 0.10 | median band coverage |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        data = fitted_data([header, *lines], inputs, Path(folder) / "all")
        report("in sample", score(data, cells(records, flagged), lambda key: True))
    folds = 2 if quick else FOLDS
    random.seed(20261204)
    order = list(range(len(lines)))
    random.shuffle(order)
    pooled: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for fold in range(folds):
        out = set(order[fold::folds])
        with tempfile.TemporaryDirectory() as folder:
            kept = [header, *(line for i, line in enumerate(lines) if i not in out)]
            data = fitted_data(kept, inputs, Path(folder) / "fold")
            test = [r for i, r in enumerate(records) if i in out]
            for kind, rows in score(data, cells(test, flagged), lambda key: True).items():
                pooled[kind].extend(rows)
    report(f"random {folds}-fold", pooled)
    # Whole employers out: the largest employers' cells, estimated with no figure of their own.
    employers = sorted({r.company for r in records if r.company}, key=str)
    random.shuffle(employers)
    pooled = defaultdict(list)
    for fold in range(folds):
        out_employers = set(employers[fold::folds])
        with tempfile.TemporaryDirectory() as folder:
            kept = [
                header,
                *(
                    line
                    for line, r in zip(lines, records, strict=True)
                    if r.company not in out_employers
                ),
            ]
            data = fitted_data(kept, inputs, Path(folder) / "fold")
            test = [r for r in records if r.company in out_employers]
            found = score(data, cells(test, flagged), lambda key: key[0] != "employer x level")
            for kind, rows in found.items():
                pooled[kind].extend(rows)
    report(f"employers held out ({folds}-fold)", pooled)
    return 0


if __name__ == "__main__":
    sys.exit(main())

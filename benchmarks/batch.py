"""How fast `mlsal batch` estimates, and whether its memory stays flat.

Builds CSV files of generated profiles (seeded, so every run builds the same ones), runs the
installed `mlsal batch` on them, and prints profiles per second end to end (start-up included)
and the peak memory (max RSS) of each run. Targets (issue #7): at least 50,000 profiles a
second on 100,000 profiles, and peak memory for 1,000,000 within 1.2 x that for 10,000.

Two kinds of input: "typical" rows draw whole years and a handful of cities, companies and
industries, as real lists do; "distinct" rows give fractional years, so no two rows are alike.

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
from pathlib import Path

MLSAL = str(Path(sys.executable).parent / "mlsal")
CITIES = ["SF", "NYC", "Seattle", "Boston", "Austin", "London", "", ""]
COMPANIES = ["google", "amazon", "meta", "apple", "microsoft", "nvidia", "ibm", "", "", ""]
INDUSTRIES = ["finance", "healthcare", "tech", "", ""]


def build(path: Path, rows: int, distinct: bool) -> None:
    chosen = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "years", "city", "company", "industry"])
        for index in range(rows):
            years = round(chosen.uniform(0, 25), 4) if distinct else chosen.randint(0, 25)
            writer.writerow(
                [
                    index,
                    years,
                    chosen.choice(CITIES),
                    chosen.choice(COMPANIES),
                    chosen.choice(INDUSTRIES),
                ]
            )


def run(source: Path, target: Path) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of one `mlsal batch` run."""
    start = time.perf_counter()
    process = subprocess.Popen([MLSAL, "batch", str(source), "--output", str(target)])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"mlsal batch failed on {source}")
    return seconds, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-million", action="store_true", help="skip the 1,000,000 run")
    skip_million = parser.parse_args().skip_million
    sizes = [10_000, 100_000] + ([] if skip_million else [1_000_000])
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        print(f"{'input':9} {'profiles':>10} {'seconds':>8} {'profiles/s':>11} {'peak MiB':>9}")
        peaks: dict[tuple[str, int], int] = {}
        for kind in ("typical", "distinct"):
            for size in sizes:
                source = directory / f"{kind}-{size}.csv"
                build(source, size, distinct=kind == "distinct")
                seconds, peak = run(source, directory / "out.csv")
                peaks[kind, size] = peak
                print(
                    f"{kind:9} {size:10,d} {seconds:8.2f} {size / seconds:11,.0f} "
                    f"{peak / 1024:9.1f}"
                )
                source.unlink()
        if not skip_million:
            for kind in ("typical", "distinct"):
                ratio = peaks[kind, 1_000_000] / peaks[kind, 10_000]
                print(f"peak memory, 1,000,000 / 10,000 profiles ({kind}): {ratio:.2f} x")


if __name__ == "__main__":
    main()

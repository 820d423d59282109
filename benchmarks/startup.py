"""How fast `mlsal` starts, as a script in a shell loop feels it.

Prints the median wall time of repeated runs of each command, and each one's ratio to
`python -c "import typer"` measured in the same run (the cost of the CLI framework alone).

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
MLSAL = str(BIN / "mlsal")

COMMANDS = {
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "estimate --format json": [
        MLSAL,
        "estimate",
        "--years",
        "3",
        "--city",
        "SF",
        "--format",
        "json",
    ],
    "estimate (table)": [MLSAL, "estimate", "--years", "3", "--city", "SF"],
}


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    for command in COMMANDS.values():  # warm the file cache and byte-code
        wall_time(command)
    medians: dict[str, float] = {}
    # Interleave the commands so that machine noise falls on all of them alike.
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            samples[name].append(wall_time(command))
    for name, times in samples.items():
        medians[name] = statistics.median(times)
    reference = medians["python -c 'import typer'"]
    print(f"{'command':32} {'median ms':>10} {'x import typer':>15}")
    for name, median in medians.items():
        print(f"{name:32} {median * 1000:10.1f} {median / reference:15.2f}")


if __name__ == "__main__":
    main()

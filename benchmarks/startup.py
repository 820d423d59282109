"""How fast `mlsal` starts, as a script in a shell loop feels it.

Runs each command many times, interleaved so that machine noise falls on all alike, and prints
the median and best wall time and the median CPU time (user + system) of each, with its ratio
to `python -c "import typer"` (the cost of importing the CLI framework alone). Targets
(issue #7): JSON output at most 1.3 x, the Rich table at most 2.0 x, on median wall time.

    python benchmarks/startup.py [--runs 41]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
MLSAL = str(BIN / "mlsal")
REFERENCE = "python -c 'import typer'"
COMMANDS = {
    REFERENCE: [sys.executable, "-c", "import typer"],
    "estimate --format json": [MLSAL, "estimate", "--years", "3", "--city", "SF", "-f", "json"],
    "estimate (table)": [MLSAL, "estimate", "--years", "3", "--city", "SF"],
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41)
    runs = parser.parse_args().runs
    # As pip does at install: byte-code on disk, even where PYTHONDONTWRITEBYTECODE is set.
    import mlsal

    package = str(Path(mlsal.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    env_note = "PYTHONDONTWRITEBYTECODE set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    for command in COMMANDS.values():  # warm the file cache and mlsal's catalog cache
        run_once(command)
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            wall, cpu = run_once(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
    reference_wall = statistics.median(walls[REFERENCE])
    reference_cpu = statistics.median(cpus[REFERENCE])
    print(f"{runs} runs each, interleaved; byte-code compiled {env_note}")
    print(
        f"{'command':26} {'wall median':>12} {'wall best':>10} {'ratio':>6} "
        f"{'cpu median':>11} {'ratio':>6}"
    )
    for name in COMMANDS:
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        print(
            f"{name:26} {wall * 1000:10.1f}ms {min(walls[name]) * 1000:8.1f}ms "
            f"{wall / reference_wall:6.2f} {cpu * 1000:9.1f}ms {cpu / reference_cpu:6.2f}"
        )


if __name__ == "__main__":
    main()

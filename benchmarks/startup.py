"""How fast `mlsal` starts, as a script in a shell loop feels it.

Runs each command many times, interleaved so that machine noise falls on all alike, and prints
the median and best wall time and the median CPU time (user + system) of each, with its ratio
to `python -c "import typer, os; os._exit(0)"`: the cost of importing the CLI framework alone,
leaving as mlsal leaves (without tearing the interpreter down), so that the yardstick is fair.
Then the first run after install: no catalog cache yet, so the data is read and checked and
the cache written, against a warm run. Targets (issue #14): JSON at most 1.3 x, the Rich
table at most 1.8 x, on median wall time; the first run at most 2 x a warm one.

    python benchmarks/startup.py [--runs 41]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
MLSAL = str(BIN / "mlsal")
REFERENCE = "python -c 'import typer'"
COMMANDS = {
    REFERENCE: [sys.executable, "-c", "import typer, os; os._exit(0)"],
    "estimate --format json": [MLSAL, "estimate", "--years", "3", "--city", "SF", "-f", "json"],
    "estimate (table)": [MLSAL, "estimate", "--years", "3", "--city", "SF"],
}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env
    )
    return time.perf_counter() - start, children_cpu() - cpu


def first_runs(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds of a run with an empty catalog cache, and of a warm one."""
    cold: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for index in range(runs):
            env = {**os.environ, "MLSAL_CACHE_DIR": f"{folder}/{index}"}
            cold.append(run_once(command, env)[0])
            warm.append(run_once(command, env)[0])
    return statistics.median(cold), statistics.median(warm)


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
        f"{'ratio p25-p75':>14} {'cpu median':>11} {'ratio':>6}"
    )
    for name in COMMANDS:
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        # The spread: each round's run against the yardstick's run of the same round.
        low, _, high = statistics.quantiles(
            [w / r for w, r in zip(walls[name], walls[REFERENCE], strict=True)], n=4
        )
        print(
            f"{name:26} {wall * 1000:10.1f}ms {min(walls[name]) * 1000:8.1f}ms "
            f"{wall / reference_wall:6.2f} {low:6.2f}-{high:<7.2f} "
            f"{cpu * 1000:9.1f}ms {cpu / reference_cpu:6.2f}"
        )
    cold, warm = first_runs(COMMANDS["estimate --format json"], max(5, runs // 4))
    print(
        f"first run after install (no cache) {cold * 1000:.1f}ms, warm {warm * 1000:.1f}ms: "
        f"{cold / warm:.2f} x"
    )


if __name__ == "__main__":
    main()

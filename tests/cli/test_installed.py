"""The installed `mlsal` entry point and `python -m mlsal`, run as real processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|4[0-8]|9[0-7])[;m]")
# Variables a CI machine may set that would change colour decisions.
PLAIN_ENV: dict[str, str | None] = {
    "FORCE_COLOR": None,
    "NO_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
}
SCRIPT = Path(sys.executable).parent / ("mlsal.exe" if os.name == "nt" else "mlsal")


def run(*args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed script; env values of None remove that variable."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in environment.items() if v is not None},
        check=False,
    )


pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="mlsal is not installed in this env")


def test_console_script_estimates_as_json() -> None:
    result = run("estimate", "--years", "3", "--city", "SF", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["low"] <= data["median"] <= data["high"]
    assert data["inputs"]["city"] == "san-francisco"


def test_console_script_table_has_no_colour_when_piped() -> None:
    result = run("estimate", "--years", "3", "--city", "SF", env=PLAIN_ENV)
    assert result.returncode == 0
    assert "Median" in result.stdout and "\x1b[" not in result.stdout


def test_colour_on_a_terminal() -> None:
    result = run("estimate", "--level", "entry", env={**PLAIN_ENV, "TTY_COMPATIBLE": "1"})
    assert COLOUR.search(result.stdout)


def test_no_color_is_honoured_even_when_colour_is_forced() -> None:
    result = run(
        "estimate", "--level", "entry", env={**PLAIN_ENV, "NO_COLOR": "1", "TTY_COMPATIBLE": "1"}
    )
    assert result.returncode == 0
    assert "\x1b[1m" in result.stdout, "styles stay: the output still goes to a terminal"
    assert not COLOUR.search(result.stdout), "but no colour"


def test_bad_input_exit_code_and_stderr() -> None:
    result = run("estimate", "--city", "Atlantiss", "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: unknown city 'Atlantiss'")
    assert "Traceback" not in result.stderr


def test_broken_data_dir_exit_1_one_line_per_problem(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "mine.toml").write_text(
        '[[facts]]\nid = "mine.1"\nsource = "mine"\ndimension = "city"\nvalue = "seattle"\n'
        'figure = "average"\namount = "lots"\nquote = "q"\n',
        encoding="utf-8",
    )
    result = run("--data-dir", str(tmp_path), "estimate")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "mine.toml: facts[0] 'mine.1': amount:" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mlsal", "estimate", "--level", "entry", "-f", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("low,median,high")


COMMAND_LINES = [
    ["estimate", "--years", "3", "--city", "SF"],
    ["compare", "amazon", "apple"],
    ["compare", "sf", "nyc", "seattle"],
    ["explain", "--level", "senior"],
    ["factors", "city"],
    ["factors"],
    ["sources"],
    ["sources", "s004"],
    ["offer", "185k", "--years", "4"],
    ["trajectory", "--to", "6"],
    ["data", "validate"],
]


@pytest.mark.parametrize("args", COMMAND_LINES, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("output_format", ["table", "json", "csv"])
def test_every_command_in_every_format(args: list[str], output_format: str) -> None:
    result = run(*args, "--format", output_format, env=PLAIN_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr
    if output_format == "json":
        json.loads(result.stdout)
    elif output_format == "csv":
        import csv

        rows = list(csv.reader(result.stdout.splitlines()))
        assert len(rows) >= 2 and "┃" not in result.stdout
        assert all(len(row) == len(rows[0]) for row in rows), "every row has every column"

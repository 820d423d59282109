"""The one --format dispatch: JSON on stdout carrying its own warnings, CSV and tables with
their warnings on stderr, each shape built only when its format is asked for."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlsal.render.formats import OutputFormat, View, emit

from conftest import REPO


def view(built: list[str]) -> View:
    def part(name: str, value: Any) -> Any:
        def build() -> Any:
            built.append(name)
            return value

        return build

    return View(
        part("data", {"median": 1, "warnings": ["thin"]}),
        part("csv", "median\n1\n"),
        part("table", "a table"),
        ["thin"],
    )


@pytest.mark.parametrize(
    ("output_format", "stdout", "stderr"),
    [
        (OutputFormat.json, '{\n  "median": 1,\n  "warnings": [\n    "thin"\n  ]\n}\n', ""),
        (OutputFormat.csv, "median\n1\n", "warning: thin\n"),
        (OutputFormat.table, "a table\n", "warning: thin\n"),
    ],
)
def test_each_format_prints_its_shape_and_only_it(
    capsys: pytest.CaptureFixture[str], output_format: OutputFormat, stdout: str, stderr: str
) -> None:
    built: list[str] = []
    emit(output_format, view(built))
    out, err = capsys.readouterr()
    assert (out, err) == (stdout, stderr)
    assert built == [{"json": "data"}.get(output_format.value, output_format.value)]
    if output_format is OutputFormat.json:
        json.loads(out)


def test_every_format_has_a_branch() -> None:
    for output_format in OutputFormat:
        emit(output_format, View(lambda: {}, lambda: "", lambda: ""))  # no assert_never raised


def test_a_format_not_emitted_fails_the_type_check(tmp_path: Path) -> None:
    """The recipe of docs/architecture.md: a new member of OutputFormat is no format until
    emit (and so each View) shows it. On a copy of the package, a format added alone makes
    mypy (which CI runs) point at emit."""
    shutil.copytree(REPO / "mlsal", tmp_path / "mlsal", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    formats = tmp_path / "mlsal" / "render" / "formats.py"
    text = formats.read_text(encoding="utf-8")
    anchor = '    csv = "csv"\n'
    assert text.count(anchor) == 2  # OutputFormat's, then RowsFormat's
    formats.write_text(text.replace(anchor, anchor + '    tsv = "tsv"\n', 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / ".cache"), "mlsal"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert errors and all(line.startswith("mlsal/render/formats.py:") for line in errors), errors
    assert any("assert_never" in line and "OutputFormat.tsv" in line for line in errors), errors

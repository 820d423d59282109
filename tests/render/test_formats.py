"""The one --format dispatch: JSON on stdout carrying its own warnings, CSV and tables with
their warnings on stderr, each shape built only when its format is asked for."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mlsal.render.formats import OutputFormat, View, emit


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

"""Broken data files: each problem is one line naming the file, the entry and the field."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsal.catalog import default_data_dir, load_catalog
from mlsal.errors import DataError


def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def write(relative: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / relative).write_text(text, encoding="utf-8")

    return apply


BREAKAGES = {
    "invalid TOML": (
        write("facts/s002.toml", "[[facts]\nid = "),
        "s002.toml: (file): not valid TOML",
    ),
    "missing field": (
        edit("facts/s001.toml", 'figure = "average"\namount = 144000\n', "amount = 144000\n"),
        "s001.toml: facts[4] 's001.level.mid.average': figure: Field required",
    ),
    "wrong type": (
        edit("facts/s001.toml", "amount = 144000", 'amount = "144k"'),
        "'s001.level.mid.average': amount: Input should be a valid integer",
    ),
    "negative pay": (
        edit("facts/s001.toml", "amount = 144000", "amount = -144000"),
        "'s001.level.mid.average': amount: Input should be greater than 0",
    ),
    "low above high": (
        edit("facts/s001.toml", "low = 99000\nhigh = 180000", "low = 180000\nhigh = 99000"),
        "'s001.level.mid.range': (entry): Value error, 'low' (180000) must be below 'high' (99000)",
    ),
    "unknown field": (
        edit("facts/s001.toml", "amount = 144000", "amount = 144000\namonut = 1"),
        "'s001.level.mid.average': amonut: Extra inputs are not permitted",
    ),
    "unknown source": (
        edit(
            "facts/s001.toml",
            'id = "s001.maximum"\nsource = "s001"',
            'id = "s001.maximum"\nsource = "s999"',
        ),
        "fact 's001.maximum': source: unknown source id 's999'",
    ),
    "duplicate fact id": (
        edit("facts/s001.toml", 'id = "s001.maximum"', 'id = "s001.overall"'),
        "facts[1] 's001.overall': id: duplicate fact id 's001.overall'",
    ),
    "duplicate source id": (
        edit("sources.toml", 'id = "s001"', 'id = "s000"'),
        "sources.toml: sources[1] 's000': id: duplicate source id 's000'",
    ),
    "quote not in document": (
        edit(
            "facts/s000.toml", "estimated to be around $155,481", "estimated to be around $255,481"
        ),
        "fact 's000.overall': quote: not found word for word in the document of source 's000'",
    ),
    "unknown value": (
        edit("facts/s004.toml", 'value = "london"', 'value = "atlantis"'),
        "fact 's004.city.london': value: unknown city 'atlantis'",
    ),
    "reference to another source": (
        edit("facts/s003.toml", 'reference = "s003.overall"', 'reference = "s001.overall"'),
        "reference: 's001.overall' is from source 's001', not from the fact's own source 's003'",
    ),
    "unknown reference": (
        edit("facts/s003.toml", 'reference = "s003.overall"', 'reference = "s003.nothing"'),
        "reference: unknown fact id 's003.nothing'",
    ),
    "missing document": (
        edit("sources.toml", 'document = "002_f7356cbcb71a5310.txt"', 'document = "gone.txt"'),
        "sources.toml: sources[2] 's002': document: cannot read",
    ),
    "alias naming two cities": (
        edit("dimensions.toml", 'aliases = ["ldn"]', 'aliases = ["ldn", "sf"]'),
        "dimensions.toml: city 'london': aliases: 'sf' already names city 'san-francisco'",
    ),
    "city in unknown country": (
        edit("dimensions.toml", 'country = "GB"', 'country = "XX"'),
        "dimensions.toml: city 'london': country: unknown country 'XX'",
    ),
    "facts not a list": (
        write("facts/s002.toml", 'facts = "none"\n'),
        "s002.toml: (file): 'facts' must be a list",
    ),
    "method setting out of range": (
        edit(
            "method.toml",
            'low_percentile = 10\nhigh_percentile = 90\nwhy = "The 10th',
            'low_percentile = 60\nhigh_percentile = 90\nwhy = "The 10th',
        ),
        "method.toml: (file): band.low_percentile: Input should be less than 50",
    ),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_broken_data_is_reported_by_file_entry_and_field(tmp_path: Path, name: str) -> None:
    breakage, expected = BREAKAGES[name]
    root = shipped_copy(tmp_path)
    breakage(root)
    with pytest.raises(DataError) as caught:
        load_catalog(shipped_dir=root)
    problems = caught.value.problems
    assert any(expected in problem for problem in problems), problems
    assert all("\n" not in problem for problem in problems)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = shipped_copy(tmp_path)
    edit("facts/s001.toml", "amount = 144000", "amount = -1")(root)
    edit("facts/s004.toml", 'value = "london"', 'value = "atlantis"')(root)
    with pytest.raises(DataError) as caught:
        load_catalog(shipped_dir=root)
    assert len(caught.value.problems) == 2


def test_shipped_data_loads_clean() -> None:
    catalog = load_catalog()
    assert len(catalog.facts) > 100

"""Every command at 60, 80 and 120 columns keeps every number and every row's name whole:
notes wrap or are left out first, and the narrowest terminals get rows stacked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from mlsal.cli import app

WIDTHS = [60, 80, 120]


def shown(args: list[str], width: int) -> str:
    result = CliRunner().invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def data(args: list[str]) -> Any:
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def money(amount: int) -> str:
    return f"${amount:,}"


def whole(text: str, expected: list[str]) -> None:
    assert "…" not in text, "something was cut"
    flat = text.replace("\n", " ")
    missing = [e for e in expected if e not in text and e not in flat]
    assert missing == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        ["estimate", "--years", "3", "--city", "SF", "--company", "google", "--skill", "nlp"],
        ["estimate", "--level", "staff", "--city", "Seattle", "--explain"],
        ["explain", "--years", "3", "--city", "SF"],
    ],
    ids=" ".join,
)
def test_estimates(args: list[str], width: int) -> None:
    found = data([a for a in args if a != "--explain"])
    text = shown(args, width)
    whole(text, [money(found[k]) for k in ("low", "median", "high")])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args",
    [
        ["compare", "amazon", "apple", "google", "meta", "microsoft"],
        ["compare", "sf", "nyc", "seattle", "london", "--years", "5", "--real"],
        ["compare", "entry", "mid", "senior", "staff", "principal"],
    ],
    ids=" ".join,
)
def test_comparisons(args: list[str], width: int) -> None:
    found = data(args)
    text = shown(args, width)
    expected = [row["label"] for row in found["rows"]]
    for row in found["rows"]:
        expected += [money(row[k]) for k in ("low", "median", "high") if row[k] is not None]
    whole(text, expected)


@pytest.mark.parametrize("width", WIDTHS)
def test_trajectory(width: int) -> None:
    args = ["trajectory", "--city", "SF", "--to", "12"]
    found = data(args)
    text = shown(args, width)
    expected = [str(p["years"]) for p in found["points"]]
    for point in found["points"]:
        expected += [money(point[k]) for k in ("low", "median", "high")]
    whole(text, expected)


@pytest.mark.parametrize("width", WIDTHS)
def test_offer(width: int) -> None:
    args = ["offer", "185k", "--years", "4", "--city", "NYC"]
    found = data(args)
    text = shown(args, width)
    estimate = found["estimate"]
    whole(text, [money(found["offer"]), *(money(estimate[k]) for k in ("low", "median", "high"))])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("dimension", ["company", "city", "level", "skill"])
def test_factor_listings(dimension: str, width: int) -> None:
    found = data(["factors", dimension])
    text = shown(["factors", dimension], width)
    expected = [row["key"] for row in found]
    for row in found:
        if row.get("multiplier") is not None and row["status"] == "applied":
            expected.append(f"×{row['multiplier']:.3f}")
        if row.get("median") is not None:
            expected.append(money(row["median"]))
    whole(text, expected)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", [["factors"], ["sources"], ["sources", "s004"]], ids=" ".join)
def test_listings(args: list[str], width: int) -> None:
    found = data(args)
    text = shown(args, width)
    if args == ["factors"]:
        keys = [row["dimension"] for row in found]
    else:
        keys = [row["id"] for row in (found if isinstance(found, list) else found["facts"])]
    whole(text, keys)

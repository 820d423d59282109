"""mlsal compare, factors and explain, driven through the CLI."""

from __future__ import annotations

import csv
import io
import math

import pytest

from mlsal.catalog import Catalog
from mlsal.engine import make_factor

from conftest import Run


def test_compare_companies_side_by_side(run: Run) -> None:
    data = run.json("compare", "amazon", "apple", "--level", "senior")
    assert data["dimension"] == "company"
    labels = [row["label"] for row in data["rows"]]
    assert labels == ["Amazon", "Apple"]
    first, second = data["rows"]
    assert first["median_change"] == 0
    assert second["median_change"] == second["median"] - first["median"]
    assert second["median_change_percent"] == pytest.approx(
        100 * second["median_change"] / first["median"], abs=0.05
    )
    # Each row carries the whole estimate object of `mlsal estimate`.
    single = run.json("estimate", "--company", "apple", "--level", "senior")
    assert {k: second[k] for k in single} == single


def test_compare_infers_cities_and_keeps_rows_without_figure(run: Run) -> None:
    data = run.json("compare", "sf", "nyc", "beijing")
    assert data["dimension"] == "city"
    beijing = data["rows"][2]
    assert beijing["label"] == "Beijing" and beijing["status"] == "no figure"
    assert beijing["median"] is None and beijing["low"] is None and beijing["high"] is None
    assert "no figure for pay in China" in beijing["reason"]
    table = run("compare", "sf", "nyc", "beijing")
    assert table.exit_code == 0
    assert "Beijing" in table.stdout and "no figure" in table.stdout


@pytest.mark.parametrize(
    ("values", "dimension"),
    [
        (["bachelors", "masters", "phd"], "education"),
        (["entry", "senior", "staff"], "level"),
        (["startup", "large"], "company_size"),
        (["ms", "phd"], "education"),  # 'ms' alone could be Microsoft; with 'phd' it cannot
        (["UK", "Germany"], "country"),
    ],
)
def test_compare_infers_the_dimension(run: Run, values: list[str], dimension: str) -> None:
    assert run.json("compare", *values)["dimension"] == dimension


def test_levels_compare_in_order(run: Run) -> None:
    rows = run.json("compare", "entry", "mid", "senior", "staff", "principal")["rows"]
    medians = [row["median"] for row in rows]
    assert medians == sorted(medians)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["amazon", "sf"], "'amazon' is a company; 'sf' is a city"),
        (["ms"], "'ms' is a state or education or company"),
        (["amazn", "apple"], "did you mean 'Amazon'?"),
    ],
)
def test_compare_mixed_or_ambiguous_values(run: Run, values: list[str], message: str) -> None:
    result = run("compare", *values)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr


def test_compare_by_and_sort(run: Run) -> None:
    data = run.json("compare", "ms", "--by", "company")
    assert data["rows"][0]["value"] == "microsoft"
    rows = run.json("compare", "beijing", "nyc", "london", "sf", "--sort", "median")["rows"]
    medians = [row["median"] for row in rows if row["median"] is not None]
    assert medians == sorted(medians, reverse=True) and len(medians) == 3
    assert rows[-1]["label"] == "Beijing", "a row without figure sorts last"
    bad = run("compare", "amazon", "--by", "galaxy")
    assert bad.exit_code == 2 and "unknown dimension 'galaxy'" in bad.stderr


def test_compare_csv_one_line_per_row(run: Run) -> None:
    result = run("compare", "amazon", "apple", "google", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["label"] for r in rows] == ["Amazon", "Apple", "Google"]
    assert all(r["dimension"] == "company" for r in rows)


def test_factors_lists_dimensions_and_values(run: Run, catalog: Catalog) -> None:
    dimensions = run.json("factors")
    assert {d["dimension"] for d in dimensions} >= {"city", "company", "level", "skill"}
    cities = run.json("factors", "city")
    sf = next(c for c in cities if c["key"] == "san-francisco")
    assert sf["multiplier"] == pytest.approx(
        make_factor(catalog, "city", "san-francisco").multiplier, abs=1e-4
    )
    assert "sf" in sf["aliases"] and sf["sources"] == ["bls-oews-2025"]  # against its state
    gross = run.json("factors", "city", "--pay", "gross")
    sf_gross = next(c for c in gross if c["key"] == "san-francisco")
    assert sf_gross["sources"] == ["bls-oews-2025", "s004"]  # against the nation
    seattle = next(c for c in cities if c["key"] == "seattle")
    assert seattle["multiplier"] > 1 and seattle["sources"] == ["bls-oews-2025"]
    beijing = next(c for c in cities if c["key"] == "beijing")
    assert beijing["multiplier"] is None and beijing["status"] == "no figure"
    levels = run.json("factors", "levels")
    assert [lv["key"] for lv in levels][:3] == ["entry", "mid", "senior"]
    rows = list(csv.DictReader(io.StringIO(run("factors", "company", "-f", "csv").stdout)))
    assert {r["key"] for r in rows} >= {"amazon", "microsoft"}
    bad = run("factors", "citty")
    assert bad.exit_code == 2 and "did you mean 'city'?" in bad.stderr


@pytest.mark.parametrize("pay", ["base", "gross"])
def test_explain_chain_can_be_redone_by_hand(run: Run, pay: str) -> None:
    data = run.json("explain", "--years", "3", "--city", "SF", "--cert", "aws", "--pay", pay)
    product = data["baseline"]["median"]
    for factor in data["factors"]:
        if factor["status"] == "applied":
            product *= factor["multiplier"]
    assert product == pytest.approx(data["median"], rel=1e-3)
    steps = data["steps"]
    assert steps[0]["kind"] == "baseline" and steps[-1]["kind"] == "result"
    assert any("exp(" in line for line in steps[-1]["lines"])
    quotes = {f["quote"] for step in steps for f in step["figures"]}
    # A figure computed from records names the records it covers.
    selections = [f["selection"] for f in steps[0]["figures"] if f["selection"]]
    assert len(selections) == 1
    if pay == "gross":
        assert "| San Francisco | $170,000 |" in quotes
        assert selections[0].endswith(
            "records where role ml-engineer, company_location US, "
            "experience_level MI, employment_type FT, work_year 2022-2024"
        )
    else:  # the base ladder's records, and BLS's San Francisco row
        assert any("San Francisco-Oakland-Fremont" in q for q in quotes)
        assert "level mid" in selections[0] and "IT-services" in selections[0]
    sigma = math.sqrt(
        data["baseline"]["sigma_within"] ** 2
        + data["baseline"]["sigma_between"] ** 2
        + sum(f["sigma_between"] ** 2 for f in data["factors"] if f["status"] == "applied")
    )
    assert sigma == pytest.approx(data["sigma"], abs=1e-3)


def test_explain_table_and_csv(run: Run) -> None:
    table = run("explain", "--company", "amazon")
    assert table.exit_code == 0 and "Result" in table.stdout
    assert "lca.amazon.market" in table.stdout  # base: its records against the market's
    gross = run("explain", "--company", "amazon", "--pay", "gross")
    assert "Amazon leads the pack" in gross.stdout and "Result" in gross.stdout  # s001
    rows = list(csv.DictReader(io.StringIO(run("explain", "--level", "entry", "-f", "csv").stdout)))
    assert rows[0]["kind"] == "baseline" and rows[-1]["kind"] == "result"

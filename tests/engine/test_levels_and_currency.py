"""Levels to the top (executive records and the OFLC ladder) and amounts in other currencies."""

from __future__ import annotations

import math

import pytest

from mlsal.catalog import Catalog
from mlsal.engine import estimate, level_facts, level_views, make_band
from mlsal.profile import Profile, resolve_profile
from mlsal.result import Estimate

from conftest import Run


def run(catalog: Catalog, **inputs: object) -> Estimate:
    return estimate(catalog, resolve_profile(Profile(**inputs), catalog))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- levels


def test_staff_pays_more_than_senior_and_senior_more_than_mid(catalog: Catalog) -> None:
    mid, senior, staff = (run(catalog, level=level) for level in ("mid", "senior", "staff"))
    assert staff.median >= 1.1 * senior.median
    assert senior.median > mid.median
    assert staff.high > senior.high > mid.high


def test_staff_step_is_the_oflc_ladder_applied_to_senior_pay(catalog: Catalog) -> None:
    level_iv = catalog.facts_by_id["oflc.15-1252.level-IV"]
    level_iii = catalog.facts_by_id["oflc.15-1252.level-III"]
    senior = level_views(catalog, "senior", 2025)
    total = sum(v.weight for v in senior)
    senior_pay = math.exp(sum(v.weight * math.log(v.value) for v in senior) / total)
    step = next(v for v in level_views(catalog, "staff", 2025) if v.source == "oflc-2025")
    assert step.value == pytest.approx(senior_pay * level_iv.amount / level_iii.amount)  # type: ignore[operator]
    assert step.weight == catalog.method.weights.statistics
    # The ladder's dollar figures (medians over all areas, rural ones too) are never pay.
    assert level_iv not in level_facts(catalog, "staff")


def test_executive_records_stand_for_staff_and_principal(catalog: Catalog) -> None:
    staff = catalog.facts_by_id["aijobs.ml-engineer.US.staff"]
    principal = catalog.facts_by_id["aijobs.ml-engineer.US.principal"]
    assert staff.filter == principal.filter and staff.filter["experience_level"] == "EX"  # type: ignore[index]
    assert staff.note and "do not tell staff from principal" in staff.note


def test_principal_base_pay_comes_from_its_own_records(catalog: Catalog) -> None:
    staff, principal = make_band(catalog, "staff", 2025), make_band(catalog, "principal", 2025)
    assert [v.source for v in principal.views] == ["lca-2024"]
    assert principal.views[0].figures[0].fact == "lca.base.principal"
    assert principal.ordered_median > staff.ordered_median  # its own figure, no copy of staff
    assert not any("pooled" in note for note in principal.notes)


def test_levels_the_sources_cannot_tell_apart_share_one_band(gross: Catalog) -> None:
    catalog = gross  # gross pay: aijobs.net's executive records stand for both
    staff, principal = make_band(catalog, "staff", 2025), make_band(catalog, "principal", 2025)
    assert staff.ordered_median == principal.ordered_median
    assert (staff.sigma_within, staff.sigma_between) == (
        principal.sigma_within,
        principal.sigma_between,
    )
    assert any("Staff and Principal are pooled" in note for note in staff.notes)


def test_years_keep_counting_to_staff_and_say_why_not_principal(run: Run) -> None:
    data = run.json("estimate", "--years", "20")
    assert data["inputs"]["level"] == "staff"
    assert any("no source gives the years of Principal" in w for w in data["warnings"])
    assert data["median"] > run.json("estimate", "--years", "6")["median"]
    early = run.json("estimate", "--years", "3")
    assert not any("years of Principal" in w for w in early["warnings"])


def test_base_salary_is_the_default_and_says_so(run: Run) -> None:
    for level in ("senior", "staff", "principal"):  # every level carries the same basis
        data = run.json("estimate", "--level", level)
        assert data["basis"] == "base" and data["basis_share"] == 1.0
        assert set(data["basis_by_source"].values()) == {"base"}
    table = run("estimate", "--years", "5")
    assert "(base salary, no bonus or equity)" in table.stdout and "gross" not in table.stdout


def test_basis_is_what_the_evidence_measures(run: Run) -> None:
    senior = run.json("estimate", "--level", "senior", "--pay", "gross")
    assert senior["basis"] == "gross" and senior["basis_by_source"]["aijobs"] == "gross"
    assert set(senior["basis_by_source"].values()) <= {"base", "gross", "total", "unspecified"}
    assert {"gross", "unspecified"} <= set(senior["basis_by_source"].values())
    weights = {s["source"]: s["weight"] for s in senior["baseline"]["sources"]}
    gross = sum(w for s, w in weights.items() if senior["basis_by_source"][s] == "gross")
    assert senior["basis_share"] == pytest.approx(gross / sum(weights.values()), abs=1e-3)
    table = run("estimate", "--level", "senior", "--pay", "gross")
    assert "gross pay, bonus not separated" in table.stdout
    staff = run.json("estimate", "--level", "staff", "--pay", "gross")
    assert staff["basis"] == "gross"  # the OFLC step, a ratio, does not make it base


# ----------------------------------------------------------------------------- currency


def test_currency_gives_pounds_with_the_rate_cited(run: Run, catalog: Catalog) -> None:
    dollars = run.json("estimate", "--city", "London", "--years", "5")
    pounds = run.json("estimate", "--city", "London", "--years", "5", "--currency", "GBP")
    rate = pounds["exchange_rate"]
    fact = catalog.facts_by_id[rate["fact"]]
    assert pounds["currency"] == "GBP" and rate["currency"] == "GBP"
    assert rate["rate"] == fact.rate and rate["source"] == "aijobs" and rate["year"] == 2024
    assert ",GBP," in rate["quote"]  # a record that states the rate
    assert pounds["median"] == round(dollars["median"] * rate["rate"])
    assert rate["usd"]["median"] == dollars["median"]
    table = run("estimate", "--city", "London", "--years", "5", "--currency", "gbp")
    assert "£" in table.stdout and f"{rate['rate']:g} per USD" in table.stdout


def test_rates_are_what_the_records_state(catalog: Catalog) -> None:
    """Every 2024 record in pounds states salary / salary_in_usd = the rate, to 4 decimals."""
    import csv

    from conftest import REPO

    path = REPO / "data" / "documents" / "aijobs_salaries_2020-2025.csv"
    with path.open(encoding="utf-8") as handle:
        rates = [
            int(r["salary"]) / int(r["salary_in_usd"])
            for r in csv.DictReader(handle)
            if r["salary_currency"] == "GBP" and r["work_year"] == "2024"
        ]
    fact = catalog.facts_by_id["aijobs.rate.GBP.2024"]
    assert fact.n == len(rates)
    assert all(abs(r - (fact.rate or 0)) < 1e-3 for r in rates)


def test_unknown_currency_is_a_usage_error(run: Run) -> None:
    result = run("estimate", "--currency", "XYZ")
    assert result.exit_code == 2 and "currency 'XYZ'" in result.stderr and "GBP" in result.stderr
    assert result.stdout == ""


def test_offer_in_pounds_is_compared_in_dollars_and_shown_in_pounds(run: Run) -> None:
    market = run.json("estimate", "--city", "London", "--years", "5", "--currency", "GBP")
    at_median = run.json("offer", f"£{market['median']}", "--city", "London", "--years", "5")
    assert at_median["currency"] == "GBP" and at_median["offer"] == market["median"]
    assert at_median["verdict"] == "fair" and abs(at_median["percentile"] - 50) < 0.5
    low = run.json("offer", f"{market['low']} GBP", "--city", "London", "--years", "5")
    assert low["verdict"] == "below market"
    clash = run("offer", "£90k", "--currency", "EUR")
    assert clash.exit_code == 2 and "give one currency" in clash.stderr


def test_every_command_shows_the_currency_asked_for(run: Run) -> None:
    dollars = run.json("trajectory", "--to", "2", "--city", "London")
    pounds = run.json("trajectory", "--to", "2", "--city", "London", "--currency", "GBP")
    rate = pounds["exchange_rate"]["rate"]
    assert pounds["currency"] == "GBP" and dollars["currency"] == "USD"
    for usd, gbp in zip(dollars["points"], pounds["points"], strict=True):
        assert gbp["median"] == round(usd["median"] * rate)
    rows = run.json("compare", "sf", "london", "--years", "4", "--currency", "EUR")["rows"]
    assert all(row["currency"] == "EUR" for row in rows)
    change = rows[1]["median"] - rows[0]["median"]
    assert abs(rows[1]["median_change"] - change) <= 1  # each is rounded from dollars alone
    table = run("compare", "sf", "london", "--years", "4", "--currency", "EUR")
    lines = [line for line in table.stdout.splitlines() if line.startswith(("│ San", "│ London"))]
    assert len(lines) == 2 and all("€" in line and "$" not in line for line in lines)


def test_an_unmatched_city_is_no_input(run: Run) -> None:
    import mlsal

    with pytest.raises(mlsal.UsageError):
        mlsal.estimate(unmatched_city="Kirkland")

"""Pay abroad and remote (issue 25): countries from records in their own currency, every city
of the world finds its country, remote work, and money as each country writes it."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics

import pytest

from mlsal.catalog import Catalog
from mlsal.engine import estimate
from mlsal.errors import NoFigure, UsageError
from mlsal.profile import Profile, resolve_profile
from mlsal.result import Estimate

from conftest import REPO, Run

RAW = REPO / "data" / "documents" / "aijobs_salaries_2020-2025.csv"


def run(catalog: Catalog, **inputs: object) -> Estimate:
    return estimate(catalog, resolve_profile(Profile(**inputs), catalog))  # type: ignore[arg-type]


def place(catalog: Catalog, city: str, **more: object) -> Profile:
    return resolve_profile(Profile(city=city, **more), catalog)  # type: ignore[arg-type]


# ------------------------------------------------------------------ countries, own currency


def test_canada_is_priced_by_its_canadian_dollar_records(catalog: Catalog, run: Run) -> None:
    canada = run.json("estimate", "--country", "Canada", "--years", "5")
    home = run.json("estimate", "--years", "5")
    assert 0.55 <= canada["median"] / home["median"] <= 0.75
    factor = next(f for f in canada["factors"] if f["dimension"] == "country")
    records = next(v for v in factor["evidence"] if v["source"] == "aijobs")
    with RAW.open(encoding="utf-8") as handle:
        paid_in_cad = [
            r
            for r in csv.DictReader(handle)
            if r["company_location"] == "CA" and r["salary_currency"] == "CAD"
        ]
    # The count is of the five roles' full-time records; the raw file holds all titles.
    assert 20 <= records["records"] <= len(paid_in_cad)


def test_usd_priced_records_abroad_would_have_said_otherwise() -> None:
    """Why: the records of Canada priced in US dollars sit near US pay, its own near 0.62."""
    with RAW.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["employment_type"] == "FT"]
    us = statistics.median(int(r["salary_in_usd"]) for r in rows if r["company_location"] == "US")

    def ratio(currency: str) -> float:
        found = [
            int(r["salary_in_usd"])
            for r in rows
            if r["company_location"] == "CA" and r["salary_currency"] == currency
        ]
        return statistics.median(found) / us

    assert ratio("USD") > ratio("CAD") + 0.15


def test_a_country_without_records_gives_no_figure_and_no_verdict(run: Run) -> None:
    for args in (["--country", "China"], ["--city", "Beijing"], ["--city", "Tel Aviv, IL"]):
        result = run("estimate", *args, "--years", "3")
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith("error: no figure for pay in ")
        assert "countries with figures: United States" in result.stderr
        offer = run("offer", "60000 USD", *args, "--years", "3")
        assert offer.exit_code == 2 and "Verdict" not in offer.stdout and offer.stdout == ""
    assert "'¥'" in run("offer", "¥500000", "--years", "3").stderr


def test_a_countrys_levels_stay_in_order(catalog: Catalog) -> None:
    """Spain's senior records earn less of US seniors' pay than its mid-level ones of US
    mid-level pay: alone, its seniors would earn less than its mid-level engineers."""
    mid, senior = (catalog.facts_by_id[f"aijobs.roles.ES.{level}"] for level in ("mid", "senior"))
    us_mid, us_senior = (catalog.facts_by_id[f"aijobs.roles.US.{lv}"] for lv in ("mid", "senior"))
    assert senior.p50 / us_senior.p50 < mid.p50 / us_mid.p50  # type: ignore[operator]
    medians = [
        run(catalog, country="ES", level=level).median
        for level in ("entry", "mid", "senior", "staff", "principal")
    ]
    assert medians == sorted(medians)
    factor = next(
        f for f in run(catalog, country="ES", level="senior").factors if f.dimension == "country"
    )
    assert "pooled with the next level's" in (factor.reason or "")


def test_an_article_alone_prices_no_country(catalog: Catalog) -> None:
    """s004's country table (in US dollars) names Australia; no 20 Australian-dollar records."""
    assert any(f.source == "s004" for f in catalog.facts_for("country", "AU"))
    with pytest.raises(NoFigure, match="Australia"):
        run(catalog, country="AU", years=5)


# ----------------------------------------------------------------------- cities of the world


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("Berlin", "DE"),
        ("Berlin, DE", "DE"),
        ("Berlin, Germany", "DE"),
        ("München", "DE"),
        ("Munich", "DE"),
        ("Toronto", "CA"),
        ("Toronto, CA", "CA"),  # CA is Canada here: Toronto is in no US state
        ("Bangalore, IN", "IN"),  # IN is India here, not Indiana
        ("Bengaluru", "IN"),
        ("Dublin, IE", "IE"),
        ("Madrid", "ES"),
    ],
)
def test_a_city_abroad_finds_its_country(catalog: Catalog, typed: str, country: str) -> None:
    profile = place(catalog, typed)
    assert profile.country == country and profile.state is None
    result = estimate(catalog, profile)
    assert result.median == run(catalog, country=country).median  # its country's figure


@pytest.mark.parametrize(
    ("typed", "city", "state"),
    [
        ("San Jose, CA", "san-jose", None),  # CA is California: San Jose is there
        ("Columbus, IN", "columbus-in", None),  # IN is Indiana: Columbus, IN is a metro area
        ("Kirkland, WA", "seattle", "WA"),
    ],
)
def test_a_us_state_code_stays_a_state_where_the_city_is_there(
    catalog: Catalog, typed: str, city: str, state: str | None
) -> None:
    profile = place(catalog, typed)
    assert (profile.city, profile.country) == (city, "US")
    assert state is None or profile.state == state


def test_a_us_city_the_data_do_not_list_takes_its_state(catalog: Catalog) -> None:
    profile = place(catalog, "Sammamish")  # GeoNames: Sammamish, WA
    assert (profile.city, profile.state, profile.unmatched_city) == (None, "WA", "Sammamish")
    result = estimate(catalog, profile)
    assert result.median == run(catalog, state="WA").median
    assert any("Sammamish" in w and "Washington's figure applies" in w for w in result.warnings)


def test_a_city_with_the_wrong_state_is_refused_as_the_state_option_is(run: Run) -> None:
    typed = run("estimate", "--city", "Seattle, OR")
    option = run("estimate", "--city", "Seattle", "--state", "OR")
    assert typed.exit_code == option.exit_code == 2
    assert "is in WA, not in Oregon" in typed.stderr and "is in WA" in option.stderr


def test_an_unknown_city_points_to_the_country(run: Run) -> None:
    result = run("estimate", "--city", "Xyzzyville")
    assert result.exit_code == 2 and "give its country too, or write 'City, CC'" in result.stderr
    country = run("estimate", "--city", "Germany")
    assert country.exit_code == 2 and "is a country, not a city" in country.stderr
    typo = run("estimate", "--city", "San Fransisco")  # GeoNames' other names: no silent answer
    assert "did you mean 'San Francisco'?" in typo.stderr


def test_a_name_shared_across_countries_asks(run: Run) -> None:
    result = run("estimate", "--city", "Valencia")
    assert result.exit_code == 2 and "'Valencia, ES' (Spain)" in result.stderr
    assert run.json("estimate", "--city", "Valencia, ES")["inputs"]["country"] == "ES"
    assert run.json("estimate", "--city", "Valencia", "--country", "Spain")["inputs"][
        "country"
    ] == ("ES")


def test_a_city_and_a_country_that_disagree_are_refused(run: Run) -> None:
    result = run("estimate", "--city", "Berlin", "--country", "France")
    assert result.exit_code == 2 and "is in Germany, not in France" in result.stderr
    # A US town GeoNames does not list takes its state's figure, whatever a namesake abroad.
    town = run.json("estimate", "--city", "Berlin", "--state", "NH")
    assert town["inputs"]["state"] == "NH" and town["inputs"]["country"] == "US"
    result = run("estimate", "--city", "Berlin, DE", "--state", "WA")
    assert result.exit_code == 2 and "is in United States, not in Germany" in result.stderr


def test_compare_prices_cities_abroad_as_estimate_does(run: Run) -> None:
    data = run.json("compare", "Bangalore", "Chicago", "Berlin", "--years", "3")
    rows = {row["value"]: row for row in data["rows"]}
    bangalore = run.json("estimate", "--city", "Bangalore", "--years", "3")
    assert rows["bangalore"]["status"] == "estimated"
    assert rows["bangalore"]["median"] == bangalore["median"]
    berlin = run.json("estimate", "--city", "Berlin", "--years", "3")
    assert rows["Berlin"]["median"] == berlin["median"] and "Germany" in rows["Berlin"]["label"]


# ------------------------------------------------------------------------------ remote work


def test_remote_work_has_a_sourced_figure_with_its_records(run: Run) -> None:
    remote = run.json("estimate", "--city", "remote", "--years", "5")
    assert remote["inputs"]["work_mode"] == "remote" and remote["inputs"]["city"] is None
    factor = next(f for f in remote["factors"] if f["dimension"] == "work_mode")
    assert factor["status"] == "applied" and factor["sources"] == ["aijobs"]
    assert factor["evidence"][0]["records"] >= 20
    assert run.json("estimate", "--work", "remote", "--years", "5") == remote


def test_remote_and_onsite_compare_side_by_side(run: Run) -> None:
    data = run.json("compare", "remote", "onsite", "hybrid", "--years", "5")
    assert data["dimension"] == "work_mode"
    status = {row["value"]: row["status"] for row in data["rows"]}
    assert status == {"remote": "estimated", "onsite": "estimated", "hybrid": "no figure"}


def test_remote_abroad_is_measured_against_the_same_country(catalog: Catalog) -> None:
    uk = run(catalog, country="GB", work_mode="remote", years=5)
    factor = next(f for f in uk.factors if f.dimension == "work_mode")
    assert factor.applied
    assert [fig.fact for view in factor.views for fig in view.figures] == ["aijobs.work.remote.GB"]
    ireland = run(catalog, country="IE", work_mode="remote", years=5)
    none = next(f for f in ireland.factors if f.dimension == "work_mode")
    assert none.status == "no figure" and none.reason.endswith("in Ireland")  # type: ignore[union-attr]
    assert ireland.median == run(catalog, country="IE", years=5).median


def test_a_city_and_a_work_mode_that_disagree_are_refused(catalog: Catalog) -> None:
    with pytest.raises(UsageError, match="work mode"):
        place(catalog, "remote", work_mode="onsite")


# ---------------------------------------------------------------------------------- money


def test_rupees_are_grouped_in_lakhs_in_tables_and_plain_in_json(run: Run) -> None:
    table = run("estimate", "--years", "3", "--country", "India", "--currency", "INR")
    assert re.search(r"₹\d{1,2},\d{2},\d{3}\b", table.stdout)
    data = run.json("estimate", "--years", "3", "--country", "India", "--currency", "INR")
    assert isinstance(data["median"], int) and data["currency"] == "INR"
    rows = list(
        csv.reader(io.StringIO(run("estimate", "--currency", "INR", "--format", "csv").stdout))
    )
    assert rows[1][0].isdigit()


def test_an_offer_in_rupees_is_shown_as_typed(run: Run) -> None:
    result = run("offer", "3000000 INR", "--country", "India", "--years", "3")
    assert result.exit_code == 0 and "₹30,00,000" in result.stdout
    data = run.json("offer", "3000000 INR", "--country", "India", "--years", "3")
    assert data["offer"] == 3000000 and data["currency"] == "INR"
    assert data["gap"] == 3000000 - data["estimate"]["median"]
    lakhs = run.json("offer", "₹15,00,000", "--years", "3")  # rupees: a job in India
    assert lakhs["offer"] == 1500000 and lakhs["estimate"]["inputs"]["country"] == "IN"
    euros = run.json("offer", "150000€", "--country", "Germany", "--years", "3")
    assert euros["offer"] == 150000 and euros["currency"] == "EUR"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["¥500000"], "JPY and CNY"),
        (["$150k", "--country", "Canada"], "USD and CAD"),
        (["150000", "--country", "Germany"], "names no currency"),
        (["150000€"], "give its country"),
    ],
)
def test_an_offer_whose_currency_is_unclear_asks(run: Run, args: list[str], said: str) -> None:
    result = run("offer", *args, "--years", "3")
    assert result.exit_code == 2 and said in result.stderr and result.stdout == ""


def test_a_dollar_sign_at_home_is_us_dollars(run: Run) -> None:
    data = run.json("offer", "$150k", "--years", "3")
    assert data["currency"] == "USD" and data["offer"] == 150000


# ---------------------------------------------------------------------------------- batch


def test_batch_prices_cities_abroad_and_remote_as_estimate_does(run: Run) -> None:
    rows = 'city,years\nBerlin,5\nremote,5\nBeijing,5\n"Toronto, CA",3\n'
    result = run("batch", "-", "--format", "jsonl", input=rows)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1 and "no figure for pay in China" in result.stderr
    assert len(lines) == 3  # the row without figure is reported, the others written
    asked = [("Berlin", "5"), ("remote", "5"), ("Toronto, CA", "3")]
    for line, (city, years) in zip(lines, asked, strict=True):
        single = run.json("estimate", "--city", city, "--years", years)
        assert line["median"] == single["median"]

"""Pay by place: every US metro area and state (BLS OEWS May 2025), and cities abroad."""

from __future__ import annotations

import csv
import math
import re

import pytest

from mlsal.catalog import Catalog
from mlsal.engine import estimate, make_factor
from mlsal.profile import Profile, resolve_profile
from mlsal.result import Estimate

from conftest import REPO, Run

EXTRACT = REPO / "data" / "documents" / "oews_may2025_software_data.csv"
ASKED_FIRST = [
    "Seattle",
    "Austin",
    "Boston",
    "Chicago",
    "Denver",
    "Atlanta",
    "Los Angeles",
    "San Diego",
    "Washington",
    "Dallas",
    "Pittsburgh",
    "Raleigh",
    "Portland, OR",
]


def run(catalog: Catalog, **inputs: object) -> Estimate:
    return estimate(catalog, resolve_profile(Profile(**inputs), catalog))  # type: ignore[arg-type]


def factor_of(result: Estimate, dimension: str) -> object:
    return next(f for f in result.factors if f.dimension == dimension)


def test_factors_city_lists_a_sourced_factor_for_300_us_metros(run: Run) -> None:
    cities = run.json("factors", "city")
    applied = [c for c in cities if c["status"] == "applied" and "bls-oews-2025" in c["sources"]]
    assert len(applied) >= 300
    named = {c["label"] for c in applied} | {a for c in applied for a in c["aliases"]}
    for city in ASKED_FIRST:
        assert city in named or any(city == n.split(",")[0] for n in named), city


@pytest.mark.parametrize("city", ASKED_FIRST)
def test_the_cities_people_ask_first_get_a_city_factor(catalog: Catalog, city: str) -> None:
    result = run(catalog, years=5, city=city)
    factor = factor_of(result, "city")
    assert factor.status == "applied"  # type: ignore[attr-defined]
    assert any(v.source == "bls-oews-2025" for v in factor.views)  # type: ignore[attr-defined]
    assert not any("no sourced figure" in w for w in result.warnings)


def oews_median(area: str, soc: str) -> int:
    """A BLS row's annual median, read here independently of the engine."""
    with EXTRACT.open(encoding="utf-8") as handle:
        return next(
            int(r["a_median"])
            for r in csv.DictReader(handle)
            if r["area_code"] == area and r["soc_code"] == soc
        )


def test_a_metro_factor_is_its_medians_over_the_national_ones(gross: Catalog) -> None:
    """Gross pay: Seattle redone from the BLS rows themselves."""
    ratios = [
        oews_median("0042660", soc) / oews_median("0000000", soc) for soc in ("15-1252", "15-2051")
    ]
    official = math.sqrt(ratios[0] * ratios[1])  # one voice: the geometric mean of the two
    catalog = gross
    factor = make_factor(catalog, "city", "seattle")
    assert [v.source for v in factor.views] == ["bls-oews-2025"]
    assert factor.views[0].value == pytest.approx(official)
    weight = catalog.method.weights.statistics
    prior = catalog.method.factors.prior_weight
    expected = math.exp(math.log(official) * weight / (weight + prior))
    assert factor.multiplier == pytest.approx(expected)
    assert 1.2 < official < 1.35  # BLS: Seattle pays software developers about a quarter more


def test_a_base_metro_factor_is_its_median_over_its_states(catalog: Catalog) -> None:
    """Base salary: Seattle against Washington (BLS Software Developers), and Washington's
    own factor applies beside it: each multiplies onto the figure it is measured against."""
    official = oews_median("0042660", "15-1252") / oews_median("5300000", "15-1252")
    factor = make_factor(catalog, "city", "seattle")
    assert [v.source for v in factor.views] == ["bls-oews-2025"]
    assert factor.views[0].value == pytest.approx(official, rel=1e-4)
    result = run(catalog, city="Seattle", years=5)
    state = factor_of(result, "state")
    assert state.status == "applied" and "measured against its state" in state.reason  # type: ignore[attr-defined]
    washington = run(catalog, state="WA", years=5)
    assert result.median == pytest.approx(washington.median * factor.multiplier, rel=1e-3)  # type: ignore[operator]


def test_san_francisco_combines_bls_with_the_article_and_shows_both(run: Run) -> None:
    data = run.json("estimate", "--city", "SF", "--years", "5", "--pay", "gross")
    city = next(f for f in data["factors"] if f["dimension"] == "city")
    assert city["sources"] == ["bls-oews-2025", "s004"]
    by_source = {e["source"]: e for e in city["evidence"]}
    assert by_source["bls-oews-2025"]["weight"] > by_source["s004"]["weight"]
    assert by_source["bls-oews-2025"]["value"] > 1.3 > by_source["s004"]["value"]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Mountain View", "san-jose"),
        ("Palo Alto", "san-jose"),
        ("Cupertino", "san-jose"),
        ("Sunnyvale", "san-jose"),
        ("Menlo Park", "san-francisco"),  # San Mateo County: the San Francisco metro area
        ("Oakland", "san-francisco"),
        ("Bellevue", "seattle"),
        ("Redmond", "seattle"),
        ("Tacoma, WA", "seattle"),
        ("Brooklyn", "new-york"),
        ("Jersey City", "new-york"),
        ("Portland, OR", "portland"),
        ("Portland, ME", "portland-me"),
        ("Boise", "boise"),
        ("Winston-Salem", "winston-salem"),
        ("Scranton", "scranton"),
    ],
)
def test_principal_cities_and_common_names(catalog: Catalog, typed: str, key: str) -> None:
    assert catalog.lookup("city", typed) == key


def test_a_name_several_metros_share_must_say_its_state(run: Run, catalog: Catalog) -> None:
    assert catalog.lookup("city", "Springfield") is None
    assert catalog.lookup("city", "Springfield, MA") is not None
    result = run("estimate", "--city", "Springfield")
    assert result.exit_code == 2 and result.stdout == ""
    assert "names several places: say which" in result.stderr
    assert "'Springfield, MA'" in result.stderr and "'Springfield, IL'" in result.stderr
    # The list: each asks, and each answer it suggests is taken.
    for name in ("Columbia", "Bloomington", "Portland", "Vancouver", "Albany", "Charleston"):
        asked = run("estimate", "--city", name)
        assert asked.exit_code == 2 and "names several places" in asked.stderr, name
        for suggestion in re.findall(r"'([^']+, [A-Z]{2})'", asked.stderr):
            assert run("estimate", "--city", suggestion, "--format", "json").exit_code == 0
    # A state or country given says which.
    assert run.json("estimate", "--city", "Portland", "--state", "ME")["inputs"]["city"] == (
        "portland-me"
    )
    canada = run.json("estimate", "--city", "Vancouver", "--country", "Canada")["inputs"]
    assert canada["country"] == "CA" and canada["city"] is None


@pytest.mark.parametrize(
    ("pay", "sources"), [("base", ["bls-oews-2025", "lca-2024"]), ("gross", ["bls-oews-2025"])]
)
def test_state_option_applies_the_state_factor(run: Run, pay: str, sources: list[str]) -> None:
    data = run.json("estimate", "--state", "WA", "--years", "5", "--pay", pay)
    state = next(f for f in data["factors"] if f["dimension"] == "state")
    assert state["status"] == "applied" and state["sources"] == sources
    assert data["inputs"]["state"] == "WA" and data["inputs"]["country"] == "US"
    plain = run.json("estimate", "--years", "5", "--pay", pay)
    assert data["median"] > plain["median"]
    assert run.json("estimate", "--state", "washington")["inputs"]["state"] == "WA"


def test_a_city_the_data_does_not_know_falls_back_to_its_state(run: Run) -> None:
    for args in (["--city", "Smallville, OR"], ["--city", "Lake Oswego", "--state", "OR"]):
        data = run.json("estimate", *args, "--years", "5")
        state = next(f for f in data["factors"] if f["dimension"] == "state")
        assert state["status"] == "applied" and state["value"] == "OR"
        assert data["inputs"]["city"] is None
        assert any(" its state's applies" in (f["reason"] or "") for f in data["factors"])
        assert any("Oregon's figure applies" in w for w in data["warnings"])
    oregon = run.json("estimate", "--state", "OR", "--years", "5")
    assert data["median"] == oregon["median"]
    table = run("estimate", "--city", "Lake Oswego", "--state", "OR")
    assert "Lake Oswego" in table.stdout  # the table itself says why, not stderr alone


def test_a_known_city_with_its_state_is_that_city(catalog: Catalog, gross: Catalog) -> None:
    result = run(catalog, city="Kirkland, WA", years=5)
    assert result.profile.city == "seattle" and result.profile.state == "WA"
    state = factor_of(result, "state")
    assert state.status == "applied"  # type: ignore[attr-defined]  # the city's is against it
    state = factor_of(run(gross, city="Kirkland, WA", years=5), "state")
    assert state.status == "reference"  # type: ignore[attr-defined]  # in the city's factor


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "Seattle", "--state", "OR"], "is in WA, not in Oregon"),
        (["--city", "London", "--state", "WA"], "not in United Kingdom"),
        (["--state", "TX", "--country", "Canada"], "not in Canada"),
        (["--state", "Texs"], "did you mean 'Texas'?"),
        (["--city", "Nowhereville"], "unknown city 'Nowhereville'"),
    ],
)
def test_places_that_contradict_or_are_unknown(run: Run, args: list[str], message: str) -> None:
    result = run("estimate", *args)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_london_uses_the_uk_factor(catalog: Catalog) -> None:
    london = run(catalog, city="London", years=5)
    country = factor_of(london, "country")
    city = factor_of(london, "city")
    assert country.status == "applied" and country.multiplier < 0.8  # type: ignore[attr-defined]
    # The article's London figure counts only against its own UK figure: 150,000 / 140,000.
    assert city.views[0].value == pytest.approx(150_000 / 140_000)  # type: ignore[attr-defined]
    uk = run(catalog, country="UK", years=5)
    assert london.median == pytest.approx(uk.median * city.multiplier, rel=1e-3)  # type: ignore[attr-defined]


def test_a_city_abroad_measured_only_against_the_us_takes_its_countrys_factor(
    gross: Catalog,
) -> None:
    catalog = gross  # base pay leaves out figures measured against the US: no reason to give
    bangalore = run(catalog, city="Bangalore", years=5)
    india = run(catalog, country="India", years=5)
    assert bangalore.median == india.median
    city = factor_of(bangalore, "city")
    assert city.status == "skipped" and "US pay only" in city.reason  # type: ignore[attr-defined]
    assert "India's figure applies" in city.reason  # type: ignore[attr-defined]


def test_country_factors_from_records_show_their_count(run: Run) -> None:
    countries = {c["key"]: c for c in run.json("factors", "country")}
    canada, india = countries["CA"], countries["IN"]
    # From records paid in the country's own currency (issue 25: Canada 0.55-0.75).
    assert 0.55 < canada["multiplier"] < 0.75 and india["multiplier"] < 0.25
    assert india["records"] >= 20 and canada["records"] >= 20
    # A country is no variation around US pay: its factor is not pulled toward x1.
    assert india["multiplier"] == india["raw_multiplier"]

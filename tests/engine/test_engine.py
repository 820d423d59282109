"""The engine, called directly: each step checked against arithmetic done here from the data."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import pytest

from mlsal.catalog import Catalog
from mlsal.engine import estimate, level_for_years, make_band, make_factor, ordered_level_medians
from mlsal.errors import NoFigure, UsageError
from mlsal.profile import Profile, resolve_profile
from mlsal.result import Estimate


def run(catalog: Catalog, **inputs: Any) -> Estimate:
    return estimate(catalog, resolve_profile(Profile(**inputs), catalog))


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


@pytest.mark.parametrize(
    ("years", "level"),
    [
        (0, "entry"),
        (1.9, "entry"),
        (2, "mid"),
        (4.5, "mid"),
        (5, "senior"),
        (9.9, "senior"),
        (10, "staff"),
        (60, "staff"),
    ],
)
def test_years_map_to_levels_by_the_stated_ranges(
    catalog: Catalog, years: float, level: str
) -> None:
    # s003: entry "less than two years", mid "two to five years", senior "five or more";
    # s001: senior "more than ten years", so from ten years the level above applies.
    assert level_for_years(catalog, years) == level


def test_entry_band_combines_each_source_once(gross: Catalog) -> None:
    # Gross pay. Each article's entry figures are first combined into one and weigh 1, a
    # tenth of that beside 20 or more records when the article states no year; records weigh
    # n / 20 and are brought to the reference year by CPI-U first.
    catalog = gross
    s001 = math.sqrt(70000 * 132000)
    s003 = geometric_mean([math.sqrt(80000 * 127000), math.sqrt(79998 * 127336)])
    s004 = geometric_mean([80000, 90000])  # "Entry Level" and the "0-2" years median
    cell = catalog.facts_by_id["aijobs.ml-engineer.US.entry"]
    cpi = {f.year: f.index for f in catalog.facts if f.dimension == "price_index"}
    aijobs = cell.p50 * cpi[2025] / cpi[cell.year]  # type: ignore[operator]
    undated = catalog.method.pay.undated_article_weight
    weights = [undated, undated, undated, cell.n / 20]  # type: ignore[operator]
    logs = [math.log(v) for v in (s001, s003, s004, aijobs)]
    expected = math.exp(sum(w * x for w, x in zip(weights, logs, strict=True)) / sum(weights))
    band = make_band(catalog, "entry", 2025)
    assert band.median == pytest.approx(expected)
    assert {v.source for v in band.views} == {"aijobs", "s001", "s003", "s004"}


def test_base_entry_band_is_the_ladders_records(catalog: Catalog) -> None:
    """Base salary: the ladder's entry cell alone (the articles state no basis), in 2025
    dollars by CPI-U."""
    cell = catalog.facts_by_id["lca.base.entry"]
    cpi = {f.year: f.index for f in catalog.facts if f.dimension == "price_index"}
    band = make_band(catalog, "entry", 2025)
    assert [v.source for v in band.views] == ["lca-2024"]
    assert band.median == pytest.approx(cell.p50 * cpi[2025] / cpi[cell.year])  # type: ignore[operator]


def test_factor_is_a_figure_over_its_own_sources_reference(gross: Catalog) -> None:
    catalog = gross  # gross pay: the article and BLS against the nation
    factor = make_factor(catalog, "city", "san-francisco")
    article = 170000 / 150000  # s004: "| San Francisco | $170,000 |" over its US $150,000
    facts = catalog.facts_by_id
    # BLS: each occupation's SF median over its national median, one voice (geometric mean).
    software = facts["oews.15-1252.41860"].amount / facts["oews.15-1252.US"].amount  # type: ignore[operator]
    data = facts["oews.15-2051.41860"].amount / facts["oews.15-2051.US"].amount  # type: ignore[operator]
    official = math.sqrt(software * data)
    weights = catalog.method.weights
    w_article, w_official = weights.article, weights.statistics
    log_raw = (w_article * math.log(article) + w_official * math.log(official)) / (
        w_article + w_official
    )
    assert factor.raw_multiplier == pytest.approx(math.exp(log_raw))
    prior = catalog.method.factors.prior_weight
    total = w_article + w_official
    assert factor.multiplier == pytest.approx(math.exp(log_raw * total / (total + prior)))


def test_factors_from_several_sources_are_combined(gross: Catalog) -> None:
    catalog = gross  # gross pay: the articles and the sponsors' averages speak too
    factor = make_factor(catalog, "company", "google")
    s001 = 148000 / math.sqrt(78000 * 154000)
    s003 = 170000 / math.sqrt(111000 * 145000)
    h1b = catalog.facts_by_id["h1b.rank-005"]  # "5,Google,7649,178184.0"
    reference = catalog.facts_by_id["h1b.all"]
    lca, market = catalog.facts_by_id["lca.google"], catalog.facts_by_id["lca.google.market"]
    ratios = [
        s001,
        s003,
        h1b.amount / reference.amount,  # type: ignore[operator]
        lca.amount / market.amount,  # type: ignore[operator]
    ]
    # The top-200 sponsors' averages cover every job title: they weigh as one article; the
    # like-for-like LCA records weigh by their count.
    weights = [1.0, 1.0, 1.0, lca.n / 20]  # type: ignore[operator]
    expected = math.exp(
        sum(w * math.log(r) for w, r in zip(weights, ratios, strict=True)) / sum(weights)
    )
    assert factor.raw_multiplier == pytest.approx(expected)
    assert factor.sigma_between > 0  # the sources disagree, and that widens the band


def test_levels_never_pay_less_as_they_rise(catalog: Catalog) -> None:
    ordered = ordered_level_medians(catalog, 2025)
    medians = [ordered[level.key][1] for level in catalog.values["level"]]
    assert medians == sorted(medians)


def test_missing_figure_warns_and_changes_nothing(catalog: Catalog) -> None:
    plain = run(catalog, level="senior")
    with_skill = run(catalog, level="senior", skills=("nlp",))
    assert with_skill.median == plain.median
    assert any("Natural language processing" in w for w in with_skill.warnings)


def test_company_figure_and_the_city(catalog: Catalog, gross: Catalog) -> None:
    # Google's records are measured against the same work in the same states: SF still applies.
    result = run(catalog, level="senior", company="google", city="SF")
    city = next(f for f in result.factors if f.dimension == "city")
    assert city.status == "applied"
    # Gross pay: McKinsey has too few records; its figures are national averages, which hold
    # the place.
    national = run(gross, level="senior", company="mckinsey", city="SF")
    city = next(f for f in national.factors if f.dimension == "city")
    assert city.status == "skipped" and "measured against the nation" in (city.reason or "")
    abroad = run(catalog, level="senior", company="google", city="London")
    city = next(f for f in abroad.factors if f.dimension == "city")
    country = next(f for f in abroad.factors if f.dimension == "country")
    assert city.status == "applied" and country.status == "applied" and country.multiplier < 1


@pytest.mark.parametrize(
    ("level", "own", "reference"),
    [
        ("mid", "aijobs.roles.GB.mid", "aijobs.roles.US.mid"),  # 366 GBP records at mid
        ("staff", "aijobs.roles.GB", "aijobs.roles.US"),  # none at staff: all levels
    ],
)
def test_country_factor_combines_article_and_records(
    catalog: Catalog, level: str, own: str, reference: str
) -> None:
    result = run(catalog, level=level, country="UK")
    country = next(f for f in result.factors if f.dimension == "country")
    gb, us = catalog.facts_by_id[own], catalog.facts_by_id[reference]
    ratios = [140000 / 150000, gb.p50 / us.p50]  # type: ignore[operator]
    weights = [1.0, gb.n / 20]  # type: ignore[operator]
    expected = math.exp(
        sum(w * math.log(r) for w, r in zip(weights, ratios, strict=True)) / sum(weights)
    )
    assert country.applied and country.raw_multiplier == pytest.approx(expected)
    said = "its own Mid records" if own.endswith("mid") else "no Staff figure"
    assert said in (country.reason or "")


def test_level_wins_over_years_with_a_warning(catalog: Catalog) -> None:
    result = run(catalog, years=1, level="senior")
    assert result.profile.level == "senior"
    assert any("senior" in w and "entry" in w for w in result.warnings)


def test_certifications_are_not_stacked(catalog: Catalog) -> None:
    both = run(catalog, level="mid", certifications=("aws", "gcp"))
    gcp = run(catalog, level="mid", certifications=("gcp",))
    assert both.median == gcp.median
    statuses = {f.value: f.status for f in both.factors}
    assert statuses == {"ml-engineer": "reference", "aws": "not stacked", "gcp": "applied"}


def test_band_percentiles_follow_the_method(catalog: Catalog) -> None:
    result = run(catalog, level="entry")
    z10, z90 = NormalDist().inv_cdf(0.10), NormalDist().inv_cdf(0.90)
    # low and high are P10 and P90 of the log-normal around the median (to the dollar).
    assert abs(result.low - result.median * math.exp(z10 * result.sigma)) <= 1
    assert abs(result.high - result.median * math.exp(z90 * result.sigma)) <= 1
    assert result.band_share == pytest.approx(0.8)
    assert result.sigma >= result.band.sigma_within


def test_city_and_country_must_agree(catalog: Catalog) -> None:
    with pytest.raises(UsageError, match="London.*United Kingdom"):
        run(catalog, city="London", country="US")


def test_names_resolve_through_aliases_case_and_accents(catalog: Catalog) -> None:
    assert catalog.resolve("city", "SAN FRANCISCO") == "san-francisco"
    assert catalog.resolve("city", "Bengalūru") == "bangalore"
    assert catalog.resolve("company", "facebook") == "meta"
    with pytest.raises(UsageError, match="did you mean 'San Francisco'"):
        catalog.resolve("city", "San Fransisco")


def test_a_place_abroad_without_figures_gives_no_figure_never_us_pay(catalog: Catalog) -> None:
    for place in ({"city": "peking"}, {"country": "China"}, {"city": "Tel Aviv, IL"}):
        with pytest.raises(NoFigure, match=r"^no figure for pay in .*(China|Israel)"):
            run(catalog, level="mid", **place)
    # Australia: an article's country table alone (s004, in US dollars) is no basis.
    with pytest.raises(NoFigure, match="Australia"):
        run(catalog, level="mid", country="Australia")
    london = run(catalog, city="London")
    assert london.median < run(catalog).median and london.profile.country == "GB"


def test_a_profile_cannot_change_once_made(catalog: Catalog) -> None:
    """Shares and memos are keyed by a profile's fields: a profile changed after it was
    resolved would read another profile's figures."""
    from dataclasses import FrozenInstanceError, replace

    profile = resolve_profile(Profile(years=3, city="SF"), catalog)
    with pytest.raises(FrozenInstanceError):
        profile.city = "seattle"
    with pytest.raises(FrozenInstanceError):
        del profile.years
    moved = replace(profile, city="seattle")  # a changed copy is the way
    assert (moved.city, profile.city) == ("seattle", "san-francisco")

"""The engine on a tiny data directory (tests/fixtures/tiny) whose figures are chosen so that
each result can be worked out by hand from the method: geometric means of the sources, a
factor pulled halfway to 1 when one article gives it (prior weight 1), percentiles of a
log-normal. The shipped figures can change; these cannot."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from mlsal.catalog import Catalog
from mlsal.engine import estimate, profile_shares
from mlsal.errors import NoFigure, UsageError
from mlsal.load import load_catalog
from mlsal.profile import Profile, make_profile, resolve_profile
from mlsal.result import Estimate

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "tiny"


@pytest.fixture(scope="module")
def tiny() -> Catalog:
    return load_catalog(shipped_dir=TINY, use_cache=False)


def run(catalog: Catalog, **inputs: Any) -> Estimate:
    return estimate(catalog, resolve_profile(make_profile(inputs), catalog))


def pulled(ratio: float, articles: int = 1, prior: float = 1.0) -> float:
    """A factor one article gives, pulled toward 1 by the prior: a weighted geometric mean."""
    return math.exp(articles * math.log(ratio) / (articles + prior))


def test_one_source_gives_the_band(tiny: Catalog) -> None:
    result = run(tiny, level="entry")
    assert result.band.ordered_median == pytest.approx(100_000)
    assert result.median == 100_000
    assert [v.source for v in result.band.views] == ["a1"]
    assert "the baseline rests on one source (a1)" in result.warnings


def test_two_sources_combine_as_a_weighted_geometric_mean(tiny: Catalog) -> None:
    result = run(tiny, level="mid")
    middle_of_range = math.sqrt(120_000 * 180_000)  # a2's pay range, read at its middle
    assert result.band.ordered_median == pytest.approx(math.sqrt(150_000 * middle_of_range))
    assert {v.source: v.weight for v in result.band.views} == {"a1": 1.0, "a2": 1.0}


def test_a_factor_from_one_article_is_pulled_halfway_to_one(tiny: Catalog) -> None:
    plain, in_sf = run(tiny, level="mid"), run(tiny, level="mid", city="SF")
    city = next(f for f in in_sf.factors if f.dimension == "city")
    assert city.raw_multiplier == pytest.approx(180_000 / 150_000)
    assert city.multiplier == pytest.approx(pulled(1.2))
    assert in_sf.median == round(plain.band.ordered_median * pulled(1.2))


def test_factors_multiply(tiny: Catalog) -> None:
    result = run(tiny, level="mid", city="sf", industry="finance")
    expected = result.band.ordered_median * pulled(1.2) * pulled(1.1)
    assert result.median == round(expected)


def test_the_band_is_a_log_normal_around_the_median(tiny: Catalog) -> None:
    result = run(tiny, level="mid")
    z90 = 1.2815515655446004
    assert result.low == round(result.median * math.exp(-z90 * result.sigma))
    assert result.high == round(result.median * math.exp(z90 * result.sigma))


def test_the_strongest_skill_applies_once(tiny: Catalog) -> None:
    result = run(tiny, level="mid", skills="nlp;cv")
    statuses = {f.value: f.status for f in result.factors if f.dimension == "skill"}
    assert statuses == {"nlp": "applied", "cv": "not stacked"}
    assert result.median == round(result.band.ordered_median * pulled(159_000 / 150_000))


def test_years_map_to_the_level_their_source_says(tiny: Catalog) -> None:
    assert run(tiny, years=1.5).profile.level == "entry"
    assert run(tiny, years=2).profile.level == "mid"
    assert run(tiny, years=40).profile.level == "senior"
    both = run(tiny, years=1, level="senior")
    assert both.profile.level == "senior"
    assert any("but the level senior was given" in w for w in both.warnings)


def test_a_value_without_a_figure_is_said_not_guessed(tiny: Catalog) -> None:
    plain, tulsa = run(tiny, level="mid"), run(tiny, level="mid", city="tulsa")
    assert tulsa.median == plain.median
    assert "no sourced figure for city 'Tulsa'; no factor applied" in tulsa.warnings
    with pytest.raises(
        NoFigure, match=r"^no figure for pay in Fiji: .*with figures: United States$"
    ):
        run(tiny, level="mid", country="FJ")  # a country no records price: never US pay


def test_figures_are_brought_to_the_year_asked_for(tiny: Catalog) -> None:
    latest, earlier = run(tiny, level="entry"), run(tiny, level="entry", as_of=2024)
    assert latest.as_of == 2025
    assert earlier.median == round(100_000 * 300.0 / 309.0)
    with pytest.raises(UsageError, match="no price index for 2019"):
        run(tiny, level="entry", as_of=2019)


def test_the_reference_role_comes_from_the_method(tiny: Catalog) -> None:
    result = run(tiny, level="mid")
    assert result.profile.role == tiny.method.reference.role
    role = next(f for f in result.factors if f.dimension == "role")
    assert role.status == "reference"


def test_years_of_one_level_share_its_band_and_what_is_said(tiny: Catalog) -> None:
    def band_share(**inputs: Any) -> tuple[Any, ...]:
        share = profile_shares(tiny, resolve_profile(make_profile(inputs), tiny))[0]
        return share.level, share.log_sum, share.variance, share.bits, share.warned

    assert band_share(years=2.5, city="SF") == band_share(years=4.9, city="San Francisco")
    assert band_share(years=2.5) != band_share(years=5)
    assert band_share(years=1, level="senior") != band_share(years=2, level="senior")


def test_real_pay_without_a_price_parity_is_warned_of(tiny: Catalog) -> None:
    profile = resolve_profile(Profile(level="mid", city="tulsa"), tiny)
    result = estimate(tiny, profile, real=True)
    assert result.purchasing_power is None
    assert any("no price parity for Tulsa" in w for w in result.warnings)
    assert not any("price parity" in w for w in estimate(tiny, profile).warnings)

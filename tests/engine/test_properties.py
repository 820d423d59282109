"""Properties that hold for every profile, checked on generated ones (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsal.catalog import Catalog
from mlsal.engine import estimate
from mlsal.errors import UsageError
from mlsal.load import load_catalog
from mlsal.profile import Profile, resolve_profile
from mlsal.render.json_data import estimate_data

from conftest import Run

CATALOG: Catalog = load_catalog()


def keys(dimension: str) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from([v.key for v in CATALOG.values[dimension]])


def priced(field: str) -> list[str]:
    """The keys of a place that give a figure: not a name several places share ('reading':
    Pennsylvania's or England's, asked), not a country no records price (China)."""
    found = []
    for value in CATALOG.values[field]:
        try:
            estimate(CATALOG, resolve_profile(Profile(**{field: value.key}), CATALOG))
        except UsageError:
            continue
        found.append(value.key)
    return found


PRICED = {field: priced(field) for field in ("city", "country")}


def test_nearly_every_place_is_priced() -> None:
    """The properties run over priced places: those must be nearly all of them."""
    for field, found in PRICED.items():
        assert len(found) >= 0.5 * len(CATALOG.values[field]), field
    assert len(PRICED["city"]) >= 0.9 * len(CATALOG.values["city"])


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    city = draw(st.none() | st.sampled_from(PRICED["city"]))
    country = None if city is not None else draw(st.none() | st.sampled_from(PRICED["country"]))
    return Profile(
        years=draw(st.none() | st.floats(min_value=0, max_value=60, allow_nan=False)),
        level=draw(keys("level")),
        city=city,
        country=country,
        work_mode=draw(keys("work_mode")),
        industry=draw(keys("industry")),
        education=draw(keys("education")),
        company=draw(keys("company")),
        company_size=draw(keys("company_size")),
        role=draw(st.sampled_from([v.key for v in CATALOG.values["role"]])),
        skills=tuple(
            draw(st.lists(st.sampled_from([v.key for v in CATALOG.values["skill"]]), max_size=3))
        ),
        certifications=tuple(
            draw(
                st.lists(
                    st.sampled_from([v.key for v in CATALOG.values["certification"]]), max_size=3
                )
            )
        ),
    )


def run_profile(profile: Profile) -> object:
    return estimate(CATALOG, resolve_profile(profile, CATALOG))


@given(profiles())
@settings(max_examples=300, deadline=None)
def test_low_median_high_are_ordered(profile: Profile) -> None:
    result = run_profile(profile)
    assert 0 < result.low <= result.median <= result.high  # type: ignore[attr-defined]


@given(profiles(), st.floats(min_value=0, max_value=60), st.floats(min_value=0, max_value=60))
@settings(max_examples=300, deadline=None)
def test_more_experience_never_lowers_the_median(profile: Profile, a: float, b: float) -> None:
    fewer, more = sorted((a, b))
    base = Profile(**{**profile.__dict__, "level": None})
    low = run_profile(Profile(**{**base.__dict__, "years": fewer}))
    high = run_profile(Profile(**{**base.__dict__, "years": more}))
    assert low.median <= high.median  # type: ignore[attr-defined]


@given(profiles())
@settings(max_examples=200, deadline=None)
def test_same_input_same_output(profile: Profile) -> None:
    assert estimate_data(run_profile(profile)) == estimate_data(run_profile(profile))


@given(profiles())
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_json_output_always_parses(run: Run, profile: Profile) -> None:
    args = ["estimate", "--format", "json", "--role", profile.role]
    for option, value in (
        ("--years", None if profile.years is None else repr(profile.years)),
        ("--level", profile.level),
        ("--city", profile.city),
        ("--country", profile.country),
        ("--industry", profile.industry),
        ("--education", profile.education),
        ("--company", profile.company),
        ("--company-size", profile.company_size),
    ):
        if value is not None:
            args += [option, value]
    for skill in profile.skills:
        args += ["--skill", skill]
    for cert in profile.certifications:
        args += ["--cert", cert]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["low"] <= data["median"] <= data["high"]

"""Factors: each value's figure relative to its reference, combined over the sources; the
place's rule (city, else state, else country) and the strongest of several credentials."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

from mlsal.aging import latest_year
from mlsal.catalog import Catalog
from mlsal.distribution import z_score
from mlsal.engine.figures import (
    describe_figure,
    log_mean,
    range_percentiles,
    ratios_by_source,
    reference_words,
    relative_facts,
    selection_of,
    source_weight,
    weighted_log_stats,
)
from mlsal.engine.levels import in_order, ordered_level_medians
from mlsal.names import possessive
from mlsal.profile import lacking_records
from mlsal.result import (
    Factor,
    FactorStatus,
    FigureUsed,
    SourceView,
)


def factor_views(
    catalog: Catalog,
    dimension: str,
    value: str,
    level: str | None = None,
    within: str | None = None,
) -> list[SourceView]:
    """Each source's figure for the value divided by the same source's reference figure."""
    by_source = ratios_by_source(catalog, relative_facts(catalog, dimension, value, level, within))
    percentiles = range_percentiles(catalog)
    views = []
    for source, group in sorted(by_source.items()):
        figures = tuple(
            FigureUsed(
                fact.id,
                fact.quote,
                f"{describe_figure(fact, percentiles)} / {describe_figure(ref, percentiles)} "
                f"({ref.id}{reference_words(ref)}) = {ratio:.3f}",
                ratio,
                selection_of(fact),
            )
            for fact, ref, ratio in group
        )
        views.append(
            SourceView(
                source=source,
                value=log_mean([ratio for _, _, ratio in group], [f.n for f, _, _ in group]),
                weight=source_weight(catalog, [f for f, _, _ in group]),
                spread=None,
                figures=figures,
                records=sum(f.n or 0 for f, _, _ in group),
            )
        )
    return views


def _within_state(catalog: Catalog, city: Factor) -> bool:
    """Whether a city's factor is measured against its own state (the base model's metro
    areas): then the state's factor applies under it."""
    references = [
        catalog.facts_by_id[catalog.facts_by_id[f.fact].reference or ""]
        for view in city.views
        for f in view.figures
    ]
    return bool(references) and all(r.dimension == "state" for r in references)


def make_factor(
    catalog: Catalog,
    dimension: str,
    value: str,
    level: str | None = None,
    within: str | None = None,
) -> Factor:
    """The factor of one value (for one level, where sources give figures by level; within
    one country, for a work mode), once per catalog."""
    return catalog.memo.remember(
        "factor at level",
        (dimension, value, level, within),
        lambda: _factor_at_level(catalog, dimension, value, level, within),
    )


def _factor_at_level(
    catalog: Catalog, dimension: str, value: str, level: str | None, within: str | None
) -> Factor:
    if within is not None:  # of the country's own figures only (a work mode's)
        facts = relative_facts(catalog, dimension, value, None, within)
    else:
        facts = catalog.facts_for(dimension, value)
    by_level = level if any(f.level for f in facts) else None  # else one factor serves all
    factor = catalog.memo.remember(
        "factor",
        (dimension, value, by_level, within),
        lambda: _make_factor(catalog, dimension, value, by_level, within),
    )
    if level is not None and by_level is None and factor.applied and catalog.has_levels(dimension):
        # Its figure for all levels, on the national ladder: how its pay spreads over all its
        # levels says nothing of one level's, so the market's spread stays.
        why = _level_reason(catalog, dimension, value, level)
        return replace(factor, reason=why, spread=None)
    return factor


def _make_factor(
    catalog: Catalog, dimension: str, value: str, level: str | None, within: str | None = None
) -> Factor:
    label = catalog.label(dimension, value)
    views = factor_views(catalog, dimension, value, level, within)
    if not views:
        if any(catalog.is_reference(f) for f in catalog.facts_for(dimension, value)):
            why = "the sources' reference for this dimension"
            return Factor(dimension, value, label, "reference", 1.0, 0.0, (), why)
        why = _no_figure(dimension)
        if within is not None:
            why = f"{why} in {catalog.label('country', within)}"
        records = catalog.value(dimension, value).records if dimension == "company" else None
        if records is not None:  # named, but its records are too few for a figure
            least = catalog.method.limits.min_employer_records
            why = f"no figure for {label}: {records} records, fewer than {least}"
        if dimension == "city" and any(
            f.reference is not None for f in catalog.facts_of_every_pay("city", value)
        ):  # it has figures, but measured against another country's (the US)
            country = catalog.label("country", catalog.value("city", value).country or "")
            why = f"its sources measure it against US pay only, not against {possessive(country)}"
        return Factor(dimension, value, label, "no figure", None, 0.0, (), why)
    if dimension in catalog.method.factors.records_needed and not any(v.records for v in views):
        return Factor(dimension, value, label, "no figure", None, 0.0, (), lacking_records(catalog))
    mean, between = weighted_log_stats(views)
    total = sum(v.weight for v in views)
    shrunk = mean * total / (total + catalog.method.factors.prior_for(dimension))
    adjusted = sum(v.weight for v in views if catalog.facts_by_id[v.figures[0].fact].place_adjusted)
    return Factor(
        dimension,
        value,
        label,
        "applied",
        math.exp(shrunk),
        between,
        tuple(views),
        reason=_level_reason(catalog, dimension, value, level),
        raw_multiplier=math.exp(mean),
        place_adjusted=adjusted >= total / 2,
        spread=_own_spread(catalog, views),
    )


def _own_spread(catalog: Catalog, views: list[SourceView]) -> float | None:
    """The spread of a value's own records (P10 and P90 its facts state beside their figure,
    weighted by their count), or None where no fact states it."""
    facts = [catalog.facts_by_id[f.fact] for view in views for f in view.figures]
    spread = [f for f in facts if f.figure == "average" and f.p10 and f.p90 and f.n]
    if not spread:
        return None
    width = z_score(90) - z_score(10)
    total = sum(f.n or 0 for f in spread)
    return sum((f.n or 0) * math.log((f.p90 or 1) / (f.p10 or 1)) / width for f in spread) / total


def _level_reason(catalog: Catalog, dimension: str, value: str, level: str | None) -> str | None:
    """Whether a value's figure is for the profile's level, or for all its levels."""
    if level is None:
        return None
    own = [f for f in catalog.facts_for(dimension, value) if f.level == level]
    name = catalog.label("level", level)
    if own:
        records = sum(f.n or 0 for f in own)
        home = catalog.label("country", catalog.method.reference.country)
        where = f"in {home}" if dimension == "country" else "elsewhere"
        return f"from its own {name} records ({records:,}), against {name} pay {where}"
    ladder = ", on the national ladder" if dimension == "company" else ""
    return f"its records give no {name} figure: its figure for all levels applies{ladder}"


def _no_figure(dimension: str) -> str:
    return f"no source gives a figure for this {dimension.replace('_', ' ')}"


def reference_factor(catalog: Catalog, dimension: str, value: str, why: str) -> Factor:
    return Factor(dimension, value, catalog.label(dimension, value), "reference", 1.0, 0.0, (), why)


def skipped(factor: Factor, why: str, status: FactorStatus = "skipped") -> Factor:
    return replace(factor, status=status, reason=why)


class Place(NamedTuple):
    """Where a profile's job is, as the location rule reads it (the profile's city, state and
    country once resolved, and a city typed that the data hold no figure for)."""

    city: str | None
    state: str | None
    country: str | None
    unmatched_city: str | None


def location_factors(
    catalog: Catalog,
    place: Place,
    company_holds_place: bool = False,
    level: str | None = None,
) -> list[Factor]:
    """The most local place with a figure: city, else state, else country.

    A US city's or state's figure is relative to the same source's national figure. A city
    abroad counts only against its own country's figure (s004: London against the UK), so its
    country's factor applies with it. A company's figure measured against the same work in the
    same places leaves the place to apply; one measured against the nation already holds it.
    """
    factors: list[Factor] = []
    country = place.country
    company_reflects = (
        "the company's own figure is measured against the nation, so it already reflects "
        "where the company pays"
    )
    local: Factor | None = None
    if place.city is not None:
        city = make_factor(catalog, "city", place.city)
        factors.append(city)
        if city.status == "applied":
            local = city
    home = catalog.method.reference.country
    state = _state_factor(catalog, place, local) if country == home or place.state else None
    if state is not None:
        factors.append(state)
        if local is None and state.applied:
            local = state
    if local is not None and company_holds_place and country == home:
        factors = [
            skipped(f, company_reflects) if f.applied and f.dimension in ("city", "state") else f
            for f in factors
        ]
    if country == home:
        why = (
            f"included in the {local.dimension}'s factor"
            if local is not None
            else "the sources' figures are for the USA"
        )
        factors.append(reference_factor(catalog, "country", country, why))
    elif country is not None:
        factor = country_factor(catalog, country, level)
        if factor.status == "applied" and local is None and (place.city or place.unmatched_city):
            why = "the city has no figure of its own; its country's applies"
            factor = replace(factor, reason=why)
            # A city abroad measured against US pay only: its country's figure says it.
            factors = [
                skipped(f, f"{f.reason}; {possessive(factor.label)} figure applies")
                if f.dimension == "city" and f.status == "no figure"
                else f
                for f in factors
            ]
        factors.append(factor)
    return factors


def country_factor(catalog: Catalog, country: str, level: str | None) -> Factor:
    """A country's factor at a level: its figure for the level where its records give one,
    else for all levels; pooled with the next level's where the two would put the country's
    levels out of order (Spain's mid-level records earn more than its seniors' of US pay)."""
    factor = make_factor(catalog, "country", country, level)
    if level is None or not factor.applied:
        return factor
    ordered = catalog.memo.remember(
        "country ladder", country, lambda: _country_ladder(catalog, country)
    )
    multiplier = ordered.get(level)
    if multiplier is None or math.isclose(multiplier, factor.multiplier or 1.0):
        return factor
    why = f"{factor.reason}; pooled with the next level's to keep the country's levels in order"
    return replace(factor, multiplier=multiplier, reason=why)


def _country_ladder(catalog: Catalog, country: str) -> dict[str, float]:
    """Each level's country factor once the country's level medians (the national band's
    ordered median times the factor) are put in order, weighted by the factors' evidence."""
    medians = ordered_level_medians(catalog, latest_year(catalog))
    items = []
    for level, (_, median, _) in medians.items():
        factor = make_factor(catalog, "country", country, level)
        if factor.applied and factor.multiplier:
            weight = sum(v.weight for v in factor.views)
            items.append((level, math.log(median * factor.multiplier), weight))
    return {
        level: math.exp(mean) / medians[level][1]
        for levels, mean in in_order(items)
        for level in levels
    }


def _state_factor(catalog: Catalog, place: Place, city: Factor | None) -> Factor | None:
    """The state's factor: the place's when the city has none, else said to be in the city's."""
    state_key = place.state or _state_of(catalog, place.city)
    if state_key is None:
        return None
    if city is not None and not _within_state(catalog, city):
        return reference_factor(catalog, "state", state_key, "included in the city's factor")
    state = make_factor(catalog, "state", state_key)
    if state.status == "applied" and city is not None:
        state = replace(state, reason="the city's factor is measured against its state")
    elif state.status == "applied":
        if place.unmatched_city is not None:
            why = f"no figure for the city '{place.unmatched_city}'; its state's applies"
            state = replace(state, reason=why)
        elif place.city is not None:
            state = replace(state, reason="the city has no figure of its own; its state's applies")
    return state


def _state_of(catalog: Catalog, city: str | None) -> str | None:
    """The state a US city's metro area lies in (the first, for one that spans several)."""
    if city is None:
        return None
    states = catalog.value("city", city).states
    return states[0] if states else None


def strongest_of(catalog: Catalog, dimension: str, keys: tuple[str, ...]) -> list[Factor]:
    """Several certifications or skills: the strongest applies once; premiums are not stacked."""
    factors = [make_factor(catalog, dimension, key) for key in keys]
    applied = [f for f in factors if f.applied]
    if len(applied) <= 1:
        return factors
    best = max(applied, key=lambda f: f.multiplier or 1.0)
    return [
        f
        if f is best or not f.applied
        else skipped(
            f, f"premiums are not stacked; {possessive(best.label)} is larger", "not stacked"
        )
        for f in factors
    ]

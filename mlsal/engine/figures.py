"""Combining the sources of one cell: how a figure is read, weighed and aged, and each
source's figure for a value divided by the same source's reference figure."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from mlsal.aging import aging_factor, figure_year
from mlsal.amounts import dollars
from mlsal.catalog import Catalog
from mlsal.distribution import center_of_figure, spread_of_figure
from mlsal.result import (
    FigureUsed,
    SourceView,
)
from mlsal.schema import CENTRAL_FIGURES, Fact


def selection_of(fact: Fact) -> str | None:
    """Which records a derived figure was computed from, in words."""
    if fact.filter is None:
        return None
    where = ", ".join(f"{name} {value}" for name, value in fact.filter.items())
    count = f"{fact.n:,} records" if fact.n else "records"
    return f"{count} where {where}"


def describe_figure(fact: Fact, range_percentiles: tuple[int, int]) -> str:
    center = center_of_figure(fact)
    if fact.figure in ("average", "median"):
        return f"{fact.figure} {dollars(center or 0)}"
    if fact.figure == "average_range" and fact.low and fact.high:
        return (
            f"range of averages {dollars(fact.low)} to {dollars(fact.high)}; "
            f"middle {dollars(center or 0)}"
        )
    if fact.figure == "pay_range" and fact.low and fact.high:
        low_p, high_p = range_percentiles
        return (
            f"pay range {dollars(fact.low)} to {dollars(fact.high)}, read as P{low_p}-P{high_p}; "
            f"middle {dollars(center or 0)}"
        )
    if fact.figure == "percentiles":
        return (
            f"P10 {dollars(fact.p10 or 0)}, P50 {dollars(fact.p50 or 0)}, "
            f"P90 {dollars(fact.p90 or 0)} of n={fact.n} records"
        )
    return fact.figure


def source_weight(catalog: Catalog, facts: Iterable[Fact]) -> float:
    """An article weighs once per cell, official statistics as set in the method; records
    weigh by their count."""
    weights = catalog.method.weights
    facts = list(facts)
    if facts and facts[0].source in weights.as_article:
        return weights.article
    counts = [f.n for f in facts if f.n is not None]
    if counts and catalog.sources[facts[0].source].kind == "user":  # its n is its own word
        return min(sum(counts), weights.user_records) / weights.records_per_article
    if counts:
        return sum(counts) / weights.records_per_article
    if facts and catalog.sources[facts[0].source].kind == "statistics":
        return weights.statistics
    return weights.article


def log_mean(values: list[float], counts: list[int | None] | None = None) -> float:
    """Geometric mean; weighted by the records behind each value when all have a count."""
    weights = [float(c) if c else 0.0 for c in counts] if counts else []
    if not weights or not all(weights):
        weights = [1.0] * len(values)
    total = sum(weights)
    return math.exp(sum(w * math.log(v) for w, v in zip(weights, values, strict=True)) / total)


def weighted_log_stats(views: list[SourceView]) -> tuple[float, float]:
    """Weighted mean of log values, and the weighted standard deviation around it."""
    total = sum(v.weight for v in views)
    mean = sum(v.weight * math.log(v.value) for v in views) / total
    return mean, spread_around(views, mean)


def spread_around(views: list[SourceView], log_center: float) -> float:
    """The weighted standard deviation of the views' log values around a given centre."""
    total = sum(v.weight for v in views)
    return math.sqrt(sum(v.weight * (math.log(v.value) - log_center) ** 2 for v in views) / total)


def range_percentiles(catalog: Catalog) -> tuple[int, int]:
    """The percentiles an article's pay range is read as (method.toml: pay_range)."""
    pay_range = catalog.method.pay_range
    return pay_range.low_percentile, pay_range.high_percentile


def band_views(catalog: Catalog, facts: list[Fact], as_of: int) -> list[SourceView]:
    """One view per source of the figures that say where pay lies in a cell, in as_of dollars."""
    percentiles = range_percentiles(catalog)
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.figure in CENTRAL_FIGURES:
            by_source[fact.source].append(fact)
    records = sum(f.n or 0 for group in by_source.values() for f in group)
    outweigh = catalog.method.pay.records_outweigh
    views = []
    for source, group in sorted(by_source.items()):
        centers = [
            (center_of_figure(f) or 0.0) * aging_factor(catalog, figure_year(catalog, f), as_of)
            for f in group
        ]
        spreads = [s for f in group if (s := spread_of_figure(f, *percentiles)) is not None]
        weight = source_weight(catalog, group)
        if records >= outweigh and not any(f.n for f in group) and _all_undated(catalog, group):
            weight *= catalog.method.pay.undated_article_weight  # records speak for the cell
        views.append(
            SourceView(
                source=source,
                value=log_mean(centers, [f.n for f in group]),
                weight=weight,
                spread=mean_of(spreads),
                records=sum(f.n or 0 for f in group),
                figures=tuple(
                    FigureUsed(
                        f.id, f.quote, _aged(catalog, f, as_of, percentiles), c, selection_of(f)
                    )
                    for f, c in zip(group, centers, strict=True)
                ),
            )
        )
    return views


def _all_undated(catalog: Catalog, facts: list[Fact]) -> bool:
    return all(figure_year(catalog, f) is None for f in facts)


def _aged(catalog: Catalog, fact: Fact, as_of: int, percentiles: tuple[int, int]) -> str:
    """How a figure was read, and how it was brought to as_of dollars."""
    detail = describe_figure(fact, percentiles)
    year = figure_year(catalog, fact)
    if year is None:
        return f"{detail}; year not stated, not aged"
    factor = aging_factor(catalog, year, as_of)
    if factor == 1.0:
        return f"{detail} ({year})"
    center = (center_of_figure(fact) or 0.0) * factor
    return f"{detail} ({year}); ×{factor:.4f} by CPI-U to {as_of}: {dollars(center)}"


def mean_of(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def within_spread(views: list[SourceView]) -> float | None:
    spread_views = [v for v in views if v.spread is not None]
    if not spread_views:
        return None
    total = sum(v.weight for v in spread_views)
    return sum(v.weight * (v.spread or 0.0) for v in spread_views) / total


def reference_words(reference: Fact) -> str:
    """': what other employers pay … (12,345 records)' where the reference says what it is."""
    if reference.note is None:
        return ""
    records = f"; {reference.n:,} records" if reference.n else ""
    return f": {reference.note.rstrip('.')}{records}"


def ratios_by_source(
    catalog: Catalog, facts: list[Fact]
) -> dict[str, list[tuple[Fact, Fact, float]]]:
    """(fact, its reference, fact / reference) for each relative fact, by source."""
    by_source: dict[str, list[tuple[Fact, Fact, float]]] = defaultdict(list)
    for fact in facts:
        reference = catalog.facts_by_id[fact.reference or ""]
        ratio = (center_of_figure(fact) or 0.0) / (center_of_figure(reference) or 1.0)
        by_source[fact.source].append((fact, reference, ratio))
    return by_source


def relative_facts(
    catalog: Catalog,
    dimension: str,
    value: str,
    level: str | None = None,
    within: str | None = None,
) -> list[Fact]:
    """The value's figures that have a reference; a city's only those measured against its
    own country (a city abroad measured against the US says nothing its country's factor
    does not; the country's own records say it better); a work mode's only those measured
    against the country `within` (remote work in the UK against UK pay). Of a source that
    gives figures by level, its figures for the level where it has them, else its figure for
    all levels."""
    facts = for_level(
        [
            f
            for f in catalog.facts_for(dimension, value)
            if f.reference is not None and f.figure in CENTRAL_FIGURES
        ],
        level,
    )
    if within is not None:
        home = catalog.method.reference.country
        return [f for f in facts if (measured_against(catalog, f) or home) == (within or home)]
    if dimension != "city":
        return facts
    country = catalog.value("city", value).country
    return [f for f in facts if measured_against(catalog, f) == country]


def for_level(facts: list[Fact], level: str | None) -> list[Fact]:
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_source[fact.source].append(fact)
    kept: list[Fact] = []
    for group in by_source.values():
        own = [f for f in group if level is not None and f.level == level]
        kept += own or [f for f in group if f.level is None]
    return kept


def measured_against(catalog: Catalog, fact: Fact) -> str | None:
    """The country a place's figure is measured against (a US state's: the US)."""
    reference = catalog.facts_by_id[fact.reference or ""]
    if reference.dimension == "state":
        return catalog.method.reference.country
    return reference.value if reference.dimension == "country" else None

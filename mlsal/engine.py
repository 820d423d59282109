"""The estimate: a band for the level, times the factors the profile calls for.

Pure functions of a resolved profile and the catalog; nothing here prints or reads options.
docs/methodology.md explains every step.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from operator import attrgetter
from typing import Any

from mlsal.aging import aging_factor, figure_year, latest_year, price_index
from mlsal.amounts import dollars
from mlsal.catalog import Catalog
from mlsal.dimensions import LIST_FIELDS, NAMED_FIELDS
from mlsal.distribution import center_of_figure, quantile, spread_of_figure, z_score
from mlsal.errors import UsageError
from mlsal.names import possessive
from mlsal.profile import Profile, lacking_records, no_figure_in, years_text
from mlsal.result import (
    Band,
    Conversion,
    Estimate,
    Factor,
    FactorStatus,
    FigureUsed,
    OccupationReference,
    PurchasingPower,
    SourceInfo,
    SourceView,
)
from mlsal.schema import CENTRAL_FIGURES, Fact

# ---------------------------------------------------------------------------------------
# Years and levels


def level_year_ranges(catalog: Catalog) -> dict[str, tuple[float, float]]:
    """The years each level spans by the source the method names: {level: (from, below)}."""
    return catalog.remember("level_year_ranges", lambda: _level_year_ranges(catalog))


def _level_year_ranges(catalog: Catalog) -> dict[str, tuple[float, float]]:
    source = catalog.method.years_to_level.source
    ranges: dict[str, tuple[float, float]] = {}
    for fact in catalog.facts_of("level_years"):
        if fact.source == source and fact.value:
            low = float(fact.years_low) if fact.years_low is not None else 0.0
            high = float(fact.years_high) if fact.years_high is not None else math.inf
            ranges[fact.value] = (low, high)
    beyond = _beyond(catalog)
    if beyond is not None:  # the open last range ends where the next level's years begin
        level, start = beyond
        ranges = {
            key: (low, start if high == math.inf and low < start else high)
            for key, (low, high) in ranges.items()
        }
        ranges[level] = (start, math.inf)
    return ranges


def level_for_years(catalog: Catalog, years: float) -> str:
    for level, (low, high) in level_year_ranges(catalog).items():
        if low <= years < high:
            return level
    raise UsageError(f"no level covers {years_text(years)} years of experience; give a level")


def _beyond(catalog: Catalog) -> tuple[str, float] | None:
    """(level, from years): where years keep counting past the source's last range
    (method.toml years_to_level.beyond_fact, a quoted fact of another source)."""
    settings = catalog.method.years_to_level
    if settings.beyond_fact is None or settings.beyond_level is None:
        return None
    # Among the year ranges, not by id: a cached catalog finds an id no fact refers to only by
    # reading every fact.
    fact = next((f for f in catalog.facts_of("level_years") if f.id == settings.beyond_fact), None)
    if fact is None or fact.years_low is None:
        return None
    return settings.beyond_level, float(fact.years_low)


def _years_ceiling(catalog: Catalog, level: str) -> list[str]:
    """Why years never reach the levels above the one they map to last, if they don't."""
    return list(catalog.remember(("years ceiling", level), lambda: _ceiling(catalog, level)))


def _ceiling(catalog: Catalog, level: str) -> list[str]:
    ranges = level_year_ranges(catalog)
    if ranges.get(level, (0.0, 0.0))[1] != math.inf:
        return []
    keys = [value.key for value in catalog.values["level"]]
    above = [catalog.label("level", key) for key in keys[keys.index(level) + 1 :]]
    if not above:
        return []
    return [
        f"years of experience map to {catalog.label('level', level)} at most: no source gives "
        f"the years of {' or '.join(above)}; ask for those levels by name"
    ]


def level_of_experience_fact(catalog: Catalog, fact: Fact) -> str:
    """The level a years-of-experience figure (e.g. '3-5 years') counts for: by its middle."""
    low = fact.years_low or 0
    middle = (low + fact.years_high) / 2 if fact.years_high is not None else float(low)
    return level_for_years(catalog, middle)


# ---------------------------------------------------------------------------------------
# Combining the sources of one cell


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


def _log_mean(values: list[float], counts: list[int | None] | None = None) -> float:
    """Geometric mean; weighted by the records behind each value when all have a count."""
    weights = [float(c) if c else 0.0 for c in counts] if counts else []
    if not weights or not all(weights):
        weights = [1.0] * len(values)
    total = sum(weights)
    return math.exp(sum(w * math.log(v) for w, v in zip(weights, values, strict=True)) / total)


def _weighted_log_stats(views: list[SourceView]) -> tuple[float, float]:
    """Weighted mean of log values, and the weighted standard deviation around it."""
    total = sum(v.weight for v in views)
    mean = sum(v.weight * math.log(v.value) for v in views) / total
    return mean, _spread_around(views, mean)


def _spread_around(views: list[SourceView], log_center: float) -> float:
    """The weighted standard deviation of the views' log values around a given centre."""
    total = sum(v.weight for v in views)
    return math.sqrt(sum(v.weight * (math.log(v.value) - log_center) ** 2 for v in views) / total)


def _range_percentiles(catalog: Catalog) -> tuple[int, int]:
    """The percentiles an article's pay range is read as (method.toml: pay_range)."""
    pay_range = catalog.method.pay_range
    return pay_range.low_percentile, pay_range.high_percentile


def band_views(catalog: Catalog, facts: list[Fact], as_of: int) -> list[SourceView]:
    """One view per source of the figures that say where pay lies in a cell, in as_of dollars."""
    percentiles = _range_percentiles(catalog)
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
                value=_log_mean(centers, [f.n for f in group]),
                weight=weight,
                spread=_mean(spreads),
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


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _within_spread(views: list[SourceView]) -> float | None:
    spread_views = [v for v in views if v.spread is not None]
    if not spread_views:
        return None
    total = sum(v.weight for v in spread_views)
    return sum(v.weight * (v.spread or 0.0) for v in spread_views) / total


# ---------------------------------------------------------------------------------------
# The band


def level_facts(catalog: Catalog, level: str) -> list[Fact]:
    """The figures that say what a level pays in dollars (steps from a lower level are not)."""
    facts = [f for f in catalog.facts_for("level", level) if f.reference is None]
    for fact in catalog.facts_for("experience", None):
        if fact.figure in CENTRAL_FIGURES and level_of_experience_fact(catalog, fact) == level:
            facts.append(fact)
    return facts


def level_views(catalog: Catalog, level: str, as_of: int) -> list[SourceView]:
    """Every source's view of a level's pay: its dollar figures, and its steps up from a lower
    level (OFLC: Level IV over Level III) applied to that level's combined pay."""
    return catalog.remember(
        ("level_views", level, as_of),
        lambda: (
            band_views(catalog, level_facts(catalog, level), as_of)
            + step_views(catalog, level, as_of)
        ),
    )


def step_views(catalog: Catalog, level: str, as_of: int) -> list[SourceView]:
    by_source = ratios_by_source(catalog, relative_facts(catalog, "level", level))
    percentiles = _range_percentiles(catalog)
    views = []
    for source, group in sorted(by_source.items()):
        figures = []
        spreads: list[float | None] = []  # a step moves the level below's band up: its shape
        for fact, reference, ratio in group:
            below = reference.value or ""
            base_views = level_views(catalog, below, as_of)
            if not base_views:
                continue
            base = math.exp(_weighted_log_stats(base_views)[0])
            spreads.append(_within_spread(base_views))
            figures.append(
                FigureUsed(
                    fact.id,
                    fact.quote,
                    f"{describe_figure(fact, percentiles)} / "
                    f"{describe_figure(reference, percentiles)} ({reference.id}) = {ratio:.3f}, "
                    f"times {below} pay as the other sources combine it ({dollars(base)})",
                    base * ratio,
                    selection_of(fact),
                )
            )
        if figures:
            views.append(
                SourceView(
                    source=source,
                    value=_log_mean([f.value for f in figures]),
                    weight=source_weight(catalog, [f for f, _, _ in group]),
                    spread=_mean([s for s in spreads if s is not None]),
                    records=0,
                    figures=tuple(figures),
                )
            )
    return views


def pooled_within_spread(catalog: Catalog, as_of: int) -> float:
    """The spread implied by every level's ranges: the fallback for a cell with no range."""
    return catalog.remember(("pooled_spread", as_of), lambda: _pooled_spread(catalog, as_of))


def _pooled_spread(catalog: Catalog, as_of: int) -> float:
    views = [
        view for level in catalog.values["level"] for view in level_views(catalog, level.key, as_of)
    ]
    spread = _within_spread(views)
    if spread is None:
        raise UsageError("the data hold no pay range or percentiles to derive a spread from")
    return spread


def ordered_level_medians(catalog: Catalog, as_of: int) -> dict[str, tuple[float, float, bool]]:
    """Each level's combined median, put in order so that a higher level never pays less.

    Where sources leave two adjacent levels out of order, the pair is pooled into one
    weighted mean (pool-adjacent-violators, i.e. isotonic regression on the log scale).
    Returns {level: (combined median, ordered median, pooled?)}.
    """
    raw, blocks = level_blocks(catalog, as_of)
    result = {}
    for keys, mean in blocks:
        for key in keys:
            result[key] = (raw[key], math.exp(mean), len(keys) > 1)
    return result


def level_blocks(
    catalog: Catalog, as_of: int
) -> tuple[dict[str, float], list[tuple[list[str], float]]]:
    """Each level's combined median, and the levels pooled together with their log mean."""
    return catalog.remember(("level_blocks", as_of), lambda: _level_blocks(catalog, as_of))


def _level_blocks(
    catalog: Catalog, as_of: int
) -> tuple[dict[str, float], list[tuple[list[str], float]]]:
    raw: dict[str, float] = {}
    items: list[tuple[str, float, float]] = []
    for level in catalog.values["level"]:
        views = level_views(catalog, level.key, as_of)
        if not views:
            continue
        mean, _ = _weighted_log_stats(views)
        raw[level.key] = math.exp(mean)
        items.append((level.key, mean, sum(v.weight for v in views)))
    return raw, in_order(items)


def in_order(items: list[tuple[str, float, float]]) -> list[tuple[list[str], float]]:
    """(key, log value, weight) in their order, with each run of values out of order pooled
    into its weighted mean (pool-adjacent-violators: isotonic regression)."""
    blocks: list[tuple[list[str], float, float]] = []  # (keys, log mean, weight)
    for key, mean, weight in items:
        blocks.append(([key], mean, weight))
        while len(blocks) > 1 and blocks[-2][1] > blocks[-1][1]:
            (keys_a, mean_a, weight_a), (keys_b, mean_b, weight_b) = blocks[-2:]
            pooled = (mean_a * weight_a + mean_b * weight_b) / (weight_a + weight_b)
            blocks[-2:] = [(keys_a + keys_b, pooled, weight_a + weight_b)]
    return [(keys, mean) for keys, mean, _ in blocks]


def make_band(catalog: Catalog, level: str | None, as_of: int) -> Band:
    """The baseline band of a level (or of all levels), once per catalog, level and year."""
    return catalog.remember(("band", level, as_of), lambda: _make_band(catalog, level, as_of))


def _make_band(catalog: Catalog, level: str | None, as_of: int) -> Band:
    if level is None:
        facts = catalog.facts_for("overall", None)
        label = "Machine Learning Engineer in the USA, all levels"
        views = band_views(catalog, facts, as_of)
    else:
        label = f"{catalog.label('level', level)} Machine Learning Engineer in the USA"
        views = level_views(catalog, level, as_of)
    if not views:
        raise UsageError(f"no sourced figure for level '{level}'")
    mean, between = _weighted_log_stats(views)
    notes: list[str] = []
    within = _within_spread(views)
    if within is None:
        within = pooled_within_spread(catalog, as_of)
        notes.append(
            "no source gives a range for this cell; its spread is the one all levels' ranges imply"
        )
    if len(views) == 1:
        notes.append(f"the baseline rests on one source ({views[0].source})")
    median = math.exp(mean)
    ordered = median
    if level is not None:
        _, blocks = level_blocks(catalog, as_of)
        pooled, log_ordered = next((keys, m) for keys, m in blocks if level in keys)
        ordered = math.exp(log_ordered)
        if len(pooled) > 1:
            # The sources cannot tell these levels apart: they share one distribution.
            together = [v for key in pooled for v in level_views(catalog, key, as_of)]
            within = _within_spread(together) or within
            between = _spread_around(together, log_ordered)
            names = " and ".join(catalog.label("level", key) for key in pooled)
            notes.append(
                f"sources put this level's pay ({dollars(median)}) out of order with an "
                f"adjacent level's; {names} are pooled to {dollars(ordered)}, one band, so "
                "that a higher level never pays less"
            )
    return Band(label, level, median, ordered, within, between, tuple(views), tuple(notes))


# ---------------------------------------------------------------------------------------
# Factors


def factor_views(
    catalog: Catalog,
    dimension: str,
    value: str,
    level: str | None = None,
    within: str | None = None,
) -> list[SourceView]:
    """Each source's figure for the value divided by the same source's reference figure."""
    by_source = ratios_by_source(catalog, relative_facts(catalog, dimension, value, level, within))
    percentiles = _range_percentiles(catalog)
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
                value=_log_mean([ratio for _, _, ratio in group], [f.n for f, _, _ in group]),
                weight=source_weight(catalog, [f for f, _, _ in group]),
                spread=None,
                figures=figures,
                records=sum(f.n or 0 for f, _, _ in group),
            )
        )
    return views


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
    facts = _for_level(
        [
            f
            for f in catalog.facts_for(dimension, value)
            if f.reference is not None and f.figure in CENTRAL_FIGURES
        ],
        level,
    )
    if dimension == "work_mode":
        home = catalog.method.reference.country
        return [f for f in facts if (_measured_against(catalog, f) or home) == (within or home)]
    if dimension != "city":
        return facts
    country = catalog.value("city", value).country
    return [f for f in facts if _measured_against(catalog, f) == country]


def _for_level(facts: list[Fact], level: str | None) -> list[Fact]:
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_source[fact.source].append(fact)
    kept: list[Fact] = []
    for group in by_source.values():
        own = [f for f in group if level is not None and f.level == level]
        kept += own or [f for f in group if f.level is None]
    return kept


def _measured_against(catalog: Catalog, fact: Fact) -> str | None:
    """The country a place's figure is measured against (a US state's: the US)."""
    reference = catalog.facts_by_id[fact.reference or ""]
    if reference.dimension == "state":
        return catalog.method.reference.country
    return reference.value if reference.dimension == "country" else None


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
    return catalog.remember(
        ("factor at level", dimension, value, level, within),
        lambda: _factor_at_level(catalog, dimension, value, level, within),
    )


def _factor_at_level(
    catalog: Catalog, dimension: str, value: str, level: str | None, within: str | None
) -> Factor:
    if dimension == "work_mode":  # of the country's own figures only
        facts = relative_facts(catalog, dimension, value, None, within)
    else:
        facts = catalog.facts_for(dimension, value)
    by_level = level if any(f.level for f in facts) else None  # else one factor serves all
    factor = catalog.remember(
        ("factor", dimension, value, by_level, within),
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
    mean, between = _weighted_log_stats(views)
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


def _reference_factor(catalog: Catalog, dimension: str, value: str, why: str) -> Factor:
    return Factor(dimension, value, catalog.label(dimension, value), "reference", 1.0, 0.0, (), why)


def _skipped(factor: Factor, why: str, status: FactorStatus = "skipped") -> Factor:
    return replace(factor, status=status, reason=why)


def location_factors(
    catalog: Catalog, profile: Profile, company_holds_place: bool = False, level: str | None = None
) -> list[Factor]:
    """The most local place with a figure: city, else state, else country.

    A US city's or state's figure is relative to the same source's national figure. A city
    abroad counts only against its own country's figure (s004: London against the UK), so its
    country's factor applies with it. A company's figure measured against the same work in the
    same places leaves the place to apply; one measured against the nation already holds it.
    """
    factors: list[Factor] = []
    country = profile.country
    company_reflects = (
        "the company's own figure is measured against the nation, so it already reflects "
        "where the company pays"
    )
    local: Factor | None = None
    if profile.city is not None:
        city = make_factor(catalog, "city", profile.city)
        factors.append(city)
        if city.status == "applied":
            local = city
    home = catalog.method.reference.country
    state = _state_factor(catalog, profile, local) if country == home or profile.state else None
    if state is not None:
        factors.append(state)
        if local is None and state.applied:
            local = state
    if local is not None and company_holds_place and country == home:
        factors = [
            _skipped(f, company_reflects) if f.applied and f.dimension in ("city", "state") else f
            for f in factors
        ]
    if country == home:
        why = (
            f"included in the {local.dimension}'s factor"
            if local is not None
            else "the sources' figures are for the USA"
        )
        factors.append(_reference_factor(catalog, "country", country, why))
    elif country is not None:
        factor = country_factor(catalog, country, level)
        if (
            factor.status == "applied"
            and local is None
            and (profile.city or profile.unmatched_city)
        ):
            why = "the city has no figure of its own; its country's applies"
            factor = replace(factor, reason=why)
            # A city abroad measured against US pay only: its country's figure says it.
            factors = [
                _skipped(f, f"{f.reason}; {possessive(factor.label)} figure applies")
                if f.dimension == "city" and f.status == "no figure"
                else f
                for f in factors
            ]
        factors.append(factor)
    if profile.work_mode is not None:
        factors.append(make_factor(catalog, "work_mode", profile.work_mode, level, country or home))
    return factors


def country_factor(catalog: Catalog, country: str, level: str | None) -> Factor:
    """A country's factor at a level: its figure for the level where its records give one,
    else for all levels; pooled with the next level's where the two would put the country's
    levels out of order (Spain's mid-level records earn more than its seniors' of US pay)."""
    factor = make_factor(catalog, "country", country, level)
    if level is None or not factor.applied:
        return factor
    ordered = catalog.remember(
        ("country ladder", country), lambda: _country_ladder(catalog, country)
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


def _state_factor(catalog: Catalog, profile: Profile, city: Factor | None) -> Factor | None:
    """The state's factor: the place's when the city has none, else said to be in the city's."""
    state_key = profile.state or _state_of(catalog, profile.city)
    if state_key is None:
        return None
    if city is not None and not _within_state(catalog, city):
        return _reference_factor(catalog, "state", state_key, "included in the city's factor")
    state = make_factor(catalog, "state", state_key)
    if state.status == "applied" and city is not None:
        state = replace(state, reason="the city's factor is measured against its state")
    elif state.status == "applied":
        if profile.unmatched_city is not None:
            why = f"no figure for the city '{profile.unmatched_city}'; its state's applies"
            state = replace(state, reason=why)
        elif profile.city is not None:
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
        else _skipped(
            f, f"premiums are not stacked; {possessive(best.label)} is larger", "not stacked"
        )
        for f in factors
    ]


# ---------------------------------------------------------------------------------------
# Shares: what a few of a profile's inputs add to its estimate

# The order factors are listed in (an estimate's table, its JSON).
ROLE, PLACE, KIND, COMPANY, EDUCATION, CERTIFICATION, SKILL = range(7)
SHARES_KEPT = 50_000  # shares of each kind remembered at once; emptied when full


class Share:
    """What a few inputs of a profile add to its estimate (the band: level, year and
    currency; the work; the place; the employer; the credentials): its factors, the
    log-median and variance they add, the sources they cite (one bit each), and what it says
    in each part of the warnings (see said_by). Worked out once for each distinct value of
    those inputs: a roster of a million rows meets each far fewer times than it has rows."""

    __slots__ = (
        "factors",
        "log_sum",
        "variance",
        "bits",
        "warned",
        "noticed",
        "flagged",
        "last",
        "band",
        "level",
        "holds_place",
        "conversion",
        "spread",
    )

    def __init__(
        self,
        catalog: Catalog,
        factors: Iterable[tuple[int, list[Factor]]] = (),
        *,
        band: Band | None = None,
        warned: Iterable[str] = (),
        noticed: Iterable[str] = (),
        last: Iterable[str] = (),
    ) -> None:
        slotted = list(factors)
        self.factors = tuple((slot, f) for slot, group in slotted for f in group)
        applied = [f for _, f in self.factors if f.applied and f.multiplier is not None]
        self.log_sum = sum(math.log(f.multiplier or 1.0) for f in applied)
        self.variance = sum(f.sigma_between**2 for f in applied)
        cited = {v.source for _, f in self.factors if f.applied for v in f.views}
        notes: tuple[str, ...] = ()
        if band is not None:
            self.log_sum += math.log(band.ordered_median)
            self.variance += band.sigma_within**2 + band.sigma_between**2
            cited.update(view.source for view in band.views)
            notes = band.notes
        bit_of = _source_bits(catalog)
        self.bits = sum(bit_of[source] for source in cited)
        factors_only = [f for _, f in self.factors]
        self.warned = (*warned, *_factor_warnings(catalog, factors_only))
        self.noticed = tuple(noticed)
        self.flagged = (*notes, *_flags(catalog, factors_only))
        self.last = tuple(last)
        self.band = band
        self.level: str | None = None  # the band's: the level it is for
        self.holds_place = False  # the employer's: its figure already holds the place
        self.spread: float | None = None  # the employer's: its own pay's spread, if known
        self.conversion: Conversion | None = None  # the band's: the currency shown


def _source_bits(catalog: Catalog) -> dict[str, int]:
    """One bit per source, in the order sources are cited (by id)."""
    return catalog.remember(
        "source bits", lambda: {s: 1 << i for i, s in enumerate(sorted(catalog.sources))}
    )


def _band_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(level given, years, as_of, currency): the band of the level (given, or the one the
    years map to) in as_of dollars, the rate amounts are shown at, and what the years, the
    band and the rate leave to say."""
    given, years, as_of, currency = key
    level, warnings = _level_of(catalog, given, years)
    conversion = currency_conversion(catalog, currency, as_of)
    stale = conversion is not None and conversion.year != as_of
    last = [_rate_year_warning(conversion)] if conversion is not None and stale else []
    band = make_band(catalog, level, as_of)
    dominant = dominant_user_source(catalog, band.views)
    if dominant is not None:
        warnings = [*warnings, f"the baseline: {dominant}"]
    share = Share(catalog, band=band, warned=warnings, last=last)
    share.level, share.conversion = level, conversion
    return share


def _work_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(role, industry, company size, whether a company is given)."""
    role, industry, size, has_company = key
    factors = [(ROLE, [_role_factor(catalog, role)])]
    factors.append((KIND, _kind_factors(catalog, industry, size, has_company)))
    return Share(catalog, factors)


def _employer_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """((company, the name typed for it if another organisation's) or None, level, (the
    profile's country, whether a city or state is given))."""
    named, level, (country, placed) = key
    if named is None:
        return Share(catalog)
    company, as_typed = named
    factor = make_factor(catalog, "company", company, level)
    noticed = []
    if as_typed is not None:
        noticed.append(
            f"'{as_typed}' is counted as {catalog.label('company', company)}: the data hold "
            "no figure of its own"
        )
    home = catalog.method.reference.country
    if factor.applied and country not in (None, home):
        # One rule abroad: the employer's premium over US employers, measured on US filings,
        # applies to the country's pay, and the page says so.
        where = catalog.label("country", country)
        abroad = f"measured on US filings against US employers, applied to {where}'s pay"
        factor = replace(factor, reason=abroad)
        noticed.append(f"{catalog.label('company', company)}'s figure is {abroad}")
    factors = [(COMPANY, [factor])]
    if factor.applied and not placed and country in (None, home):
        factors.append((PLACE, _own_places(catalog, company)))  # priced where it pays
    share = Share(catalog, factors, noticed=noticed)
    # An employer's figure measured against the nation already holds where it pays.
    share.holds_place = factor.applied and not factor.place_adjusted
    # Its own records' spread is of base wages: it stands in the base band only.
    share.spread = factor.spread if factor.applied and catalog.pay_read == "base" else None
    return share


def _place_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(whether the employer's figure holds the place, (city, state, country, a city the data
    hold no figure for, work mode), the band's level)."""
    holds_place, (city, state, country, unmatched, work_mode), level = key
    place = Profile(
        city=city, state=state, country=country, unmatched_city=unmatched, work_mode=work_mode
    )
    factors = location_factors(catalog, place, holds_place, level)
    _check_located(catalog, country, factors)
    noticed = []
    if unmatched is not None and (state or country):
        where = catalog.label("state", state) if state else catalog.label("country", country or "")
        noticed.append(f"no figure for the city '{unmatched}': {possessive(where)} figure applies")
    return Share(catalog, [(PLACE, factors)], noticed=noticed)


def _own_places(catalog: Catalog, company: str) -> list[Factor]:
    """With no city or state, an employer measured against others in the same places is
    priced where its records work (the base model's employer_places); none in gross pay."""
    factor = make_factor(catalog, "employer_places", company)
    if not factor.applied:
        return []
    return [replace(factor, reason="no city or state given: priced where its records work")]


def _where(place: Any) -> tuple[str | None, bool]:
    """(country, whether a city or state is given) of a profile's place; a bad row's cell
    (batch marks it) is no tuple and says nothing."""
    if type(place) is not tuple:
        return None, True
    return place[2], place[0] is not None or place[1] is not None


def _credentials_share(catalog: Catalog, key: tuple[Any, ...]) -> Share:
    """(education, certifications, skills, the unknown ones with what is said of each)."""
    education, certifications, skills, unlisted = key
    factors = [
        (
            EDUCATION,
            [make_factor(catalog, "education", education)] if education is not None else [],
        ),
        (CERTIFICATION, strongest_of(catalog, "certification", certifications)),
        (SKILL, strongest_of(catalog, "skill", skills)),
    ]
    noticed = [f"{unknown}: no figure applied" for unknown in unlisted]
    return Share(catalog, factors, noticed=noticed)


SHARE_MAKERS: dict[str, Callable[[Catalog, tuple[Any, ...]], Share]] = {
    "band": _band_share,
    "work": _work_share,
    "place": _place_share,
    "employer": _employer_share,
    "credentials": _credentials_share,
}


def share_memo(catalog: Catalog, kind: str) -> dict[tuple[Any, ...], Share]:
    """The shares of one kind made so far, by key (batch looks many rows up at once)."""
    memo: dict[tuple[Any, ...], Share] = catalog.memo.setdefault(("shares", kind), {})
    return memo


def share(catalog: Catalog, kind: str, key: tuple[Any, ...]) -> Share:
    memo = share_memo(catalog, kind)
    found = memo.get(key)
    if found is None:
        made = SHARE_MAKERS[kind](catalog, key)
        if len(memo) >= SHARES_KEPT:  # memory stays flat, whatever the input
            memo.clear()
        found = memo[key] = made
    return found


# A profile's shares, in the order they combine: band, work, place, employer, credentials.
Shares = tuple[Share, Share, Share, Share, Share]


def profile_shares(catalog: Catalog, profile: Profile) -> Shares:
    """The shares of a resolved profile (an unresolved one's as_of means the latest year)."""
    company = profile.company
    values = vars(profile) | {
        "as_of": latest_year(catalog) if profile.as_of is None else profile.as_of,
        "role": profile.role or catalog.method.reference.role,
        "company": None if company is None else (company, profile.company_as_typed),
        "place": (
            profile.city,
            profile.state,
            profile.country,
            profile.unmatched_city,
            profile.work_mode,
        ),
    }
    found = shares_of_rows(
        lambda name: (values[name],),
        lambda kind, keys: [share(catalog, kind, key) for key in keys],
    )
    band, work, place, employer, credentials = (shares[0] for shares in found)
    return band, work, place, employer, credentials


_LEVEL, _HOLDS_PLACE = attrgetter("level"), attrgetter("holds_place")


def shares_of_rows(
    column: Callable[[str], Iterable[Any]],
    shares: Callable[[str, Iterable[tuple[Any, ...]]], list[Share]],
) -> tuple[list[Share], list[Share], list[Share], list[Share], list[Share]]:
    """Each row's shares, in profile_shares' order, for rows given column by column: one
    layout of every share's key, for a single profile and a batch's chunk alike.
    column(name): each row's resolved value of a profile field ('company' as (company, the
    name typed for it) or None; 'place' as (city, state, country, unmatched city)).
    shares(kind, keys): each row's share of that kind, by its key."""
    band = shares(
        "band",
        zip(column("level"), column("years"), column("as_of"), column("currency"), strict=True),
    )
    where = map(_where, column("place"))
    employer = shares("employer", zip(column("company"), map(_LEVEL, band), where, strict=True))
    place = shares(
        "place",
        zip(map(_HOLDS_PLACE, employer), column("place"), map(_LEVEL, band), strict=True),
    )
    has_company = map(bool, column("company"))
    work = zip(column("role"), column("industry"), column("company_size"), has_company, strict=True)
    credentials = zip(
        column("education"),
        column("certifications"),
        column("skills"),
        column("unlisted"),
        strict=True,
    )
    return band, shares("work", work), place, employer, shares("credentials", credentials)


def median_and_sigma(
    band: Share, work: Share, place: Share, employer: Share, credentials: Share
) -> tuple[float, float]:
    """The band's median and log-scale sigma, with every applied factor."""
    log_median = band.log_sum + (
        work.log_sum + place.log_sum + employer.log_sum + credentials.log_sum
    )
    variance = band.variance + (
        work.variance + place.variance + employer.variance + credentials.variance
    )
    if employer.spread is not None and band.band is not None:  # a known employer's own spread
        variance += employer.spread**2 - band.band.sigma_within**2
    return math.exp(log_median), math.sqrt(variance)


def said_by(
    band: Share, work: Share, place: Share, employer: Share, credentials: Share
) -> tuple[str, ...]:
    """What the shares say, in order: warnings (the years', the factors'), what resolving the
    names noticed, the band's notes and the sources' flags, what the place and rate leave."""
    return (
        band.warned
        + work.warned
        + place.warned
        + employer.warned
        + credentials.warned
        + place.noticed
        + employer.noticed
        + credentials.noticed
        + band.flagged
        + work.flagged
        + place.flagged
        + employer.flagged
        + credentials.flagged
        + place.last
        + band.last
    )


def sources_of(catalog: Catalog, bits: int) -> tuple[str, ...]:
    """The sources whose bits are set, by id."""
    memo: dict[int, tuple[str, ...]] = catalog.memo.setdefault("sources of bits", {})
    found = memo.get(bits)
    if found is None:
        found = memo[bits] = tuple(s for s, bit in _source_bits(catalog).items() if bits & bit)
    return found


def _role_factor(catalog: Catalog, role: str) -> Factor:
    if role == catalog.method.reference.role:
        return _reference_factor(catalog, "role", role, "the sources' figures are for this role")
    return make_factor(catalog, "role", role)


def _kind_factors(
    catalog: Catalog, industry: str | None, size: str | None, has_company: bool
) -> list[Factor]:
    """Industry and company size, which an employer's own figure already reflects."""
    factors = []
    company_covers = "the company's own figure already reflects its {}"
    for dimension, value, covered in (
        ("industry", industry, "industry"),
        ("company_size", size, "size"),
    ):
        if value is None:
            continue
        factor = make_factor(catalog, dimension, value)
        if has_company and factor.applied:
            factor = _skipped(factor, company_covers.format(covered))
        factors.append(factor)
    return factors


# ---------------------------------------------------------------------------------------
# The estimate


def statements_for(catalog: Catalog, dimension: str, value: str) -> list[Fact]:
    return [f for f in catalog.facts_for(dimension, value) if f.figure == "statement"]


def estimate(catalog: Catalog, profile: Profile, real: bool = False) -> Estimate:
    """The estimate for a resolved profile (see mlsal.profile.resolve_profile); `real` asks
    for what the pay buys at US-average prices too, and warns when no price parity applies."""
    core = _Core(catalog, profile)
    resolved = profile if core.level == profile.level else replace(profile, level=core.level)
    method = catalog.method.band
    low = quantile(core.median, core.sigma, method.low_percentile)
    high = quantile(core.median, core.sigma, method.high_percentile)
    basis, basis_share, by_source = band_basis(catalog, core.band)
    power = purchasing_power(catalog, profile.city, low, core.median, high)
    warnings = list(core.warnings)
    if real and power is None:
        warnings.append(_no_price_parity(catalog, profile.city))
    caveats = [
        f"{s}: {catalog.sources[s].caveat}" for s in core.sources if catalog.sources[s].caveat
    ]
    role = resolved.role or catalog.method.reference.role
    return Estimate(
        profile=resolved,
        low=round(low),
        median=round(core.median),
        high=round(high),
        band_share=round((method.high_percentile - method.low_percentile) / 100, 4),
        low_percentile=method.low_percentile,
        high_percentile=method.high_percentile,
        sigma=core.sigma,
        basis=basis,
        basis_share=basis_share,
        basis_by_source=by_source,
        band=core.band,
        factors=core.factors,
        sources=[_source_info(catalog, s) for s in core.sources],
        warnings=warnings,
        notes=_statements(catalog, core.factors),
        flags=core.flags,
        caveats=caveats + _undated(catalog, core.band, core.as_of),
        labels=profile_labels(catalog, resolved),
        as_of=core.as_of,
        references=occupation_references(catalog, role, core.as_of),
        purchasing_power=power,
        conversion=core.conversion,
    )


def _rate_year_warning(conversion: Conversion) -> str:
    return (
        f"{conversion.currency} at {conversion.rate:g} per US dollar, the rate of "
        f"{conversion.year}: the latest year {conversion.source}'s records state one"
    )


def _level_of(
    catalog: Catalog, level: str | None, years: float | None
) -> tuple[str | None, list[str]]:
    """The level the estimate is for (given, or the one the years map to), and what to say."""
    warnings = []
    if years is not None:
        by_years = level_for_years(catalog, years)
        if level is None:
            level = by_years
            warnings.extend(_years_ceiling(catalog, by_years))
        elif level != by_years:
            warnings.append(
                f"{years_text(years)} years of experience is {by_years} level by the "
                f"sources' ranges, but the level {level} was given; the level is used"
            )
    return level, warnings


def dominant_user_source(catalog: Catalog, views: Iterable[SourceView]) -> str | None:
    """A source of the user's own that carries half of these views' weight or more, said."""
    views = list(views)
    total = sum(v.weight for v in views)
    for view in views:
        if catalog.sources[view.source].kind == "user" and total and view.weight >= total / 2:
            return f"your source '{view.source}' carries {view.weight / total:.0%} of its weight"
    return None


def _factor_warnings(catalog: Catalog, factors: list[Factor]) -> list[str]:
    warnings = []
    for factor in factors:
        dimension = factor.dimension.replace("_", " ")
        dominant = dominant_user_source(catalog, factor.views) if factor.applied else None
        if dominant is not None:
            warnings.append(f"{dimension} '{factor.label}': {dominant}")
        if factor.status == "no figure" and factor.reason and factor.reason.startswith("no figure"):
            warnings.append(f"{factor.reason}; no factor applied")
        elif factor.status == "no figure":
            warnings.append(
                f"no sourced figure for {dimension} '{factor.label}'; no factor applied"
            )
        elif factor.status in ("skipped", "not stacked"):
            warnings.append(f"{dimension} '{factor.label}' not applied: {factor.reason}")
    return warnings


def _statements(catalog: Catalog, factors: list[Factor]) -> list[str]:
    """What the sources say of the profile's values without a figure."""
    return [
        f'{statement.source}: "{statement.quote}"'
        for factor in factors
        for statement in statements_for(catalog, factor.dimension, factor.value)
    ]


def _check_located(catalog: Catalog, country: str | None, factors: list[Factor]) -> None:
    """A country abroad that no source gives pay for has no figure: US pay is no stand-in."""
    if country in (None, catalog.method.reference.country):
        return
    if any(f.applied for f in factors if f.dimension in ("city", "country")):
        return
    raise no_figure_in(catalog, catalog.label("country", country))


# What a batch row's output holds: low, median, high, band, sources, warnings.
Outputs = tuple[int, int, int, float, tuple[str, ...], tuple[str, ...]]


def estimate_outputs(catalog: Catalog, profile: Profile) -> Outputs:
    """What a batch row shows of the estimate (see Outputs): the same figures and warnings as
    estimate(), computed without the rest of the Estimate."""
    return outputs_of_shares(catalog)(*profile_shares(catalog, profile))


def outputs_of_shares(catalog: Catalog) -> Callable[..., Outputs]:
    """A function of a profile's shares (see profile_shares) to its Outputs, with the
    catalog's constants bound once: batch calls it for every row."""
    method = catalog.method.band
    z_low, z_high = z_score(method.low_percentile), z_score(method.high_percentile)
    band_share = round((method.high_percentile - method.low_percentile) / 100, 4)
    sources_memo: dict[int, tuple[str, ...]] = catalog.memo.setdefault("sources of bits", {})
    exp = math.exp

    def outputs(
        band: Share, work: Share, place: Share, employer: Share, credentials: Share
    ) -> Outputs:
        median, sigma = median_and_sigma(band, work, place, employer, credentials)
        bits = band.bits | work.bits | place.bits | employer.bits | credentials.bits
        return (
            round(median * exp(sigma * z_low)),
            round(median),
            round(median * exp(sigma * z_high)),
            band_share,
            sources_memo.get(bits) or sources_of(catalog, bits),
            said_by(band, work, place, employer, credentials),
        )

    return outputs


class _Core:
    """What estimate() needs of a profile's shares: the level, the band, the factors, the
    median and spread, the sources cited and what is said."""

    __slots__ = (
        "level",
        "as_of",
        "band",
        "factors",
        "flags",
        "warnings",
        "median",
        "sigma",
        "conversion",
        "sources",
    )

    def __init__(self, catalog: Catalog, profile: Profile) -> None:
        shares = profile_shares(catalog, profile)
        band = shares[0]
        assert band.band is not None
        self.level, self.band, self.conversion = band.level, band.band, band.conversion
        self.as_of = latest_year(catalog) if profile.as_of is None else profile.as_of
        slotted = sorted((f for s in shares for f in s.factors), key=lambda pair: pair[0])
        self.factors = [factor for _, factor in slotted]
        self.flags = [flag for s in shares[1:] for flag in s.flagged]  # the band's are notes
        self.warnings = said_by(*shares)
        self.median, self.sigma = median_and_sigma(*shares)
        bits = 0
        for share_ in shares:
            bits |= share_.bits
        self.sources = list(sources_of(catalog, bits))


def band_basis(catalog: Catalog, band: Band) -> tuple[str, float, dict[str, str]]:
    """What the baseline measures (base salary, gross pay…): the basis carrying the largest
    share of its weight, that share, and each source's own basis."""
    return catalog.remember(("basis", band.level, band.label), lambda: _band_basis(catalog, band))


def _band_basis(catalog: Catalog, band: Band) -> tuple[str, float, dict[str, str]]:
    weight_of: dict[str, float] = defaultdict(float)
    by_source: dict[str, str] = {}
    for view in band.views:
        bases: set[str] = {catalog.facts_by_id[f.fact].basis for f in view.figures}
        basis = bases.pop() if len(bases) == 1 else "unspecified"
        by_source[view.source] = basis
        weight_of[basis] += view.weight
    pay = catalog.pay_read  # what the figure is; basis_share: how much of it says so
    return pay, weight_of[pay] / sum(weight_of.values()), by_source


def currency_conversion(catalog: Catalog, currency: str | None, as_of: int) -> Conversion | None:
    """The rate of the as_of year, else of the latest year before it, else the earliest."""
    if currency is None or currency == "USD":
        return None
    facts = sorted(catalog.facts_for("currency", currency), key=lambda f: f.year or 0)
    if not facts:
        return None
    before = [f for f in facts if (f.year or 0) <= as_of]
    fact = before[-1] if before else facts[0]
    return Conversion(
        currency=currency,
        rate=fact.rate or 1.0,
        year=fact.year or as_of,
        source=fact.source,
        fact=fact.id,
        quote=fact.quote,
        records=fact.n or 0,
    )


def occupation_references(catalog: Catalog, role: str, as_of: int) -> list[OccupationReference]:
    """The official wages of the role's closest occupation, in as_of dollars."""
    return catalog.remember(
        ("references", role, as_of), lambda: _occupation_references(catalog, role, as_of)
    )


def _occupation_references(catalog: Catalog, role: str, as_of: int) -> list[OccupationReference]:
    soc = catalog.value("role", role).occupation
    facts = [f for f in catalog.facts_for("occupation", soc)] if soc else []
    if not facts:
        return []
    statistic_of = {"median": "median", "average": "mean"}
    figures: dict[str, int] = {}
    year = figure_year(catalog, facts[0])
    factor = aging_factor(catalog, year, as_of)
    for fact in facts:
        name = f"p{fact.percentile}" if fact.figure == "percentile" else statistic_of[fact.figure]
        figures[name] = round((fact.amount or 0) * factor)
    order = ["p10", "p25", "median", "mean", "p75", "p90"]
    return [
        OccupationReference(
            soc=soc or "",
            occupation=facts[0].context or soc or "",
            source=facts[0].source,
            period=str(year),
            figures={k: figures[k] for k in order if k in figures},
            aging=factor,
            facts=tuple(f.id for f in facts),
        )
    ]


def purchasing_power(
    catalog: Catalog, city: str | None, low: float, median: float, high: float
) -> PurchasingPower | None:
    """Pay divided by the metro's price parity (US = 100): what it buys at US-average prices."""
    if city is None:
        return None
    metro = catalog.value("city", city).metro
    facts = catalog.facts_for("price_parity", str(metro)) if metro is not None else []
    if not facts or facts[0].index is None:
        return None
    fact = facts[0]
    parity = fact.index or 100.0
    return PurchasingPower(
        city=catalog.label("city", city),
        metro=fact.context or str(metro),
        price_parity=parity,
        source=fact.source,
        fact=fact.id,
        low=round(low / (parity / 100)),
        median=round(median / (parity / 100)),
        high=round(high / (parity / 100)),
    )


def _no_price_parity(catalog: Catalog, city: str | None) -> str:
    if city is None:
        return "real pay needs a US city: without one, the figures are at US-average prices already"
    return (
        f"no price parity for {catalog.label('city', city)}: BEA's price parities cover US "
        "metro areas only"
    )


def profile_labels(catalog: Catalog, profile: Profile) -> dict[str, str]:
    """How each given input reads to a person: 'San Francisco', not 'san-francisco'."""
    labels: dict[str, str] = {}
    for name, dimension in NAMED_FIELDS.items():
        key = getattr(profile, name)
        if key is not None:
            labels[name] = catalog.label(dimension, key)
    for name, dimension in LIST_FIELDS.items():
        keys = getattr(profile, name)
        if keys:
            labels[name] = ", ".join(catalog.label(dimension, key) for key in keys)
    return labels


def _undated(catalog: Catalog, band: Band, as_of: int) -> list[str]:
    """Figures the price index cannot bring to as_of dollars, and so used as stated."""
    years = {
        view.source: figure_year(catalog, catalog.facts_by_id[figure.fact])
        for view in band.views
        for figure in view.figures
    }
    undated = sorted(source for source, year in years.items() if year is None)
    index = price_index(catalog)
    outside = sorted(
        f"{source} ({year})"
        for source, year in years.items()
        if year is not None and year not in index
    )
    said = []
    if undated:
        said.append(
            f"{', '.join(undated)} "
            + ("state no year for their" if len(undated) > 1 else "states no year for its")
            + f" figures: they are used as stated, not brought to {as_of} dollars"
        )
    if outside:
        said.append(
            f"{', '.join(outside)}: no price index for that year ({min(index)} to "
            f"{max(index)}): used as stated, not brought to {as_of} dollars"
        )
    return said


def _flags(catalog: Catalog, factors: list[Factor]) -> list[str]:
    """The warnings a source attached to the figures an applied factor rests on."""
    flags = []
    for factor in factors:
        if not factor.applied:
            continue
        for view in factor.views:
            for figure in view.figures:
                flag = catalog.facts_by_id[figure.fact].flag
                if flag is not None:
                    flags.append(f"{factor.label} ({view.source}): {flag}")
    return flags


def _source_info(catalog: Catalog, source_id: str) -> SourceInfo:
    def make() -> SourceInfo:
        source = catalog.sources[source_id]
        return SourceInfo(source.id, source.title, source.kind, source.document, source.citation)

    return catalog.remember(("source_info", source_id), make)

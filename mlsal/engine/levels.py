"""Years and levels, and the baseline band of a level: its sources combined, the levels put
in order so that a higher level never pays less."""

from __future__ import annotations

import math

from mlsal.amounts import dollars
from mlsal.catalog import Catalog
from mlsal.engine.figures import (
    band_views,
    describe_figure,
    log_mean,
    mean_of,
    range_percentiles,
    ratios_by_source,
    relative_facts,
    selection_of,
    source_weight,
    spread_around,
    weighted_log_stats,
    within_spread,
)
from mlsal.errors import UsageError
from mlsal.profile import years_text
from mlsal.result import (
    Band,
    FigureUsed,
    SourceView,
)
from mlsal.schema import CENTRAL_FIGURES, Fact


def level_year_ranges(catalog: Catalog) -> dict[str, tuple[float, float]]:
    """The years each level spans by the source the method names: {level: (from, below)}."""
    return catalog.memo.remember("level year ranges", (), lambda: _level_year_ranges(catalog))


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


def years_ceiling(catalog: Catalog, level: str) -> list[str]:
    """Why years never reach the levels above the one they map to last, if they don't."""
    return list(catalog.memo.remember("years ceiling", level, lambda: _ceiling(catalog, level)))


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
    return catalog.memo.remember(
        "level views",
        (level, as_of),
        lambda: (
            band_views(catalog, level_facts(catalog, level), as_of)
            + step_views(catalog, level, as_of)
        ),
    )


def step_views(catalog: Catalog, level: str, as_of: int) -> list[SourceView]:
    by_source = ratios_by_source(catalog, relative_facts(catalog, "level", level))
    percentiles = range_percentiles(catalog)
    views = []
    for source, group in sorted(by_source.items()):
        figures = []
        spreads: list[float | None] = []  # a step moves the level below's band up: its shape
        for fact, reference, ratio in group:
            below = reference.value or ""
            base_views = level_views(catalog, below, as_of)
            if not base_views:
                continue
            base = math.exp(weighted_log_stats(base_views)[0])
            spreads.append(within_spread(base_views))
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
                    value=log_mean([f.value for f in figures]),
                    weight=source_weight(catalog, [f for f, _, _ in group]),
                    spread=mean_of([s for s in spreads if s is not None]),
                    records=0,
                    figures=tuple(figures),
                )
            )
    return views


def pooled_within_spread(catalog: Catalog, as_of: int) -> float:
    """The spread implied by every level's ranges: the fallback for a cell with no range."""
    return catalog.memo.remember("pooled spread", as_of, lambda: _pooled_spread(catalog, as_of))


def _pooled_spread(catalog: Catalog, as_of: int) -> float:
    views = [
        view for level in catalog.values["level"] for view in level_views(catalog, level.key, as_of)
    ]
    spread = within_spread(views)
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
    return catalog.memo.remember("level blocks", as_of, lambda: _level_blocks(catalog, as_of))


def _level_blocks(
    catalog: Catalog, as_of: int
) -> tuple[dict[str, float], list[tuple[list[str], float]]]:
    raw: dict[str, float] = {}
    items: list[tuple[str, float, float]] = []
    for level in catalog.values["level"]:
        views = level_views(catalog, level.key, as_of)
        if not views:
            continue
        mean, _ = weighted_log_stats(views)
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
    return catalog.memo.remember("band", (level, as_of), lambda: _make_band(catalog, level, as_of))


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
    mean, between = weighted_log_stats(views)
    notes: list[str] = []
    within = within_spread(views)
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
            within = within_spread(together) or within
            between = spread_around(together, log_ordered)
            names = " and ".join(catalog.label("level", key) for key in pooled)
            notes.append(
                f"sources put this level's pay ({dollars(median)}) out of order with an "
                f"adjacent level's; {names} are pooled to {dollars(ordered)}, one band, so "
                "that a higher level never pays less"
            )
    return Band(label, level, median, ordered, within, between, tuple(views), tuple(notes))

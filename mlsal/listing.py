"""Plain data about the catalog for `mlsal sources`: every source with every fact it gives."""

from __future__ import annotations

import dataclasses
from typing import Any

from mlsal.catalog import Catalog
from mlsal.dimensions import INPUTS
from mlsal.errors import UsageError
from mlsal.names import did_you_mean, nearest
from mlsal.schema import CENTRAL_FIGURES, Fact, Source


def fact_data(fact: Fact) -> dict[str, Any]:
    return _plain(fact)


def _plain(item: Any) -> dict[str, Any]:
    """A dataclass as a dict, without the fields it leaves empty."""
    return {k: v for k, v in dataclasses.asdict(item).items() if v is not None and v != []}


def source_entry(catalog: Catalog, source: Source) -> dict[str, Any]:
    facts = [fact_data(f) for f in catalog.facts if f.source == source.id]
    excluded = [{"quote": e.quote, "why": e.why} for e in catalog.excluded if e.source == source.id]
    return {
        **_plain(source),
        "fact_count": len(facts),
        "facts": facts,
        "excluded": excluded,
    }


def sources_data(catalog: Catalog) -> list[dict[str, Any]]:
    return [source_entry(catalog, catalog.sources[i]) for i in sorted(catalog.sources)]


def source_data(catalog: Catalog, source_id: str) -> dict[str, Any]:
    source = catalog.sources.get(source_id)
    if source is None:
        folded = {s.casefold(): s for s in catalog.sources}
        if source_id.casefold() in folded:
            source = catalog.sources[folded[source_id.casefold()]]
        else:
            suggestions = nearest(source_id, list(catalog.sources))
            hint = did_you_mean(suggestions) or f"; known: {', '.join(catalog.sources)}"
            raise UsageError(f"unknown source '{source_id}'{hint}")
    return source_entry(catalog, source)


# ---------------------------------------------------------------------------------------
# `mlsal factors`: the dimensions and what each value does to an estimate

DIMENSION_DESCRIPTIONS = {
    i.dimension: i.description for i in INPUTS if i.dimension and i.description
}


def dimensions_data(catalog: Catalog) -> list[dict[str, Any]]:
    rows = []
    for dimension, description in DIMENSION_DESCRIPTIONS.items():
        values = factor_values_data(catalog, dimension)
        rows.append(
            {
                "dimension": dimension,
                "description": description,
                "values": len(values),
                "with_figure": sum(1 for v in values if v["status"] != "no figure"),
            }
        )
    return rows


def factor_values_data(catalog: Catalog, dimension: str) -> list[dict[str, Any]]:
    from mlsal.aging import latest_year
    from mlsal.engine import level_year_ranges, make_factor, ordered_level_medians

    if dimension not in DIMENSION_DESCRIPTIONS:
        hint = did_you_mean(nearest(dimension, list(DIMENSION_DESCRIPTIONS)))
        known = "" if hint else f"; known: {', '.join(DIMENSION_DESCRIPTIONS)}"
        raise UsageError(f"unknown dimension '{dimension}'{hint}{known}")
    rows: list[dict[str, Any]] = []
    if dimension == "level":
        medians = ordered_level_medians(catalog, latest_year(catalog))
        years = level_year_ranges(catalog)
        for value in catalog.values["level"]:
            combined, ordered, pooled = medians.get(value.key, (None, None, False))
            low, high = years.get(value.key, (None, None))
            rows.append(
                {
                    "key": value.key,
                    "label": value.label,
                    "aliases": value.aliases,
                    "status": "no figure" if ordered is None else "baseline",
                    "median": None if ordered is None else round(ordered),
                    "combined_median": None if combined is None else round(combined),
                    "pooled": pooled,
                    "years_from": low,
                    "years_below": None if high is None or high == float("inf") else high,
                    "sources": sorted({f.source for f in _level_sources(catalog, value.key)}),
                }
            )
        return rows
    for value in catalog.values[dimension]:
        factor = make_factor(catalog, dimension, value.key)
        statements = [f for f in catalog.facts_for(dimension, value.key) if f.figure == "statement"]
        rounded = {"multiplier": factor.multiplier, "raw_multiplier": factor.raw_multiplier}
        rows.append(
            {
                "key": value.key,
                "label": value.label,
                "aliases": value.aliases,
                "status": factor.status,
                **{k: None if v is None else round(v, 4) for k, v in rounded.items()},
                "sources": sorted({v.source for v in factor.views}),
                "source_values": {v.source: round(v.value, 4) for v in factor.views},
                "records": sum(v.records for v in factor.views),
                "references": {v.source: _reference_text(catalog, v) for v in factor.views},
                "flags": sorted(
                    {f.flag for f in catalog.facts_for(dimension, value.key) if f.flag}
                ),
                "statements": sorted({f.source for f in statements}),
                **({"country": value.country} if value.country else {}),
            }
        )
    return rows


def _reference_text(catalog: Catalog, view: Any) -> str:
    """What a source's figures for a value are compared with, in words."""
    from mlsal.engine import reference_words

    fact = catalog.facts_by_id[view.figures[0].fact]
    if fact.reference is None:
        return ""
    reference = catalog.facts_by_id[fact.reference]
    return f"{reference.id}{reference_words(reference)}"


def _level_sources(catalog: Catalog, level: str) -> list[Fact]:
    from mlsal.engine import level_facts

    return [f for f in level_facts(catalog, level) if f.figure in CENTRAL_FIGURES]

"""Plain data about the catalog for `mlsal sources`: every source with every fact it gives."""

from __future__ import annotations

from typing import Any

from mlsal.catalog import Catalog
from mlsal.errors import UsageError
from mlsal.names import did_you_mean, nearest
from mlsal.schema import Fact, Source

FACT_COLUMNS = (
    "source",
    "id",
    "dimension",
    "value",
    "figure",
    "amount",
    "low",
    "high",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
    "n",
    "years_low",
    "years_high",
    "basis",
    "year",
    "reference",
    "quote",
    "context",
    "note",
)
SOURCE_COLUMNS = ("id", "kind", "title", "year", "document", "facts", "citation")


def fact_data(fact: Fact) -> dict[str, Any]:
    data = fact.model_dump(exclude_none=True)
    if not data.get("values"):
        data.pop("values", None)
    return data


def source_entry(catalog: Catalog, source: Source) -> dict[str, Any]:
    facts = [fact_data(f) for f in catalog.facts if f.source == source.id]
    excluded = [{"quote": e.quote, "why": e.why} for e in catalog.excluded if e.source == source.id]
    return {
        **source.model_dump(exclude_none=True),
        "fact_count": len(facts),
        "facts": facts,
        "excluded": excluded,
    }


def sources_data(catalog: Catalog) -> list[dict[str, Any]]:
    return [source_entry(catalog, s) for s in catalog.sources.values()]


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


def sources_rows(data: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[list[Any]]]:
    rows = [
        [
            entry.get("id"),
            entry.get("kind"),
            entry.get("title"),
            entry.get("year"),
            entry.get("document"),
            entry["fact_count"],
            entry.get("citation"),
        ]
        for entry in data
    ]
    return SOURCE_COLUMNS, rows


def facts_rows(facts: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[list[Any]]]:
    rows = []
    for fact in facts:
        row = [fact.get(column) for column in FACT_COLUMNS]
        if fact.get("values"):
            row[FACT_COLUMNS.index("value")] = fact["values"]
        rows.append(row)
    return FACT_COLUMNS, rows

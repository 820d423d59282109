"""Bringing figures from different years to one year, by the consumer price index (CPI-U).

CPI measures prices, not wages: it stands in for wage growth here (docs/methodology.md).
A figure's year is its own `year`, else its source's; a figure with neither is not aged.
"""

from __future__ import annotations

from mlsal.catalog import Catalog
from mlsal.errors import UsageError
from mlsal.schema import Fact


def price_index(catalog: Catalog) -> dict[int, float]:
    return catalog.memo.remember("price index", (), lambda: _price_index(catalog))


def _price_index(catalog: Catalog) -> dict[int, float]:
    return {
        f.year: f.index
        for f in catalog.facts_of("price_index")
        if f.year is not None and f.index is not None
    }


def latest_year(catalog: Catalog) -> int:
    years = price_index(catalog)
    if not years:
        raise UsageError("the data hold no price index to bring figures to one year")
    return max(years)


def check_as_of(catalog: Catalog, year: int | None) -> int:
    """The reference year: the one asked for, else the latest year with a price index."""
    if year is None:
        return latest_year(catalog)
    years = price_index(catalog)
    if year not in years:
        raise UsageError(
            f"no price index for {year}; figures can be given in dollars of {min(years)} to "
            f"{max(years)}"
        )
    return year


def figure_year(catalog: Catalog, fact: Fact) -> int | None:
    return fact.year if fact.year is not None else catalog.sources[fact.source].year


def aging_factor(catalog: Catalog, from_year: int | None, to_year: int) -> float:
    """What a dollar of from_year is worth in dollars of to_year (1 for an undated figure)."""
    if from_year is None or from_year == to_year:
        return 1.0
    index = price_index(catalog)
    if from_year not in index:
        return 1.0
    return index[to_year] / index[from_year]

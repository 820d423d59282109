"""What is worked out from a catalog, remembered for the catalog's life, so that a batch run
works out each band, factor and share once. One owner (Catalog.memo), in named families:
each is declared here with what it holds, and a family not declared is refused, so that
what a catalog remembers can be read in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# family -> what it holds, by what key
FAMILIES = {
    # the catalog's own (mlsal.catalog)
    "typed": "dimension -> {a name as typed: its key}; only names found are kept",
    "unknown": "dimension -> {a name as typed: why it names nothing}; bounded",
    "suggest": "dimensions -> (their names by value, the names' folded forms)",
    "facts for": "(dimension, value) -> the facts that count in the catalog's pay",
    "pay views": "pay -> the catalog read for that pay",
    "price index": "() -> {year: CPI-U}",
    # the engine's (mlsal.engine)
    "source bits": "() -> {source id: its bit in a share's set of sources}",
    "sources of bits": "bits -> the ids of the sources they stand for",
    "shares": "kind -> {key: Share}; bounded (engine.shares.SHARES_KEPT)",
    "level year ranges": "() -> {level: (from, to) years}",
    "years ceiling": "level -> the levels above it that years cannot reach",
    "level views": "(level, as_of) -> the level's band views",
    "pooled spread": "as_of -> the spread pooled over levels",
    "level blocks": "as_of -> the levels' blocks of figures",
    "band": "(level, as_of) -> Band",
    "factor at level": "(dimension, value, level, within) -> Factor or None",
    "factor": "(dimension, value, by_level, within) -> Factor or None",
    "country ladder": "country -> {level: multiplier}",
    "basis": "(level, label) -> the band's basis",
    "references": "(role, as_of) -> the occupation references",
    "source info": "source id -> SourceInfo",
    # the API's (mlsal.api)
    "estimators": "thread id -> the BatchEstimator estimate_many keeps warm; bounded",
}

MISSING = object()


class Memo:
    """The tables of one catalog, one per family (made when first asked for)."""

    __slots__ = ("tables", "keeps")

    def __init__(self, keeps: object = None) -> None:
        self.tables: dict[str, dict[Any, Any]] = {}
        # What the catalog is read through (a pay view: the catalog it was made from).
        self.keeps = keeps

    def table(self, family: str) -> dict[Any, Any]:
        found = self.tables.get(family)
        if found is None:
            if family not in FAMILIES:
                raise KeyError(f"memo family '{family}' is not declared in mlsal.memo.FAMILIES")
            found = self.tables[family] = {}
        return found

    def remember(self, family: str, key: Any, compute: Callable[[], T]) -> T:
        """compute(), once per key of the family for the life of the catalog."""
        table = self.table(family)
        found = table.get(key, MISSING)
        if found is MISSING:
            found = table[key] = compute()
        return found  # type: ignore[no-any-return]

    def clear(self) -> None:
        self.tables.clear()

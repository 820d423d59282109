"""The facts and values of a cached catalog, parsed piece by piece as an estimate asks for them.

The shipped data hold thousands of facts (every metro area, every employer) and one estimate
reads a few dozen. The cache keeps each group of facts (one dimension and value) as its own
JSON text, so a run parses only the groups it touches: start-up stays flat as the data grow.
Iterating over all the facts (`mlsal sources`, equality in tests) parses every group. So with
the values of each dimension: an estimate that names no company reads none of the hundreds of
employers' names.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

from mlsal.schema import DimensionValue, Fact

NO_VALUE = ""  # the group key of a dimension's facts without a value (overall, statements)
REFERENCE = "reference"  # the dimension of the figures others are measured against


def group_key(fact: Fact) -> str:
    """Where a fact is kept: its value; each reference alone (they are looked up by id)."""
    if fact.value is not None:
        return fact.value
    return group_key_of_reference(fact.id) if fact.dimension == REFERENCE else NO_VALUE


def group_key_of_reference(fact_id: str) -> str:
    return f"#{fact_id}"


def group_facts(facts: Sequence[Fact]) -> dict[str, dict[str, list[Fact]]]:
    groups: dict[str, dict[str, list[Fact]]] = {}
    for fact in facts:
        groups.setdefault(fact.dimension, {}).setdefault(group_key(fact), []).append(fact)
    return groups


class LazyFacts(Sequence[Fact]):
    def __init__(
        self,
        dimensions: list[str],
        keys: Callable[[str], list[str]],
        has_group: Callable[[str, str], bool],
        where: dict[str, list[str]],
        references: Callable[[], list[str]],
        text: Callable[[str, str], bytes | None],
        build: Callable[[dict[str, Any]], Fact],
        leveled: frozenset[str] = frozenset(),
    ) -> None:
        self.leveled = leveled  # the dimensions with figures for one level (employers)
        self._dimensions = dimensions
        self._keys = keys  # the keys of a dimension's groups, in order
        self._has_group = has_group
        # The facts referred to: by id -> [dimension, group key], but for those in a group of
        # their own; and the hundreds of ids of the reference dimension, read when asked for.
        self._where = where
        self._references_read = references
        self._references: frozenset[str] | None = None
        self._text = text  # a group's JSON text, by dimension and key
        self._build = build  # one fact from its stored fields
        self._parsed: dict[tuple[str, str], list[Fact]] = {}
        self._by_id: dict[str, Fact] = {}
        self._all: list[Fact] | None = None

    def group(self, dimension: str, key: str) -> list[Fact]:
        parsed = self._parsed.get((dimension, key))
        if parsed is None:
            text = self._text(dimension, key)
            parsed = [] if text is None else [self._build(item) for item in json.loads(text)]
            self._parsed[dimension, key] = parsed
            for fact in parsed:
                self._by_id[fact.id] = fact
        return parsed

    def facts_for(self, dimension: str, value: str | None) -> list[Fact]:
        """As Catalog.facts_for: a value's facts and the statements that name it."""
        if value is None:
            return [f for f in self.of_dimension(dimension) if f.value is None and not f.values]
        statements = [f for f in self.group(dimension, NO_VALUE) if value in f.values]
        return self.group(dimension, value) + statements

    def of_dimension(self, dimension: str) -> list[Fact]:
        if dimension not in self._dimensions:
            return []
        return [f for key in self._keys(dimension) for f in self.group(dimension, key)]

    def by_id(self, fact_id: str) -> Fact | None:
        if fact_id not in self._by_id:
            own = group_key_of_reference(fact_id)  # a reference keeps a group of its own
            if self._has_group(REFERENCE, own):
                self.group(REFERENCE, own)
            elif fact_id in self._where:
                self.group(*self._where[fact_id])
        if fact_id not in self._by_id and self._all is None:
            self.everything()
        return self._by_id.get(fact_id)

    def parsed_groups(self) -> set[tuple[str, str]]:
        """The groups parsed so far, as (dimension, key)."""
        return set(self._parsed)

    def _referred_references(self) -> frozenset[str]:
        if self._references is None:
            self._references = frozenset(self._references_read())
        return self._references

    def referred(self) -> list[str]:
        return [*self._where, *self._referred_references()]

    def is_referred(self, fact: Fact) -> bool:
        """Whether other facts are measured against this one."""
        if fact.dimension == REFERENCE:
            return fact.id in self._referred_references()
        return fact.id in self._where

    def everything(self) -> list[Fact]:
        if self._all is None:
            self._all = [
                fact
                for dimension in self._dimensions
                for key in self._keys(dimension)
                for fact in self.group(dimension, key)
            ]
        return self._all

    @overload
    def __getitem__(self, index: int) -> Fact: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Fact]: ...
    def __getitem__(self, index: int | slice) -> Fact | Sequence[Fact]:
        return self.everything()[index]

    def __len__(self) -> int:
        return len(self.everything())

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.everything())

    def __eq__(self, other: object) -> bool:
        """The same facts, whatever order each was stored in."""
        if not isinstance(other, Sequence):
            return NotImplemented
        mine = {f.id: f for f in self}
        theirs = {f.id: f for f in other}
        return mine == theirs and len(mine) == len(self) and len(theirs) == len(other)

    __hash__ = None  # type: ignore[assignment]


class FactsById(Mapping[str, Fact]):
    """facts_by_id of a lazy catalog: a fact is parsed when its id is asked for."""

    def __init__(self, facts: LazyFacts) -> None:
        self._facts = facts

    def __getitem__(self, fact_id: str) -> Fact:
        fact = self._facts.by_id(fact_id)
        if fact is None:
            raise KeyError(fact_id)
        return fact

    def __iter__(self) -> Iterator[str]:
        return (f.id for f in self._facts)

    def __len__(self) -> int:
        return len(self._facts)


NAME_BUCKETS = 16  # the pieces a dimension's names (and its values) are kept in


def bucket_of(text: str, count: int) -> int:
    """Which of `count` pieces a name or a key is kept in: the same on every run and system."""
    return zlib.crc32(text.encode()) % count


class LazyValues(Mapping[str, list[DimensionValue]]):
    """Catalog.values of a cached catalog. A dimension's names (folded, as users type them)
    and its values are kept in NAME_BUCKETS pieces each, found by bucket_of: finding a name
    parses one piece of names, a value one piece of values; the list, all of them."""

    def __init__(
        self,
        places: dict[str, Any],
        text: Callable[[Any], bytes],
        build: Callable[[dict[str, Any]], DimensionValue],
    ) -> None:
        self._places = places  # dimension -> where its table of pieces is
        self._text = text
        self._build = build
        self._tables: dict[str, dict[str, Any]] = {}
        self._pieces: dict[tuple[str, str, int], dict[str, Any]] = {}
        self._values: dict[tuple[str, str], DimensionValue] = {}
        self._lists: dict[str, list[DimensionValue]] = {}

    def _table(self, dimension: str) -> dict[str, Any]:
        """Where the dimension's pieces are (KeyError if there is no such dimension)."""
        table = self._tables.get(dimension)
        if table is None:
            table = self._tables[dimension] = json.loads(self._text(self._places[dimension]))
        return table

    def _piece(self, dimension: str, kind: str, index: int) -> dict[str, Any]:
        found = self._pieces.get((dimension, kind, index))
        if found is None:
            found = json.loads(self._text(self._table(dimension)[kind][index]))
            self._pieces[dimension, kind, index] = found
        return found

    def key_of_name(self, dimension: str, name: str) -> str | None:
        """The key of the value a normalized name names, or None."""
        return self._piece(dimension, "names", bucket_of(name, NAME_BUCKETS)).get(name)

    def names(self, dimension: str) -> dict[str, str]:
        """Every normalized name of the dimension's values -> key."""
        return {
            name: key
            for index in range(NAME_BUCKETS)
            for name, key in self._piece(dimension, "names", index).items()
        }

    def one(self, dimension: str, key: str) -> DimensionValue:
        """One value, by its key (KeyError if the dimension has none of that key)."""
        value = self._values.get((dimension, key))
        if value is None:
            fields = self._piece(dimension, "values", bucket_of(key, NAME_BUCKETS))[key]
            value = self._values[dimension, key] = self._build(dict(fields))
        return value

    def parsed(self) -> set[tuple[str, str]]:
        """The values made so far, as (dimension, key)."""
        return set(self._values)

    def __getitem__(self, dimension: str) -> list[DimensionValue]:
        if dimension not in self._lists:
            order = json.loads(self._text(self._table(dimension)["order"]))
            self._lists[dimension] = [self.one(dimension, key) for key in order]
        return self._lists[dimension]

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

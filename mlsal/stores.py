"""Where a catalog's facts and values are kept. The catalog asks its stores through two
protocols, FactStore and ValueStore, and never asks which store it holds: ListedFacts and
ListedValues keep what mlsal.loader read from the files; the cache's LazyFacts and LazyValues
(mlsal.cache_format) parse their pieces as they are asked for."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Protocol, overload

from mlsal.names import normalize
from mlsal.schema import DimensionValue, Fact

if TYPE_CHECKING:  # the protocols are for the type checker: no class made on every run

    class FactStore(Protocol):
        """The facts of a catalog, whichever pay they count in."""

        @property
        def leveled(self) -> frozenset[str]:
            """The dimensions with figures for one level (employers)."""

        def facts_for(self, dimension: str, value: str | None) -> list[Fact]:
            """A value's facts and the statements that name it (value None: the dimension's
            facts that name no value)."""

        def of_dimension(self, dimension: str) -> list[Fact]: ...

        def by_id(self, fact_id: str) -> Fact | None: ...

        def referred(self) -> frozenset[str]:
            """The ids of the facts other facts are measured against."""

        def is_referred(self, fact: Fact) -> bool: ...

        def __iter__(self) -> Iterator[Fact]: ...

        def __len__(self) -> int: ...

    class ValueStore(Protocol):
        """The values of every dimension, and the names they are known by."""

        def __getitem__(self, dimension: str) -> list[DimensionValue]: ...

        def __iter__(self) -> Iterator[str]: ...

        def __len__(self) -> int: ...

        def __contains__(self, dimension: object) -> bool: ...

        def key_of_name(self, dimension: str, name: str) -> str | None:
            """The key of the value a normalized name names, or None."""

        def names(self, dimension: str) -> dict[str, str]:
            """Every normalized name of the dimension's values -> key."""

        def one(self, dimension: str, key: str) -> DimensionValue:
            """One value, by its key (KeyError if the dimension has none of that key)."""


class FactSequence(Sequence[Fact]):
    """What the fact stores share: equality by the facts held, whatever order each store
    keeps them in."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        mine = {f.id: f for f in self}
        theirs = {f.id: f for f in other}
        return mine == theirs and len(mine) == len(self) and len(theirs) == len(other)

    __hash__ = None  # type: ignore[assignment]


class ListedFacts(FactSequence):
    """Facts read from the files, in file order; indexed on first use."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self._facts = list(facts)

    @cached_property
    def _index(self) -> dict[tuple[str, str | None], list[Fact]]:
        index: dict[tuple[str, str | None], list[Fact]] = {}
        for fact in self._facts:
            values: list[str | None] = [*fact.values] if fact.values else [fact.value]
            for value in values:
                index.setdefault((fact.dimension, value), []).append(fact)
        return index

    @cached_property
    def _by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self._facts}

    @cached_property
    def _referred(self) -> frozenset[str]:
        return frozenset(f.reference for f in self._facts if f.reference is not None)

    @cached_property
    def leveled(self) -> frozenset[str]:
        return frozenset(f.dimension for f in self._facts if f.level)

    def facts_for(self, dimension: str, value: str | None) -> list[Fact]:
        return self._index.get((dimension, value), [])

    def of_dimension(self, dimension: str) -> list[Fact]:
        return [f for f in self._facts if f.dimension == dimension]

    def by_id(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def referred(self) -> frozenset[str]:
        return self._referred

    def is_referred(self, fact: Fact) -> bool:
        return fact.id in self._referred

    @overload
    def __getitem__(self, index: int) -> Fact: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Fact]: ...
    def __getitem__(self, index: int | slice) -> Fact | Sequence[Fact]:
        return self._facts[index]

    def __len__(self) -> int:
        return len(self._facts)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._facts)


class ListedValues(Mapping[str, list[DimensionValue]]):
    """Values read from the files, by dimension; their names and keys indexed on first use."""

    def __init__(self, values: Mapping[str, list[DimensionValue]]) -> None:
        self._values = dict(values)
        self._names: dict[str, dict[str, str]] = {}
        self._by_key: dict[str, dict[str, DimensionValue]] = {}

    def names(self, dimension: str) -> dict[str, str]:
        table = self._names.get(dimension)
        if table is None:
            table = self._names[dimension] = {}
            for value in self._values[dimension]:
                for name in value.names:
                    table.setdefault(normalize(name), value.key)
        return table

    def key_of_name(self, dimension: str, name: str) -> str | None:
        return self.names(dimension).get(name)

    def one(self, dimension: str, key: str) -> DimensionValue:
        by_key = self._by_key.get(dimension)
        if by_key is None:
            by_key = self._by_key[dimension] = {v.key: v for v in self._values[dimension]}
        return by_key[key]

    def __getitem__(self, dimension: str) -> list[DimensionValue]:
        return self._values[dimension]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class FactsById(Mapping[str, Fact]):
    """A catalog's facts by id, found through its store (a cached one parses a fact's group
    when its id is asked for)."""

    def __init__(self, facts: FactStore) -> None:
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

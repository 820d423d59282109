"""The facts of a cached catalog, parsed group by group as an estimate asks for them.

The shipped data hold thousands of facts (every metro area, every employer) and one estimate
reads a few dozen. The cache keeps each group of facts (one dimension and value) as its own
JSON text, so a run parses only the groups it touches: start-up stays flat as the data grow.
Iterating over all the facts (`mlsal sources`, equality in tests) parses every group.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

from mlsal.schema import Fact

Groups = dict[str, list[str]]  # dimension -> the keys of its groups
NO_VALUE = ""  # the group key of a dimension's facts without a value (overall, statements)


def group_key(fact: Fact) -> str:
    """Where a fact is kept: its value; each reference alone (they are looked up by id)."""
    if fact.value is not None:
        return fact.value
    return f"#{fact.id}" if fact.dimension == "reference" else NO_VALUE


def group_facts(facts: Sequence[Fact]) -> dict[str, dict[str, list[Fact]]]:
    groups: dict[str, dict[str, list[Fact]]] = {}
    for fact in facts:
        groups.setdefault(fact.dimension, {}).setdefault(group_key(fact), []).append(fact)
    return groups


class LazyFacts(Sequence[Fact]):
    def __init__(
        self,
        groups: Groups,
        where: dict[str, list[str]],
        text: Callable[[str, str], bytes | None],
        build: Callable[[dict[str, Any]], Fact],
        leveled: frozenset[str] = frozenset(),
    ) -> None:
        self.leveled = leveled  # the dimensions with figures for one level (employers)
        self._groups = groups
        self._where = where  # fact id -> [dimension, group key], for the facts referred to
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
        return [f for key in self._groups.get(dimension, []) for f in self.group(dimension, key)]

    def by_id(self, fact_id: str) -> Fact | None:
        if fact_id not in self._by_id and fact_id in self._where:
            self.group(*self._where[fact_id])
        if fact_id not in self._by_id and self._all is None:
            self.everything()
        return self._by_id.get(fact_id)

    def parsed_groups(self) -> set[tuple[str, str]]:
        """The groups parsed so far, as (dimension, key)."""
        return set(self._parsed)

    def referred(self) -> list[str]:
        return list(self._where)

    def everything(self) -> list[Fact]:
        if self._all is None:
            self._all = [
                fact
                for dimension, groups in self._groups.items()
                for key in groups
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

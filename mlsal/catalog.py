"""The checked data in memory: sources, facts and the names of values, and what users type
resolved to them. mlsal.loader reads the files into a Catalog (or mlsal.cache brings one
checked before); the catalog knows nothing of files or of the engine."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from mlsal.errors import UsageError
from mlsal.lazy_facts import FactsById, LazyFacts, LazyValues
from mlsal.names import did_you_mean, forms_of, nearest_form, normalize
from mlsal.record import Record
from mlsal.schema import (
    DimensionValue,
    Excluded,
    Fact,
    Method,
    Source,
)

T = TypeVar("T")
KNOWN_SHOWN = 12  # values listed when nothing is close to what was typed
UNKNOWN_KEPT = 10_000  # unknown names remembered with what was said of them
MAX_NAME_LENGTH = 100  # longer than any name of any value: refused without comparing

# The dimensions whose dollar figures make a band: they count in the pay their basis states.
BAND_DIMENSIONS = frozenset({"overall", "level", "experience"})

# Facts whose `value` names a value of another dimension's list.
VALUE_LIST_OF = {"level_years": "level", "employer_places": "company"}


@dataclass(init=False, eq=False, repr=False)
class Catalog(Record):
    """Sources, facts, the values of every dimension and the method, checked."""

    sources: dict[str, Source]
    facts: Sequence[Fact]  # a list, or from the cache LazyFacts, parsed as they are asked for
    values: Mapping[str, list[DimensionValue]]  # a dict, or from the cache LazyValues
    method: Method
    excluded: list[Excluded] = field(default_factory=list)
    # Which pay the facts are read for (method.toml [pay]): 'base' or 'gross'; None: the
    # method's default. See for_pay.
    pay: str | None = None
    # Results the engine computed from this catalog, so that batch runs compute each band and
    # factor once. Not copied by dataclasses.replace (init=False), never compared.
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def remember(self, key: Any, compute: Callable[[], T]) -> T:
        """compute(), once per key for the life of this catalog."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[no-any-return]

    @cached_property
    def facts_by_id(self) -> Mapping[str, Fact]:
        if isinstance(self.facts, LazyFacts):
            return FactsById(self.facts)
        return {f.id: f for f in self.facts}

    @cached_property
    def reference_ids(self) -> frozenset[str]:
        """Facts other facts are measured against."""
        if isinstance(self.facts, LazyFacts):
            return frozenset(self.facts.referred())
        return frozenset(f.reference for f in self.facts if f.reference is not None)

    def is_reference(self, fact: Fact) -> bool:
        """Whether other facts are measured against this one."""
        if isinstance(self.facts, LazyFacts):
            return self.facts.is_referred(fact)  # without reading every reference's id
        return fact.id in self.reference_ids

    @cached_property
    def _index(self) -> dict[tuple[str, str | None], list[Fact]]:
        index: dict[tuple[str, str | None], list[Fact]] = {}
        for fact in self.facts:
            values: list[str | None] = [*fact.values] if fact.values else [fact.value]
            for value in values:
                index.setdefault((fact.dimension, value), []).append(fact)
        return index

    def _names(self, dimension: str) -> dict[str, str]:
        """Every normalized name of a dimension's values -> key (built on first use; a cached
        catalog brings it built)."""
        key = ("names", dimension)
        if key not in self.memo:
            values = self.values
            if isinstance(values, LazyValues):
                self.memo[key] = values.names(dimension)
            else:
                self.memo[key] = self.name_table(dimension)
        return self.memo[key]  # type: ignore[no-any-return]

    def _key_of_name(self, dimension: str, name: str) -> str | None:
        values = self.values
        if isinstance(values, LazyValues) and ("names", dimension) not in self.memo:
            return values.key_of_name(dimension, name)  # one piece of the names, not all
        return self._names(dimension).get(name)

    def name_table(self, dimension: str) -> dict[str, str]:
        table: dict[str, str] = {}
        for value in self.values[dimension]:
            for name in value.names:
                table.setdefault(normalize(name), value.key)
        return table

    def currencies(self) -> list[str]:
        """The currencies some source states a rate to US dollars for, sorted."""
        return sorted({f.value for f in self.facts_of("currency") if f.value})

    def for_pay(self, pay: str) -> Catalog:
        """The same data read for one pay: its facts are those that count in it (counts), and
        what the engine works out is remembered apart. Made once per pay."""
        if self.pay_read == pay:
            return self
        views: dict[str, Catalog] = self.memo.setdefault("pay views", {})
        view = views.get(pay)
        if view is None:
            view = copy.copy(self)
            view.__dict__.pop("_index", None)  # cached properties are the view's own
            view.memo = {"read from": self}  # keeps alive what its pieces are read through
            view.pay = pay
            views[pay] = view
        return view

    @property
    def pay_read(self) -> str:
        """The pay this catalog's facts are read for."""
        return self.pay or self.method.pay.default

    def counts(self, fact: Fact) -> bool:
        """Whether a fact counts in this catalog's pay (method.toml [pay]): the base model
        alone speaks for place and employer in base; a band's dollar figures count in the pay
        their basis states; ratios to a source's own reference count in both."""
        pay = self.pay_read
        settings = self.method.pay
        if fact.dimension in settings.own_model and fact.figure != "statement":  # words: both
            if pay == "base":
                return fact.pay == "base" or self._measured_abroad(fact)
            return fact.pay != "base" or fact.dimension in settings.shared_with_gross
        if fact.pay is not None:
            return fact.pay == pay
        if fact.dimension in BAND_DIMENSIONS and fact.reference is None:
            return (fact.basis == "base") == (pay == "base")
        return True

    def _measured_abroad(self, fact: Fact) -> bool:
        """A figure measured against a country other than the reference one (s004's London
        against the UK): the base model, a US model, says nothing in its place."""
        if fact.reference is None:
            return False
        reference = self.facts_by_id.get(fact.reference)
        if reference is None or reference.dimension != "country":
            return False
        return reference.value != self.method.reference.country

    def facts_of_every_pay(self, dimension: str, value: str | None) -> list[Fact]:
        """A value's facts, whichever pay they count in (to say why one has no figure)."""
        if isinstance(self.facts, LazyFacts):
            return self.facts.facts_for(dimension, value)
        return self._index.get((dimension, value), [])

    def facts_for(self, dimension: str, value: str | None = None) -> list[Fact]:
        """A value's facts and the statements that name it (value None: the dimension's
        facts that name no value, such as 'overall'), of those that count in the pay."""
        key = ("facts_for", dimension, value)
        if key not in self.memo:
            found = self.facts_of_every_pay(dimension, value)
            self.memo[key] = [f for f in found if self.counts(f)]
        return self.memo[key]  # type: ignore[no-any-return]

    def has_levels(self, dimension: str) -> bool:
        """Whether some source gives figures of this dimension level by level (employers)."""
        if isinstance(self.facts, LazyFacts):
            return dimension in self.facts.leveled
        return self.remember(
            ("has_levels", dimension), lambda: any(f.level for f in self.facts_of(dimension))
        )

    def facts_of(self, dimension: str) -> list[Fact]:
        """Every fact of one dimension that counts in the pay."""
        if isinstance(self.facts, LazyFacts):
            found = self.facts.of_dimension(dimension)
        else:
            found = [f for f in self.facts if f.dimension == dimension]
        return [f for f in found if self.counts(f)]

    def value(self, dimension: str, key: str) -> DimensionValue:
        dimension = VALUE_LIST_OF.get(dimension, dimension)
        if isinstance(self.values, LazyValues):
            return self.values.one(dimension, key)
        by_key = self.memo.get(("by_key", dimension))
        if by_key is None:
            by_key = self.memo[("by_key", dimension)] = {v.key: v for v in self.values[dimension]}
        return by_key[key]  # type: ignore[no-any-return]

    def label(self, dimension: str, key: str) -> str:
        return self.value(dimension, key).label

    def lookup(self, dimension: str, text: str) -> str | None:
        """The key the text names in this dimension, or None."""
        typed = self.memo.setdefault(("typed", dimension), {})  # names as typed, once found
        key = typed.get(text)
        if key is None:
            key = self._key_of_name(dimension, normalize(text))
            if key is not None:  # only known names are kept: the table cannot grow unbounded
                typed[text] = key
        return key  # type: ignore[no-any-return]

    def suggestions(self, text: str, dimensions: list[str], limit: int = 3) -> list[str]:
        """Labels of the values nearest to text in these dimensions, one per value."""
        by_name, forms = self.remember(
            ("suggest", tuple(dimensions)), lambda: self._names_of(dimensions)
        )
        found: list[tuple[str, str]] = []
        for name in nearest_form(text, forms, limit=limit * 3):
            if by_name[name] not in found:
                found.append(by_name[name])
        return [self.label(dimension, key) for dimension, key in found[:limit]]

    def _names_of(self, dimensions: list[str]) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
        by_name: dict[str, tuple[str, str]] = {}
        for dimension in dimensions:
            for value in self.values[dimension]:
                for name in value.names:
                    by_name.setdefault(name, (dimension, value.key))
        return by_name, forms_of(list(by_name))

    def resolve(self, dimension: str, text: str) -> str:
        """The key the text names, or a UsageError that suggests the nearest names."""
        key = self.lookup(dimension, text)
        if key is not None:
            return key
        unknown = self.memo.setdefault(("unknown", dimension), {})
        said = unknown.get(text)
        if said is None:
            said = self._unknown(dimension, text)
            if len(unknown) >= UNKNOWN_KEPT:  # a bound, whatever the input
                unknown.clear()
            unknown[text] = said
        raise UsageError(said)

    def _unknown(self, dimension: str, text: str) -> str:
        """Why the text names no value, with the nearest names (worked out once per text:
        a batch's typos repeat)."""
        spoken = dimension.replace("_", " ")
        if len(text) > MAX_NAME_LENGTH:  # no name is this long; comparing it would cost much
            shown = text[:40] + "…"
            return (
                f"unknown {spoken} '{shown}': {len(text):,} characters, and no name is longer "
                f"than {MAX_NAME_LENGTH}"
            )
        suggestions = self.suggestions(text, [dimension])
        if not suggestions:
            keys = [v.key for v in self.values[dimension]]
            known = ", ".join(keys[:KNOWN_SHOWN])
            if len(keys) > KNOWN_SHOWN:
                known += f", … ({len(keys)} in all)"
            return f"unknown {spoken} '{text}'; known: {known}"
        return f"unknown {spoken} '{text}'{did_you_mean(suggestions)}"

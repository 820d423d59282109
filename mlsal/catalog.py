"""The checked data in memory: sources, facts and the names of values, and what users type
resolved to them. mlsal.loader reads the files into a Catalog (or mlsal.cache brings one
checked before); the catalog asks its stores (mlsal.stores) for facts and values, and knows
nothing of files, of the cache's format or of the engine."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mlsal.errors import UsageError
from mlsal.memo import Memo
from mlsal.names import did_you_mean, forms_of, nearest_form, normalize
from mlsal.record import Record
from mlsal.schema import (
    DimensionValue,
    Excluded,
    Fact,
    Method,
    Source,
)
from mlsal.stores import FactsById, ListedFacts, ListedValues

if TYPE_CHECKING:
    from mlsal.stores import FactStore, ValueStore

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
    facts: FactStore  # given a list, kept as ListedFacts (see mlsal.stores)
    values: ValueStore  # given a dict, kept as ListedValues
    method: Method
    excluded: list[Excluded] = field(default_factory=list)
    # Which pay the facts are read for (method.toml [pay]): 'base' or 'gross'; None: the
    # method's default. See for_pay.
    pay: str | None = None
    # What the engine and the catalog worked out from this catalog (mlsal.memo): not copied
    # by dataclasses.replace (init=False), never compared.
    memo: Memo = field(default_factory=Memo, init=False, repr=False, compare=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.facts, list | tuple):
            self.facts = ListedFacts(self.facts)
        if isinstance(self.values, dict):
            self.values = ListedValues(self.values)

    @cached_property
    def facts_by_id(self) -> Mapping[str, Fact]:
        return FactsById(self.facts)

    @cached_property
    def reference_ids(self) -> frozenset[str]:
        """Facts other facts are measured against."""
        return self.facts.referred()

    def is_reference(self, fact: Fact) -> bool:
        """Whether other facts are measured against this one."""
        return self.facts.is_referred(fact)

    def currencies(self) -> list[str]:
        """The currencies some source states a rate to US dollars for, sorted."""
        return sorted({f.value for f in self.facts_of("currency") if f.value})

    def for_pay(self, pay: str) -> Catalog:
        """The same data read for one pay: its facts are those that count in it (counts), and
        what the engine works out is remembered apart. Made once per pay."""
        if self.pay_read == pay:
            return self
        views: dict[str, Catalog] = self.memo.table("pay views")
        view = views.get(pay)
        if view is None:
            view = copy.copy(self)
            view.memo = Memo(keeps=self)  # keeps alive what its pieces are read through
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
        return self.facts.facts_for(dimension, value)

    def facts_for(self, dimension: str, value: str | None = None) -> list[Fact]:
        """A value's facts and the statements that name it (value None: the dimension's
        facts that name no value, such as 'overall'), of those that count in the pay."""
        memo = self.memo.table("facts for")
        found = memo.get((dimension, value))
        if found is None:
            found = memo[dimension, value] = [
                f for f in self.facts_of_every_pay(dimension, value) if self.counts(f)
            ]
        return found

    def has_levels(self, dimension: str) -> bool:
        """Whether some source gives figures of this dimension level by level (employers)."""
        return dimension in self.facts.leveled

    def facts_of(self, dimension: str) -> list[Fact]:
        """Every fact of one dimension that counts in the pay."""
        return [f for f in self.facts.of_dimension(dimension) if self.counts(f)]

    def value(self, dimension: str, key: str) -> DimensionValue:
        return self.values.one(VALUE_LIST_OF.get(dimension, dimension), key)

    def label(self, dimension: str, key: str) -> str:
        return self.value(dimension, key).label

    def lookup(self, dimension: str, text: str) -> str | None:
        """The key the text names in this dimension, or None."""
        typed = self.memo.table("typed").setdefault(dimension, {})  # names typed, once found
        key = typed.get(text)
        if key is None:
            key = self.values.key_of_name(dimension, normalize(text))
            if key is not None:  # only known names are kept: the table cannot grow unbounded
                typed[text] = key
        return key  # type: ignore[no-any-return]

    def suggestions(self, text: str, dimensions: list[str], limit: int = 3) -> list[str]:
        """Labels of the values nearest to text in these dimensions, one per value."""
        by_name, forms = self.memo.remember(
            "suggest", tuple(dimensions), lambda: self._names_of(dimensions)
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
        unknown = self.memo.table("unknown").setdefault(dimension, {})
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

"""The catalog's two kinds of store (mlsal.stores): what the files were read into, and the
cache's, parsed piece by piece. The catalog never asks which it holds, so both must answer
every question of the protocols alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsal.cache_format import LazyFacts, LazyValues
from mlsal.catalog import Catalog
from mlsal.load import load_catalog
from mlsal.memo import FAMILIES, Memo
from mlsal.stores import ListedFacts, ListedValues


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Catalog]:
    folder: Path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLSAL_CACHE_DIR", str(folder))
        listed = load_catalog(use_cache=False)
        load_catalog()  # writes the cache
        cached = load_catalog()
    assert isinstance(listed.facts, ListedFacts) and isinstance(listed.values, ListedValues)
    assert isinstance(cached.facts, LazyFacts) and isinstance(cached.values, LazyValues)
    return listed, cached


def ids(facts: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(f.id for f in facts)


def test_the_fact_stores_answer_alike(both: tuple[Catalog, Catalog]) -> None:
    listed, cached = both
    assert listed.facts.leveled == cached.facts.leveled != frozenset()
    assert listed.facts.referred() == cached.facts.referred() != frozenset()
    dimensions = sorted({f.dimension for f in listed.facts})
    for dimension in dimensions:
        assert ids(listed.facts.of_dimension(dimension)) == ids(
            cached.facts.of_dimension(dimension)
        ), dimension
        values = sorted({f.value for f in listed.facts.of_dimension(dimension) if f.value})
        for value in [None, *values[:40]]:
            assert ids(listed.facts.facts_for(dimension, value)) == ids(
                cached.facts.facts_for(dimension, value)
            ), (dimension, value)
    some = list(listed.facts)[::97]
    for fact in some:
        assert cached.facts.by_id(fact.id) == fact
        assert listed.facts.is_referred(fact) == cached.facts.is_referred(fact)
    assert listed.facts.by_id("no such fact") is None and cached.facts.by_id("nope") is None
    assert listed.facts == cached.facts


def test_the_value_stores_answer_alike(both: tuple[Catalog, Catalog]) -> None:
    listed, cached = both
    assert sorted(listed.values) == sorted(cached.values)
    for dimension in listed.values:
        names = listed.values.names(dimension)
        assert names == cached.values.names(dimension), dimension
        for name, key in list(names.items())[::25]:
            assert cached.values.key_of_name(dimension, name) == key
            assert listed.values.key_of_name(dimension, name) == key
            assert listed.values.one(dimension, key) == cached.values.one(dimension, key)
        assert listed.values.key_of_name(dimension, "no such name") is None
        assert [v.key for v in listed.values[dimension]] == [
            v.key for v in cached.values[dimension]
        ]


def test_a_catalog_given_lists_keeps_them_in_listed_stores(both: tuple[Catalog, Catalog]) -> None:
    from dataclasses import replace

    listed, _ = both
    kept = [f for f in listed.facts if f.dimension != "company"]
    narrowed = replace(listed, facts=kept)
    assert isinstance(narrowed.facts, ListedFacts)
    assert narrowed.facts_for("company", "google") == []
    assert narrowed.facts_for("overall") == listed.facts_for("overall")


def test_the_memo_refuses_a_family_not_declared() -> None:
    memo = Memo()
    assert memo.remember("band", ("senior", 2025), lambda: 1) == 1
    assert memo.remember("band", ("senior", 2025), lambda: 2) == 1  # once per key
    assert memo.remember("factor", ("city", "x", False, None), lambda: None) is None
    calls: list[int] = []
    memo.remember("factor", ("city", "x", False, None), lambda: calls.append(1))
    assert calls == [], "a None worked out is remembered too"
    with pytest.raises(KeyError, match="not declared"):
        memo.table("bands of mine")
    assert set(memo.tables) <= set(FAMILIES)

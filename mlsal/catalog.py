"""Finds, loads, validates and cross-checks the data files, and resolves what users type.

The catalog knows nothing of the engine: it holds sources, facts and the names of values.
Every problem found is collected, so a broken data directory is reported whole, one line
per problem: 'file: entry: field: message'.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlsal.errors import DataError, UsageError
from mlsal.names import did_you_mean, nearest, normalize
from mlsal.schema import (
    CENTRAL_FIGURES,
    Dimensions,
    DimensionValue,
    Excluded,
    Fact,
    Method,
    Source,
)

# The dimension each list in dimensions.toml names.
DIMENSION_LISTS = {
    "levels": "level",
    "roles": "role",
    "countries": "country",
    "cities": "city",
    "industries": "industry",
    "educations": "education",
    "company_sizes": "company_size",
    "companies": "company",
    "skills": "skill",
    "certifications": "certification",
}

T = TypeVar("T")
KNOWN_SHOWN = 12  # values listed when nothing is close to what was typed

# Facts whose `value` names a value of another dimension's list.
VALUE_LIST_OF = {"level_years": "level"}


def default_data_dir() -> Path:
    """The data shipped with mlsal: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    return packaged if packaged.is_dir() else here.parent / "data"


@dataclass
class Catalog:
    sources: dict[str, Source]
    facts: list[Fact]
    values: dict[str, list[DimensionValue]]
    method: Method
    excluded: list[Excluded] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)
    # Results the engine computed from this catalog, so that batch runs compute each band and
    # factor once. Not copied by dataclasses.replace (init=False), never compared.
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def remember(self, key: Any, compute: Callable[[], T]) -> T:
        """compute(), once per key for the life of this catalog."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]  # type: ignore[no-any-return]

    @cached_property
    def facts_by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    @cached_property
    def reference_ids(self) -> frozenset[str]:
        """Facts other facts are measured against."""
        return frozenset(f.reference for f in self.facts if f.reference is not None)

    @cached_property
    def _index(self) -> dict[tuple[str, str | None], list[Fact]]:
        index: dict[tuple[str, str | None], list[Fact]] = {}
        for fact in self.facts:
            values: list[str | None] = [*fact.values] if fact.values else [fact.value]
            for value in values:
                index.setdefault((fact.dimension, value), []).append(fact)
        return index

    @cached_property
    def _names(self) -> dict[str, dict[str, str]]:
        """For each dimension, every normalized key, label and alias -> key."""
        names: dict[str, dict[str, str]] = {}
        for dimension, values in self.values.items():
            table = names.setdefault(dimension, {})
            for value in values:
                for name in value.names:
                    table.setdefault(normalize(name), value.key)
        return names

    def facts_for(self, dimension: str, value: str | None = None) -> list[Fact]:
        return self._index.get((dimension, value), [])

    def value(self, dimension: str, key: str) -> DimensionValue:
        for value in self.values[dimension]:
            if value.key == key:
                return value
        raise KeyError(f"{dimension} {key}")

    def label(self, dimension: str, key: str) -> str:
        return self.value(dimension, key).label

    def lookup(self, dimension: str, text: str) -> str | None:
        """The key the text names in this dimension, or None."""
        return self._names[dimension].get(normalize(text))

    def suggestions(self, text: str, dimensions: list[str], limit: int = 3) -> list[str]:
        """Labels of the values nearest to text in these dimensions, one per value."""
        by_name: dict[str, tuple[str, str]] = {}
        for dimension in dimensions:
            for value in self.values[dimension]:
                for name in value.names:
                    by_name.setdefault(name, (dimension, value.key))
        found: list[tuple[str, str]] = []
        for name in nearest(text, list(by_name), limit=limit * 3):
            if by_name[name] not in found:
                found.append(by_name[name])
        return [self.label(dimension, key) for dimension, key in found[:limit]]

    def resolve(self, dimension: str, text: str) -> str:
        """The key the text names, or a UsageError that suggests the nearest names."""
        key = self.lookup(dimension, text)
        if key is not None:
            return key
        spoken = dimension.replace("_", " ")
        suggestions = self.suggestions(text, [dimension])
        if not suggestions:
            keys = [v.key for v in self.values[dimension]]
            known = ", ".join(keys[:KNOWN_SHOWN])
            if len(keys) > KNOWN_SHOWN:
                known += f", … ('mlsal factors {dimension}' lists all {len(keys)})"
            raise UsageError(f"unknown {spoken} '{text}'; known: {known}")
        raise UsageError(f"unknown {spoken} '{text}'{did_you_mean(suggestions)}")


# ---------------------------------------------------------------------------------------
# Loading


def load_catalog(
    data_dirs: Iterable[Path] | None = None, shipped_dir: Path | None = None
) -> Catalog:
    """Load and check the shipped data (or shipped_dir in its place), then any further dirs."""
    directories = [shipped_dir or default_data_dir(), *(data_dirs or [])]
    problems: list[str] = []
    loader = _Loader(problems)
    for directory in directories:
        loader.load_directory(directory, shipped=directory == directories[0])
    catalog = loader.build()
    if problems:
        raise DataError(problems)
    assert catalog is not None
    return catalog


class _Loader:
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.sources: dict[str, Source] = {}
        self.source_files: dict[str, str] = {}
        self.facts: list[Fact] = []
        self.fact_files: dict[str, str] = {}
        self.values: dict[str, list[DimensionValue]] | None = None
        self.method: Method | None = None
        self.excluded: list[Excluded] = []
        self.documents: dict[str, str] = {}

    def problem(self, file: str, entry: str, message: str) -> None:
        self.problems.append(f"{file}: {entry}: {message}")

    def read_toml(self, path: Path) -> dict[str, Any] | None:
        try:
            with path.open("rb") as handle:
                return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            self.problem(str(path), "(file)", f"not valid TOML: {error}")
        except (OSError, UnicodeDecodeError) as error:
            self.problem(str(path), "(file)", f"cannot be read: {error}")
        return None

    def validate(self, model: type[BaseModel], raw: Any, file: str, entry: str) -> Any:
        try:
            return model.model_validate(raw)
        except ValidationError as error:
            for detail in error.errors():
                where = ".".join(str(part) for part in detail["loc"]) or "(entry)"
                self.problem(file, entry, f"{where}: {detail['msg']}")
        return None

    def load_directory(self, directory: Path, shipped: bool) -> None:
        if not directory.is_dir():
            self.problem(str(directory), "(directory)", "not a directory")
            return
        sources_file = directory / "sources.toml"
        fact_files = sorted((directory / "facts").glob("*.toml"))
        if not sources_file.exists() and not fact_files:
            self.problem(str(directory), "(directory)", "holds no sources.toml and no facts/*.toml")
            return
        if sources_file.exists():
            self.load_sources(sources_file, directory)
        for path in fact_files:
            self.load_facts(path)
        if shipped:
            self.load_shipped_settings(directory)

    def load_sources(self, path: Path, directory: Path) -> None:
        raw = self.read_toml(path)
        if raw is None:
            return
        for index, entry in enumerate(_entries(raw, "sources", path, self)):
            name = _entry_name("sources", index, entry)
            source = self.validate(Source, entry, str(path), name)
            if source is None:
                continue
            if source.id in self.sources:
                self.problem(str(path), name, f"id: duplicate source id '{source.id}'")
                continue
            self.sources[source.id] = source
            self.source_files[source.id] = str(path)
            if source.document is not None:
                document = directory / "documents" / source.document
                try:
                    self.documents[source.id] = document.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as error:
                    self.problem(str(path), name, f"document: cannot read {document}: {error}")

    def load_facts(self, path: Path) -> None:
        raw = self.read_toml(path)
        if raw is None:
            return
        for index, entry in enumerate(_entries(raw, "facts", path, self)):
            name = _entry_name("facts", index, entry)
            fact = self.validate(Fact, entry, str(path), name)
            if fact is None:
                continue
            if fact.id in self.fact_files:
                self.problem(str(path), name, f"id: duplicate fact id '{fact.id}'")
                continue
            self.facts.append(fact)
            self.fact_files[fact.id] = str(path)

    def load_shipped_settings(self, directory: Path) -> None:
        path = directory / "dimensions.toml"
        raw = self.read_toml(path)
        if raw is not None:
            dimensions = self.validate(Dimensions, raw, str(path), "(file)")
            if dimensions is not None:
                self.values = {
                    DIMENSION_LISTS[name]: getattr(dimensions, name) for name in DIMENSION_LISTS
                }
                self.values["company"] = self.load_companies(directory / "companies.toml")
        path = directory / "method.toml"
        raw = self.read_toml(path)
        if raw is not None:
            self.method = self.validate(Method, raw, str(path), "(file)")
        path = directory / "excluded.toml"
        if path.exists():
            raw = self.read_toml(path)
            if raw is not None:
                for index, entry in enumerate(_entries(raw, "excluded", path, self)):
                    item = self.validate(Excluded, entry, str(path), f"excluded[{index}]")
                    if item is not None:
                        self.excluded.append(item)

    def load_companies(self, path: Path) -> list[DimensionValue]:
        raw = self.read_toml(path)
        companies: list[DimensionValue] = []
        if raw is None:
            return companies
        for index, entry in enumerate(_entries(raw, "companies", path, self)):
            name = f"companies[{index}]"
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                name += f" '{entry['key']}'"
            company = self.validate(DimensionValue, entry, str(path), name)
            if company is not None:
                companies.append(company)
        return companies

    def build(self) -> Catalog | None:
        if self.values is None or self.method is None:
            return None
        self.check_values()
        self.check_facts()
        if self.method.years_to_level.source not in self.sources:
            self.problem(
                "method.toml",
                "years_to_level",
                f"source: unknown source id '{self.method.years_to_level.source}'",
            )
        return Catalog(
            sources=self.sources,
            facts=self.facts,
            values=self.values,
            method=self.method,
            excluded=self.excluded,
            documents=self.documents,
        )

    def check_values(self) -> None:
        assert self.values is not None
        countries = {v.key for v in self.values["country"]}
        for dimension, values in self.values.items():
            seen: dict[str, str] = {}
            for value in values:
                entry = f"{dimension} '{value.key}'"
                for name in value.names:
                    owner = seen.setdefault(normalize(name), value.key)
                    if owner != value.key:
                        self.problem(
                            "companies.toml" if dimension == "company" else "dimensions.toml",
                            entry,
                            f"aliases: '{name}' already names {dimension} '{owner}'",
                        )
                if dimension == "city" and value.country not in countries:
                    self.problem(
                        "dimensions.toml", entry, f"country: unknown country '{value.country}'"
                    )

    def check_facts(self) -> None:
        assert self.values is not None
        known = {dim: {v.key for v in values} for dim, values in self.values.items()}
        for fact in self.facts:
            file = self.fact_files[fact.id]
            entry = f"fact '{fact.id}'"
            if fact.source not in self.sources:
                self.problem(file, entry, f"source: unknown source id '{fact.source}'")
                continue
            list_name = VALUE_LIST_OF.get(fact.dimension, fact.dimension)
            for value in fact.values or ([fact.value] if fact.value is not None else []):
                if list_name in known and value not in known[list_name]:
                    self.problem(file, entry, f"value: unknown {list_name} '{value}'")
            self.check_reference(fact, file, entry)
            document = self.documents.get(fact.source)
            if document is None:
                continue
            for field_name in ("quote", "context"):
                text = getattr(fact, field_name)
                if text is not None and text not in document:
                    self.problem(
                        file,
                        entry,
                        f"{field_name}: not found word for word in the document of "
                        f"source '{fact.source}'",
                    )

    def check_reference(self, fact: Fact, file: str, entry: str) -> None:
        if fact.reference is None:
            return
        reference = next((f for f in self.facts if f.id == fact.reference), None)
        if reference is None:
            self.problem(file, entry, f"reference: unknown fact id '{fact.reference}'")
        elif reference.source != fact.source:
            self.problem(
                file,
                entry,
                f"reference: '{fact.reference}' is from source '{reference.source}', "
                f"not from the fact's own source '{fact.source}'",
            )
        elif reference.figure not in CENTRAL_FIGURES:
            self.problem(
                file, entry, f"reference: '{fact.reference}' gives no typical pay to compare with"
            )
        elif fact.figure not in CENTRAL_FIGURES:
            self.problem(file, entry, f"reference: a '{fact.figure}' figure cannot be a factor")


def _entries(raw: dict[str, Any], key: str, path: Path, loader: _Loader) -> list[Any]:
    entries = raw.get(key)
    if entries is None:
        loader.problem(str(path), "(file)", f"no [[{key}]] entries")
        return []
    if not isinstance(entries, list):
        loader.problem(str(path), "(file)", f"'{key}' must be a list of tables ([[{key}]])")
        return []
    return entries


def _entry_name(kind: str, index: int, entry: Any) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return f"{kind}[{index}] '{entry['id']}'"
    return f"{kind}[{index}]"

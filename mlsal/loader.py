"""Reading the data files: TOML parsed, validated by the schema, cross-checked.

Every problem found is collected, so a broken data directory is reported whole, one line per
problem: 'file: entry: field: message'. Nothing in a data file is ever executed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlsal.catalog import VALUE_LIST_OF, Catalog
from mlsal.dimensions import INPUTS
from mlsal.errors import DataError
from mlsal.names import normalize
from mlsal.record import Record
from mlsal.schema import (
    CENTRAL_FIGURES,
    STRICT,
    DimensionValue,
    Excluded,
    Fact,
    Method,
    Problems,
    Source,
)

MAX_TOML_BYTES = 20_000_000  # a data file larger than this is no data file of mlsal's
MAX_DOCUMENT_BYTES = 50_000_000  # nor a document larger than this (the largest ships 5 MB)
# What every estimate uses, whatever its profile: a data directory cannot rescale them.
SHARED_SERIES = frozenset({"price_index", "price_parity", "currency", "occupation", "level_years"})


@dataclass(init=False, eq=False, repr=False)
class Places(Record):
    """The lists of places.toml: a city for every US metro area and every state
    (derive/oews.py)."""

    __pydantic_config__ = STRICT
    cities: list[DimensionValue]
    states: list[DimensionValue]

    def problems(self) -> Problems:
        return []


# The lists of dimensions.toml, and the dimension each names (companies and states have files
# of their own).
DIMENSION_LISTS = {
    i.plural: i.dimension for i in INPUTS if i.plural and i.dimension and i.listed_in == "hand"
}


def load_directories(directories: list[Path]) -> Catalog:
    """Load the first directory as the shipped data (with its settings), then the others as
    directories of further sources and facts. Raises DataError listing every problem."""
    problems: list[str] = []
    loader = _Loader(problems)
    for directory in directories:
        loader.load_directory(directory, shipped=directory == directories[0])
    catalog = loader.build()
    if problems or catalog is None:
        raise DataError(problems or ["the data holds no dimensions.toml or method.toml"])
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
        import tomllib  # here: a run that reads the checked cache parses no TOML

        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_TOML_BYTES + 1)
            if len(data) > MAX_TOML_BYTES:
                self.problem(str(path), "(file)", f"larger than {MAX_TOML_BYTES:,} bytes")
                return None
            # A byte-order mark, as some editors write, is no TOML statement.
            return tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
        except tomllib.TOMLDecodeError as error:
            self.problem(str(path), "(file)", f"not valid TOML: {error}")
        except (OSError, UnicodeDecodeError) as error:
            self.problem(str(path), "(file)", f"cannot be read: {error}")
        except RecursionError:
            self.problem(str(path), "(file)", "not valid TOML: nested too deeply")
        return None

    def validate(self, model: type[Any], raw: Any, file: str, entry: str) -> Any:
        from mlsal.validation import validate  # pydantic: only when data is read afresh

        return validate(
            model, raw, lambda where, message: self.problem(file, entry, f"{where}: {message}")
        )

    def load_directory(self, directory: Path, shipped: bool) -> None:
        try:
            is_directory = "\0" not in str(directory) and directory.is_dir()
        except OSError as error:  # a name too long, a folder above it that cannot be read
            self.problem(str(directory), "(directory)", f"cannot be read: {error.strerror}")
            return
        if not is_directory:
            self.problem(repr(str(directory))[1:-1], "(directory)", "not a directory")
            return
        sources_file = directory / "sources.toml"
        fact_files = self.fact_files_in(directory / "facts")
        if fact_files is None:
            return
        if not sources_file.exists() and not fact_files:
            self.problem(str(directory), "(directory)", "holds no sources.toml and no facts/*.toml")
            return
        own: set[str] = set()
        if sources_file.exists():
            why = confined_file(sources_file, directory)
            if why is not None:
                self.problem(str(sources_file), "(file)", why)
                return
            own = self.load_sources(sources_file, directory, shipped)
        for path in fact_files:
            self.load_facts(path, None if shipped else own)
        if shipped:
            self.load_shipped_settings(directory)

    def fact_files_in(self, folder: Path) -> list[Path] | None:
        """The facts/*.toml files, hidden ones left out as the cache leaves them out; None
        (with a problem) if the folder cannot be read."""
        if not folder.exists():
            return []
        try:
            names = sorted(entry.name for entry in os.scandir(folder))
        except OSError as error:
            self.problem(str(folder), "(directory)", f"cannot be read: {error.strerror}")
            return None
        found = []
        for name in names:
            if not name.endswith(".toml") or name.startswith("."):
                continue
            why = confined_file(folder / name, folder)
            if why is not None:  # shared directories: a link out of it, a pipe, a device
                self.problem(str(folder / name), "(file)", why)
                continue
            found.append(folder / name)
        return found

    def validated(self, path: Path, key: str, model: type[Any]) -> Iterator[tuple[str, Any]]:
        """(entry name, valid object) for each [[key]] entry of a file; problems reported."""
        raw = self.read_toml(path)
        if raw is not None:
            yield from self.validated_entries(raw, path, key, model)

    def validated_entries(
        self, raw: dict[str, Any], path: Path, key: str, model: type[Any]
    ) -> Iterator[tuple[str, Any]]:
        for index, entry in enumerate(_entries(raw, key, path, self)):
            name = _entry_name(key, index, entry)
            item = self.validate(model, entry, str(path), name)
            if item is not None:
                yield name, item

    def load_sources(self, path: Path, directory: Path, shipped: bool) -> set[str]:
        """The directory's sources; their ids."""
        own: set[str] = set()
        for name, source in self.validated(path, "sources", Source):
            if source.id in self.sources:
                self.problem(str(path), name, f"id: duplicate source id '{source.id}'")
                continue
            if not shipped and source.kind != "user":
                self.problem(
                    str(path),
                    name,
                    f"kind: a data directory's sources are of kind 'user', got '{source.kind}'",
                )
                continue
            self.sources[source.id] = source
            self.source_files[source.id] = str(path)
            own.add(source.id)
            if source.document is not None:
                text = self.read_document(directory / "documents", source.document)
                if isinstance(text, str):
                    self.documents[source.id] = text
                else:
                    self.problem(str(path), name, f"document: {text[0]}")
        return own

    def read_document(self, folder: Path, name: str) -> str | tuple[str]:
        """A document's text, or (why not,): only a regular file inside the documents folder
        is read (data directories are shared between people: never a path out of it), and
        only up to a size."""
        try:
            path, why = confined(folder / name, folder)
            if path is None:
                return (f"'{name}' {why}",)
            with path.open("rb") as handle:
                data = handle.read(MAX_DOCUMENT_BYTES + 1)
        except (OSError, ValueError, RuntimeError) as error:
            return (f"cannot read {folder / name}: {error}",)
        if len(data) > MAX_DOCUMENT_BYTES:
            return (f"'{name}' is larger than {MAX_DOCUMENT_BYTES:,} bytes",)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            return (f"cannot read {folder / name}: {error}",)

    def load_facts(self, path: Path, own_sources: set[str] | None) -> None:
        """own_sources: for a data directory of one's own, the sources it defines; each of its
        figures must be cited as one of them, and it cannot touch the shared series."""
        for name, fact in self.validated(path, "facts", Fact):
            if fact.id in self.fact_files:
                self.problem(str(path), name, f"id: duplicate fact id '{fact.id}'")
                continue
            if own_sources is not None and fact.source not in own_sources:
                self.problem(
                    str(path),
                    name,
                    f"source: '{fact.source}' is not a source of this directory; its figures "
                    "are cited as its own sources",
                )
                continue
            if own_sources is not None and fact.dimension in SHARED_SERIES:
                self.problem(
                    str(path),
                    name,
                    f"dimension: a data directory cannot add to '{fact.dimension}', which "
                    "every estimate uses",
                )
                continue
            self.facts.append(fact)
            self.fact_files[fact.id] = str(path)

    def load_shipped_settings(self, directory: Path) -> None:
        path = directory / "dimensions.toml"
        raw = self.read_toml(path)
        if raw is not None:
            self.values = self.dimension_lists(raw, path)
            if self.values is not None:
                self.values["company"] = self.load_companies(directory / "companies.toml")
                employers = directory / "employers.toml"
                if employers.exists():
                    self.merge_values("company", self.load_companies(employers), employers, ())
                self.load_places(directory / "places.toml")
        path = directory / "method.toml"
        raw = self.read_toml(path)
        if raw is not None:
            self.method = self.validate(Method, raw, str(path), "(file)")
        path = directory / "excluded.toml"
        if path.exists():
            self.excluded += [item for _, item in self.validated(path, "excluded", Excluded)]

    def dimension_lists(
        self, raw: dict[str, Any], path: Path
    ) -> dict[str, list[DimensionValue]] | None:
        """The values of each list in dimensions.toml, or None if any list is missing."""
        for name in raw:
            if name not in DIMENSION_LISTS:
                self.problem(
                    str(path),
                    "(file)",
                    f"unknown list '{name}'; known: {', '.join(DIMENSION_LISTS)}",
                )
        if any(name not in raw for name in DIMENSION_LISTS):
            missing = [name for name in DIMENSION_LISTS if name not in raw]
            self.problem(str(path), "(file)", f"no [[{missing[0]}]] entries")
            return None
        return {
            dimension: [
                value for _, value in self.validated_entries(raw, path, name, DimensionValue)
            ]
            for name, dimension in DIMENSION_LISTS.items()
        }

    def load_places(self, path: Path) -> None:
        """Metro areas and states (derive/oews.py)."""
        assert self.values is not None
        self.values["state"] = []
        raw = self.read_toml(path) if path.exists() else None
        places = None if raw is None else self.validate(Places, raw, str(path), "(file)")
        if places is not None:
            self.values["state"] = places.states
            self.merge_values("city", places.cities, path, ("area", "country"))

    def merge_values(
        self, dimension: str, added: list[DimensionValue], path: Path, agree: tuple[str, ...]
    ) -> None:
        """Values of a derived file. One already named by hand is one value: the names of both
        files add up, and the fields in `agree` must not differ."""
        assert self.values is not None
        known = {value.key: value for value in self.values[dimension]}
        for value in added:
            mine = known.get(value.key)
            if mine is None:
                self.values[dimension].append(value)
                continue
            for name in agree:
                if getattr(mine, name) != getattr(value, name):
                    self.problem(
                        str(path),
                        f"{dimension} '{value.key}'",
                        f"{name}: '{getattr(value, name)}' differs from the hand-kept "
                        f"'{getattr(mine, name)}'",
                    )
            names = {normalize(name) for name in mine.names}
            mine.aliases = [*mine.aliases, *(a for a in value.aliases if normalize(a) not in names)]
            mine.filed_as = [*mine.filed_as, *(n for n in value.filed_as if n not in mine.filed_as)]
            mine.states = mine.states or value.states
            mine.records = value.records if mine.records is None else mine.records
            mine.levels = value.levels if mine.levels is None else mine.levels

    def load_companies(self, path: Path) -> list[DimensionValue]:
        return [company for _, company in self.validated(path, "companies", DimensionValue)]

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
        by_id = {fact.id: fact for fact in self.facts}
        referenced = {fact.reference for fact in self.facts if fact.reference}
        for fact in self.facts:
            file = self.fact_files[fact.id]
            entry = f"fact '{fact.id}'"
            if fact.source not in self.sources:
                self.problem(file, entry, f"source: unknown source id '{fact.source}'")
                continue
            if (
                self.sources[fact.source].kind == "user"
                and fact.dimension in RELATIVE_DIMENSIONS
                and fact.figure in CENTRAL_FIGURES
                and fact.reference is None
                and fact.id not in referenced
            ):  # it would be read, and never used: said
                self.problem(
                    file,
                    entry,
                    f"reference: a {fact.dimension.replace('_', ' ')} figure is a factor, "
                    "measured against a figure of the same source: name that fact's id in "
                    "`reference` (without one, the figure is never used)",
                )
            list_name = VALUE_LIST_OF.get(fact.dimension, fact.dimension)
            for value in fact.values or ([fact.value] if fact.value is not None else []):
                if list_name in known and value not in known[list_name]:
                    self.problem(file, entry, f"value: unknown {list_name} '{value}'")
            if fact.level is not None and fact.level not in known["level"]:
                self.problem(file, entry, f"level: unknown level '{fact.level}'")
            self.check_reference(fact, by_id, file, entry)
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

    def check_reference(self, fact: Fact, by_id: dict[str, Fact], file: str, entry: str) -> None:
        if fact.reference is None:
            return
        reference = by_id.get(fact.reference)
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
        elif fact.dimension == "level" and not self.lower_level(reference.value, fact.value):
            self.problem(
                file,
                entry,
                f"reference: a step to level '{fact.value}' needs a reference whose value is "
                f"a lower level, got '{reference.value}'",
            )

    def lower_level(self, below: str | None, level: str | None) -> bool:
        assert self.values is not None
        order = [value.key for value in self.values["level"]]
        return below in order and level in order and order.index(below) < order.index(level)


# Dimensions whose figures are factors, each relative to a reference of its own source: the
# inputs' dimensions but the level (its figures make the baseline).
RELATIVE_DIMENSIONS = frozenset(i.dimension for i in INPUTS if i.dimension not in (None, "level"))


def confined(path: Path, folder: Path) -> tuple[Path | None, str]:
    """(the file a path leads to, '') where it is a regular file inside its folder once
    links are followed, else (None, why). Data directories are shared between people: a
    path or link out of them (to a secret, to /dev/stdin), a named pipe that would hang the
    run, a device, are refused without being read. Raises what the system says of a path
    that cannot be looked at (OSError, ValueError for a NUL, RuntimeError for a link loop)."""
    inside = folder.resolve()
    target = path.resolve()
    if not target.is_relative_to(inside) or target == inside:
        return None, f"is not a file inside {folder} (it leads to {target})"
    if not stat.S_ISREG(os.stat(target).st_mode):
        return None, "is not a regular file"
    return target, ""


def confined_file(path: Path, folder: Path) -> str | None:
    """Why a data file of a folder may not be read, or None (see confined)."""
    try:
        found, why = confined(path, folder)
    except (OSError, ValueError, RuntimeError) as error:
        return f"cannot be read: {error}"
    return None if found is not None else f"{why}: not read"


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
    """'facts[3] 's001.level.mid.average'': where an entry is, and what it calls itself."""
    for field_name in ("id", "key"):
        if isinstance(entry, dict) and isinstance(entry.get(field_name), str):
            return f"{kind}[{index}] '{entry[field_name]}'"
    return f"{kind}[{index}]"

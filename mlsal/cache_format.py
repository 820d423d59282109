"""The catalog cache's bytes, in one place: how a checked catalog is written into them
(to_bytes), and read back (catalog_of, from_bytes) as stores whose facts and values are parsed
piece by piece as an estimate asks for them (LazyFacts, LazyValues; see mlsal.stores).

The shipped data hold thousands of facts (every metro area, every employer) and one estimate
reads a few dozen. The cache keeps each group of facts (one dimension and value) as its own
JSON text, so a run parses only the groups it touches: start-up stays flat as the data grow.
Iterating over all the facts (`mlsal sources`, equality in tests) parses every group. So with
the values of each dimension: an estimate that names no company reads none of the hundreds of
employers' names.
"""

from __future__ import annotations

import dataclasses
import json
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

from mlsal.catalog import Catalog
from mlsal.schema import DimensionValue, Excluded, Fact, Method, Source
from mlsal.stores import FactSequence

NO_VALUE = ""  # the group key of a dimension's facts without a value (overall, statements)
REFERENCE = "reference"  # the dimension of the figures others are measured against


def group_key(fact: Fact) -> str:
    """Where a fact is kept: its value; each reference alone (they are looked up by id)."""
    if fact.value is not None:
        return fact.value
    return group_key_of_reference(fact.id) if fact.dimension == REFERENCE else NO_VALUE


def group_key_of_reference(fact_id: str) -> str:
    return f"#{fact_id}"


def group_facts(facts: Iterable[Fact]) -> dict[str, dict[str, list[Fact]]]:
    groups: dict[str, dict[str, list[Fact]]] = {}
    for fact in facts:
        groups.setdefault(fact.dimension, {}).setdefault(group_key(fact), []).append(fact)
    return groups


class LazyFacts(FactSequence):
    """A FactStore (mlsal.stores) over the cache's groups of facts."""

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

    def referred(self) -> frozenset[str]:
        return frozenset(self._where) | self._referred_references()

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


NAME_BUCKETS = 16  # the pieces a dimension's names (and its values) are kept in


def bucket_of(text: str, count: int) -> int:
    """Which of `count` pieces a name or a key is kept in: the same on every run and system."""
    return zlib.crc32(text.encode()) % count


class LazyValues(Mapping[str, list[DimensionValue]]):
    """A ValueStore (mlsal.stores) of a cached catalog. A dimension's names (folded, as users
    type them) and its values are kept in NAME_BUCKETS pieces each, found by bucket_of:
    finding a name parses one piece of names, a value one piece of values; the list, all."""

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


FORMAT = 14  # bump when the cache's layout changes


FACT_FIELDS = list(Fact.__dataclass_fields__)  # a fact's fields, in the order __init__ takes


def _set_fields(item: Any) -> dict[str, Any]:
    """The fields that differ from their default: a fact sets a dozen of its thirty-odd."""
    return {k: v for k, v in item.__dict__.items() if v is not None and v != []}


# The layout of a cache file: a first line "<checksum of the header> <its length>", the header
# (JSON: sources, method, and where each piece is), then the pieces, each a JSON text found by
# its place [offset from the end of the header, length, checksum]. A run reads and parses the
# pieces it asks for: the places of one dimension's groups of facts, one group of facts, the
# names of one dimension's values, one value.
Place = list[int]


def to_bytes(catalog: Catalog) -> bytes:
    pieces: list[bytes] = []
    offset = 0

    def kept(item: Any) -> Place:
        nonlocal offset
        piece = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()
        pieces.append(piece)
        offset += len(piece)
        return [offset - len(piece), len(piece), zlib.adler32(piece)]

    groups = {
        dimension: _group_pieces(
            {key: kept([_set_fields(f) for f in facts]) for key, facts in by_key.items()}, kept
        )
        for dimension, by_key in group_facts(catalog.facts).items()
    }
    dimensions = {
        dimension: kept(_dimension_pieces(catalog, dimension, kept)) for dimension in catalog.values
    }
    referred = [catalog.facts_by_id[fact_id] for fact_id in sorted(catalog.reference_ids)]
    header = {
        "sources": [_set_fields(s) for s in catalog.sources.values()],
        "fact_fields": FACT_FIELDS,
        "groups": groups,
        # Where each fact referred to is, but for those in a group of their own (found so).
        "where": {
            fact.id: [fact.dimension, group_key(fact)]
            for fact in referred
            if group_key(fact) != group_key_of_reference(fact.id)
        },
        "references": kept([fact.id for fact in referred if fact.dimension == REFERENCE]),
        "dimensions": dimensions,
        "leveled": sorted({f.dimension for f in catalog.facts if f.level}),
        "method": dataclasses.asdict(catalog.method),
        "excluded": [_set_fields(e) for e in catalog.excluded],
    }
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    return f"{_checksum(text)} {len(text)}\n".encode() + text + b"".join(pieces)


GROUPS_A_PIECE = 24  # about how many places of groups of facts one piece holds


def _group_pieces(places: dict[str, Place], kept: typing.Callable[[Any], Place]) -> dict[str, Any]:
    """Where a dimension's groups of facts are, in pieces by bucket_of their key (a city's
    facts are found without reading where all 380-odd cities' are), and their keys in order."""
    buckets = _bucketed(places.items(), len(places) // GROUPS_A_PIECE + 1, kept)
    return {"buckets": buckets, "order": kept(list(places))}


def _bucketed(
    items: typing.Iterable[tuple[str, Any]], count: int, kept: typing.Callable[[Any], Place]
) -> list[Place]:
    """Key -> item, kept in `count` pieces by bucket_of(key): the places of the pieces."""
    buckets: list[dict[str, Any]] = [{} for _ in range(count)]
    for key, item in items:
        buckets[bucket_of(key, count)][key] = item
    return [kept(bucket) for bucket in buckets]


def _dimension_pieces(
    catalog: Catalog, dimension: str, kept: typing.Callable[[Any], Place]
) -> dict[str, Any]:
    """A dimension's values in NAME_BUCKETS pieces by key, the names users type for them
    (folded once here: folding thousands of names would cost a run more than the rest of
    it) in as many by name, and the keys in order: finding one city reads a sixteenth of
    the cities' names and values."""
    values = catalog.values[dimension]
    return {
        "names": _bucketed(catalog.values.names(dimension).items(), NAME_BUCKETS, kept),
        "values": _bucketed(((v.key, _set_fields(v)) for v in values), NAME_BUCKETS, kept),
        "order": kept([value.key for value in values]),
    }


class Damaged(Exception):
    """A piece of a cache file does not match its checksum."""


class Pieces:
    """The pieces of a cache, read as they are asked for, each checked against its checksum.

    `read(offset, length)` reads from the file (kept open for the catalog's life) or from
    bytes in memory. A piece found damaged (the file edited, or the disk) is never used: if
    `rebuild` is given, it validates the data again and returns the catalog's bytes afresh
    (and writes the cache again), and reading goes on from those.
    """

    def __init__(
        self,
        read: typing.Callable[[int, int], bytes],
        header: bytes,
        rebuild: typing.Callable[[], bytes] | None = None,
    ) -> None:
        self._read = read
        self._header = header
        self._rebuild = rebuild

    def text(self, place: Place) -> bytes:
        offset, length, checksum = place
        piece = self._read(offset, length)
        if len(piece) != length or zlib.adler32(piece) != checksum:
            piece = self._rebuilt(place)
        return piece

    def _rebuilt(self, place: Place) -> bytes:
        from mlsal.errors import DataError

        if self._rebuild is None:
            raise Damaged(place)
        data = self._rebuild()
        self._rebuild = None
        found = _split(data)
        if found is None or found[0] != self._header:
            raise DataError(["the data changed while mlsal was reading it: run again"])
        self._read = _reader(found[1])
        return self.text(place)


def _reader(body: memoryview) -> typing.Callable[[int, int], bytes]:
    return lambda offset, length: bytes(body[offset : offset + length])


def _split(data: bytes) -> tuple[bytes, memoryview] | None:
    """A cache's header and its pieces, if the header is whole and matches its checksum."""
    first = data.find(b"\n", 0, 64)
    header = header_of(data[: first + 1], lambda size: data[first + 1 : first + 1 + size])
    return None if header is None else (header, memoryview(data)[first + 1 + len(header) :])


def header_of(first_line: bytes, read: typing.Callable[[int], bytes]) -> bytes | None:
    try:
        checksum, size = first_line.decode("ascii").split()
        text = read(int(size))
    except (ValueError, UnicodeDecodeError):
        return None
    return text if len(text) == int(size) and _checksum(text) == checksum else None


def _method(data: dict[str, Any]) -> Method:
    from mlsal import schema

    kinds = {  # each part's class, named by its annotation (cheaper than get_type_hints)
        name: spec.type if isinstance(spec.type, type) else getattr(schema, spec.type)
        for name, spec in Method.__dataclass_fields__.items()
    }
    return Method(**{name: kinds[name](**value) for name, value in data.items()})


def catalog_of(header: dict[str, Any], pieces: Pieces) -> Catalog | None:
    if header["fact_fields"] != FACT_FIELDS:
        return None  # written for other fact fields
    groups: dict[str, dict[str, Any]] = header["groups"]
    buckets: dict[tuple[str, int], dict[str, Place]] = {}

    def place_of(dimension: str, key: str) -> Place | None:
        """Where a group of facts is, or None if there is no such group."""
        pieces_of = groups.get(dimension)
        if pieces_of is None:
            return None
        index = bucket_of(key, len(pieces_of["buckets"]))
        if (dimension, index) not in buckets:
            text = pieces.text(pieces_of["buckets"][index])
            buckets[dimension, index] = json.loads(text)
        return buckets[dimension, index].get(key)

    def group_text(dimension: str, key: str) -> bytes | None:
        place = place_of(dimension, key)
        return None if place is None else pieces.text(place)

    orders: dict[str, list[str]] = {}

    def keys(dimension: str) -> list[str]:
        """The keys of a dimension's groups, in the order they were stored."""
        if dimension not in orders:
            orders[dimension] = json.loads(pieces.text(groups[dimension]["order"]))
        return orders[dimension]

    sources = [Source(**s) for s in header["sources"]]
    return Catalog(
        sources={s.id: s for s in sources},
        facts=LazyFacts(
            list(groups),
            keys,
            lambda dimension, key: place_of(dimension, key) is not None,
            header["where"],
            lambda: json.loads(pieces.text(header["references"])),
            group_text,
            Fact.from_checked,
            frozenset(header["leveled"]),
        ),
        values=LazyValues(header["dimensions"], pieces.text, DimensionValue.from_checked),
        method=_method(header["method"]),
        excluded=[Excluded(**e) for e in header["excluded"]],
    )


def from_bytes(data: bytes) -> Catalog | None:
    """A catalog from a cache's bytes, every piece checked first (the shipped catalog)."""
    found = _split(data)
    if found is None:
        return None
    header = json.loads(found[0])
    pieces = Pieces(_reader(found[1]), found[0])
    try:
        pieces.text(header["references"])
        for pieces_of in header["groups"].values():
            pieces.text(pieces_of["order"])
            for bucket in pieces_of["buckets"]:
                for group in json.loads(pieces.text(bucket)).values():
                    pieces.text(group)
        for place in header["dimensions"].values():
            inner = json.loads(pieces.text(place))
            for bucket in [*inner["names"], *inner["values"], inner["order"]]:
                pieces.text(bucket)
    except Damaged:
        return None
    return catalog_of(header, pieces)


def read_bytes(data: bytes) -> Catalog | None:
    try:
        return from_bytes(data)
    except (ValueError, TypeError, KeyError):
        return None


def _checksum(body: bytes | memoryview) -> str:
    return f"{zlib.adler32(body):08x}"

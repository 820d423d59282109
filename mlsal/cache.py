"""A checked catalog kept as JSON, so that a run need not parse and validate the data again.

The cache file is named by a hash of every data file (name, size, times; the bytes of one
changed in the last seconds) and of mlsal's version: any change to any file, or a new mlsal,
misses it and makes a new one. It holds plain values only (JSON, never pickle), so reading it
cannot execute anything. A run reads its header and then only the pieces it asks for (the
facts, names and values an estimate touches), each checked against its own checksum; a piece
found damaged is never used: the data are validated again and the cache rewritten. Where no
cache directory can be written, mlsal simply validates on every run.

Location: $MLSAL_CACHE_DIR, else $XDG_CACHE_HOME/mlsal, else ~/.cache/mlsal. Set
MLSAL_NO_CACHE=1 to always validate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import stat
import threading
import time
import typing
import weakref
import zlib
from pathlib import Path
from typing import Any

from mlsal import __version__
from mlsal.catalog import Catalog
from mlsal.lazy_facts import (
    NAME_BUCKETS,
    REFERENCE,
    LazyFacts,
    LazyValues,
    bucket_of,
    group_facts,
    group_key,
    group_key_of_reference,
)
from mlsal.schema import DimensionValue, Excluded, Fact, Method, Source

FORMAT = 14  # bump when the cache's layout changes
FACT_FIELDS = list(Fact.__dataclass_fields__)  # a fact's fields, in the order __init__ takes
KEEP = 8  # cache files kept: one per data set (shipped data plus --data-dir) in use


def no_cache_asked() -> bool:
    """MLSAL_NO_CACHE set to anything but '', '0', 'false', 'no' or 'off': validate the data
    files on every run (the cache and the shipped checked catalog are not read)."""
    value = os.environ.get("MLSAL_NO_CACHE", "").strip().casefold()
    return value not in ("", "0", "false", "no", "off")


def cache_dir() -> Path | None:
    if no_cache_asked():
        return None
    if os.environ.get("MLSAL_CACHE_DIR"):
        return Path(os.environ["MLSAL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mlsal"


SETTINGS_FILES = (
    "sources.toml",
    "dimensions.toml",
    "companies.toml",
    "employers.toml",
    "places.toml",
    "method.toml",
    "excluded.toml",
)


def data_files(directory: Path) -> list[str]:
    """The files the loader reads from a data directory, and no others (a --data-dir may
    point anywhere: nothing else under it is looked at), named relative to it with '/'."""
    present = _names_in(directory)
    names = [name for name in SETTINGS_FILES if name in present]
    for folder, suffix in (("facts", ".toml"), ("documents", "")):
        names += [
            f"{folder}/{name}"
            for name in sorted(_names_in(directory / folder))
            if name.endswith(suffix) and not name.startswith(".")
        ]
    return names


def _names_in(folder: Path) -> set[str]:
    """The names in a folder: none if it is no folder or cannot be read (the loader says so)."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name for entry in entries}
    except OSError:
        return set()


def fingerprint(directories: list[Path]) -> str | None:
    """A hash of every data file, or None if one cannot be read: of its name, size, times and
    inode (a file replaced by another of the same size and modification time has a new change
    time). A file changed in the last RECENT_NS is hashed by its content too: file times tick
    coarsely (a few milliseconds on Linux, seconds on some file systems), so an edit that
    keeps the size within one tick shows only in the bytes. Older files need no reading, the
    same reasoning as git's "racily clean" entries. The hash guards against change, not
    against tampering: the cache holds nothing that could run."""
    signature = [f"{__version__}/{FORMAT}"]
    recent = time.time_ns() - RECENT_NS
    try:
        for directory in directories:
            signature.append(f"dir {directory.resolve()}")
            for name in data_files(directory):
                path = os.path.join(directory, name)
                status = os.stat(path)
                if stat.S_ISREG(status.st_mode):
                    changed = max(status.st_mtime_ns, status.st_ctime_ns)
                    content = (
                        f"{zlib.crc32(Path(path).read_bytes()):08x}"
                        if changed >= recent and status.st_size <= CONTENT_BYTES
                        else ""
                    )
                    signature.append(
                        f"{name} {status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} "
                        f"{status.st_ino} {content}"
                    )
    except (OSError, ValueError):
        return None  # let the loader report what cannot be read
    return f"{zlib.crc32(chr(0).join(signature).encode()):08x}-{len(signature)}"


RECENT_NS = 5 * 10**9  # longer than the coarsest tick of common file systems (FAT: 2 s)
CONTENT_BYTES = 1 << 20  # files up to this size are fingerprinted by their content

# The shipped data, checked when it was derived (derive/catalog.py), so that the first run
# after install need not validate it: used only for the shipped directory alone, and only
# while every byte of its files is what was checked.
SHIPPED = "checked-catalog.bin"


def content_hash(directory: Path) -> str | None:
    """A hash of every byte of every data file of a directory (and of their names):
    BLAKE2b, so that no edit of a file can be made to keep it (an adler32 kept it for a
    letter changed 65,521 bytes from another)."""
    import hashlib

    total = hashlib.blake2b(digest_size=20)
    try:
        for name in data_files(directory):  # named with '/' on every system
            total.update(name.encode() + b"\0")
            content = (directory / name).read_bytes()
            total.update(len(content).to_bytes(8, "little"))
            total.update(content)
    except (OSError, ValueError):
        return None
    return f"{total.hexdigest()}-{__version__}/{FORMAT}"


def shipped_bytes(directory: Path, catalog: Catalog) -> bytes:
    return f"{content_hash(directory)}\n".encode() + to_bytes(catalog)


def read_shipped(directory: Path) -> bytes | None:
    """The checked catalog shipped with the data, as cache bytes, if it is the data's own."""
    try:
        data = (directory / SHIPPED).read_bytes()
    except OSError:
        return None
    first = data.find(b"\n")
    if first < 0 or data[:first].decode("ascii", "replace") != content_hash(directory):
        return None
    return data[first + 1 :]


def _path(key: str) -> Path | None:
    directory = cache_dir()
    return None if directory is None else directory / f"catalog-{key}.json"


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
        "names": _bucketed(catalog.name_table(dimension).items(), NAME_BUCKETS, kept),
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
    header = _header(data[: first + 1], lambda size: data[first + 1 : first + 1 + size])
    return None if header is None else (header, memoryview(data)[first + 1 + len(header) :])


def _header(first_line: bytes, read: typing.Callable[[int], bytes]) -> bytes | None:
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


def _catalog(header: dict[str, Any], pieces: Pieces) -> Catalog | None:
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
    return _catalog(header, pieces)


def read(key: str, rebuild: typing.Callable[[], bytes]) -> Catalog | None:
    """The cached catalog of this key, its pieces read from the file as they are asked for.
    `rebuild`: the catalog's bytes made afresh from the data, should a piece be damaged."""
    path = _path(key)
    if path is None:
        return None
    try:
        handle = path.open("rb")
    except OSError:
        return None  # missing or unreadable: validate again and rewrite it
    try:
        text = _header(handle.readline(64), handle.read)
        catalog = (
            None
            if text is None
            else _catalog(json.loads(text), _file_pieces(handle, text, rebuild))
        )
    except (OSError, ValueError, TypeError, KeyError):
        catalog = None
    if catalog is None:
        handle.close()
    else:
        weakref.finalize(catalog, handle.close)  # the pieces are read while the catalog lives
    return catalog


def _file_pieces(
    handle: typing.BinaryIO, header: bytes, rebuild: typing.Callable[[], bytes]
) -> Pieces:
    start = handle.tell()
    lock = threading.Lock()  # one position in the file, and the API may run in threads

    def read(offset: int, length: int) -> bytes:
        with lock:
            handle.seek(start + offset)
            return handle.read(length)

    return Pieces(read, header, rebuild)


def read_bytes(data: bytes) -> Catalog | None:
    try:
        return from_bytes(data)
    except (ValueError, TypeError, KeyError):
        return None


def _checksum(body: bytes | memoryview) -> str:
    return f"{zlib.adler32(body):08x}"


def write(key: str, catalog: Catalog | bytes) -> None:
    """Best effort: a cache that cannot be written only costs the next run some time.
    `catalog`: a catalog, or its bytes where they are at hand already."""
    path = _path(key)
    if path is None:
        return
    import tempfile

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "wb", dir=path.parent, prefix=".catalog-", suffix=".tmp", delete=False
        )
        try:
            with handle:
                handle.write(catalog if isinstance(catalog, bytes) else to_bytes(catalog))
            os.replace(handle.name, path)
        except BaseException:  # a full disk, Ctrl-C: leave no half-written file behind
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
            raise
        caches = sorted(path.parent.glob("catalog-*.json"), key=lambda p: p.stat().st_mtime)
        for old in caches[:-KEEP]:  # the oldest, beyond the few data sets in use
            with contextlib.suppress(OSError):
                old.unlink()

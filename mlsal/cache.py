"""A checked catalog kept as JSON, so that a run need not parse and validate the data again.

The cache file is named by a hash of every data file (name, size and modification time) and
of mlsal's version:
any change to any file, or a new mlsal, misses it and makes a new one. It holds plain values
only (JSON, never pickle), so reading it cannot execute anything. Where no cache directory can
be written, mlsal simply validates on every run.

Location: $MLSAL_CACHE_DIR, else $XDG_CACHE_HOME/mlsal, else ~/.cache/mlsal. Set
MLSAL_NO_CACHE=1 to always validate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import stat
import typing
import zlib
from pathlib import Path
from typing import Any

from mlsal import __version__
from mlsal.catalog import Catalog
from mlsal.lazy_facts import LazyFacts, group_facts, group_key
from mlsal.schema import DimensionValue, Excluded, Fact, Method, Source

FORMAT = 7  # bump when the cache's layout changes
FACT_FIELDS = list(Fact.__dataclass_fields__)  # a fact's fields, in the order __init__ takes
KEEP = 8  # cache files kept: one per data set (shipped data plus --data-dir) in use


def cache_dir() -> Path | None:
    if os.environ.get("MLSAL_NO_CACHE"):
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


def data_files(directory: Path) -> list[Path]:
    """The files the loader reads from a data directory, and no others (a --data-dir may
    point anywhere: nothing else under it is looked at)."""
    files = [directory / name for name in SETTINGS_FILES if (directory / name).exists()]
    for folder, pattern in (("facts", "*.toml"), ("documents", "*")):
        if (directory / folder).is_dir():
            files += sorted(
                p for p in (directory / folder).glob(pattern) if not p.name.startswith(".")
            )
    return files


def fingerprint(directories: list[Path]) -> str | None:
    """A hash of every data file, or None if one cannot be read. A file up to CONTENT_BYTES
    is hashed whole (the TOML files: an edit that keeps size and time still shows); every
    file by its size, times and inode too (a file replaced by another of the same size and
    modification time has a new change time). The hash guards against change, not against
    tampering: the cache holds nothing that could run."""
    signature = [f"{__version__}/{FORMAT}"]
    try:
        for directory in directories:
            signature.append(f"dir {directory.resolve()}")
            for path in data_files(directory):
                status = path.stat()
                if stat.S_ISREG(status.st_mode):
                    name = path.relative_to(directory)
                    content = (
                        f"{zlib.crc32(path.read_bytes()):08x}"
                        if status.st_size <= CONTENT_BYTES
                        else ""
                    )
                    signature.append(
                        f"{name} {status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} "
                        f"{status.st_ino} {content}"
                    )
    except (OSError, ValueError):
        return None  # let the loader report what cannot be read
    return f"{zlib.crc32(chr(0).join(signature).encode()):08x}-{len(signature)}"


CONTENT_BYTES = 1 << 20  # files up to this size are fingerprinted by their content

# The shipped data, checked when it was derived (derive/catalog.py), so that the first run
# after install need not validate it: used only for the shipped directory alone, and only
# while every byte of its files is what was checked.
SHIPPED = "checked-catalog.bin"


def content_hash(directory: Path) -> str | None:
    """A hash of every byte of every data file of a directory (and of their names)."""
    total = 1
    try:
        for path in data_files(directory):
            total = zlib.adler32(str(path.relative_to(directory)).encode() + b"\0", total)
            total = zlib.adler32(path.read_bytes(), total)
    except (OSError, ValueError):
        return None
    return f"{total:08x}-{__version__}/{FORMAT}"


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


def to_bytes(catalog: Catalog) -> bytes:
    """A checksum line, a header line (everything but the facts), then each group of facts as
    its own JSON text, found by its place in the file: a run parses the groups it asks for."""
    blobs: list[bytes] = []
    places: dict[str, dict[str, list[int]]] = {}
    offset = 0
    for dimension, groups in group_facts(catalog.facts).items():
        for key, facts in groups.items():
            blob = json.dumps([_set_fields(f) for f in facts], ensure_ascii=False).encode()
            places.setdefault(dimension, {})[key] = [offset, len(blob)]
            blobs.append(blob)
            offset += len(blob)
    header = {
        "sources": [_set_fields(s) for s in catalog.sources.values()],
        "fact_fields": FACT_FIELDS,
        "groups": places,
        "where": {
            fact_id: [
                catalog.facts_by_id[fact_id].dimension,
                group_key(catalog.facts_by_id[fact_id]),
            ]
            for fact_id in sorted(catalog.reference_ids)
        },
        "values": {dim: [_set_fields(v) for v in values] for dim, values in catalog.values.items()},
        "leveled": sorted({f.dimension for f in catalog.facts if f.level}),
        # Names as users type them, folded once here: folding thousands of names on every run
        # would cost more than the rest of the run.
        "names": {dimension: catalog.name_table(dimension) for dimension in catalog.values},
        "method": dataclasses.asdict(catalog.method),
        "excluded": [_set_fields(e) for e in catalog.excluded],
    }
    body = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    body += b"".join(blobs)
    return f"{_checksum(body)}\n".encode() + body


def _method(data: dict[str, Any]) -> Method:
    kinds = typing.get_type_hints(Method)
    return Method(**{name: kinds[name](**value) for name, value in data.items()})


def from_bytes(data: bytes) -> Catalog | None:
    view = memoryview(data)  # slices of it copy nothing: the file is a megabyte or two
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1)
    if (
        first < 0
        or second < 0
        or data[:first].decode("ascii", "replace") != _checksum(view[first + 1 :])
    ):
        return None  # edited or cut short: its groups, parsed later, could not be trusted
    header = json.loads(data[first + 1 : second])
    blobs = view[second + 1 :]
    if header["fact_fields"] != FACT_FIELDS:
        return None  # written for other fact fields
    places: dict[str, dict[str, list[int]]] = header["groups"]

    def group_text(dimension: str, key: str) -> bytes | None:
        place = places.get(dimension, {}).get(key)
        return None if place is None else bytes(blobs[place[0] : place[0] + place[1]])

    sources = [Source(**s) for s in header["sources"]]
    catalog = Catalog(
        sources={s.id: s for s in sources},
        facts=LazyFacts(
            {dimension: list(keys) for dimension, keys in places.items()},
            header["where"],
            group_text,
            Fact.from_checked,
            frozenset(header["leveled"]),
        ),
        values={
            dim: [DimensionValue.from_checked(fields) for fields in values]
            for dim, values in header["values"].items()
        },
        method=_method(header["method"]),
        excluded=[Excluded(**e) for e in header["excluded"]],
    )
    for dimension, table in header["names"].items():
        catalog.memo[("names", dimension)] = table
    return catalog


def read(key: str) -> Catalog | None:
    path = _path(key)
    if path is None:
        return None
    try:
        return from_bytes(path.read_bytes())
    except (OSError, ValueError, TypeError, KeyError):
        return None  # missing or unreadable: validate again and rewrite it


def read_bytes(data: bytes) -> Catalog | None:
    try:
        return from_bytes(data)
    except (ValueError, TypeError, KeyError):
        return None


def _checksum(body: bytes | memoryview) -> str:
    return f"{zlib.adler32(body):08x}"


def write(key: str, catalog: Catalog, data: bytes | None = None) -> None:
    """Best effort: a cache that cannot be written only costs the next run some time.
    `data`: the catalog's bytes, where they are at hand already."""
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
                handle.write(to_bytes(catalog) if data is None else data)
            os.replace(handle.name, path)
        except BaseException:  # a full disk, Ctrl-C: leave no half-written file behind
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
            raise
        caches = sorted(path.parent.glob("catalog-*.json"), key=lambda p: p.stat().st_mtime)
        for old in caches[:-KEEP]:  # the oldest, beyond the few data sets in use
            with contextlib.suppress(OSError):
                old.unlink()

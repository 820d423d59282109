"""A checked catalog kept in a file, so that a run need not parse and validate the data again
(its bytes: mlsal.cache_format).

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
import json
import os
import stat
import threading
import time
import typing
import weakref
import zlib
from pathlib import Path

from mlsal import __version__
from mlsal.cache_format import (
    FORMAT,
    Pieces,
    catalog_of,
    header_of,
    to_bytes,
)
from mlsal.catalog import Catalog

KEEP = 8  # cache files kept: one per data set (shipped data plus --data-dir) in use


def no_cache_asked() -> bool:
    """MLSAL_NO_CACHE set to anything but '', '0', 'false', 'no' or 'off': validate the data
    files on every run (the cache and the shipped checked catalog are not read)."""
    value = os.environ.get("MLSAL_NO_CACHE", "").strip().casefold()
    return value not in ("", "0", "false", "no", "off")


def cache_dir() -> Path | None:
    return None if no_cache_asked() else cache_location()


def cache_location() -> Path:
    """Where mlsal keeps what it makes once (even when MLSAL_NO_CACHE asks that no checked
    catalog be kept: the data unpacked from a wheel is kept here too)."""
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
        text = header_of(handle.readline(64), handle.read)
        catalog = (
            None
            if text is None
            else catalog_of(json.loads(text), _file_pieces(handle, text, rebuild))
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

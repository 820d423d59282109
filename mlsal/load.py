"""The catalog a run reads: the shipped data (and any --data-dir), from the cache when it
holds them checked, else read and checked by mlsal.loader (imported only then: a CLI in a
shell loop mostly finds the cache); and `mlsal data validate`'s report, read afresh."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mlsal.catalog import Catalog


def default_data_dir() -> Path:
    """The data shipped with mlsal: inside the installed package, beside it in a checkout,
    or, where mlsal is imported from a wheel or zip on sys.path (Spark's --py-files),
    unpacked once from it (see unpacked_data)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    if packaged.is_dir():
        return packaged
    beside = here.parent / "data"
    if beside.is_dir() or not in_archive():
        return beside
    return unpacked_data()


def in_archive() -> bool:
    """Whether mlsal is imported from a zip (a wheel on sys.path is one)."""
    import zipimport

    return isinstance(getattr(__spec__, "loader", None), zipimport.zipimporter)


@functools.cache
def unpacked_data() -> Path:
    """The shipped data unpacked from the archive mlsal is imported from, into the cache
    location under the data's content hash (the first line of its checked catalog): once,
    for every process that finds it there. Where that cannot be written, into a temporary
    directory of this process. The loader checks what is unpacked as any data directory."""
    import shutil
    import tempfile
    from importlib.resources import files

    from mlsal.cache import SHIPPED, cache_location

    source = files("mlsal") / "data"
    with (source / SHIPPED).open("rb") as shipped:
        key = data_key(shipped.readline(200))
    base = cache_location()
    target = base / f"data-{key}"
    if (target / SHIPPED).is_file():
        return target
    try:
        base.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=".data-", dir=base))
    except OSError:
        return _unpack(source, Path(tempfile.mkdtemp(prefix="mlsal-data-")))
    _unpack(source, folder)
    try:
        folder.rename(target)  # whole, or not at all: another process may have won
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
    return target if (target / SHIPPED).is_file() else folder


def data_key(text: bytes) -> str:
    """A short name for the data of this content hash (safe in a file name)."""
    import hashlib

    return hashlib.blake2b(text, digest_size=12).hexdigest()


def _unpack(source: Any, folder: Path) -> Path:
    """Every file below `source` (an importlib.resources Traversable) written below folder;
    a name that is no plain file name (a path, '..') is passed over."""
    for item in source.iterdir():
        name = item.name
        if name in ("", ".", "..") or "/" in name or "\\" in name:
            continue
        if item.is_dir():
            (folder / name).mkdir()
            _unpack(item, folder / name)
        elif item.is_file():
            (folder / name).write_bytes(item.read_bytes())
    return folder


def load_catalog(
    data_dirs: Iterable[Path] | None = None,
    shipped_dir: Path | None = None,
    use_cache: bool = True,
) -> Catalog:
    """The shipped data (or shipped_dir in its place) and any further directories, checked.

    A catalog checked once is kept in a cache keyed by a hash of every data file, so later
    runs skip parsing and validation; any change to any file makes a new one.
    """
    from mlsal import cache, cache_format

    directories = [shipped_dir or default_data_dir(), *(data_dirs or [])]
    # MLSAL_NO_CACHE: every run validates the files, the shipped checked catalog unread too.
    use_cache = use_cache and not cache.no_cache_asked()
    fingerprint = cache.fingerprint(directories) if use_cache else None
    if fingerprint is not None:

        def rebuilt() -> bytes:  # a piece of the cache turned out damaged: made afresh
            data = cache_format.to_bytes(read_and_check(directories))
            cache.write(fingerprint, data)
            return data

        cached = cache.read(fingerprint, rebuilt)
        if cached is not None:
            return cached
        shipped = cache.read_shipped(directories[0]) if len(directories) == 1 else None
        checked = None if shipped is None else cache_format.read_bytes(shipped)
        if shipped is not None and checked is not None:  # the first run after install
            cache.write(fingerprint, shipped)
            return checked
    catalog = read_and_check(directories)
    if fingerprint is not None:
        cache.write(fingerprint, catalog)
    return catalog


def read_and_check(directories: list[Path]) -> Catalog:
    from mlsal.loader import load_directories  # only when the cache holds no catalog

    return load_directories(directories)


def validation_report(directory: Path | None, data_dirs: Iterable[Path] = ()) -> dict[str, Any]:
    """Check a data directory afresh, without the cache; raises DataError listing every problem.

    `directory` is either a whole data directory (one with dimensions.toml), checked alone, or
    a directory of further sources, checked with the shipped data (None: the shipped data).
    """
    extra = list(data_dirs)
    whole = (
        directory is not None
        and "\0" not in str(directory)
        and (directory / "dimensions.toml").is_file()
    )
    if directory is not None and not whole:
        extra.append(directory)
    shipped = directory if directory is not None and whole else default_data_dir()
    catalog = load_catalog(extra, shipped_dir=shipped, use_cache=False)
    return {
        "ok": True,
        "directories": [_shown_path(shipped), *(_shown_path(d) for d in extra)],
        "sources": len(catalog.sources),
        "facts": len(catalog.facts),
        "values": sum(len(catalog.values[dimension]) for dimension in catalog.values),
    }


def _shown_path(path: Path) -> str:
    """A path as the user would type it: relative to here when it is below here."""
    relative = os.path.relpath(path.resolve())
    return str(path) if relative.startswith("..") else relative

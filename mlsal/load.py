"""The catalog a run reads: the shipped data (and any --data-dir), from the cache when it
holds them checked, else read and checked by mlsal.loader (imported only then: a CLI in a
shell loop mostly finds the cache); and `mlsal data validate`'s report, read afresh."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mlsal.catalog import Catalog


def default_data_dir() -> Path:
    """The data shipped with mlsal: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    return packaged if packaged.is_dir() else here.parent / "data"


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

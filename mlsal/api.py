"""The public Python API, on which the CLI is built.

    >>> import mlsal
    >>> result = mlsal.estimate(years=3, city="SF")          # keyword inputs
    >>> result = mlsal.estimate({"years": 3, "city": "SF"})  # or a mapping (a CSV or pandas row)
    >>> result["low"] <= result["median"] <= result["high"]
    True

`estimate` returns the object `mlsal estimate --format json` prints. Bad input raises
`mlsal.UsageError` (whose message names the value and the nearest valid ones); a broken data
directory raises `mlsal.DataError`. The shipped data is loaded once per process (and per set
of `data_dirs`), so calling `estimate` once per row of a data frame is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mlsal.catalog import Catalog
from mlsal.dimensions import INPUT_NAMES
from mlsal.profile import Profile, make_profile, resolve_profile
from mlsal.result import Estimate

__all__ = ["INPUT_NAMES", "catalog", "estimate", "estimate_result", "make_profile"]

_catalogs: dict[tuple[Path, ...], Catalog] = {}


def catalog(data_dirs: Iterable[str | Path] = ()) -> Catalog:
    """The shipped data plus any directories of your own, loaded and checked once."""
    from mlsal.loader import load_catalog

    key = tuple(Path(d) for d in data_dirs)
    if key not in _catalogs:
        _catalogs[key] = load_catalog(key)
    return _catalogs[key]


def estimate_result(
    inputs: Mapping[str, Any] | Profile | None = None,
    *,
    data_dirs: Iterable[str | Path] = (),
    real: bool = False,
    **more: Any,
) -> Estimate:
    """The estimate as an object (see mlsal.result.Estimate); the CLI renders this. `real`
    adds what the pay buys at US-average prices (BEA price parities), for a US city."""
    from mlsal.engine import estimate as run

    data = catalog(data_dirs)
    return run(data, resolve_profile(make_profile(inputs, **more), data), real=real)


def estimate(
    inputs: Mapping[str, Any] | Profile | None = None,
    *,
    data_dirs: Iterable[str | Path] = (),
    **more: Any,
) -> dict[str, Any]:
    """The estimate for a profile, as the JSON object of `mlsal estimate --format json`.

    Inputs: years, level, city, country, industry, education, company, company_size, role,
    skills, certifications, as_of; as keywords or a mapping. Empty values are not given.
    """
    from mlsal.render.json_data import estimate_data

    return estimate_data(estimate_result(inputs, data_dirs=data_dirs, **more))

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

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mlsal.catalog import Catalog, load_catalog
from mlsal.errors import UsageError
from mlsal.names import did_you_mean, nearest
from mlsal.profile import Profile, resolve_profile
from mlsal.result import Estimate

# Input names a profile accepts: its fields, and the spellings of CSV headers and CLI options.
INPUT_NAMES = {
    **{name: name for name in Profile.__dataclass_fields__ if name != "unmatched_city"},
    "company-size": "company_size",
    "skill": "skills",
    "certification": "certifications",
    "cert": "certifications",
    "certs": "certifications",
    "as-of": "as_of",
}
LIST_INPUTS = ("skills", "certifications")
NUMBER_INPUTS = {"years": float, "as_of": int}

_catalogs: dict[tuple[Path, ...], Catalog] = {}


def catalog(data_dirs: Iterable[str | Path] = ()) -> Catalog:
    """The shipped data plus any directories of your own, loaded and checked once."""
    key = tuple(Path(d) for d in data_dirs)
    if key not in _catalogs:
        _catalogs[key] = load_catalog(key)
    return _catalogs[key]


def _missing(value: Any) -> bool:
    """None, an empty cell, or a float NaN (what pandas puts in empty cells)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number(name: str, value: Any, kind: type) -> Any:
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name.replace('_', ' ')} must be a number, got '{value}'") from None
    if kind is int:
        if not number.is_integer():
            raise UsageError(f"{name.replace('_', ' ')} must be a whole year, got '{value}'")
        return int(number)
    return number


def _items(value: Any) -> tuple[str, ...]:
    parts = [value] if isinstance(value, str) else list(value)
    return tuple(
        piece.strip()
        for part in parts
        if not _missing(part)
        for piece in str(part).replace(";", ",").split(",")
        if piece.strip()
    )


def make_profile(
    inputs: Mapping[str, Any] | Profile | None = None,
    *,
    ignore_unknown: bool = False,
    **more: Any,
) -> Profile:
    """A Profile from a mapping and/or keywords; empty values count as not given."""
    if isinstance(inputs, Profile):
        if more:
            raise UsageError("give either a Profile or keyword inputs, not both")
        return inputs
    given = {**dict(inputs or {}), **more}
    fields: dict[str, Any] = {}
    for name, value in given.items():
        field = INPUT_NAMES.get(str(name).strip().casefold())
        if field is None:
            if ignore_unknown:
                continue
            hint = did_you_mean(nearest(str(name), list(INPUT_NAMES)))
            raise UsageError(f"unknown input '{name}'{hint}")
        if _missing(value) or (field in LIST_INPUTS and not _items(value)):
            continue
        if field in NUMBER_INPUTS:
            fields[field] = _number(field, value, NUMBER_INPUTS[field])
        elif field in LIST_INPUTS:
            fields[field] = _items(value)
        else:
            fields[field] = str(value).strip()
    return Profile(**fields)


def estimate_result(
    inputs: Mapping[str, Any] | Profile | None = None,
    *,
    data_dirs: Iterable[str | Path] = (),
    **more: Any,
) -> Estimate:
    """The estimate as an object (see mlsal.result.Estimate); the CLI renders this."""
    from mlsal.engine import estimate as run

    data = catalog(data_dirs)
    return run(data, resolve_profile(make_profile(inputs, **more), data))


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
    return estimate_result(inputs, data_dirs=data_dirs, **more).to_dict()

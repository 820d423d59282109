"""Side by side: the same profile estimated once per value of one dimension."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mlsal.catalog import Catalog
from mlsal.dimensions import BY_DIMENSION, BY_FIELD, DIMENSION_NAMES, INPUTS
from mlsal.engine import estimate
from mlsal.errors import NoFigure, UsageError
from mlsal.names import did_you_mean, nearest, possessive
from mlsal.profile import Profile, resolve_profile
from mlsal.result import Estimate

# Dimensions a comparison can run over, and the profile field each sets.
COMPARABLE = {i.dimension: i.field for i in INPUTS if i.dimension}
SORT_KEYS = ("median", "low", "high", "label")


@dataclass
class Row:
    label: str
    value: str
    estimate: Estimate
    status: str  # "estimated" or "no figure"
    reason: str | None
    median_change: int | None = None
    median_change_percent: float | None = None

    @property
    def has_figure(self) -> bool:
        return self.status == "estimated"

    def source_values(self, dimension: str) -> list[tuple[str, float]]:
        """What each source says for this row's value: a multiplier, or a level's pay."""
        if dimension == "level":
            return [(v.source, v.value) for v in self.estimate.band.views]
        factor = next(
            (
                f
                for f in self.estimate.factors
                if f.dimension == dimension and f.value == self.value
            ),
            None,
        )
        return [] if factor is None else [(v.source, v.value) for v in factor.views]


@dataclass
class Comparison:
    dimension: str
    rows: list[Row]
    warnings: list[str]


class AmbiguousValues(UsageError):
    """Values that name values of more than one dimension: the caller must name one."""


def resolve_dimension(text: str) -> str:
    """A dimension name as people type it: 'cities', 'company-size', 'Level'."""
    wanted = text.strip().casefold().replace("-", "_").replace(" ", "_")
    dimension = DIMENSION_NAMES.get(wanted)
    if dimension is not None:
        return dimension
    hint = (
        did_you_mean(nearest(text, list(COMPARABLE))) or f"; choose one of {', '.join(COMPARABLE)}"
    )
    raise UsageError(f"unknown dimension '{text}'{hint}")


def infer_dimension(catalog: Catalog, values: list[str]) -> str:
    """The one dimension every value names, or a UsageError saying what each value matched."""
    matches = {value: _dimensions_named(catalog, value) for value in values}
    unknown = [value for value, found in matches.items() if not found]
    if unknown:
        value = unknown[0]
        hint = did_you_mean(catalog.suggestions(value, list(COMPARABLE)))
        raise UsageError(f"'{value}' is not a known company, city, level or other value{hint}")
    common = set(COMPARABLE)
    for found in matches.values():
        common &= set(found)
    if len(common) == 1:
        return common.pop()
    described = "; ".join(f"'{v}' is a {' or '.join(found)}" for v, found in matches.items())
    if not common:
        raise UsageError(f"the values are of different kinds ({described}); compare one kind")
    choices = ", ".join(sorted(common))
    raise AmbiguousValues(f"the values are ambiguous ({described}); name the dimension: {choices}")


def _dimensions_named(catalog: Catalog, value: str) -> list[str]:
    """The dimensions a value names: a city of the world's counts as a city ('Berlin')."""
    found = [d for d in COMPARABLE if catalog.lookup(d, value) is not None]
    if not found:
        from mlsal import world

        name = value.rpartition(",")[0] or value  # 'Berlin, DE': a city by its name
        if world.cities_named(name) or world.shared_name(name):
            found = ["city"]
    return found


def compare(
    catalog: Catalog,
    values: list[str],
    profile: Profile,
    by: str | None = None,
    sort: str | None = None,
) -> Comparison:
    if len(values) < 1:
        raise UsageError("give at least one value to compare")
    dimension = resolve_dimension(by) if by is not None else infer_dimension(catalog, values)
    field = COMPARABLE[dimension]
    warnings: list[str] = []
    unset = Profile.__dataclass_fields__[field].default
    if getattr(profile, field) != unset:
        spoken = dimension.replace("_", " ")
        warnings.append(f"the {spoken} given is replaced by each compared {spoken}")
    if dimension == "level" and profile.years is not None:
        profile = replace(profile, years=None)
        warnings.append("the years of experience given are left out when levels are compared")
    rows: list[Row] = []
    seen: set[str] = set()
    for text in values:
        # A city is resolved with the profile: it may be a city of the world, a work mode.
        key = text if dimension == "city" else catalog.resolve(dimension, text)
        setting: Any = (key,) if BY_DIMENSION[dimension].is_list else key
        try:
            resolved = resolve_profile(replace(profile, **{field: setting}), catalog)
            result = estimate(catalog, resolved)
        except NoFigure as error:  # a place no source prices: a row that says so
            if text in seen:
                continue
            seen.add(text)
            rows.append(_no_figure_row(catalog, profile, field, text, str(error)))
            continue
        if dimension == "city":
            key = resolved.city or resolved.unmatched_city or resolved.work_mode or text
        if key in seen:
            continue
        seen.add(key)
        rows.append(_row(catalog, dimension, key, result))
        warnings.extend(flag for flag in result.flags if flag not in warnings)
    if sort is not None:
        rows = _sorted(rows, sort)
    _fill_changes(rows)
    return Comparison(dimension, rows, warnings)


def _row(catalog: Catalog, dimension: str, key: str, result: Estimate) -> Row:
    if dimension == "city" and result.profile.city != key:  # a city the data hold no figure for
        return _unmatched_row(catalog, key, result)
    label = catalog.label(dimension, key)
    if dimension == "level":
        return Row(label, key, result, "estimated", None)
    factor = next((f for f in result.factors if f.dimension == dimension and f.value == key), None)
    if factor is None:  # the reference value of the dimension, e.g. the US or ml-engineer
        return Row(label, key, result, "estimated", None)
    if factor.status == "no figure":
        return Row(label, key, result, "no figure", factor.reason)
    if factor.status in ("skipped", "not stacked"):
        return Row(label, key, result, "estimated", f"not applied: {factor.reason}")
    return Row(label, key, result, "estimated", factor.reason)


def _no_figure_row(catalog: Catalog, profile: Profile, field: str, text: str, why: str) -> Row:
    """A row without figures: the estimate it carries (for its columns) is the profile's
    without any place, and its low, median and high are never shown."""
    unset: Any = Profile.__dataclass_fields__[field].default
    placeless = replace(profile, city=None, state=None, country=None, work_mode=None)
    placeless = replace(placeless, **{field: unset})
    carrier = estimate(catalog, resolve_profile(placeless, catalog))
    dimension = BY_FIELD[field].dimension or field
    key = catalog.lookup(dimension, text)
    label = text.strip() if key is None else catalog.label(dimension, key)
    return Row(label, key or text.strip(), carrier, "no figure", why)


def _unmatched_row(catalog: Catalog, name: str, result: Estimate) -> Row:
    """A city priced by its state or country ('Berlin': Germany's figure), or remote work."""
    profile = result.profile
    if profile.work_mode is not None and name == profile.work_mode:
        return Row(catalog.label("work_mode", name), name, result, "estimated", None)
    if profile.state is not None:
        where = catalog.label("state", profile.state)
    else:
        where = catalog.label("country", profile.country or "")
    why = f"no figure of its own; {possessive(where)} applies"
    return Row(f"{name}, {where}", name, result, "estimated", why)


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort '{sort}'; choose one of {', '.join(SORT_KEYS)}")
    if sort == "label":
        return sorted(rows, key=lambda r: r.label.casefold())
    with_figure = [r for r in rows if r.has_figure]
    without = [r for r in rows if not r.has_figure]
    with_figure.sort(key=lambda r: -getattr(r.estimate, sort))
    return with_figure + without


def _fill_changes(rows: list[Row]) -> None:
    first = next((r for r in rows if r.has_figure), None)
    if first is None:
        return
    for row in rows:
        if row.has_figure:
            row.median_change = row.estimate.median - first.estimate.median
            row.median_change_percent = round(100 * row.median_change / first.estimate.median, 1)

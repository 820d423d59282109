"""Side by side: the same profile estimated once per value of one dimension."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mlsal.catalog import Catalog
from mlsal.engine import estimate
from mlsal.errors import UsageError
from mlsal.names import did_you_mean, nearest
from mlsal.profile import DEFAULT_ROLE, Profile, resolve_profile
from mlsal.result import Estimate

# Dimensions a comparison can run over, and the profile field each sets.
COMPARABLE = {
    "company": "company",
    "city": "city",
    "state": "state",
    "country": "country",
    "industry": "industry",
    "education": "education",
    "level": "level",
    "role": "role",
    "company_size": "company_size",
    "certification": "certifications",
    "skill": "skills",
}
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

    def to_dict(self, dimension: str) -> dict[str, Any]:
        data = self.estimate.to_dict()
        if not self.has_figure:
            data.update(low=None, median=None, high=None)
        return {
            "label": self.label,
            "value": self.value,
            "status": self.status,
            "reason": self.reason,
            "median_change": None
            if self.median_change is None
            else self.estimate.in_currency(self.median_change),
            "median_change_percent": self.median_change_percent,
            "source_values": [
                {"source": source, "value": round(value, 4)}
                for source, value in self.source_values(dimension)
            ],
            **data,
        }


@dataclass
class Comparison:
    dimension: str
    rows: list[Row]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "rows": [row.to_dict(self.dimension) for row in self.rows],
            "warnings": self.warnings,
        }


def resolve_dimension(text: str) -> str:
    """A dimension name as people type it: 'cities', 'company-size', 'Level'."""
    wanted = text.strip().casefold().replace("-", "_").replace(" ", "_")
    plurals = {
        "cities": "city",
        "states": "state",
        "countries": "country",
        "industries": "industry",
        "companies": "company",
        "company_sizes": "company_size",
        "sizes": "company_size",
        "levels": "level",
        "roles": "role",
        "educations": "education",
        "certifications": "certification",
        "certs": "certification",
        "cert": "certification",
        "skills": "skill",
    }
    dimension = plurals.get(wanted, wanted)
    if dimension in COMPARABLE:
        return dimension
    hint = (
        did_you_mean(nearest(text, list(COMPARABLE))) or f"; choose one of {', '.join(COMPARABLE)}"
    )
    raise UsageError(f"unknown dimension '{text}'{hint}")


def infer_dimension(catalog: Catalog, values: list[str]) -> str:
    """The one dimension every value names, or a UsageError saying what each value matched."""
    matches = {
        value: [d for d in COMPARABLE if catalog.lookup(d, value) is not None] for value in values
    }
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
    raise UsageError(f"the values are ambiguous ({described}); say which with --by ({choices})")


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
    unset = (
        DEFAULT_ROLE if field == "role" else () if field in ("skills", "certifications") else None
    )
    if getattr(profile, field) != unset:
        warnings.append(f"--{field.replace('_', '-')} is replaced by each compared {dimension}")
    if dimension == "level" and profile.years is not None:
        profile = replace(profile, years=None)
        warnings.append("--years is left out when levels are compared")
    rows: list[Row] = []
    seen: set[str] = set()
    for text in values:
        key = catalog.resolve(dimension, text)
        if key in seen:
            continue
        seen.add(key)
        setting: Any = (key,) if field in ("certifications", "skills") else key
        resolved = resolve_profile(replace(profile, **{field: setting}), catalog)
        result = estimate(catalog, resolved)
        rows.append(_row(catalog, dimension, key, result))
        warnings.extend(flag for flag in result.flags if flag not in warnings)
    if sort is not None:
        rows = _sorted(rows, sort)
    _fill_changes(rows)
    return Comparison(dimension, rows, warnings)


def _row(catalog: Catalog, dimension: str, key: str, result: Estimate) -> Row:
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

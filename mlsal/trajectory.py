"""The career curve: low / median / high by years of experience, for one profile."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mlsal.catalog import Catalog
from mlsal.engine import estimate
from mlsal.errors import UsageError
from mlsal.profile import Profile, resolve_profile
from mlsal.result import Estimate


@dataclass
class Point:
    years: int
    estimate: Estimate

    @property
    def level(self) -> str:
        return self.estimate.profile.level or ""


@dataclass
class Trajectory:
    points: list[Point]
    warnings: list[str]

    def boundaries(self) -> list[tuple[str, int]]:
        """(level, first year) for each level the curve passes through."""
        seen: list[tuple[str, int]] = []
        for point in self.points:
            if not seen or seen[-1][0] != point.level:
                seen.append((point.level, point.years))
        return seen


def trajectory(catalog: Catalog, profile: Profile, to_years: int) -> Trajectory:
    max_years = catalog.method.limits.max_years
    if not 0 <= to_years <= max_years:
        raise UsageError(f"the curve's last year must be between 0 and {max_years}, got {to_years}")
    warnings: list[str] = []
    if profile.level is not None or profile.years is not None:
        warnings.append("the level and years given are left out: the curve runs over the years")
    base = resolve_profile(replace(profile, level=None, years=None), catalog)
    points = [
        Point(years, estimate(catalog, replace(base, years=float(years))))
        for years in range(to_years + 1)
    ]
    for point in points:
        for warning in point.estimate.warnings:
            if warning not in warnings:
                warnings.append(warning)
    return Trajectory(points, warnings)

"""A profile: what a user tells mlsal about a job, before and after names are resolved."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from mlsal.aging import check_as_of
from mlsal.catalog import Catalog
from mlsal.errors import UsageError
from mlsal.record import Record

MAX_YEARS = 60
DEFAULT_ROLE = "ml-engineer"

# Profile fields that name a value of a catalog dimension, with that dimension.
NAMED_FIELDS = {
    "level": "level",
    "city": "city",
    "country": "country",
    "industry": "industry",
    "education": "education",
    "company": "company",
    "company_size": "company_size",
    "role": "role",
}
LIST_FIELDS = {"skills": "skill", "certifications": "certification"}


@dataclass(frozen=True, init=False, eq=False, repr=False)
class Profile(Record):
    years: float | None = None
    level: str | None = None
    city: str | None = None
    country: str | None = None
    industry: str | None = None
    education: str | None = None
    company: str | None = None
    company_size: str | None = None
    role: str = DEFAULT_ROLE
    skills: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    as_of: int | None = None  # the year whose dollars figures are given in (default: latest)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skills"] = list(self.skills)
        data["certifications"] = list(self.certifications)
        return data


def check_years(years: float | None) -> None:
    if years is None:
        return
    if math.isnan(years) or years < 0 or years > MAX_YEARS:
        raise UsageError(f"years must be between 0 and {MAX_YEARS}, got {years:g}")


def resolve_profile(profile: Profile, catalog: Catalog) -> Profile:
    """The same profile with every name replaced by its catalog key (aliases, case, accents).

    Raises UsageError naming the value and the nearest known ones when a name is unknown, and
    when city and country contradict each other.
    """
    check_years(profile.years)
    changes: dict[str, Any] = {"as_of": check_as_of(catalog, profile.as_of)}
    for field_name, dimension in NAMED_FIELDS.items():
        text = getattr(profile, field_name)
        if text is not None:
            if not str(text).strip():
                raise UsageError(
                    f"empty {dimension.replace('_', ' ')}: give a value or leave it out"
                )
            changes[field_name] = catalog.resolve(dimension, str(text))
    for field_name, dimension in LIST_FIELDS.items():
        keys: list[str] = []
        for text in getattr(profile, field_name):
            for part in str(text).split(","):
                if part.strip():
                    key = catalog.resolve(dimension, part.strip())
                    if key not in keys:
                        keys.append(key)
        changes[field_name] = tuple(keys)
    city, country = changes.get("city"), changes.get("country")
    if city is not None:
        city_country = catalog.value("city", city).country
        if country is not None and country != city_country:
            raise UsageError(
                f"city '{catalog.label('city', city)}' is in "
                f"{catalog.label('country', city_country or '')}, not in "
                f"{catalog.label('country', country)}"
            )
        changes["country"] = city_country
    return replace(profile, **changes)

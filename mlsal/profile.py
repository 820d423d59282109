"""A profile: what a user tells mlsal about a job, before and after names are resolved."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mlsal.aging import check_as_of
from mlsal.catalog import Catalog
from mlsal.dimensions import BY_FIELD, INPUT_NAMES, LIST_FIELDS, NAMED_FIELDS
from mlsal.errors import UsageError
from mlsal.names import did_you_mean, nearest, normalize, possessive
from mlsal.record import FrozenRecord


@dataclass(init=False, eq=False, repr=False)
class Profile(FrozenRecord):
    """The inputs of one estimate: as the user typed them, or resolved to the data's keys."""

    years: float | None = None
    level: str | None = None
    city: str | None = None
    state: str | None = None  # a US state, by postal code once resolved
    country: str | None = None
    industry: str | None = None
    education: str | None = None
    company: str | None = None
    company_size: str | None = None
    role: str | None = None  # once resolved, the method's reference role if none was given
    skills: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    as_of: int | None = None  # the year whose dollars figures are given in (default: latest)
    currency: str | None = None  # show amounts in this currency (ISO code), not US dollars
    # What resolving noticed, said in the notes; not inputs (RESOLUTION_NOTES).
    # A US city the data does not know, given with its state: the state's figure stands in.
    unmatched_city: str | None = None
    # A name of another organisation the data count as this company ('deepmind': Google).
    company_as_typed: str | None = None
    # Skills and certifications the data do not know, with what is said of each.
    unlisted: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------
# From what was typed (CLI options, a CSV row, a mapping or keywords) to a Profile


def make_profile(
    inputs: Mapping[str, Any] | Profile | None = None,
    *,
    ignore_unknown: bool = False,
    **more: Any,
) -> Profile:
    """A Profile from a mapping and/or keywords, named as fields, options or CSV headers
    ('company-size', 'cert'); empty values count as not given; lists split at ',' and ';'."""
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
        kind = BY_FIELD[field].kind
        if _missing(value) or (kind == "names" and not _items(value)):
            continue
        if kind in ("number", "year"):
            fields[field] = _number(field, value, whole=kind == "year")
        elif kind == "names":
            fields[field] = _items(value)
        else:
            fields[field] = str(value).strip()
    return Profile(**fields)


def _missing(value: Any) -> bool:
    """None, an empty cell, or a float NaN (what pandas puts in empty cells)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number(name: str, value: Any, whole: bool) -> Any:
    spoken = BY_FIELD[name].option.removeprefix("--").replace("-", " ")
    if isinstance(value, bool):  # true is no number of years (JSON, Python)
        raise UsageError(f"{spoken} must be a number, got '{value}'")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{spoken} must be a number, got '{value}'") from None
    if whole:
        if not number.is_integer():
            raise UsageError(f"{spoken} must be a whole year, got '{value}'")
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


# ---------------------------------------------------------------------------------------
# From names to catalog keys


RESOLUTION_NOTES = ("unmatched_city", "company_as_typed", "unlisted")


def years_text(years: float) -> str:
    """Years as typed, to ten digits: 60.0000001 is not '60', 1.9999999 not '2', -0 is 0."""
    return f"{years + 0.0:.10g}"


def check_years(years: float | None, max_years: int) -> None:
    if years is None:
        return
    if math.isnan(years) or years < 0 or years > max_years:
        raise UsageError(f"years must be between 0 and {max_years}, got {years_text(years)}")


def resolve_profile(profile: Profile, catalog: Catalog) -> Profile:
    """The same profile with every name replaced by its catalog key (aliases, case, accents).

    Raises UsageError naming the value and the nearest known ones when a name is unknown, and
    when city and country contradict each other.
    """
    changes: dict[str, Any] = {}
    if profile.years is not None:
        changes.update(resolve_field(catalog, "years", profile.years))
    changes["as_of"] = check_as_of(catalog, profile.as_of)
    for field_name in NAMED_FIELDS:
        text = getattr(profile, field_name)
        if text is not None and field_name not in ("city", "level"):
            changes.update(resolve_field(catalog, field_name, text))
    if profile.level is not None:
        changes["level"] = resolve_level(catalog, str(profile.level), changes.get("company"))
    if profile.city is not None:
        changes.update(resolve_city(catalog, str(profile.city), changes.get("state")))
    if profile.currency is not None:
        changes.update(resolve_field(catalog, "currency", profile.currency))
    unlisted: list[str] = []
    for field_name in LIST_FIELDS:
        found = resolve_field(catalog, field_name, getattr(profile, field_name))
        unlisted.extend(found.pop("unlisted"))
        changes.update(found)
    changes["unlisted"] = tuple(unlisted)
    if profile.role is None:
        changes["role"] = catalog.method.reference.role
    home = catalog.method.reference.country  # the country whose states the data knows
    city, state, country = changes.get("city"), changes.get("state"), changes.get("country")
    if state is not None:
        if city is not None and country is None:
            country = catalog.value("city", city).country
        if country not in (None, home):
            raise UsageError(
                f"state '{catalog.label('state', state)}' is in "
                f"{catalog.label('country', home)}, not in {catalog.label('country', country)}"
            )
        changes["country"] = home
        states = catalog.value("city", city).states if city is not None else []
        if states and state not in states:
            raise UsageError(
                f"city '{catalog.label('city', city or '')}' is in {'-'.join(states)}, "
                f"not in {catalog.label('state', state)}"
            )
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


def resolve_level(catalog: Catalog, text: str, company: str | None) -> str:
    """A level by its name ('senior'), or by the name of a rung of the company's own ladder
    ('SDE II' at Amazon: its filed titles say which level), or a UsageError naming both."""
    try:
        return str(resolve_field(catalog, "level", text)["level"])
    except UsageError as error:
        if company is None:
            raise
        rungs = catalog.value("company", company).levels or {}
        by_name = {normalize(name): level for name, level in rungs.items()}
        found = by_name.get(normalize(text))
        if found is not None:
            return found
        label = catalog.label("company", company)
        known = ", ".join(v.key for v in catalog.values["level"])
        own = (
            f"; {possessive(label)} rungs, from its filed titles: {', '.join(rungs)}"
            if rungs
            else f"; {possessive(label)} filed titles name no rungs"
        )
        raise UsageError(f"unknown level '{text}' for {label}; levels: {known}{own}") from error


def resolve_field(catalog: Catalog, field: str, value: Any) -> dict[str, Any]:
    """One given field resolved, with what resolving noticed: {'company': 'google',
    'company_as_typed': 'deepmind'}. The city is resolve_city's (it may fall back to the
    state), and whether city, state and country agree is resolve_profile's."""
    if field == "years":
        check_years(value, catalog.method.limits.max_years)
        return {"years": value + 0.0}  # -0.0 is 0
    if field == "as_of":
        return {"as_of": check_as_of(catalog, value)}
    if field == "currency":
        return {"currency": resolve_currency(catalog, str(value))}
    dimension = BY_FIELD[field].dimension
    assert dimension is not None, field
    if BY_FIELD[field].is_list:
        keys: list[str] = []
        unlisted: list[str] = []
        for text in _items(value):
            try:
                key = catalog.resolve(dimension, text)
            except UsageError as error:  # no skill has a figure to miss: said, not refused
                unlisted.append(str(error))
                continue
            if key not in keys:
                keys.append(key)
        return {field: tuple(keys), "unlisted": tuple(unlisted)}
    text = str(value)
    if not text.strip():
        raise UsageError(f"empty {dimension.replace('_', ' ')}: give a value or leave it out")
    key = catalog.resolve(dimension, text)
    if field == "company":
        return {"company": key, "company_as_typed": other_name(catalog, text, key)}
    return {field: key}


def other_name(catalog: Catalog, text: str, company: str) -> str | None:
    """The name as typed, if it is no form of the company's own name: 'deepmind' for Google
    (said, so that nobody takes Google's figure for DeepMind's own), not 'Google LLC'."""
    typed = normalize(text)
    value = catalog.value("company", company)
    own = [normalize(value.label), normalize(value.key)]
    if any(name in typed or typed in name for name in own):
        return None
    return text.strip()


def resolve_city(catalog: Catalog, text: str, state: str | None) -> dict[str, Any]:
    """{'city': key}, or for a US city the data does not know but whose state is given
    ('Kirkland, WA', or --state WA) {'state': ..., 'unmatched_city': ...}: its state stands in."""
    if not text.strip():
        raise UsageError("empty city: give a value or leave it out")
    try:
        return {"city": catalog.resolve("city", text)}
    except UsageError:
        name, comma, code = text.rpartition(",")
        typed_state = catalog.lookup("state", code) if comma and name.strip() else None
        if typed_state is not None and state not in (None, typed_state):
            raise
        city = catalog.lookup("city", name) if typed_state is not None else None
        if city is not None and typed_state in catalog.value("city", city).states:
            return {"city": city, "state": typed_state}  # 'Kirkland, WA': a name of Seattle's
        fallback = typed_state or state
        if fallback is None:
            raise
        unmatched = (name if typed_state else text).strip()
        if not unmatched.isprintable():  # shown in tables: no escape sequence reaches them
            raise
        return {"city": None, "state": fallback, "unmatched_city": unmatched}


def resolve_currency(catalog: Catalog, text: str) -> str:
    """An ISO currency code some source states a rate to US dollars for (or USD itself)."""
    code = text.strip().upper()
    known = ["USD", *catalog.currencies()]
    if code in known:
        return code
    hint = did_you_mean(nearest(code, known)) or f"; known: {', '.join(known)}"
    raise UsageError(f"no source states a rate for the currency '{text}'{hint}")

"""A profile: what a user tells mlsal about a job, before and after names are resolved."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mlsal.aging import check_as_of, latest_year
from mlsal.catalog import Catalog
from mlsal.dimensions import BY_FIELD, INPUT_NAMES, LIST_FIELDS, NAMED_FIELDS
from mlsal.errors import NoFigure, UsageError, one_line
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
    work_mode: str | None = None  # remote, hybrid or onsite
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
        if isinstance(value, dict | set | frozenset):
            raise UsageError(
                f"{field} must be a text, a number or a list of texts, got a {type(value).__name__}"
            )
        if getattr(value, "ndim", 0) and hasattr(value, "tolist"):  # a NumPy array: a list
            value = value.tolist()
        if _missing(value) or (kind == "names" and not _items(value)):
            continue
        if kind in ("number", "year"):
            fields[field] = _number(field, value, whole=kind == "year")
        elif kind == "names":
            fields[field] = _items(value)
        else:
            fields[field] = str(value).strip()
    return Profile(**fields)


NOT_GIVEN_TYPES = ("NAType", "NaTType")  # pandas' pd.NA and pd.NaT, without importing pandas


def _missing(value: Any) -> bool:
    """None, an empty cell, a float NaN (what pandas puts in empty cells), pd.NA or pd.NaT
    (what its nullable and datetime columns hold)."""
    if value is None or type(value).__name__ in NOT_GIVEN_TYPES:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number(name: str, value: Any, whole: bool) -> Any:
    spoken = BY_FIELD[name].option.removeprefix("--").replace("-", " ")
    # true is no number of years (JSON, Python, NumPy's bool_ alike)
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        raise UsageError(f"{spoken} must be a number, got '{value}'")
    if whole and isinstance(value, int):
        value = str(value)  # read as typed, not through a float
    shown = one_line(str(value))
    if len(shown) > 40:
        shown = f"{shown[:20]}…, {len(shown):,} characters"
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{spoken} must be a number, got '{shown}'") from None
    except OverflowError:  # an int of hundreds of digits: no year, no number of years
        raise UsageError(f"{spoken} must be a number of a few digits, got '{shown}'") from None
    if whole and isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())  # a year as typed: 99999999999999999999 stays itself
        if number > 1_000_000:
            raise UsageError(f"{spoken} must be a year, got '{shown}'")
        return number
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


def profile_defaults(catalog: Catalog) -> dict[str, Any]:
    """What a resolved profile holds where nothing was given, stated once for the single
    estimate, batch and the engine: the method's reference role, and the latest year with a
    price index (as_of). No currency means US dollars: amounts are converted only when asked."""
    return {"role": catalog.method.reference.role, "as_of": latest_year(catalog)}


def resolve_profile(profile: Profile, catalog: Catalog) -> Profile:
    """The same profile with every name replaced by its catalog key (aliases, case, accents).

    Raises UsageError naming the value and the nearest known ones when a name is unknown, and
    when city and country contradict each other.
    """
    changes: dict[str, Any] = {}
    if profile.years is not None:
        changes.update(resolve_field(catalog, "years", profile.years))
    defaults = profile_defaults(catalog)
    as_of = profile.as_of
    changes["as_of"] = defaults["as_of"] if as_of is None else check_as_of(catalog, as_of)
    for field_name in NAMED_FIELDS:
        text = getattr(profile, field_name)
        if text is not None and field_name not in ("city", "level"):
            changes.update(resolve_field(catalog, field_name, text))
    if profile.level is not None:
        changes["level"] = resolve_level(catalog, str(profile.level), changes.get("company"))
    if profile.city is not None:
        place = resolve_city(
            catalog, str(profile.city), changes.get("state"), changes.get("country")
        )
        mode = place.pop("work_mode", None)
        if mode is not None and changes.get("work_mode") not in (None, mode):
            raise UsageError(
                f"the city '{profile.city}' is a work mode, and the work mode "
                f"'{profile.work_mode}' another: give one"
            )
        if mode is not None:
            changes["work_mode"] = mode
        if "country" in place and changes.get("country") not in (None, place["country"]):
            lies_in = catalog.label("country", place["country"])
            raise UsageError(
                f"city '{str(profile.city).strip()}' is in {lies_in}, not in "
                f"{catalog.label('country', changes['country'])}"
            )
        changes.update(place)
    if profile.currency is not None:
        changes.update(resolve_field(catalog, "currency", profile.currency))
    unlisted: list[str] = []
    for field_name in LIST_FIELDS:
        found = resolve_field(catalog, field_name, getattr(profile, field_name))
        unlisted.extend(found.pop("unlisted"))
        changes.update(found)
    changes["unlisted"] = tuple(unlisted)
    if profile.role is None:
        changes["role"] = defaults["role"]
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
    if field == "country" and catalog.lookup("country", str(value)) is None:
        from mlsal import world

        code = world.country_code(str(value))
        if code is not None:  # a country the data hold no figure for: said, not guessed
            return {"country": _country_key(catalog, code)}
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


def resolve_city(
    catalog: Catalog, text: str, state: str | None, country: str | None = None
) -> dict[str, Any]:
    """{'city': key}; for a city the data hold no figure for, where it lies: {'state': ...}
    in the US, {'country': ...} abroad, with {'unmatched_city': its name} (GeoNames' cities
    say where: 'Kirkland' is in WA, 'Berlin' in Germany); 'remote' is a work mode. 'City, XX'
    reads XX as a US state or a country, whichever GeoNames puts the city in ('Toronto, CA'
    is in Canada, 'San Jose, CA' in California). A name several places share ('Portland',
    'Vancouver') asks which is meant, unless the state or country given says."""
    if not text.strip():
        raise UsageError("empty city: give a value or leave it out")
    key = catalog.lookup("city", text)
    if key is None:
        mode = catalog.lookup("work_mode", text)
        if mode is not None:  # '--city remote': where the work is, not a city
            return {"city": None, "work_mode": mode}
    name, comma, code = text.rpartition(",")
    if comma and name.strip() and code.strip():
        return {"city": key} if key else _city_in(catalog, text, state)
    return _named_city(catalog, text, key, state, country)


def _named_city(
    catalog: Catalog, text: str, key: str | None, state: str | None, country: str | None
) -> dict[str, Any]:
    """A city named without its state or country."""
    from mlsal import world

    shared = [
        place
        for place in world.shared_name(text)
        if _place_fits(catalog, place.city, place.country, state, country)
    ]
    if len(shared) > 1:
        raise UsageError(_which_of(catalog, text, shared))
    if shared and shared[0].city is not None:
        return {"city": shared[0].city}
    if key is not None and not shared:
        return {"city": key}
    home = catalog.method.reference.country
    cities = [
        c
        for c in world.cities_named(text)
        if _place_fits(catalog, None, c.country, state, country, c.admin1)
        # A US city by its own name only: GeoNames' other names hold misspellings ('San
        # Fransisco'), which should meet a suggestion, not a silent answer.
        and (c.country != home or normalize(c.name) == normalize(text))
    ]
    if not cities:
        elsewhere = [c for c in world.cities_named(text) if normalize(c.name) == normalize(text)]
        # 'Berlin' with France: it is in Germany; 'Kirkland' with Oregon: it is in WA. A
        # town of a state GeoNames does not list (Berlin, NH) takes its state's figure.
        if elsewhere and (country or (state and elsewhere[0].country == home)):
            where = elsewhere[0].admin1 if elsewhere[0].country == home else None
            lies_in = where or world.country_name(elsewhere[0].country) or elsewhere[0].country
            given = (
                catalog.label("state", state) if state else catalog.label("country", country or "")
            )
            raise UsageError(f"city '{text.strip()}' is in {lies_in}, not in {given}")
        return _unknown_city(catalog, text, state, country)
    first = cities[0]
    rivals = [
        c for c in cities[1:] if c.country != first.country and c.population * 2 >= first.population
    ]
    if rivals and state is None and country is None:
        places = [world.SharedPlace(None, c.country, c.name) for c in (first, *rivals[:2])]
        raise UsageError(_which_of(catalog, text, places))
    return _where_city_is(catalog, first, [c for c in cities if c.country == first.country])


def _place_fits(
    catalog: Catalog,
    city: str | None,
    place_country: str | None,
    state: str | None,
    country: str | None,
    admin1: str | None = None,
) -> bool:
    """Whether a place agrees with the state and country given (None: not given)."""
    home = catalog.method.reference.country
    if city is not None:
        value = catalog.value("city", city)
        place_country = value.country
        states = value.states
    else:
        states = [admin1] if admin1 and place_country == home else []
    if country is not None and place_country != country:
        return False
    return state is None or (place_country == home and (not states or state in states))


def _which_of(catalog: Catalog, text: str, places: list[Any]) -> str:
    """'Portland' names several places: say them, and how to name each."""
    from mlsal import world

    said = []
    for place in places:
        if place.city is not None:
            value = catalog.value("city", place.city)
            said.append(f"'{text.strip()}, {_state_named(value.states, text)}' ({value.label})")
        else:
            country = world.country_name(place.country) or place.country
            said.append(f"'{place.name}, {place.country}' ({country})")
    return (
        f"the city '{text.strip()}' names several places: say which, "
        f"{', '.join(said[:-1])} or {said[-1]} (or give the state or country)"
    )


def _state_named(states: list[str], text: str) -> str:
    """Of a metro area's states, the one its city of this name is in (GeoNames: Vancouver of
    the Portland area is in WA), else the first."""
    from mlsal import world

    for city in world.cities_named(text):
        if city.admin1 in states:
            return city.admin1
    return states[0] if states else ""


def _where_city_is(catalog: Catalog, city: Any, same_country: list[Any]) -> dict[str, Any]:
    """A city GeoNames knows and the data hold no figure for: its state, or its country."""
    home = catalog.method.reference.country
    known = catalog.lookup("city", city.name)  # 'San Fransisco': GeoNames' other name for it
    if known is not None and _place_fits(catalog, known, None, None, city.country):
        states = catalog.value("city", known).states
        if city.country != home or not states or city.admin1 in states:
            return {"city": known}
    if city.country != home:
        key = _country_key(catalog, city.country, city.name)
        return {"city": None, "country": key, "unmatched_city": city.name}
    states = list(dict.fromkeys(c.admin1 for c in same_country))
    if len(states) > 1 and same_country[1].population * 2 >= city.population:
        named = " or ".join(f"'{city.name}, {s}'" for s in states[:3])
        raise UsageError(f"the city '{city.name}' is in several states: say which, {named}")
    state = catalog.lookup("state", city.admin1)
    if state is None:
        raise UsageError(f"the city '{city.name}' is in {city.admin1}, which the data do not know")
    return {"city": None, "state": state, "unmatched_city": city.name}


def _country_key(catalog: Catalog, code: str, place: str | None = None) -> str:
    """The data's key of a country by ISO code, or NoFigure: no source gives pay there."""
    key = catalog.lookup("country", code)
    if key is not None:
        return key
    from mlsal import world

    name = world.country_name(code) or code
    raise no_figure_in(catalog, f"{place}, {name}" if place else name)


def require_figure(catalog: Catalog, country: str) -> None:
    """NoFigure unless some source gives pay from records in the country (by key or code)."""
    home = catalog.method.reference.country
    if country != home and country not in _countries_priced(catalog):
        key = _country_key(catalog, country)  # NoFigure for a country the data do not list
        raise no_figure_in(catalog, catalog.label("country", key))


def no_figure_in(catalog: Catalog, where: str) -> NoFigure:
    """The one way mlsal says a place has no figure: why, and where figures are."""
    countries = ", ".join(countries_with_figures(catalog))
    return NoFigure(
        f"no figure for pay in {where}: {lacking_records(catalog)}; countries with figures: "
        f"{countries}"
    )


def lacking_records(catalog: Catalog) -> str:
    """Why a country has no figure (method.toml: factors.records_needed)."""
    least = catalog.method.limits.min_records
    return f"no source gives pay from {least} or more records in its own currency"


def _countries_priced(catalog: Catalog) -> set[str]:
    """The countries some source states its own records for."""
    return {f.value for f in catalog.facts_of("country") if f.n and f.value}


def countries_with_figures(catalog: Catalog) -> list[str]:
    """The countries whose own records some source states, by name (the US first)."""
    home = catalog.method.reference.country
    return [catalog.label("country", home)] + sorted(
        catalog.label("country", key) for key in _countries_priced(catalog) if key != home
    )


def _city_in(catalog: Catalog, text: str, state: str | None) -> dict[str, Any]:
    """'City, XX': XX a US state or a country, whichever the city is in."""
    from mlsal import world

    name, _, code = text.rpartition(",")
    home = catalog.method.reference.country
    typed_state = catalog.lookup("state", code)
    typed_country = world.country_code(code)
    city = catalog.lookup("city", name)
    cities = world.cities_named(name)
    in_state = (
        (city is not None and typed_state in catalog.value("city", city).states)
        or any(c.country == home and c.admin1 == typed_state for c in cities)
        if typed_state is not None
        else False
    )
    in_country = typed_country is not None and (
        (city is not None and catalog.value("city", city).country == typed_country)
        or any(c.country == typed_country for c in cities)
    )
    if in_state and in_country and typed_country != home:  # both: the more populous
        ours = max((c.population for c in cities if c.admin1 == typed_state), default=0)
        theirs = max((c.population for c in cities if c.country == typed_country), default=0)
        in_state = ours >= theirs
    if (in_state or (typed_state and not in_country)) and state not in (None, typed_state):
        raise UsageError(
            f"city '{name.strip()}, {code.strip()}' is in {code.strip()}, not in "
            f"{catalog.label('state', state)}"
        )
    if in_state:
        if city is not None and typed_state in catalog.value("city", city).states:
            return {"city": city, "state": typed_state}  # 'Kirkland, WA': a name of Seattle's
        found = next(c for c in cities if c.country == home and c.admin1 == typed_state)
        return {"city": None, "state": typed_state, "unmatched_city": found.name}
    if in_country:
        if city is not None and catalog.value("city", city).country == typed_country:
            return {"city": city}
        found = next(c for c in cities if c.country == typed_country)
        return {
            "city": None,
            "country": _country_key(catalog, typed_country or "", found.name),
            "unmatched_city": found.name,
        }
    if typed_state is not None:
        elsewhere = _states_of(catalog, city, cities)
        if elsewhere:  # 'Seattle, OR': refused, as --city Seattle --state OR is
            raise UsageError(
                f"city '{name.strip()}' is in {'-'.join(elsewhere)}, not in "
                f"{catalog.label('state', typed_state)}"
            )
        unmatched = name.strip()
        if not unmatched.isprintable():  # shown in tables: no escape sequence reaches them
            raise UsageError(f"unknown city '{one_line(text.strip())}'")
        return {"city": None, "state": typed_state, "unmatched_city": unmatched}
    if typed_country is not None and typed_country != home:
        unmatched = name.strip()
        if not unmatched.isprintable():
            raise UsageError(f"unknown city '{one_line(text.strip())}'")
        key = _country_key(catalog, typed_country, unmatched)
        return {"city": None, "country": key, "unmatched_city": unmatched}
    return _unknown_city(catalog, f"{name.strip()}, {code.strip()}", state, None)


def _states_of(catalog: Catalog, city: str | None, cities: tuple[Any, ...]) -> list[str]:
    """The US states a name is known in: its metro area's, else GeoNames' largest city's."""
    if city is not None and catalog.value("city", city).states:
        return list(catalog.value("city", city).states)
    home = catalog.method.reference.country
    us = [c for c in cities if c.country == home]
    return [us[0].admin1] if us else []


def _unknown_city(
    catalog: Catalog, text: str, state: str | None, country: str | None
) -> dict[str, Any]:
    """A city neither the data nor GeoNames know: in a state given, the state's figure
    stands in; else the nearest names, and how to price a city abroad."""
    if state is not None and text.strip().isprintable():
        return {"city": None, "state": state, "unmatched_city": text.strip()}
    abroad = country is not None and country != catalog.method.reference.country
    if abroad and text.strip().isprintable():
        return {"city": None, "unmatched_city": text.strip()}
    from mlsal import world

    if world.country_code(text) is not None:
        raise UsageError(f"'{text.strip()}' is a country, not a city: give it as the country")
    try:
        catalog.resolve("city", text)
    except UsageError as error:
        said = str(error)
        raise UsageError(
            f"{said}{'' if said.endswith('?') else ';'} "
            "For a city abroad, give its country too, or write 'City, CC'"
        ) from None
    raise AssertionError("resolve found what lookup did not")  # pragma: no cover


def resolve_currency(catalog: Catalog, text: str) -> str:
    """An ISO currency code some source states a rate to US dollars for (or USD itself)."""
    code = text.strip().upper()
    known = ["USD", *catalog.currencies()]
    if code in known:
        return code
    hint = did_you_mean(nearest(code, known)) or f"; known: {', '.join(known)}"
    raise UsageError(f"no source states a rate for the currency '{text}'{hint}")

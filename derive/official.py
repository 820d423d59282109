"""Derive the facts of the official statistics: BLS OEWS wages, CPI-U, BEA price parities.

Each row of the shipped copies in data/documents/ becomes one fact that quotes it:
  data/facts/bls.toml   wages of the closest official occupations (labelled proxies), and the
                        role ratios they imply (Data Scientists vs Software Developers, ...)
  data/facts/cpi.toml   the price index of every year, to bring figures to one year
  data/facts/rpp.toml   the price parity of every metro area a city in dimensions.toml or
                        places.toml names

    python derive/official.py           # write the three files
    python derive/official.py --check   # exit 1 if any differs from what the inputs give
"""

from __future__ import annotations

import csv
import sys
import tomllib
from typing import Any

from common import DOCUMENTS, FACTS, ROOT, to_toml, write_or_check

BLS = DOCUMENTS / "bls_oews_2024_national.csv"
CPI = DOCUMENTS / "cpi_u_annual.csv"
RPP = DOCUMENTS / "bea_rpp_msa.csv"
DIMENSIONS = ROOT / "data" / "dimensions.toml"
PLACES = ROOT / "data" / "places.toml"  # derived first, by derive/oews.py

PERCENTILES = {"p10": 10, "p25": 25, "p75": 75, "p90": 90}
# No ML engineer occupation exists: Software Developers stand for ML engineers when a role's
# occupation is compared with theirs (a labelled proxy, said in each fact's note).
PROXY_REFERENCE = "15-1252"
ROLE_PROXIES = {"data-scientist": "15-2051", "research-scientist": "15-1221"}


def bls_facts(text: str) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = []
    medians: dict[str, dict[str, Any]] = {}
    for row in csv.DictReader(text.splitlines()):
        soc, statistic = row["soc"], row["statistic"]
        fact: dict[str, Any] = {
            "id": f"bls.{soc}.{statistic}",
            "source": "bls-oews-2024",
            "dimension": "occupation",
            "value": soc,
        }
        if statistic in PERCENTILES:
            fact.update(figure="percentile", percentile=PERCENTILES[statistic])
        else:
            fact["figure"] = {"median": "median", "mean": "average"}[statistic]
        fact.update(
            amount=int(row["annual_wage_usd"]),
            basis="base",
            year=2024,
            quote=row["quote"],
            context=row["occupation"],
            note=f"{row['reference_period']}; read at {row['read_at']}; official page "
            f"{row['official_page']}",
        )
        facts.append(fact)
        if statistic == "median":
            medians[soc] = fact
    reference = medians[PROXY_REFERENCE]
    for role, soc in ROLE_PROXIES.items():
        median = medians[soc]
        facts.append(
            {
                "id": f"bls.role.{role}",
                "source": "bls-oews-2024",
                "dimension": "role",
                "value": role,
                "figure": "median",
                "amount": median["amount"],
                "basis": "base",
                "year": 2024,
                "reference": reference["id"],
                "quote": median["quote"],
                "context": median["context"],
                "note": f"Proxy: {median['context']} stand for this role and Software Developers "
                "for ML engineers, as there is no ML engineer occupation code.",
            }
        )
    return facts


def cpi_facts(text: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    facts = []
    for line in lines[1:]:
        year, value, series, status, _ = next(csv.reader([line]))
        fact: dict[str, Any] = {
            "id": f"cpi.{year}",
            "source": "cpi-u",
            "dimension": "price_index",
            "figure": "index",
            "index": float(value),
            "year": int(year),
            "quote": line,
            "context": series,
        }
        if status != "final":
            fact["note"] = f"The file marks this value {status}."
        facts.append(fact)
    return facts


def rpp_facts(text: str, dimensions_text: str, places_text: str) -> list[dict[str, Any]]:
    cities = tomllib.loads(dimensions_text)["cities"] + tomllib.loads(places_text)["cities"]
    wanted = {0} | {city["metro"] for city in cities if "metro" in city}
    facts = []
    for line in text.splitlines()[1:]:
        geofips, name, value = next(csv.reader([line]))
        if int(geofips) not in wanted:
            continue
        facts.append(
            {
                "id": f"rpp.{int(geofips)}",
                "source": "bea-rpp",
                "dimension": "price_parity",
                "value": str(int(geofips)),
                "figure": "index",
                "index": float(value),
                "quote": line,
                "context": name,
            }
        )
    missing = wanted - {int(f["value"]) for f in facts}
    if missing:
        raise ValueError(f"metro areas not in the price parity file: {sorted(missing)}")
    return facts


def main() -> int:
    read = {path: path.read_text(encoding="utf-8") for path in (BLS, CPI, RPP, DIMENSIONS, PLACES)}
    outputs = [
        (FACTS / "bls.toml", lambda: to_toml(bls_facts(read[BLS]), SCRIPT, BLS.name)),
        (FACTS / "cpi.toml", lambda: to_toml(cpi_facts(read[CPI]), SCRIPT, CPI.name)),
        (
            FACTS / "rpp.toml",
            lambda: to_toml(rpp_facts(read[RPP], read[DIMENSIONS], read[PLACES]), SCRIPT, RPP.name),
        ),
    ]
    return max(write_or_check(path, render) for path, render in outputs)


SCRIPT = "derive/official.py"

if __name__ == "__main__":
    sys.exit(main())

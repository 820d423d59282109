"""Derive the step from senior to staff from the OFLC prevailing-wage ladder (data/facts/oflc.toml).

Inputs:
  ../shared/data/oflc_wage_levels_2025_26_tech.csv  (only to refresh the shipped extract)
  data/documents/oflc_wage_levels_2025_26_15-1252.csv  the extract: the header and every row of
      Software Developers (15-1252), unchanged

The Department of Labor sets four prevailing-wage levels per occupation and area: Level I entry
(a basic understanding), II qualified, III experienced, IV fully competent. mlsal reads Level III
as senior and Level IV as staff: no source gives staff pay in dollars for ML engineers but the
one s003 sentence and the few executive records, while the ladder says, for every area, how
much more the top rung pays than the one below it.

The facts: the median over all areas of the Level III annual wage (the reference, standing for
senior) and of the Level IV annual wage (staff, relative to it). The engine applies their ratio
to its own senior pay, as one more voice for staff; it never uses either as pay by itself.

    python derive/oflc.py           # refresh the extract (if ../shared is there), write the facts
    python derive/oflc.py --check   # exit 1 if either differs from what the inputs give
"""

from __future__ import annotations

import csv
import statistics
import sys
from typing import Any

from common import DOCUMENTS, FACTS, ROOT, to_toml, write_or_check

SHARED = ROOT.parent / "shared" / "data" / "oflc_wage_levels_2025_26_tech.csv"
EXTRACT = DOCUMENTS / "oflc_wage_levels_2025_26_15-1252.csv"
OUTPUT = FACTS / "oflc.toml"
SCRIPT = "derive/oflc.py"
SOURCE = "oflc-2025"
OCCUPATION = "15-1252"
ROMAN = {"3": "III", "4": "IV"}


def extract(text: str) -> str:
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines[1:] if next(csv.reader([line]))[1] == OCCUPATION]
    return lines[0] + "".join(kept)


def derive(text: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    rows = list(csv.DictReader(lines))
    header = lines[0]

    def rung(level: str, **fields: Any) -> dict[str, Any]:
        column = f"l{level}_annual"
        wages = [int(row[column]) for row in rows]
        return {
            "id": f"oflc.{OCCUPATION}.level-{ROMAN[level]}",
            "source": SOURCE,
            **fields,
            "figure": "median",
            "amount": round(statistics.median(wages)),
            "basis": "base",
            "year": 2025,
            "filter": {"soc_code": OCCUPATION, "column": column, "areas": str(len(wages))},
            "quote": header,
            "derivation": (
                f"The median of the {column} column over the {len(wages)} areas of the "
                f"{OCCUPATION} rows (Level {ROMAN[level]}, annual = hourly x 2080)."
            ),
        }

    senior = rung("3", dimension="reference", value="senior")
    staff = rung("4", dimension="level", value="staff", reference=senior["id"])
    staff["note"] = (
        "Level IV (fully competent) read as staff, Level III (experienced) as senior: the engine "
        "uses only their ratio, times its own senior pay."
    )
    return [senior, staff]


def main() -> int:
    status = 0
    if SHARED.exists():
        status = write_or_check(EXTRACT, lambda: extract(SHARED.read_text(encoding="utf-8")))
    facts = derive(EXTRACT.read_text(encoding="utf-8"))
    return max(status, write_or_check(OUTPUT, lambda: to_toml(facts, SCRIPT, EXTRACT.name)))


if __name__ == "__main__":
    sys.exit(main())

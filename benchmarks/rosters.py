"""The rosters the batch benchmark builds, and the equivalence tests read (seeded: every run
builds the same ones). See benchmarks/batch.py for what each stands for:

  typical  whole years and a handful of cities, companies and industries, as short lists do;
  varied   a company's whole roster: every column, every company and city the tool lists,
           names spelled as people do, 1% of rows with a typo, lists of skills.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

CITIES = ["SF", "NYC", "Seattle", "Boston", "Austin", "London", "", ""]


COMPANIES = ["google", "amazon", "meta", "apple", "microsoft", "nvidia", "ibm", "", "", ""]


INDUSTRIES = ["finance", "healthcare", "tech", "", ""]


def build_typical(path: Path, rows: int) -> None:
    chosen = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "years", "city", "company", "industry"])
        for index in range(rows):
            writer.writerow(
                [
                    index,
                    chosen.randint(0, 25),
                    chosen.choice(CITIES),
                    chosen.choice(COMPANIES),
                    chosen.choice(INDUSTRIES),
                ]
            )


VARIED_COLUMNS = [
    "employee_id",
    "team",
    "years",
    "level",
    "role",
    "city",
    "industry",
    "education",
    "company",
    "company_size",
    "skills",
    "certifications",
]


class Roster:
    """Values to draw a roster from: every value the tool lists, each spelled every way the
    data knows it, drawn with a long tail (the value ranked r is drawn in proportion to
    1 / r), and 200 misspellings to put in 1% of rows, as real typos repeat."""

    def __init__(self, chosen: random.Random) -> None:
        from mlsal.api import catalog
        from mlsal.dimensions import BY_FIELD

        data = catalog()
        self.chosen = chosen
        self.names: dict[str, list[list[str]]] = {}
        self.weights: dict[str, list[float]] = {}
        for column in VARIED_COLUMNS:
            dimension = BY_FIELD[column].dimension if column in BY_FIELD else None
            if dimension is None:
                continue
            values = [[v.label, v.key, *v.aliases] for v in data.values[dimension]]
            chosen.shuffle(values)
            self.names[dimension] = values
            self.weights[dimension] = [1 / rank for rank in range(1, len(values) + 1)]
        self.typos = {
            dimension: [
                self.misspell(chosen.choice(self.names[dimension][:50])[0]) for _ in range(100)
            ]
            for dimension in ("city", "company")
        }

    def misspell(self, name: str) -> str:
        at = self.chosen.randrange(len(name))
        letter = self.chosen.choice("aeiourstn")
        return name[:at] + letter + name[at + 1 :] if len(name) > 3 else name + letter

    def name(self, dimension: str, share: float = 1.0) -> str:
        """A value's name as someone typed it, or '' (not given) for 1 - share of rows."""
        if self.chosen.random() > share:
            return ""
        names = self.chosen.choices(self.names[dimension], self.weights[dimension])[0]
        spelled = self.chosen.choice(names)
        return spelled.upper() if self.chosen.random() < 0.05 else spelled

    def row(self, index: int) -> list[object]:
        chosen = self.chosen
        years: object = chosen.randint(0, 30) + (0.5 if chosen.random() < 0.1 else 0)
        cells = [
            index,
            chosen.choice(["search", "ads", "infra", "research", "platform"]),
            years,
            self.name("level", 0.33),
            self.name("role", 0.5),
            self.name("city", 0.9),
            self.name("industry", 0.4),
            self.name("education", 0.5),
            self.name("company", 0.9),
            self.name("company_size", 0.2),
            ";".join(filter(None, (self.name("skill", 0.3), self.name("skill", 0.1)))),
            self.name("certification", 0.1),
        ]
        if chosen.random() < 0.01:  # a typo in the city or the company
            column, dimension = chosen.choice([(5, "city"), (8, "company")])
            cells[column] = chosen.choice(self.typos[dimension])
        return cells


def build_varied(path: Path, rows: int) -> None:
    roster = Roster(random.Random(11))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(VARIED_COLUMNS)
        for index in range(rows):
            writer.writerow(roster.row(index))


BUILDERS = {"typical": build_typical, "varied": build_varied}

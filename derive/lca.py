"""Derive employer pay from Labor Condition Applications, like for like (data/facts/lca.toml).

Inputs:
  ../shared/data/h1b_lca_fy2024_quarter.csv  (only to refresh the shipped extract)
  data/documents/h1b_lca_fy2024_software_data_ml.csv  the extract: the header and every record
      of the occupation group below, unchanged
  data/companies.toml  the employers users name, with their aliases and names as filed

Outputs:
  data/facts/lca.toml     per employer: the pay of its records, and what other employers pay
                          for the same work in the same places (its reference)
  data/employers.toml     every employer with MIN_RECORDS records: the companies of
                          companies.toml gain the names they file LCAs under, and the others
                          become companies of their own

Rules (docs/methodology.md, "Employers: LCA records"):
- The occupation group: records whose job title names ML or AI work (ML_TITLE), whatever their
  SOC code, and records of Software Developers (15-1252), Data Scientists (15-2051) and
  Computer and Information Research Scientists (15-1221). Each record is in one subgroup: ML
  titles first, then its SOC code.
- The level is read from the title (LEVEL_WORDS): principal, staff, senior, mid, entry, or
  unstated (most titles: "Software Engineer"). Employers' ladders differ ("Engineer III" is
  senior at some and mid at others), so a title's level is a reading, not a fact.
- Employer names are folded (case, punctuation, legal forms such as LLC or Inc., a trailing
  "U.S." or "America"): "Amazon.com Services LLC" is "amazon com services", which
  companies.toml files under Amazon. An employer that matches no company, with MIN_RECORDS
  records in the group, becomes a company of its own.
- Like for like: for each of an employer's records, the market is the median wage of every
  other employer's records of the same subgroup and level in the same worksite state (the
  nation, where the state has fewer than MIN_MARKET such records). The employer's figure is the
  geometric mean of its wages, its reference the geometric mean of those markets: their ratio is
  how much more it pays than others for the same work in the same places. The same, per level,
  for each level with MIN_LEVEL_RECORDS records of the employer.
"""

from __future__ import annotations

import csv
import math
import re
import sys
import tomllib
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from common import DOCUMENTS, FACTS, ROOT, limits, to_toml, write_or_check

SHARED = ROOT.parent / "shared" / "data" / "h1b_lca_fy2024_quarter.csv"
EXTRACT = DOCUMENTS / "h1b_lca_fy2024_software_data_ml.csv"
COMPANIES = ROOT / "data" / "companies.toml"
EMPLOYERS = ROOT / "data" / "employers.toml"
OUTPUT = FACTS / "lca.toml"
SCRIPT = "derive/lca.py"
SOURCE = "lca-2024"
MIN_RECORDS = limits()["min_employer_records"]  # an employer with fewer gives no figure
# A level of an employer with fewer records: its all-levels figure serves.
MIN_LEVEL_RECORDS = limits()["min_records"]
MIN_MARKET = limits()["min_records"]  # a state market with fewer records falls back to the nation's

ML_TITLE = re.compile(
    r"machine learning|\bml\b|\bai\b|artificial intelligence|deep learning|computer vision"
    r"|\bnlp\b|natural language|applied scien|data scien|research scien|mlops",
    re.IGNORECASE,
)
OCCUPATIONS = {"15-1252": "software", "15-2051": "data science", "15-1221": "research"}
LEVEL_WORDS = (  # the first that matches wins: "Senior Staff Engineer" is staff
    ("principal", r"\b(principal|distinguished|fellow)\b"),
    ("staff", r"\bstaff\b"),
    ("senior", r"\b(senior|sr)\b|\b(iii|3)$"),
    ("mid", r"\b(ii|2)$"),
    ("entry", r"\b(junior|jr|entry|graduate|new grad)\b|\b(i|1)$"),
)
LEGAL_FORMS = {
    "llc", "inc", "incorporated", "corp", "corporation", "ltd", "llp", "lp", "co", "company",
    "limited", "pbc", "plc", "pllc", "l", "p", "the", "na", "n", "a", "association",
    "national",
}  # fmt: skip
PLACE_WORDS = {"us", "u", "s", "usa", "america", "americas", "united", "states"}


def subgroup(title: str, soc: str) -> str | None:
    if ML_TITLE.search(title):
        return "ML-titled"
    return OCCUPATIONS.get(soc)


def level_of_title(title: str) -> str:
    """'Senior Machine Learning Engineer' -> 'senior'; 'Software Engineer' -> 'unstated'."""
    plain = " ".join(re.sub(r"[^a-z0-9 ]", " ", title.casefold()).split())
    for level, pattern in LEVEL_WORDS:
        if re.search(pattern, plain):
            return level
    return "unstated"


def folded_employer(name: str) -> str:
    """'Amazon.com Services LLC' -> 'amazon com services'; 'Capgemini America, Inc.' ->
    'capgemini'; 'JPMorgan Chase & Co.' -> 'jpmorgan chase'."""
    words = re.sub(r"[^a-z0-9&]+", " ", name.casefold()).split()
    while words and words[-1] in LEGAL_FORMS | PLACE_WORDS | {"&"}:
        if words[-1] in PLACE_WORDS and words[-2:-1] == ["of"]:
            break  # 'Bank of America' keeps its America
        words.pop()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def extract(text: str) -> str:
    lines = text.splitlines(keepends=True)
    kept = [
        line
        for line in lines[1:]
        if subgroup((cells := next(csv.reader([line])))[1], cells[2]) is not None
    ]
    return lines[0] + "".join(kept)


@dataclass(frozen=True)
class Record:
    employer: str  # as filed
    folded: str
    cell: tuple[str, str]  # (subgroup, level)
    state: str
    wage: float


def read_records(text: str) -> list[Record]:
    records = []
    for row in csv.DictReader(text.splitlines()):
        group = subgroup(row["JOB_TITLE"], row["SOC_CODE"])
        if group is None:
            continue
        records.append(
            Record(
                row["EMPLOYER_NAME"].strip(),
                folded_employer(row["EMPLOYER_NAME"]),
                (group, level_of_title(row["JOB_TITLE"])),
                row["WORKSITE_STATE"],
                float(row["ANNUAL_WAGE"]),
            )
        )
    return records


def median_without(values: list[float], removed: list[float]) -> float | None:
    """The median of sorted `values` once the sorted `removed` (a part of them) are taken out."""
    remaining = len(values) - len(removed)
    if remaining <= 0:
        return None

    def nth(rank: int) -> float:  # the rank-th smallest (0-based) of what remains
        low, high = 0, len(values) - 1
        while low < high:
            middle = (low + high) // 2
            value = values[middle]
            if bisect_right(values, value) - bisect_right(removed, value) >= rank + 1:
                high = middle
            else:
                low = middle + 1
        return values[low]

    if remaining % 2:
        return nth(remaining // 2)
    return (nth(remaining // 2 - 1) + nth(remaining // 2)) / 2


class Market:
    """Median wages of a subgroup and level, by worksite state and nationally."""

    def __init__(self, records: list[Record]) -> None:
        self.by_state: dict[tuple[tuple[str, str], str], list[float]] = defaultdict(list)
        self.nation: dict[tuple[str, str], list[float]] = defaultdict(list)
        for record in records:
            self.by_state[record.cell, record.state].append(record.wage)
            self.nation[record.cell].append(record.wage)
        for values in (*self.by_state.values(), *self.nation.values()):
            values.sort()

    def for_employer(self, own: list[Record]) -> tuple[list[float], int, int]:
        """For each of the employer's records, what the others pay for the same cell and
        state; how many of those fell back to the nation; how many records of others."""
        own_by_state: dict[Any, list[float]] = defaultdict(list)
        own_by_cell: dict[Any, list[float]] = defaultdict(list)
        for record in own:
            own_by_state[record.cell, record.state].append(record.wage)
            own_by_cell[record.cell].append(record.wage)
        for values in (*own_by_state.values(), *own_by_cell.values()):
            values.sort()
        median_of: dict[Any, float] = {}
        markets_used: dict[Any, int] = {}  # market -> how many records of others it holds
        for (cell, state), removed in own_by_state.items():
            values = self.by_state[cell, state]
            if len(values) - len(removed) >= MIN_MARKET:
                median_of[cell, state] = median_without(values, removed) or 0.0
                markets_used[cell, state] = len(values) - len(removed)
            else:
                median_of[cell, state] = median_without(self.nation[cell], own_by_cell[cell]) or 0.0
                markets_used[cell] = len(self.nation[cell]) - len(own_by_cell[cell])
        markets = [median_of[record.cell, record.state] for record in own]
        national = sum(1 for record in own if (record.cell, record.state) not in markets_used)
        return markets, national, sum(markets_used.values())


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def companies_by_name(companies_text: str) -> dict[str, str]:
    """Folded name -> company key, for every name a company of companies.toml answers to
    (aliases of fewer than four letters, such as 'ms' or 'gs', are too short to match by)."""
    found: dict[str, str] = {}
    for company in tomllib.loads(companies_text)["companies"]:
        aliases = [a for a in company.get("aliases", []) if len(a) >= PREFIX_LETTERS]
        names = [company["key"].replace("-", " "), company["label"], *aliases]
        for name in [*names, *company.get("filed_as", [])]:
            found.setdefault(folded_employer(name), company["key"])
    return found


PREFIX_LETTERS = 4
# Employers whose names begin like a company's but are other firms.
NOT_THE_COMPANY = {"meta hub it solutions", "tata technologies", "tata elxsi"}


def company_of(folded: str, known: dict[str, str]) -> str | None:
    """The company a folded employer name is, by the whole name or by the longest company name
    its words begin with ('cisco systems' is Cisco, 'amazon advertising' Amazon)."""
    if folded in known:
        return known[folded]
    if folded in NOT_THE_COMPANY:
        return None
    compact = {name.replace(" ", "").replace("&", ""): key for name, key in known.items()}
    squeezed = folded.replace(" ", "").replace("&", "")  # 'v soft' is 'vsoft', 'l&t' 'lt'
    if squeezed in compact:
        return compact[squeezed]
    words = folded.split()
    for size in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:size])
        if len(prefix) >= PREFIX_LETTERS and prefix in known:
            return known[prefix]
    return None


def slug(text: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def label_of(names: Counter[str]) -> str:
    """The name filed most often, without its legal form: 'Fidelity Technology Group'."""
    name = sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]
    words = name.replace(",", " ").split()
    while words and words[-1].casefold().strip(".") in LEGAL_FORMS | PLACE_WORDS:
        words.pop()
    return " ".join(words) or name


def derive(text: str, companies_text: str) -> tuple[list[dict[str, Any]], str]:
    records = read_records(text)
    header = text.splitlines()[0]
    known = companies_by_name(companies_text)
    labels = {c["key"]: c["label"] for c in tomllib.loads(companies_text)["companies"]}
    by_folded: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_folded[record.folded].append(record)
    # Employers to companies: a known company, else one of its own when it has enough records.
    by_company: dict[str, list[Record]] = defaultdict(list)
    for folded, own in by_folded.items():
        key = company_of(folded, known)
        if key is None and len(own) >= MIN_RECORDS:
            key = slug(folded)
            if key in labels:  # a company's key, though none of its names matched
                raise ValueError(f"{folded!r} is not a name of company '{key}': add it there")
        if key is not None:
            by_company[key].extend(own)
    market = Market(records)
    facts: list[dict[str, Any]] = []
    employers: list[dict[str, Any]] = []
    for key in sorted(by_company):
        own = by_company[key]
        names = Counter(r.employer for r in own)
        label = labels.get(key) or label_of(names)
        if len(own) < MIN_RECORDS:
            continue
        employers.append({"key": key, "label": label, "filed_as": sorted(names)})
        facts += company_facts(key, label, own, None, market, header)
        levels = Counter(r.cell[1] for r in own)
        for level in ("entry", "mid", "senior", "staff", "principal"):
            if levels[level] >= MIN_LEVEL_RECORDS:
                at_level = [r for r in own if r.cell[1] == level]
                facts += company_facts(key, label, at_level, level, market, header)
    return facts, render_employers(employers, labels)


def company_facts(
    key: str, label: str, own: list[Record], level: str | None, market: Market, header: str
) -> list[dict[str, Any]]:
    markets, national, others = market.for_employer(own)
    ident = f"lca.{key}" + (f".{level}" if level else "")
    groups = Counter(r.cell[0] for r in own)
    spread = ", ".join(f"{group} {count}" for group, count in sorted(groups.items()))
    selection = {
        "employer": f"{label} ({plural(len(Counter(r.employer for r in own)), 'name')} as filed)",
        "occupation": spread,
        "level": level or "all, each against its own level",
    }
    figure = {
        "id": ident,
        "source": SOURCE,
        "dimension": "company",
        "value": key,
        **({"level": level} if level else {}),
        "figure": "average",
        "amount": round(geometric_mean([r.wage for r in own])),
        "n": len(own),
        "basis": "base",
        "year": 2024,
        "reference": f"{ident}.market",
        "place_adjusted": True,
        "filter": selection,
        "quote": header,
        "derivation": (
            f"The geometric mean of ANNUAL_WAGE over the employer's {len(own)} records in the "
            "occupation group (ML-titled, or SOC 15-1252, 15-2051, 15-1221)"
            + (f" whose title reads {level}." if level else ".")
        ),
    }
    reference = {
        "id": f"{ident}.market",
        "source": SOURCE,
        "dimension": "reference",
        "figure": "average",
        "amount": round(geometric_mean(markets)),
        "n": others,
        "basis": "base",
        "year": 2024,
        "filter": {**selection, "employer": f"every employer but {label}"},
        "quote": header,
        "note": (
            "What other employers pay for the same occupation group and title level in the "
            "same worksite states."
        ),
        "derivation": (
            f"For each of {label}'s {len(own)} records, the median ANNUAL_WAGE of the other "
            "employers' records of the same subgroup and title level in the same worksite "
            f"state ({national} of them in the nation instead, where the state has fewer than "
            f"{MIN_MARKET}); the geometric mean of those medians. {others} records of others "
            "are behind it."
        ),
    }
    return [figure, reference]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_employers(employers: list[dict[str, Any]], labels: dict[str, str]) -> str:
    lines = [
        f"# Derived by {SCRIPT} from {EXTRACT.name} and companies.toml; do not edit by hand:",
        f"# run `python {SCRIPT}` instead. tests/data/test_derive.py re-derives and compares.",
        f"# Every employer with {MIN_RECORDS} LCA records in the occupation group. A company also",
        "# in companies.toml (same key) keeps its label and aliases there; the names it files",
        "# under here are added to its own.",
        "",
    ]
    for employer in employers:
        lines.append("[[companies]]")
        lines.append(f"key = {tomllib_string(employer['key'])}")
        lines.append(f"label = {tomllib_string(employer['label'])}")
        names = ", ".join(tomllib_string(n) for n in employer["filed_as"])
        lines.append(f"filed_as = [{names}]")
        lines.append("")
    return "\n".join(lines)


def tomllib_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def main() -> int:
    status = 0
    if SHARED.exists():
        status = write_or_check(EXTRACT, lambda: extract(SHARED.read_text(encoding="utf-8")))
    facts, employers = derive(
        EXTRACT.read_text(encoding="utf-8"), COMPANIES.read_text(encoding="utf-8")
    )
    status = max(status, write_or_check(OUTPUT, lambda: to_toml(facts, SCRIPT, EXTRACT.name)))
    return max(status, write_or_check(EMPLOYERS, lambda: employers))


if __name__ == "__main__":
    sys.exit(main())

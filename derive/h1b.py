"""Derive the company facts of the H-1B source (data/facts/h1b.toml).

Input: data/documents/h1b_top_sponsors_2025.csv, a verbatim copy of
../shared/data/h1b_top_sponsors_2025.csv (MyVisaJobs' 2025 top-200 H-1B sponsors), and the
employer names each company was filed under (`filed_as` in data/companies.toml).

Output: one fact per row of the file (the employer's average offered wage, with n = its
number of LCAs, quoting the row as it stands in the file), and the reference all of them are
measured against: the filing-weighted average wage of all 200 rows (`h1b.all`). A row whose
average is below the median wage of US software developers (BLS OEWS May 2024) is flagged.

    python derive/h1b.py           # write data/facts/h1b.toml
    python derive/h1b.py --check   # exit 1 if data/facts/h1b.toml is not what the file gives
"""

from __future__ import annotations

import csv
import sys
import tomllib
from typing import Any

from common import DOCUMENTS, FACTS, ROOT, to_toml, write_or_check

RAW = DOCUMENTS / "h1b_top_sponsors_2025.csv"
COMPANIES = ROOT / "data" / "companies.toml"
OUTPUT = FACTS / "h1b.toml"
SOURCE = "h1b-2025"
HEADER = "Rank,Employer,Number of LCA,Average Salary"
BLS = DOCUMENTS / "bls_oews_2024_national.csv"
# An employer whose filings average below what half of US software developers earn files
# mostly for other (or junior) work: its figure is flagged, not hidden.
THRESHOLD_OCCUPATION, THRESHOLD_STATISTIC = "15-1252", "median"
FLAG = (
    "its H-1B filings average {average}, below the median wage of US software developers "
    "({threshold}, BLS OEWS May 2024): many of its filings are likely for work other than ML "
    "engineering (IT services, consulting, teaching, research posts), so its figure says little "
    "about ML engineers' pay there"
)


def flag_threshold(bls_text: str) -> int:
    for row in csv.DictReader(bls_text.splitlines()):
        if (row["soc"], row["statistic"]) == (THRESHOLD_OCCUPATION, THRESHOLD_STATISTIC):
            return int(row["annual_wage_usd"])
    raise ValueError("the BLS file has no software developers' median")


def company_of_filed_name(companies_text: str) -> dict[str, str]:
    companies = tomllib.loads(companies_text)["companies"]
    return {name: company["key"] for company in companies for name in company.get("filed_as", [])}


def derive(raw_text: str, companies_text: str, bls_text: str) -> list[dict[str, Any]]:
    lines = raw_text.splitlines()
    if lines[0] != HEADER:
        raise ValueError(f"unexpected header {lines[0]!r}")
    keys = company_of_filed_name(companies_text)
    threshold = flag_threshold(bls_text)
    rows = []
    for line in lines[1:]:
        rank, employer, filings, average = next(csv.reader([line]))
        wage = float(average)
        if not wage.is_integer():
            raise ValueError(f"row {rank}: average {average} is not whole dollars")
        if employer not in keys:
            raise ValueError(f"row {rank}: employer {employer!r} is in no company's filed_as")
        rows.append((line, rank, employer, int(filings), int(wage)))
    total = sum(filings for _, _, _, filings, _ in rows)
    weighted = sum(filings * wage for _, _, _, filings, wage in rows) / total
    facts: list[dict[str, Any]] = [
        {
            "id": "h1b.all",
            "source": SOURCE,
            "dimension": "reference",
            "figure": "average",
            "amount": round(weighted),
            "n": total,
            "quote": HEADER,
            "derivation": (
                f"Filing-weighted mean of the {len(rows)} rows' Average Salary (weights: Number "
                f"of LCA), {weighted:.2f}, to the dollar. Not a figure about ML engineers: the "
                "reference every employer's average is divided by."
            ),
        }
    ]
    for line, rank, employer, filings, wage in rows:
        fact: dict[str, Any] = {
            "id": f"h1b.rank-{int(rank):03d}",
            "source": SOURCE,
            "dimension": "company",
            "value": keys[employer],
            "figure": "average",
            "amount": wage,
            "n": filings,
            "basis": "base",
            "reference": "h1b.all",
            "quote": line,
        }
        if wage < threshold:
            fact["flag"] = FLAG.format(average=f"${wage:,}", threshold=f"${threshold:,}")
        facts.append(fact)
    return facts


def render() -> str:
    facts = derive(
        RAW.read_text(encoding="utf-8"),
        COMPANIES.read_text(encoding="utf-8"),
        BLS.read_text(encoding="utf-8"),
    )
    return to_toml(facts, "derive/h1b.py", "data/documents/h1b_top_sponsors_2025.csv")


def main() -> int:
    return write_or_check(OUTPUT, render)


if __name__ == "__main__":
    sys.exit(main())

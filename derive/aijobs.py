"""Derive the record-based facts of the aijobs.net salaries (data/facts/aijobs.toml).

Input: data/documents/aijobs_salaries_2020-2025.csv (a verbatim copy of
../shared/data/aijobs_salaries_2020-2025.csv) and data/documents/cpi_u_annual.csv.

Method (docs/methodology.md, "Records"):
- Full-time records only (employment_type FT); the country is company_location.
- Job titles map to mlsal's roles by the table ROLE_TITLES below; other titles are left out.
- Experience levels EN, MI, SE map to entry, mid, senior. EX (executive-level / director) are
  the only records above senior: aijobs.net does not tell staff from principal, so the one EX
  cell is written for both (the engine keeps levels in order and adds the OFLC ladder's step).
- Each salary (salary_in_usd) is first brought to dollars of LATEST_YEAR by CPI-U, then the
  records of 2020 to 2024 are pooled (2024 holds 4,220 of the US ML engineers; older years
  add the few executive and entry records they have). 2025 holds January only and is left out.
- Each cell gives its count n and its 10th, 25th, 50th, 75th and 90th percentiles
  (statistics.quantiles, method 'inclusive', rounded to the dollar). A cell with fewer than
  MIN_RECORDS records is not written, so it is never used.

Cells:
- level:        ML engineers, US, by level (the baseline of each level)
- overall:      ML engineers, US, all levels (the baseline without a level; the reference of
                the role and company-size cells)
- role:         each other role, US, all levels
- company_size: ML engineers, US, all levels, by company size (S, M, L)
- country:      the five roles pooled, by company country, from the records paid in the
                country's own currency (Babel's territory currencies): a record abroad priced
                in US dollars is most likely a US employer's posting (92 % of Canada's are),
                so it is left out and counted in the fact's note; every country with
                MIN_RECORDS such records, all levels, relative to the same pool in the US
                (`aijobs.roles.US`); and each level with MIN_RECORDS, relative to the US pool
                at that level (`aijobs.roles.US.<level>`)
- work_mode:    by remote_ratio (100 remote, 50 hybrid, 0 on site): in the US, ML engineers
                by level (and all levels) against the level's cell; abroad, the country's
                own-currency pool against its country cell
- currency:     the conversion rate the records of each year imply (salary / salary_in_usd),
                per currency; every record of a currency and year states the same rate to
                four decimals, and the fact quotes one of them

    python derive/aijobs.py           # write data/facts/aijobs.toml
    python derive/aijobs.py --check   # exit 1 if it differs from what the records give
"""

from __future__ import annotations

import csv
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from common import DOCUMENTS, FACTS, ROOT, limits, to_toml, write_or_check

sys.path.insert(0, str(ROOT))
from mlsal.amounts import own_currencies  # noqa: E402  (CLDR's, as mlsal reads offers)

RAW = DOCUMENTS / "aijobs_salaries_2020-2025.csv"
CPI = DOCUMENTS / "cpi_u_annual.csv"
OUTPUT = FACTS / "aijobs.toml"
SOURCE = "aijobs"
MIN_RECORDS = limits()["min_records"]  # a cell with fewer records is not written
LATEST_YEAR = 2024
YEARS = (2020, 2021, 2022, 2023, 2024)

ROLE_TITLES = {
    "ml-engineer": (
        "Machine Learning Engineer",
        "ML Engineer",
        "Machine Learning Software Engineer",
        "Machine Learning Infrastructure Engineer",
        "Machine Learning Developer",
        "MLOps Engineer",
        "Deep Learning Engineer",
        "Computer Vision Engineer",
        "NLP Engineer",
        "Applied Machine Learning Engineer",
    ),
    "data-scientist": ("Data Scientist", "Applied Data Scientist"),
    "research-scientist": (
        "Research Scientist",
        "Applied Scientist",
        "Machine Learning Scientist",
        "Applied Machine Learning Scientist",
        "Machine Learning Researcher",
        "AI Scientist",
    ),
    "ai-engineer": ("AI Engineer", "AI Developer", "AI Programmer"),
    "data-engineer": ("Data Engineer", "Big Data Engineer"),
}
LEVELS = {"EN": ("entry",), "MI": ("mid",), "SE": ("senior",), "EX": ("staff", "principal")}
EX_NOTE = (
    "aijobs.net's EX (executive-level / director) records are the only records above senior; "
    "they do not tell staff from principal, so this one cell stands for both."
)
SIZES = {"S": "startup", "M": "mid-size", "L": "large"}


def each_level() -> Iterator[tuple[str, str, dict[str, str]]]:
    """(aijobs.net's code, mlsal's level, what its cell notes) for every level: the one EX
    cell is written for staff and for principal, and says so."""
    for code, levels in LEVELS.items():
        for level in levels:
            yield code, level, ({"note": EX_NOTE} if code == "EX" else {})


@dataclass(frozen=True)
class Record:
    year: int
    level: str  # EN, MI, SE, EX
    role: str  # an mlsal role key
    country: str
    size: str  # S, M, L
    salary: float  # in dollars of LATEST_YEAR
    currency: str  # the currency the salary was stated in (salary_currency)
    remote: str  # remote_ratio: 0 (on site), 50 (hybrid), 100 (remote)


def cpi_by_year(text: str) -> dict[int, float]:
    return {int(row["year"]): float(row["cpi_u"]) for row in csv.DictReader(text.splitlines())}


def read_records(text: str, cpi: dict[int, float]) -> list[Record]:
    role_of_title = {title: role for role, titles in ROLE_TITLES.items() for title in titles}
    records = []
    for row in csv.DictReader(text.splitlines()):
        role = role_of_title.get(row["job_title"])
        if role is None or row["employment_type"] != "FT":
            continue
        year = int(row["work_year"])
        aged = int(row["salary_in_usd"]) * cpi[LATEST_YEAR] / cpi[year]
        records.append(
            Record(
                year,
                row["experience_level"],
                role,
                row["company_location"],
                row["company_size"],
                aged,
                row["salary_currency"],
                row["remote_ratio"],
            )
        )
    return records


def percentiles(salaries: list[float]) -> dict[str, int]:
    cuts = statistics.quantiles(salaries, n=20, method="inclusive")
    return {
        "p10": round(cuts[1]),
        "p25": round(cuts[4]),
        "p50": round(cuts[9]),
        "p75": round(cuts[14]),
        "p90": round(cuts[17]),
    }


def header(text: str) -> str:
    return text.splitlines()[0]


def cell(
    fact_id: str,
    records: Iterable[Record],
    keep: Callable[[Record], bool],
    described: dict[str, str],
    quote: str,
    **fields: Any,
) -> dict[str, Any] | None:
    salaries = sorted(r.salary for r in records if keep(r))
    if len(salaries) < MIN_RECORDS:
        return None
    years = sorted({r.year for r in records if keep(r)})
    return {
        "id": fact_id,
        "source": SOURCE,
        **fields,
        "figure": "percentiles",
        **percentiles(salaries),
        "n": len(salaries),
        "basis": "gross",
        "year": LATEST_YEAR,
        "filter": {**described, "employment_type": "FT", "work_year": f"{years[0]}-{years[-1]}"},
        "quote": quote,
        "derivation": (
            f"Percentiles of the salary_in_usd of the {len(salaries)} records matching the "
            f"filter, each first brought to {LATEST_YEAR} dollars by CPI-U."
        ),
    }


OVERALL_ID = "aijobs.ml-engineer.US"
US_ROLES_ID = "aijobs.roles.US"


def derive(raw_text: str, cpi_text: str, years: tuple[int, ...] = YEARS) -> list[dict[str, Any]]:
    records = [r for r in read_records(raw_text, cpi_by_year(cpi_text)) if r.year in years]
    quote = header(raw_text)
    mle_us = [r for r in records if r.role == "ml-engineer" and r.country == "US"]
    candidates = [
        *reference_cells(records, mle_us, quote),
        *level_cells(mle_us, quote),
        *role_cells(records, quote),
        *size_cells(mle_us, quote),
        *country_cells(records, quote),
        *work_cells(records, mle_us, quote),
    ]
    facts = [c for c in candidates if c is not None]
    kept = {f["id"] for f in facts}
    for fact in facts:  # a cell whose reference is too thin cannot be a factor either
        if fact.get("reference") not in (None, *kept):
            raise ValueError(f"{fact['id']}: its reference {fact['reference']} is too thin")
    return facts


Cells = list[dict[str, Any] | None]


def reference_cells(records: list[Record], mle_us: list[Record], quote: str) -> Cells:
    """US ML engineers (the overall figure), and all five roles in the US (what countries are
    measured against)."""
    return [
        cell(
            OVERALL_ID,
            mle_us,
            lambda r: True,
            {"role": "ml-engineer", "company_location": "US"},
            quote,
            dimension="overall",
        ),
        cell(
            US_ROLES_ID,
            records,
            lambda r: r.country == "US",
            {"role": "all five roles", "company_location": "US"},
            quote,
            dimension="reference",
        ),
        *(
            cell(
                f"{US_ROLES_ID}.{level}",
                records,
                lambda r, c=code: r.country == "US" and r.level == c,
                {"role": "all five roles", "company_location": "US", "experience_level": code},
                quote,
                dimension="reference",
            )
            for code, level, _ in each_level()
        ),
    ]


def level_cells(mle_us: list[Record], quote: str) -> Cells:
    cells: Cells = []
    for code, level, more in each_level():
        cells.append(
            cell(
                f"aijobs.ml-engineer.US.{level}",
                mle_us,
                lambda r, c=code: r.level == c,
                {"role": "ml-engineer", "company_location": "US", "experience_level": code},
                quote,
                dimension="level",
                value=level,
                **more,
            )
        )
    return cells


def role_cells(records: list[Record], quote: str) -> Cells:
    return [
        cell(
            f"aijobs.{role}.US",
            records,
            lambda r, role=role: r.role == role and r.country == "US",
            {"role": role, "company_location": "US"},
            quote,
            dimension="role",
            value=role,
            reference=OVERALL_ID,
        )
        for role in ROLE_TITLES
        if role != "ml-engineer"
    ]


def size_cells(mle_us: list[Record], quote: str) -> Cells:
    return [
        cell(
            f"aijobs.ml-engineer.US.size-{code}",
            mle_us,
            lambda r, c=code: r.size == c,
            {"role": "ml-engineer", "company_location": "US", "company_size": code},
            quote,
            dimension="company_size",
            value=size,
            reference=OVERALL_ID,
        )
        for code, size in SIZES.items()
    ]


def in_own_currency(record: Record) -> bool:
    """Whether a record is paid in its company country's own currency."""
    return record.currency in own_currencies(record.country)


def country_cells(records: list[Record], quote: str) -> Cells:
    abroad = [r for r in records if r.country != "US"]
    own = Counter(r.country for r in abroad if in_own_currency(r))
    dollars = Counter(r.country for r in abroad if r.currency == "USD")
    cells: Cells = []
    for country in sorted(c for c, n in own.items() if n >= MIN_RECORDS):
        currency = "/".join(own_currencies(country))
        left_out = (
            f"{dollars[country]} records of {country} priced in US dollars are left out: most "
            "likely US employers' postings, they are not pay in the country's own market."
            if dollars[country]
            else None
        )
        cells.append(
            cell(
                f"aijobs.roles.{country}",
                records,
                lambda r, c=country: r.country == c and in_own_currency(r),
                {
                    "role": "all five roles",
                    "company_location": country,
                    "salary_currency": currency_said(
                        records, currency, lambda r, c=country: r.country == c
                    ),
                },
                quote,
                dimension="country",
                value=country,
                reference=US_ROLES_ID,
                **({"note": left_out} if left_out else {}),
            )
        )
        cells.extend(country_level_cells(records, country, currency, quote))
    return cells


def currency_said(records: list[Record], currency: str, keep: Callable[[Record], bool]) -> str:
    """The currency a cell's records are paid in, and how many of its country's records
    priced in US dollars it leaves out ('CAD, not the 872 records in USD'): the selection says
    it wherever the figure is shown."""
    dollars = sum(1 for r in records if r.currency == "USD" and keep(r))
    return f"{currency}, not the {dollars} records in USD" if dollars else currency


def country_level_cells(records: list[Record], country: str, currency: str, quote: str) -> Cells:
    """The country's own-currency records at one level, against the US records of the five
    roles at that level: a country's ladder need not be the US one's (its seniors may earn
    less of US pay than its juniors), and its mix of levels is its own."""
    cells: Cells = []
    for code, level, more in each_level():
        cells.append(
            cell(
                f"aijobs.roles.{country}.{level}",
                records,
                lambda r, c=code: r.country == country and in_own_currency(r) and r.level == c,
                {
                    "role": "all five roles",
                    "company_location": country,
                    "salary_currency": currency_said(
                        records,
                        currency,
                        lambda r, c=code: r.country == country and r.level == c,
                    ),
                    "experience_level": code,
                },
                quote,
                dimension="country",
                value=country,
                level=level,
                reference=f"{US_ROLES_ID}.{level}",
                **more,
            )
        )
    return cells


WORK_MODES = {"100": "remote", "50": "hybrid", "0": "onsite"}


def work_cells(records: list[Record], mle_us: list[Record], quote: str) -> Cells:
    """Pay by work mode: in the US against the ML engineers of the same level (and of all
    levels); abroad against the country's own-currency pool (its country cell)."""
    cells: Cells = []
    for ratio, mode in WORK_MODES.items():
        cells.append(
            cell(
                f"aijobs.work.{mode}.US",
                mle_us,
                lambda r, m=ratio: r.remote == m,
                {"role": "ml-engineer", "company_location": "US", "remote_ratio": ratio},
                quote,
                dimension="work_mode",
                value=mode,
                reference=OVERALL_ID,
            )
        )
        for code, level, _ in each_level():
            cells.append(
                cell(
                    f"aijobs.work.{mode}.US.{level}",
                    mle_us,
                    lambda r, m=ratio, c=code: r.remote == m and r.level == c,
                    {
                        "role": "ml-engineer",
                        "company_location": "US",
                        "experience_level": code,
                        "remote_ratio": ratio,
                    },
                    quote,
                    dimension="work_mode",
                    value=mode,
                    level=level,
                    reference=f"aijobs.ml-engineer.US.{level}",
                )
            )
    abroad = [r for r in records if r.country != "US" and in_own_currency(r)]
    countries = Counter(r.country for r in abroad)
    for country in sorted(c for c, n in countries.items() if n >= MIN_RECORDS):
        for ratio, mode in WORK_MODES.items():
            cells.append(
                cell(
                    f"aijobs.work.{mode}.{country}",
                    abroad,
                    lambda r, m=ratio, c=country: r.country == c and r.remote == m,
                    {
                        "role": "all five roles",
                        "company_location": country,
                        "salary_currency": "/".join(own_currencies(country)),
                        "remote_ratio": ratio,
                    },
                    quote,
                    dimension="work_mode",
                    value=mode,
                    reference=f"aijobs.roles.{country}",
                )
            )
    return cells


def rate_facts(text: str, years: tuple[int, ...] = YEARS) -> list[dict[str, Any]]:
    """The conversion rate to US dollars that each year's records of a currency state."""
    lines = text.splitlines()
    header = next(csv.reader([lines[0]]))
    found: dict[tuple[str, int], list[tuple[float, str]]] = defaultdict(list)
    for line in lines[1:]:
        row = dict(zip(header, next(csv.reader([line])), strict=True))
        year, usd = int(row["work_year"]), int(row["salary_in_usd"])
        if row["salary_currency"] != "USD" and year in years and usd > 0:
            found[row["salary_currency"], year].append((int(row["salary"]) / usd, line))
    facts = []
    for (currency, year), pairs in sorted(found.items()):
        rates = sorted(rate for rate, _ in pairs)
        rate = round(statistics.median(rates), 4)
        quoted = min(pairs, key=lambda pair: abs(pair[0] - rate))[1]  # the first nearest
        facts.append(
            {
                "id": f"aijobs.rate.{currency}.{year}",
                "source": SOURCE,
                "dimension": "currency",
                "value": currency,
                "figure": "exchange_rate",
                "rate": rate,
                "n": len(rates),
                "year": year,
                "quote": quoted,
                "derivation": (
                    f"salary / salary_in_usd, the {currency} per US dollar the records state: "
                    f"the median over the {len(rates)} records of {year} in {currency} "
                    f"(from {rates[0]:.4f} to {rates[-1]:.4f}), to four decimals; the quote "
                    "is the first record nearest to it."
                ),
            }
        )
    return facts


def render() -> str:
    raw = RAW.read_text(encoding="utf-8")
    facts = derive(raw, CPI.read_text(encoding="utf-8")) + rate_facts(raw)
    return to_toml(facts, "derive/aijobs.py", f"{RAW.name} and {CPI.name}")


def main() -> int:
    return write_or_check(OUTPUT, render)


if __name__ == "__main__":
    sys.exit(main())

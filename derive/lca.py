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
import statistics
import sys
import tomllib
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from common import DOCUMENTS, FACTS, ROOT, limits, to_toml, toml_key, write_or_check

SHARED = ROOT.parent / "shared" / "data" / "h1b_lca_fy2024_quarter.csv"
EXTRACT = DOCUMENTS / "h1b_lca_fy2024_software_data_ml.csv"
COMPANIES = ROOT / "data" / "companies.toml"
EMPLOYERS = ROOT / "data" / "employers.toml"
LADDERS = ROOT / "data" / "ladders.toml"
IT_SERVICES = ROOT / "data" / "it_services.toml"
OEWS_FACTS = FACTS / "oews.toml"
OUTPUT = FACTS / "lca.toml"
BASE_OUTPUT = FACTS / "base.toml"
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
# The titles the base salary ladder is read from: ML work, or software engineering.
SOFTWARE_TITLE = re.compile(r"software|developer", re.IGNORECASE)
# A trailing numeral is a rung only after a word ("Engineer II"), never after a code: EY files
# "Operations Research Analysts - KBGFJG217928-3", whose 3 is a requisition's, not a level.
AFTER_A_WORD = r"(?:^|\s)[a-z]+ "
LEVEL_WORDS = (  # the first that matches wins: "Senior Staff Engineer" is staff
    ("principal", r"\b(principal|distinguished|fellow)\b"),
    ("staff", r"\bstaff\b"),
    ("senior", rf"\b(senior|sr)\b|{AFTER_A_WORD}(iii|3)$"),
    ("mid", rf"{AFTER_A_WORD}(ii|2)$"),
    ("entry", rf"\b(junior|jr|entry|graduate|new grad)\b|{AFTER_A_WORD}(i|1)$"),
)
LEVELS = ("entry", "mid", "senior", "staff", "principal")
LEGAL_FORMS = {
    "llc", "inc", "incorporated", "corp", "corporation", "ltd", "llp", "lp", "co", "company",
    "limited", "pbc", "plc", "pllc", "l", "p", "the", "na", "n", "a", "association",
    "national",
}  # fmt: skip
PLACE_WORDS = {"us", "u", "s", "usa", "america", "americas", "united", "states"}
# IT-services and staffing firms (data/it_services.toml): what a filed name says of the firm.
NAME_WORDS = re.compile(
    r"consult|staffing|infotech|solutions|technologies|technology group|systems|soft\b"
    r"|software group|digital|global services|technology services|it services|\blabs?\b",
    re.IGNORECASE,
)
SPREAD_STATES = 10  # a placement firm's filings: in at least this many worksite states
SPREAD_TOP_SHARE = 0.40  # and none of them holding more than this share
FLOOR_SHARE = 0.5  # an employer with more of its records at the prevailing wage: a lower bound
BACKFIT_ROUNDS = 25  # rounds of the employer / level / state fit (converged well before)


def subgroup(title: str, soc: str) -> str | None:
    """'ML-titled' for a title naming ML or AI work, else the record's SOC occupation
    ('15-1252'); None outside the computer and mathematical occupations (15-xxxx)."""
    if ML_TITLE.search(title):
        return "ML-titled"
    return soc[:7] if soc.startswith("15-") else None


def folded_title(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", title.casefold()).split())


def level_of_title(title: str, ladder: Sequence[tuple[re.Pattern[str], str]] = ()) -> str:
    """'Senior Machine Learning Engineer' -> 'senior'; 'Software Engineer' -> 'unstated'.
    An employer's own ladder (data/ladders.toml) is read first."""
    plain = folded_title(title)
    for pattern, level in ladder:
        if pattern.search(plain):
            return level
    for level, pattern in LEVEL_WORDS:
        if re.search(pattern, plain):
            return level
    return "unstated"


Ladders = dict[str, list[tuple[re.Pattern[str], str]]]  # company -> its title rules, in order


def rung_names(text: str) -> dict[str, dict[str, tuple[str, str]]]:
    """data/ladders.toml: company -> {name people type: (level, a title filed with it)}."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for entry in tomllib.loads(text)["ladders"]:
        for rule in entry["rules"]:
            for name in rule.get("names", []):
                found.setdefault(entry["company"], {})[name] = (rule["level"], rule["title"])
    return found


def unfiled_rungs(records: list[Record], ladders_text: str) -> list[str]:
    """Rung names of data/ladders.toml whose quoted title their employer did not file."""
    filed: dict[str, set[str]] = defaultdict(set)
    for record in records:
        filed[record.company or ""].add(record.title.strip())
    return [
        f"ladders.toml: {company}: '{name}': '{title}' is not a title it filed"
        for company, rungs in rung_names(ladders_text).items()
        for name, (_, title) in rungs.items()
        if title not in filed[company]
    ]


def read_ladders(text: str) -> Ladders:
    """data/ladders.toml: each employer's title rules, in order."""
    return {
        entry["company"]: [(re.compile(r["pattern"]), r["level"]) for r in entry["rules"]]
        for entry in tomllib.loads(text)["ladders"]
    }


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
    company: str | None  # the company it counts for (None: too few records to be one)
    cell: tuple[str, str]  # (subgroup, level)
    state: str
    wage: float
    floor: bool  # the offered wage is the prevailing wage to the dollar: a legal floor
    titled: bool  # an ML or software title: what the base salary ladder is read from
    title: str


def read_rows(text: str) -> list[dict[str, str]]:
    return [
        row
        for row in csv.DictReader(text.splitlines())
        if subgroup(row["JOB_TITLE"], row["SOC_CODE"]) is not None
    ]


def read_records(
    text: str,
    company_key: Callable[[str], str | None] = lambda folded: None,
    ladders: Ladders | None = None,
) -> list[Record]:
    """The records of the occupation group; each employer's company (company_key, by its
    folded name) and its title level, read by the company's own ladder first."""
    records = []
    ladders = ladders or {}
    for row in read_rows(text):
        title = row["JOB_TITLE"]
        group = subgroup(title, row["SOC_CODE"]) or ""
        folded = folded_employer(row["EMPLOYER_NAME"])
        company = company_key(folded)
        wage = float(row["ANNUAL_WAGE"])
        prevailing = float(row["ANNUAL_PREVAILING_WAGE"] or 0)
        records.append(
            Record(
                row["EMPLOYER_NAME"].strip(),
                folded,
                company,
                (group, level_of_title(title, ladders.get(company or "", []))),
                row["WORKSITE_STATE"],
                wage,
                round(wage) == round(prevailing),
                group == "ML-titled" or bool(SOFTWARE_TITLE.search(title)),
                title,
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

    def for_employer(
        self, own: list[Record], in_market: Callable[[Record], bool]
    ) -> tuple[list[float], int, int]:
        """For each of the employer's records, what the others pay for the same cell and
        state; how many of those fell back to the nation; how many records of others.
        The employer's own records that the market holds (in_market) are taken out of it."""
        own_by_state: dict[Any, list[float]] = defaultdict(list)
        own_by_cell: dict[Any, list[float]] = defaultdict(list)
        for record in own:
            if not in_market(record):
                continue
            own_by_state[record.cell, record.state].append(record.wage)
            own_by_cell[record.cell].append(record.wage)
        for values in (*own_by_state.values(), *own_by_cell.values()):
            values.sort()
        median_of: dict[Any, float] = {}
        markets_used: dict[Any, int] = {}  # market -> how many records of others it holds
        for record in own:
            own_by_state.setdefault((record.cell, record.state), [])
            own_by_cell.setdefault(record.cell, [])
        for (cell, state), removed in own_by_state.items():
            values = self.by_state[cell, state]
            if len(values) - len(removed) >= MIN_MARKET:
                median_of[cell, state] = median_without(values, removed) or 0.0
                markets_used[cell, state] = len(values) - len(removed)
            else:
                national = median_without(self.nation[cell], own_by_cell[cell])
                median_of[cell, state] = national or math.nan
                markets_used[cell] = len(self.nation[cell]) - len(own_by_cell[cell])
        markets = [median_of[record.cell, record.state] for record in own]  # nan: no market
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


def it_services_reason(key: str, own: list[Record], named: dict[str, str]) -> str | None:
    """Why an employer is an IT-services or staffing firm (data/it_services.toml), or None."""
    if key in named:
        return f"named in data/it_services.toml: {named[key]}"
    states = Counter(r.state for r in own)
    top_share = states.most_common(1)[0][1] / len(own)
    if len(own) < MIN_MARKET or len(states) < SPREAD_STATES or top_share > SPREAD_TOP_SHARE:
        return None
    said = sorted({m.group(0) for r in own if (m := NAME_WORDS.search(r.employer))})
    if not said:
        return None
    return (
        f"files in {len(states)} worksite states, at most {top_share:.0%} in one, under a name "
        f"that says '{said[0]}' (data/it_services.toml, the rule)"
    )


@dataclass
class LadderCell:
    """One level of the national ladder (or 'all' levels)."""

    percentiles: list[float]  # P10, P25, P50, P75, P90
    n: int
    raw_median: float  # the median of the level's own records, before the fit moved it

    @property
    def median(self) -> float:
        return self.percentiles[2]


@dataclass
class Model:
    """The base salary model read from the records: the national ladder, each state's pay
    against it, and the market each employer is compared with."""

    market: Market
    ladder: dict[str, LadderCell]  # by level, 'all' and 'unstated' too
    states: dict[str, tuple[float, float, int]]  # state -> (pay, ladder for the same, n)
    state_mix: dict[str, int]  # the ladder's records by state
    # company -> its records' worksite states, counted: where it pays (its own place mix)
    employer_states: dict[str, Counter[str]] = field(default_factory=dict)

    def state_ratio(self, state: str) -> float:
        """The records' voice on a state: its pay over the ladder's (1 with too few records)."""
        pay, expected, _ = self.states.get(state, (1.0, 1.0, 0))
        return pay / expected


def in_market(record: Record, flagged: set[str]) -> bool:
    """Records other employers are compared with: pay, not a legal floor, of a firm that
    employs its engineers itself."""
    return not record.floor and record.company not in flagged


def backfit(records: list[Record]) -> dict[str, float]:
    """log wage = employer + level + state, fitted by rounds of averages (backfitting): the
    level effects, net of who files at a level and where."""
    logs = [math.log(r.wage) for r in records]
    mean = sum(logs) / len(logs)
    effects: dict[str, dict[str, float]] = {"employer": {}, "level": {}, "state": {}}
    keys = {
        "employer": [r.company or r.folded for r in records],
        "level": [r.cell[1] for r in records],
        "state": [r.state for r in records],
    }
    for _ in range(BACKFIT_ROUNDS):
        for name, own_keys in keys.items():
            sums: dict[str, float] = defaultdict(float)
            counts: Counter[str] = Counter()
            for index, key in enumerate(own_keys):
                others = sum(
                    effects[other].get(keys[other][index], 0.0)
                    for other in effects
                    if other != name
                )
                sums[key] += logs[index] - mean - others
                counts[key] += 1
            effects[name] = {key: sums[key] / counts[key] for key in sums}
    return effects["level"]


def percentiles(values: list[float]) -> list[float]:
    cuts = statistics.quantiles(sorted(values), n=20, method="inclusive")
    return [cuts[1], cuts[4], statistics.median(values), cuts[14], cuts[17]]  # 10 25 50 75 90


def fit_model(records: list[Record], flagged: set[str]) -> Model:
    market_records = [r for r in records if in_market(r, flagged)]
    titled = [r for r in market_records if r.titled]
    levels = backfit(titled)
    mean_level = sum(levels[r.cell[1]] for r in titled) / len(titled)
    overall = percentiles([r.wage for r in titled])
    ladder = {"all": LadderCell(overall, len(titled), overall[2])}
    for level in (*LEVELS, "unstated"):
        at_level = [r.wage for r in titled if r.cell[1] == level]
        if len(at_level) < MIN_MARKET:
            continue
        raw = percentiles(at_level)
        median = overall[2] * math.exp(levels[level] - mean_level)
        ladder[level] = LadderCell([median * p / raw[2] for p in raw], len(at_level), raw[2])
    states: dict[str, tuple[float, float, int]] = {}
    by_state: dict[str, list[Record]] = defaultdict(list)
    for record in titled:
        by_state[record.state].append(record)
    for state, own in by_state.items():
        if len(own) >= MIN_MARKET:
            expected = [ladder[r.cell[1]].median for r in own]
            states[state] = (
                geometric_mean([r.wage for r in own]),
                geometric_mean(expected),
                len(own),
            )
    mix = {state: len(own) for state, own in by_state.items()}
    return Model(Market(market_records), ladder, states, mix)


def records_of(text: str, companies_text: str, ladders_text: str = "") -> list[Record]:
    """The extract's records, each employer resolved to its company: a company users name,
    else one of its own when it has MIN_RECORDS records (else None)."""
    known = companies_by_name(companies_text)
    labels = {c["key"] for c in tomllib.loads(companies_text)["companies"]}
    counts = Counter(folded_employer(row["EMPLOYER_NAME"]) for row in read_rows(text))
    company_key: dict[str, str | None] = {}
    for folded, count in counts.items():
        key = company_of(folded, known)
        if key is None and count >= MIN_RECORDS:
            key = slug(folded)
            if key in labels:  # a company's key, though none of its names matched
                raise ValueError(f"{folded!r} is not a name of company '{key}': add it there")
        company_key[folded] = key
    ladders = read_ladders(ladders_text) if ladders_text else {}
    return read_records(text, company_key.get, ladders)


def it_services_firms(records: list[Record], services_text: str) -> dict[str, str]:
    """Every IT-services or staffing firm among the records' companies, with why it is one."""
    named = {
        firm["company"]: firm["reason"]
        for firm in (tomllib.loads(services_text)["firms"] if services_text else [])
    }
    return {
        key: reason
        for key, own in by_company(records).items()
        if (reason := it_services_reason(key, own, named)) is not None
    }


def by_company(records: list[Record]) -> dict[str, list[Record]]:
    found: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.company is not None:
            found[record.company].append(record)
    return found


def derive(
    text: str, companies_text: str, ladders_text: str = "", services_text: str = ""
) -> tuple[list[dict[str, Any]], str, Model, set[str]]:
    """Employer facts, employers.toml, the base model and the IT-services firms' keys."""
    header = text.splitlines()[0]
    labels = {c["key"]: c["label"] for c in tomllib.loads(companies_text)["companies"]}
    records = records_of(text, companies_text, ladders_text)
    reasons = it_services_firms(records, services_text)
    flagged = set(reasons)
    model = fit_model(records, flagged)
    facts: list[dict[str, Any]] = []
    employers: list[dict[str, Any]] = []
    rungs = rung_names(ladders_text) if ladders_text else {}
    for key, own in sorted(by_company(records).items()):
        names = Counter(r.employer for r in own)
        label = labels.get(key) or label_of(names)
        if len(own) < MIN_RECORDS:  # a company users name: its records are said, not used
            employers.append({"key": key, "label": label, "filed_as": sorted(names)})
            employers[-1]["records"] = len(own)
            continue
        employers.append({"key": key, "label": label, "filed_as": sorted(names)})
        if key in rungs:
            employers[-1]["levels"] = {name: level for name, (level, _) in rungs[key].items()}
        model.employer_states[key] = Counter(r.state for r in own)
        flag = employer_flag(own, reasons.get(key))
        facts += company_facts(key, label, own, None, model, flagged, header, flag)
        levels = Counter(r.cell[1] for r in own)
        for level in LEVELS:
            if levels[level] >= MIN_LEVEL_RECORDS:
                at_level = [r for r in own if r.cell[1] == level]
                facts += company_facts(key, label, at_level, level, model, flagged, header, flag)
    return facts, render_employers(employers, labels), model, flagged


def employer_flag(own: list[Record], it_services: str | None) -> str | None:
    """What is said whenever the employer's figure is used: an IT-services or staffing firm,
    and a figure that is a lower bound (most of its records state the legal floor)."""
    said = []
    if it_services is not None:
        said.append(
            f"an IT-services or staffing firm ({it_services}); its records are left out of "
            "the market other employers are compared with"
        )
    floors = sum(r.floor for r in own) / len(own)
    if floors > FLOOR_SHARE:
        said.append(
            f"at least: {floors:.0%} of its records state an offered wage equal to the "
            "prevailing wage, the legal floor of the range it offers, not its pay; its figure "
            "is a lower bound"
        )
    return "; ".join(said) or None


def company_facts(
    key: str,
    label: str,
    own: list[Record],
    level: str | None,
    model: Model,
    flagged: set[str],
    header: str,
    flag: str | None,
) -> list[dict[str, Any]]:
    markets, national, others = model.market.for_employer(own, lambda r: in_market(r, flagged))
    pairs = [(r, m) for r, m in zip(own, markets, strict=True) if not math.isnan(m) and m > 0]
    if len(pairs) < (MIN_RECORDS if level is None else MIN_LEVEL_RECORDS):
        return []  # too few records with a market to compare them with
    kept = [r for r, _ in pairs]
    ident = f"lca.{key}" + (f".{level}" if level else "")
    groups = Counter(r.cell[0] for r in kept)
    spread = ", ".join(f"{group} {count}" for group, count in sorted(groups.items()))
    floors = sum(r.floor for r in kept)
    selection = {
        "employer": f"{label} ({plural(len(Counter(r.employer for r in kept)), 'name')} as filed)",
        "occupation": spread,
        "level": level or "all, each against its own level",
        "floor": f"{floors} of {len(kept)} at the prevailing wage",
    }
    spread_of, spread_text = own_spread(kept, model)
    figure = {
        "id": ident,
        "source": SOURCE,
        "dimension": "company",
        "value": key,
        **({"level": level} if level else {}),
        "figure": "average",
        "amount": round(geometric_mean([r.wage for r in kept])),
        "p10": round(spread_of[0]),
        "p90": round(spread_of[1]),
        "n": len(kept),
        "basis": "base",
        "year": 2024,
        "reference": f"{ident}.market",
        "place_adjusted": True,
        "pay": "base",
        "filter": selection,
        "quote": header,
        **({"flag": flag} if flag else {}),
        "derivation": (
            f"The geometric mean of ANNUAL_WAGE over the employer's {len(kept)} records in the "
            "computer and mathematical occupations (SOC 15-xxxx) or with an ML title"
            + (f" whose title reads {level}." if level else ".")
            + spread_text
        ),
    }
    reference = {
        "id": f"{ident}.market",
        "source": SOURCE,
        "dimension": "reference",
        "figure": "average",
        "amount": round(geometric_mean([m for _, m in pairs])),
        "n": others,
        "basis": "base",
        "year": 2024,
        "pay": "base",
        "filter": {**selection, "employer": f"every employer but {label}"},
        "quote": header,
        "note": (
            "What other employers pay for the same occupation and title level in the same "
            "worksite states: IT-services and staffing firms, and offered wages equal to the "
            "prevailing wage (a legal floor), left out."
        ),
        "derivation": (
            f"For each of {label}'s {len(kept)} records, the median ANNUAL_WAGE of the other "
            "employers' records of the same SOC occupation (or ML title) and title level in "
            f"the same worksite state ({national} of them in the nation instead, where the "
            f"state has fewer than {MIN_MARKET}), IT-services and staffing firms and wages at "
            "the prevailing wage left out; the geometric mean of those medians. "
            f"{others} records of others are behind it."
        ),
    }
    return [figure, reference]


def own_spread(own: list[Record], model: Model) -> tuple[tuple[float, float], str]:
    """(P10, P90) of an employer's wages, each moved to the nation by its worksite state's
    factor, over its ML/software-titled records (all of them where fewer than MIN_RECORDS):
    how much its pay varies, which a known employer's band holds instead of the market's."""
    titled = [r for r in own if r.titled]
    chosen, which = (titled, "ML/software-titled") if len(titled) >= MIN_RECORDS else (own, "")
    moved = sorted(r.wage / model.state_ratio(r.state) for r in chosen)
    cuts = statistics.quantiles(moved, n=10, method="inclusive")
    words = f"{len(chosen)} {which} records".replace("  ", " ")
    return (cuts[0], cuts[8]), (
        f" p10 and p90: the 10th and 90th percentiles of ANNUAL_WAGE over its {words}, each "
        "divided by its worksite state's factor (lca.base.state.*): the spread of its own pay."
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_employers(employers: list[dict[str, Any]], labels: dict[str, str]) -> str:
    lines = [
        f"# Derived by {SCRIPT} from {EXTRACT.name} and companies.toml; do not edit by hand:",
        f"# run `python {SCRIPT}` instead. tests/data/test_derive.py re-derives and compares.",
        f"# Every employer with {MIN_RECORDS} LCA records in the occupation group. A company also",
        "# in companies.toml (same key) keeps its label and aliases there; the names it files",
        "# under here are added to its own. A company of companies.toml with fewer records has",
        "# an entry too, with its count (`records`): it has no figure, and pages say why.",
        "",
    ]
    for employer in employers:
        lines.append("[[companies]]")
        lines.append(f"key = {tomllib_string(employer['key'])}")
        lines.append(f"label = {tomllib_string(employer['label'])}")
        names = ", ".join(tomllib_string(n) for n in employer["filed_as"])
        lines.append(f"filed_as = [{names}]")
        if "records" in employer:
            lines.append(f"records = {employer['records']}")
        if "levels" in employer:  # the employer's rungs as people name them (ladders.toml)
            rungs = ", ".join(
                f"{toml_key(n)} = {tomllib_string(v)}" for n, v in employer["levels"].items()
            )
            lines.append(f"levels = {{ {rungs} }}")
        lines.append("")
    return "\n".join(lines)


def tomllib_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


LADDER_OCCUPATION = "15-1252"  # BLS's voice on place in the base model: Software Developers


def base_facts(model: Model, header: str, oews_text: str) -> list[dict[str, Any]]:
    """The base salary model (data/facts/base.toml): the national ladder, each state's pay
    against the ladder (the records' voice on place), and BLS's state and metro medians
    against the ladder's own place mix (BLS's voice), each counting in base estimates only."""
    facts: list[dict[str, Any]] = []
    all_levels = round(model.ladder["all"].median)
    for level, cell in model.ladder.items():
        if level == "unstated":  # no level of the product: it lies in the all-levels cell
            continue
        p10, p25, p50, p75, p90 = (round(v) for v in cell.percentiles)
        everyone = level == "all"
        facts.append(
            {
                "id": "lca.base.all" if everyone else f"lca.base.{level}",
                "source": SOURCE,
                "dimension": "overall" if everyone else "level",
                **({} if everyone else {"value": level}),
                "figure": "percentiles",
                "p10": p10, "p25": p25, "p50": p50, "p75": p75, "p90": p90,
                "n": cell.n,
                "basis": "base",
                "year": 2024,
                "pay": "base",
                "filter": {
                    "titles": "ML or software titles (SOC 15-xxxx, or an ML title)",
                    "level": "all" if everyone else level,
                    "excluded": "IT-services and staffing firms; wages at the prevailing wage",
                },
                "quote": header,
                "derivation": (
                    "Percentiles (inclusive) of ANNUAL_WAGE over the records."
                    if everyone
                    else (
                        f"The level's median is the all-levels median ({all_levels}) "
                        "times the level's effect in a fit of log ANNUAL_WAGE on employer, title "
                        "level and worksite state (so that who files at a level, and where, does "
                        "not move it), over the level's mean effect; its other percentiles keep "
                        f"the spread of its own {cell.n} records around their median "
                        f"({cell.raw_median:.0f})."
                    )
                ),
            }
        )  # fmt: skip
    for state, (pay, expected, count) in sorted(model.states.items()):
        ident = f"lca.base.state.{state}"
        facts.append(
            {
                "id": ident,
                "source": SOURCE,
                "dimension": "state",
                "value": state,
                "figure": "average",
                "amount": round(pay),
                "n": count,
                "basis": "base",
                "year": 2024,
                "reference": f"{ident}.ladder",
                "pay": "base",
                "quote": header,
                "derivation": (
                    f"The geometric mean of ANNUAL_WAGE over the {count} records of the ladder "
                    f"(ML or software titles, market employers, above the floor) in {state}."
                ),
            }
        )
        facts.append(
            {
                "id": f"{ident}.ladder",
                "source": SOURCE,
                "dimension": "reference",
                "figure": "average",
                "amount": round(expected),
                "n": count,
                "basis": "base",
                "year": 2024,
                "pay": "base",
                "quote": header,
                "note": "The national ladder's median at each of the same records' title levels.",
                "derivation": (
                    f"For each of the {count} records in {state}, the national median of its "
                    "title level (lca.base.*); the geometric mean of those medians."
                ),
            }
        )
    return facts + employer_places(model, header) + oews_against_ladder(model, oews_text)


def employer_places(model: Model, header: str) -> list[dict[str, Any]]:
    """Each employer's own place mix: the records' state factor at each of its records'
    worksite states, against the ladder. With no city or state asked for, an employer's
    figure (measured against others in the same places) is priced where it pays."""
    facts: list[dict[str, Any]] = []
    all_levels = model.ladder["all"].median
    for key, states in sorted(model.employer_states.items()):
        count = sum(states.values())
        log_mix = sum(n * math.log(model.state_ratio(state)) for state, n in states.items())
        unmeasured = sum(n for state, n in states.items() if state not in model.states)
        shown = ", ".join(f"{state} {n / count:.0%}" for state, n in states.most_common(4))
        ident = f"lca.base.places.{key}"
        facts.append(
            {
                "id": ident,
                "source": SOURCE,
                "dimension": "employer_places",
                "value": key,
                "figure": "average",
                "amount": round(all_levels * math.exp(log_mix / count)),
                "n": count,
                "basis": "base",
                "year": 2024,
                "reference": "lca.base.all",
                "pay": "base",
                "filter": {"worksite states": shown + (", …" if len(states) > 4 else "")},
                "quote": header,
                "derivation": (
                    f"The ladder's all-levels median times the geometric mean, over the employer's "
                    f"{count} records, of the state factor of each record's worksite state "
                    f"(lca.base.state.*; {unmeasured} records in states without one count as "
                    "x1)."
                ),
            }
        )
    return facts


def oews_against_ladder(model: Model, oews_text: str) -> list[dict[str, Any]]:
    """BLS OEWS state and metro medians of Software Developers, measured against the place mix
    the ladder's records have (a state) or against their own state (a metro area)."""
    oews = [f for f in tomllib.loads(oews_text)["facts"] if f["id"].startswith(LADDER_OCCUPATION)
            or f["id"].startswith(f"oews.{LADDER_OCCUPATION}.")]  # fmt: skip
    states = {f["value"]: f for f in oews if f["dimension"] == "state"}
    national = next(f for f in oews if f["dimension"] == "country")
    mix = {state: count for state, count in model.state_mix.items() if state in states}
    total = sum(mix.values())
    log_mix = sum(count * math.log(states[state]["amount"]) for state, count in mix.items())
    mix_id = f"oews.{LADDER_OCCUPATION}.ladder-mix"
    shown = ", ".join(
        f"{s} {c / total:.1%}" for s, c in sorted(mix.items(), key=lambda i: -i[1])[:6]
    )
    facts: list[dict[str, Any]] = [
        {
            "id": mix_id,
            "source": "bls-oews-2025",
            "dimension": "reference",
            "figure": "median",
            "amount": round(math.exp(log_mix / total)),
            "basis": "base",
            "year": 2025,
            "pay": "base",
            "quote": national["quote"],
            "context": "Software Developers",
            "derivation": (
                "The geometric mean of the state medians of Software Developers (oews.15-1252.*), "
                f"weighted by where the base ladder's {total} LCA records work ({shown}, …): the "
                "place mix the ladder's national median holds."
            ),
        }
    ]
    for fact in oews:
        if fact["dimension"] == "state":
            reference = mix_id
        elif fact["dimension"] == "city":
            state = metro_state(fact["quote"])
            if state not in states:
                continue
            reference = states[state]["id"]
        else:
            continue
        base = {k: v for k, v in fact.items() if k not in ("reference", "id")}
        facts.append({"id": f"{fact['id']}.base", **base, "reference": reference, "pay": "base"})
    return facts


def metro_state(quote: str) -> str:
    """The first state of a BLS area's title: '"New York-Newark-Jersey City, NY-NJ"' -> NY."""
    title = next(csv.reader([quote]))[5]
    return title.rsplit(",", 1)[-1].strip()[:2]


def main() -> int:
    status = 0
    if SHARED.exists():
        status = write_or_check(EXTRACT, lambda: extract(SHARED.read_text(encoding="utf-8")))
    text = EXTRACT.read_text(encoding="utf-8")
    ladders = LADDERS.read_text(encoding="utf-8")
    unfiled = unfiled_rungs(records_of(text, COMPANIES.read_text(encoding="utf-8")), ladders)
    if unfiled:  # a rung's name is sourced by a title its employer filed
        print("\n".join(unfiled), file=sys.stderr)
        return 1
    facts, employers, model, _ = derive(
        text,
        COMPANIES.read_text(encoding="utf-8"),
        ladders,
        IT_SERVICES.read_text(encoding="utf-8"),
    )
    status = max(status, write_or_check(OUTPUT, lambda: to_toml(facts, SCRIPT, EXTRACT.name)))
    base = base_facts(model, text.splitlines()[0], OEWS_FACTS.read_text(encoding="utf-8"))
    inputs = f"{EXTRACT.name} and oews.toml"
    status = max(status, write_or_check(BASE_OUTPUT, lambda: to_toml(base, SCRIPT, inputs)))
    return max(status, write_or_check(EMPLOYERS, lambda: employers))


if __name__ == "__main__":
    sys.exit(main())

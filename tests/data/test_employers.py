"""Employer pay from Labor Condition Applications, compared like for like."""

from __future__ import annotations

import csv
import math
import statistics
from collections import defaultdict
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlsal.catalog import Catalog
from mlsal.engine import estimate, make_factor
from mlsal.profile import Profile, resolve_profile

from conftest import REPO, Run, derive_script


def lca() -> ModuleType:
    return derive_script("lca")


@pytest.mark.parametrize(
    ("filed", "folded"),
    [
        ("Amazon.com Services LLC", "amazon com services"),
        ("Capgemini America, Inc.", "capgemini"),
        ("JPMorgan Chase & Co.", "jpmorgan chase"),
        ("Bank of America, N.A.", "bank of america"),
        ("The Gap, Inc.", "gap"),
        ("Databricks, Inc. ", "databricks"),
        ("OpenAI OpCo, LLC", "openai opco"),
    ],
)
def test_employer_names_are_folded(filed: str, folded: str) -> None:
    assert lca().folded_employer(filed) == folded


@pytest.mark.parametrize(
    ("filed", "company"),
    [
        ("Amazon.com Services LLC", "amazon"),
        ("Amazon Advertising LLC", "amazon"),  # begins with a company's name
        ("Cisco Systems, Inc.", "cisco"),
        ("Meta Platforms, Inc.", "meta"),
        ("META PLATFORMS, INC. ", "meta"),
        ("WAL-MART ASSOCIATES, INC.", "walmart"),
        ("V-Soft Consulting Group, Inc.", "vsoft-consulting-group"),  # hyphens aside
        ("Meta Hub IT Solutions LLC", None),  # begins like Meta, another firm
        ("Some Unknown Startup, Inc.", None),
    ],
)
def test_employers_are_matched_to_companies(filed: str, company: str | None) -> None:
    module = lca()
    known = module.companies_by_name(module.COMPANIES.read_text(encoding="utf-8"))
    assert module.company_of(module.folded_employer(filed), known) == company


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Senior Machine Learning Engineer", "senior"),
        ("Sr. Software Engineer", "senior"),
        ("Staff Machine Learning Engineer", "staff"),
        ("Senior Staff Software Engineer", "staff"),
        ("Principal Applied Scientist", "principal"),
        ("Software Development Engineer II", "mid"),
        ("Software Engineer III", "senior"),
        ("Junior Data Scientist", "entry"),
        ("Software Engineer", "unstated"),
        ("Staffing Coordinator", "unstated"),  # 'staff' only as a word
        ("Operations Research Analysts - KBGFJG217928-3", "unstated"),  # a code's 3, filed by EY
        ("Information Security Analysts - KBGFJG219668-2", "unstated"),
        ("Data Scientist 1", "entry"),
    ],
)
def test_title_levels(title: str, level: str) -> None:
    assert lca().level_of_title(title) == level


@given(
    st.lists(st.integers(1, 50), min_size=1, max_size=40),
    st.data(),
)
def test_median_without_is_the_median_of_what_remains(
    values: list[int], data: st.DataObject
) -> None:
    taken = data.draw(st.lists(st.sampled_from(values), max_size=len(values) - 1))
    remaining = list(values)
    removed = []
    for value in taken:
        if value in remaining:
            remaining.remove(value)
            removed.append(value)
    expected = statistics.median(remaining)
    assert lca().median_without(sorted(values), sorted(removed)) == expected


def test_the_reference_is_others_pay_for_the_same_work_in_the_same_states(
    catalog: Catalog,
) -> None:
    """Stripe's reference redone by brute force from the shipped records: other employers'
    records of the same occupation and title level in the same state, IT-services and
    staffing firms and wages at the prevailing wage left out."""
    module = lca()
    text = module.EXTRACT.read_text(encoding="utf-8")
    records = module.records_of(
        text,
        module.COMPANIES.read_text(encoding="utf-8"),
        module.LADDERS.read_text(encoding="utf-8"),
    )
    flagged = set(module.it_services_firms(records, module.IT_SERVICES.read_text("utf-8")))
    stripe = [r for r in records if r.company == "stripe"]
    others = [r for r in records if r.company != "stripe" and not r.floor]
    others = [r for r in others if r.company not in flagged]
    by_state: dict[tuple[object, str], list[float]] = defaultdict(list)
    nation: dict[object, list[float]] = defaultdict(list)
    for record in others:
        by_state[record.cell, record.state].append(record.wage)
        nation[record.cell].append(record.wage)
    markets = []
    for record in stripe:
        same = by_state[record.cell, record.state]
        pool = same if len(same) >= module.MIN_MARKET else nation[record.cell]
        markets.append(statistics.median(pool))
    geometric = math.exp(sum(math.log(m) for m in markets) / len(markets))
    reference = catalog.facts_by_id["lca.stripe.market"]
    figure = catalog.facts_by_id["lca.stripe"]
    assert reference.amount == round(geometric)
    assert figure.n == len(stripe) and figure.reference == reference.id
    wages = math.exp(sum(math.log(r.wage) for r in stripe) / len(stripe))
    assert figure.amount == round(wages)


@pytest.mark.parametrize("pay", ["base", "gross"])
def test_compare_big_employers_cites_the_lca_records(run: Run, pay: str) -> None:
    employers = ["microsoft", "nvidia", "google", "meta", "amazon"]
    data = run.json("compare", *employers, "--level", "senior", "--pay", pay)
    for row in data["rows"]:
        assert any(s["id"] == "lca-2024" for s in row["sources"]), row["label"]
        company = next(f for f in row["factors"] if f["dimension"] == "company")
        lca_evidence = next(e for e in company["evidence"] if e["source"] == "lca-2024")
        assert lca_evidence["records"] >= 20
        filings = [e for e in company["evidence"] if e["source"] == "h1b-2025"]
        if pay == "base":  # measured against the nation, not the market: gross only
            assert filings == []
        else:  # the top-200 sponsors' all-titles averages weigh as one article
            assert filings[0]["weight"] == 1.0 < lca_evidence["weight"]


def test_factors_company_lists_employers_with_their_records_and_reference(run: Run) -> None:
    companies = run.json("factors", "company")
    with_records = [c for c in companies if "lca-2024" in c["sources"]]
    assert len(with_records) >= 250
    for company in with_records:
        assert company["records"] >= 10
        assert "same occupation and title level" in company["references"]["lca-2024"]
    by_key = {c["key"]: c for c in companies}
    assert "lca-2024" in by_key["databricks"]["sources"]
    for thin in ("openai", "anthropic", "jane-street"):  # named, but too few records
        assert by_key[thin]["status"] == "no figure"


def test_microsoft_senior_falls_within_its_ml_titled_records(run: Run) -> None:
    path = REPO / "data" / "documents" / "h1b_lca_fy2024_software_data_ml.csv"
    with path.open(encoding="utf-8") as handle:
        wages = [
            float(r["ANNUAL_WAGE"])
            for r in csv.DictReader(handle)
            if r["EMPLOYER_NAME"] == "Microsoft Corporation"
            and lca().ML_TITLE.search(r["JOB_TITLE"])
        ]
    senior = run.json("estimate", "--company", "microsoft", "--level", "senior")
    assert len(wages) >= 50
    assert min(wages) <= senior["median"] <= max(wages)
    assert senior["median"] < 234_590  # 0.2.0's all-titles figure put it above


def test_a_company_level_comes_from_its_own_records_or_the_national_ladder(
    catalog: Catalog,
) -> None:
    def company_factor(company: str, level: str) -> object:
        result = estimate(catalog, resolve_profile(Profile(company=company, level=level), catalog))
        return next(f for f in result.factors if f.dimension == "company")

    senior, mid = company_factor("amazon", "senior"), company_factor("amazon", "mid")
    assert "own Senior records" in senior.reason and "own Mid records" in mid.reason  # type: ignore[attr-defined]
    assert senior.multiplier != mid.multiplier  # type: ignore[attr-defined]
    microsoft = company_factor("microsoft", "senior")
    assert "national ladder" in microsoft.reason  # type: ignore[attr-defined]
    assert microsoft.multiplier == make_factor(catalog, "company", "microsoft").multiplier  # type: ignore[attr-defined]


def test_company_and_cities_side_by_side_differ_or_say_why(run: Run) -> None:
    rows = run.json("compare", "sf", "nyc", "london", "--company", "google", "--years", "5")["rows"]
    assert len({row["median"] for row in rows}) == 3
    # Gross pay: McKinsey's all-titles average is measured against the nation.
    national = run(
        "compare", "sf", "nyc", "--company", "mckinsey", "--years", "5", "--pay", "gross"
    )
    assert national.exit_code == 0
    assert "measured against the nation" in national.stdout  # in the table, not stderr alone

"""Records, official statistics and H-1B filings as users meet them through the CLI."""

from __future__ import annotations

import pytest

from mlsal.catalog import Catalog

from conftest import Run


def test_sources_list_the_public_data_with_counts_and_citations(run: Run) -> None:
    sources = {s["id"]: s for s in run.json("sources")}
    for source_id in (
        "aijobs",
        "bls-oews-2024",
        "bls-oews-2025",
        "oflc-2025",
        "cpi-u",
        "bea-rpp",
        "h1b-2025",
    ):
        assert source_id in sources and sources[source_id]["citation"]
    aijobs = sources["aijobs"]
    assert aijobs["licence"].startswith("CC0")
    cells = [f for f in aijobs["facts"] if f["figure"] == "percentiles"]
    rates = [f for f in aijobs["facts"] if f["figure"] == "exchange_rate"]
    assert cells and rates and len(cells) + len(rates) == len(aijobs["facts"])
    assert all(f["n"] >= 20 and "filter" in f for f in cells)
    assert all(f["n"] >= 1 and f["rate"] > 0 and f["value"] in f["quote"] for f in rates)
    table = run("sources")
    assert "aijobs" in table.stdout and "h1b-2025" in table.stdout


def test_estimates_say_which_year_their_dollars_are(run: Run) -> None:
    latest = run.json("estimate", "--level", "senior")
    assert latest["as_of"] == 2025
    assert "USD of 2025" in run("estimate", "--level", "senior").stdout
    older = run.json("estimate", "--level", "senior", "--as-of", "2023")
    assert older["as_of"] == 2023 and older["median"] < latest["median"]
    bad = run("estimate", "--as-of", "2010")
    assert bad.exit_code == 2 and "no price index for 2010" in bad.stderr


def test_real_shows_purchasing_power(run: Run) -> None:
    data = run.json("estimate", "--city", "Seattle", "--years", "6", "--real")
    real = data["real"]
    assert real["price_parity"] == pytest.approx(112.991)
    assert abs(real["median"] - data["median"] / 1.12991) <= 1
    table = run("estimate", "--city", "Seattle", "--years", "6", "--real")
    assert "What it buys at US-average prices" in table.stdout
    assert f"${real['median']:,}" in table.stdout
    abroad = run("estimate", "--city", "London", "--real")
    assert abroad.exit_code == 0 and "no price parity for London" in abroad.stderr


def test_official_wages_are_shown_as_labelled_proxies(run: Run) -> None:
    references = run.json("estimate")["references"]
    assert references[0]["soc"] == "15-1252" and "proxy" in references[0]["note"]
    scientist = run.json("estimate", "--role", "data-scientist")
    assert scientist["references"][0]["occupation"] == "Data Scientists"
    role = next(f for f in scientist["factors"] if f["dimension"] == "role")
    assert "bls-oews-2024" in role["sources"] and "aijobs" in role["sources"]


def test_compare_employers_from_h1b_filings(run: Run) -> None:
    # The top-200 sponsors' all-titles averages are measured against the nation: gross only.
    data = run.json("compare", "microsoft", "ibm", "nvidia", "salesforce", "--pay", "gross")
    assert [r["label"] for r in data["rows"]] == ["Microsoft", "IBM", "Nvidia", "Salesforce"]
    for row in data["rows"]:
        assert row["status"] == "estimated" and row["median"] is not None
        assert any(s["id"] == "h1b-2025" for s in row["sources"])
        assert any("every job title" in c for c in row["caveats"])
    table = run("compare", "microsoft", "ibm", "nvidia", "salesforce", "--pay", "gross")
    assert "every job title the employer filed for" in table.stdout
    base = run.json("compare", "microsoft", "ibm", "nvidia", "salesforce")
    assert all(s["id"] != "h1b-2025" for row in base["rows"] for s in row["sources"])


def test_company_figures_of_articles_and_filings_are_both_shown(run: Run) -> None:
    data = run.json("estimate", "--company", "amazon", "--pay", "gross")
    company = next(f for f in data["factors"] if f["dimension"] == "company")
    assert set(company["sources"]) == {"h1b-2025", "lca-2024", "s001", "s003"}
    filings = next(e for e in company["evidence"] if e["source"] == "h1b-2025")
    assert len(filings["figures"]) == 4 and filings["records"] > 15000  # four Amazon entities


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("facebook", "meta"),
        ("Meta Platforms", "meta"),
        ("jp morgan", "jpmorgan-chase"),
        ("JPMorgan", "jpmorgan-chase"),
        ("alphabet", "google"),
        ("AWS", "amazon"),
        ("Amazon Web Services", "amazon"),
        ("t-mobile", "tmobile"),
    ],
)
def test_company_aliases(catalog: Catalog, typed: str, key: str) -> None:
    assert catalog.resolve("company", typed) == key


def test_company_misspelling_suggests(run: Run) -> None:
    result = run("estimate", "--company", "nvdia")
    assert result.exit_code == 2 and "did you mean 'Nvidia'?" in result.stderr


def test_factors_company_lists_the_employers(run: Run, gross: Catalog) -> None:
    companies = run.json("factors", "company", "--pay", "gross")
    assert len(companies) >= 250
    cognizant = next(c for c in companies if c["key"] == "cognizant-technology-solutions")
    assert cognizant["flags"]
    facts = gross.facts_for("company", cognizant["key"])
    filings = sum(f.n or 0 for f in facts if f.source == "h1b-2025")
    lca = gross.facts_by_id["lca.cognizant-technology-solutions"]  # all its levels together
    assert cognizant["records"] == filings + (lca.n or 0)
    assert (
        "lca-2024" in cognizant["references"] and "h1b.all" in cognizant["references"]["h1b-2025"]
    )


def test_outsourcing_firm_is_flagged_not_hidden(run: Run) -> None:
    result = run("estimate", "--company", "cognizant", "--format", "json")
    assert result.exit_code == 0
    import json

    data = json.loads(result.stdout)
    assert data["median"] > 0
    assert any("an IT-services or staffing firm" in f for f in data["flags"])
    gross = run.json("estimate", "--company", "cognizant", "--pay", "gross")
    assert any("below the median wage of US software developers" in f for f in gross["flags"])

"""Derived facts: re-derived from the raw files here, and checked against independent sums."""

from __future__ import annotations

import csv
import math
import statistics
import sys
from types import ModuleType

import pytest

from mlsal.aging import aging_factor
from mlsal.catalog import Catalog

from conftest import REPO, SHARED, derive_script

DOCUMENTS = REPO / "data" / "documents"


def script(name: str) -> ModuleType:
    return derive_script(name)


@pytest.mark.parametrize(
    ("module", "outputs"),
    [
        ("h1b", ["h1b.toml"]),
        ("aijobs", ["aijobs.toml"]),
    ],
)
def test_derived_files_are_what_the_raw_files_give(module: str, outputs: list[str]) -> None:
    derived = script(module).render()
    assert (REPO / "data" / "facts" / outputs[0]).read_text(encoding="utf-8") == derived


def test_world_city_files_are_what_geonames_gives() -> None:
    world = script("world_cities")
    assert world.OUTPUT.read_text(encoding="utf-8") == world.render()
    assert world.SHARED.read_text(encoding="utf-8") == world.render_shared()


def test_country_factors_count_only_records_paid_in_the_countrys_own_currency() -> None:
    """Counted here from the raw CSV, independently of derive/aijobs.py: Canada's cell holds
    its Canadian-dollar records, its US-dollar ones are counted in its note."""
    aijobs = script("aijobs")
    titles = {t for group in aijobs.ROLE_TITLES.values() for t in group}
    with (DOCUMENTS / "aijobs_salaries_2020-2025.csv").open(encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["company_location"] == "CA"
            and r["employment_type"] == "FT"
            and r["job_title"] in titles
            and 2020 <= int(r["work_year"]) <= 2024
        ]
    facts = {f["id"]: f for f in tomllib_facts("aijobs.toml")}
    canada = facts["aijobs.roles.CA"]
    assert canada["n"] == sum(r["salary_currency"] == "CAD" for r in rows)
    dollars = sum(r["salary_currency"] == "USD" for r in rows)
    assert canada["note"].startswith(f"{dollars} records of CA priced in US dollars")
    assert canada["filter"]["salary_currency"] == f"CAD, not the {dollars} records in USD"
    assert "aijobs.roles.CN" not in facts  # no Chinese-yuan records: no cell


def tomllib_facts(name: str) -> list[dict[str, object]]:
    import tomllib

    with (REPO / "data" / "facts" / name).open("rb") as handle:
        return list(tomllib.load(handle)["facts"])


def test_official_statistics_files_are_what_the_raw_files_give() -> None:
    official = script("official")
    read = {p: p.read_text(encoding="utf-8") for p in (official.BLS, official.CPI, official.RPP)}
    dimensions = official.DIMENSIONS.read_text(encoding="utf-8")
    places = official.PLACES.read_text(encoding="utf-8")
    expected = {
        "bls.toml": official.to_toml(
            official.bls_facts(read[official.BLS]), official.SCRIPT, official.BLS.name
        ),
        "cpi.toml": official.to_toml(
            official.cpi_facts(read[official.CPI]), official.SCRIPT, official.CPI.name
        ),
        "rpp.toml": official.to_toml(
            official.rpp_facts(read[official.RPP], dimensions, places),
            official.SCRIPT,
            official.RPP.name,
        ),
    }
    for name, text in expected.items():
        assert (REPO / "data" / "facts" / name).read_text(encoding="utf-8") == text, name


def test_place_files_are_what_the_bls_extract_gives() -> None:
    oews = script("oews")
    facts, places = oews.derive(
        oews.EXTRACT.read_text(encoding="utf-8"),
        oews.DIMENSIONS.read_text(encoding="utf-8"),
        oews.RPP.read_text(encoding="utf-8"),
    )
    assert oews.OUTPUT.read_text(encoding="utf-8") == oews.to_toml(
        facts, oews.SCRIPT, oews.EXTRACT.name
    )
    assert oews.PLACES.read_text(encoding="utf-8") == places


def test_employer_and_base_model_files_are_what_the_lca_extract_gives() -> None:
    lca = script("lca")
    text = lca.EXTRACT.read_text(encoding="utf-8")
    facts, employers, model, _ = lca.derive(
        text,
        lca.COMPANIES.read_text(encoding="utf-8"),
        lca.LADDERS.read_text(encoding="utf-8"),
        lca.IT_SERVICES.read_text(encoding="utf-8"),
    )
    assert lca.OUTPUT.read_text(encoding="utf-8") == lca.to_toml(
        facts, lca.SCRIPT, lca.EXTRACT.name
    )
    assert lca.EMPLOYERS.read_text(encoding="utf-8") == employers
    base = lca.base_facts(model, text.splitlines()[0], lca.OEWS_FACTS.read_text(encoding="utf-8"))
    inputs = f"{lca.EXTRACT.name} and oews.toml"
    assert lca.BASE_OUTPUT.read_text(encoding="utf-8") == lca.to_toml(base, lca.SCRIPT, inputs)


def test_oflc_file_is_what_the_ladder_extract_gives() -> None:
    oflc = script("oflc")
    facts = oflc.derive(oflc.EXTRACT.read_text(encoding="utf-8"))
    assert oflc.OUTPUT.read_text(encoding="utf-8") == oflc.to_toml(
        facts, oflc.SCRIPT, oflc.EXTRACT.name
    )
    rows = list(csv.DictReader(oflc.EXTRACT.open(encoding="utf-8")))
    level_iv = next(f for f in facts if f["value"] == "staff")
    assert level_iv["amount"] == round(statistics.median(int(r["l4_annual"]) for r in rows))
    assert len(rows) == 530


@pytest.mark.parametrize(
    ("title", "cities", "states"),
    [
        ("Seattle-Tacoma-Bellevue, WA", ["Seattle", "Tacoma", "Bellevue"], ["WA"]),
        ("Scranton--Wilkes-Barre, PA", ["Scranton", "Wilkes-Barre"], ["PA"]),
        ("Louisville/Jefferson County, KY-IN", ["Louisville", "Jefferson County"], ["KY", "IN"]),
        ("Winston-Salem, NC", ["Winston-Salem"], ["NC"]),
    ],
)
def test_principal_cities_are_read_off_metro_titles(
    title: str, cities: list[str], states: list[str]
) -> None:
    assert script("oews").principal_cities(title) == (cities, states)


def test_every_bls_figure_quotes_its_row_and_states_have_postal_codes(catalog: Catalog) -> None:
    states = {v.key for v in catalog.values["state"]}
    assert {"WA", "CA", "TX", "NY", "DC"} <= states and len(states) >= 50
    for fact in catalog.facts:
        if fact.source == "bls-oews-2025" and fact.derivation is None:  # a row's own figure
            cells = next(csv.reader([fact.quote]))
            assert int(cells[20]) == fact.amount and cells[6] in ("15-1252", "15-2051")


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is not beside the repo")
@pytest.mark.parametrize("module", ["oews", "oflc", "lca"])
def test_shipped_extracts_are_the_shared_rows_unchanged(module: str) -> None:
    derive = script(module)
    shared = derive.SHARED.read_text(encoding="utf-8")
    assert derive.EXTRACT.read_text(encoding="utf-8") == derive.extract(shared)
    kept = derive.EXTRACT.read_text(encoding="utf-8").splitlines()
    assert set(kept) <= set(shared.splitlines())


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data is not beside the repo")
@pytest.mark.parametrize(
    "name",
    [
        "aijobs_salaries_2020-2025.csv",
        "bls_oews_2024_national.csv",
        "cpi_u_annual.csv",
        "bea_rpp_msa.csv",
        "h1b_top_sponsors_2025.csv",
    ],
)
def test_shipped_raw_files_are_the_shared_ones(name: str) -> None:
    assert (DOCUMENTS / name).read_bytes() == (SHARED / "data" / name).read_bytes()


def test_h1b_reference_is_the_filing_weighted_mean(catalog: Catalog) -> None:
    rows = list(csv.DictReader((DOCUMENTS / "h1b_top_sponsors_2025.csv").open(encoding="utf-8")))
    filings = [int(r["Number of LCA"]) for r in rows]
    wages = [float(r["Average Salary"]) for r in rows]
    mean = sum(f * w for f, w in zip(filings, wages, strict=True)) / sum(filings)
    reference = catalog.facts_by_id["h1b.all"]
    assert reference.amount == round(mean) and reference.n == sum(filings) and len(rows) == 200


def test_every_h1b_row_belongs_to_one_company(catalog: Catalog) -> None:
    rows = list(csv.DictReader((DOCUMENTS / "h1b_top_sponsors_2025.csv").open(encoding="utf-8")))
    owners: dict[str, list[str]] = {}
    for company in catalog.values["company"]:
        for name in company.filed_as:
            owners.setdefault(name, []).append(company.key)
    for row in rows:
        assert owners.get(row["Employer"], []) != [], row["Employer"]
        assert len(owners[row["Employer"]]) == 1, row["Employer"]
    amazon = catalog.value("company", "amazon").filed_as
    assert {"Amazon.Com Services", "Amazon Web Services"} <= set(amazon)


def test_aijobs_cell_matches_an_independent_count() -> None:
    cpi = {
        int(r["year"]): float(r["cpi_u"])
        for r in csv.DictReader((DOCUMENTS / "cpi_u_annual.csv").open(encoding="utf-8"))
    }
    titles = set(script("aijobs").ROLE_TITLES["ml-engineer"])
    salaries = [
        int(r["salary_in_usd"]) * cpi[2024] / cpi[int(r["work_year"])]
        for r in csv.DictReader(
            (DOCUMENTS / "aijobs_salaries_2020-2025.csv").open(encoding="utf-8")
        )
        if r["job_title"] in titles
        and r["work_year"] != "2025"
        and r["employment_type"] == "FT"
        and r["company_location"] == "US"
        and r["experience_level"] == "SE"
    ]
    fact = script("aijobs").derive(
        (DOCUMENTS / "aijobs_salaries_2020-2025.csv").read_text(encoding="utf-8"),
        (DOCUMENTS / "cpi_u_annual.csv").read_text(encoding="utf-8"),
    )
    senior = next(f for f in fact if f["id"] == "aijobs.ml-engineer.US.senior")
    assert senior["n"] == len(salaries)
    assert senior["p50"] == round(statistics.median(salaries))


def test_thin_cells_are_not_written() -> None:
    facts = script("aijobs").derive(
        (DOCUMENTS / "aijobs_salaries_2020-2025.csv").read_text(encoding="utf-8"),
        (DOCUMENTS / "cpi_u_annual.csv").read_text(encoding="utf-8"),
    )
    assert all(f["n"] >= 20 for f in facts)
    ids = {f["id"] for f in facts}
    assert "aijobs.ml-engineer.US.size-S" not in ids  # 19 or fewer startup ML engineers


def test_aging_arithmetic(catalog: Catalog) -> None:
    assert aging_factor(catalog, 2023, 2025) == pytest.approx(321.943 / 304.702)
    assert aging_factor(catalog, 2025, 2023) == pytest.approx(304.702 / 321.943)
    assert aging_factor(catalog, None, 2025) == 1.0
    assert aging_factor(catalog, 2024, 2024) == 1.0


def test_as_of_scales_dated_figures_only(catalog: Catalog) -> None:
    from mlsal.engine import make_band

    band_2025 = make_band(catalog, "senior", 2025)
    band_2023 = make_band(catalog, "senior", 2023)
    for now, then in zip(band_2025.views, band_2023.views, strict=True):
        ratio = now.value / then.value
        if now.source in ("aijobs", "lca-2024"):  # records of a stated year
            assert ratio == pytest.approx(321.943 / 304.702)
        else:  # the articles state no year: their figures stand as stated
            assert ratio == pytest.approx(1.0)
    assert math.isclose(band_2025.sigma_within, band_2023.sigma_within)


def test_calibration_script_runs_and_reports_every_level() -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "calibration.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith(("articles", "+"))]
    assert len(rows) == 8
    for line in rows:
        inside = next(part for part in line.split() if part.endswith("%") and "." not in part)
        assert 0 <= int(inside.rstrip("%")) <= 100


def test_the_checked_catalog_shipped_is_the_data_as_checked_now() -> None:
    """data/checked-catalog.bin, which spares the first run after install the validation,
    is what loading and checking the shipped data gives today (run derive/catalog.py)."""
    from mlsal import cache
    from mlsal.load import default_data_dir, load_catalog

    data = default_data_dir()
    fresh = load_catalog(shipped_dir=data, use_cache=False)
    assert (data / cache.SHIPPED).read_bytes() == cache.shipped_bytes(data, fresh)

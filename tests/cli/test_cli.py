"""The CLI as a user drives it, through Typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import Run


def test_estimate_table_shows_band_factors_and_sources(run: Run) -> None:
    result = run("estimate", "--years", "3", "--city", "SF")
    assert result.exit_code == 0, result.stderr
    data = run.json("estimate", "--years", "3", "--city", "SF")
    out = result.stdout
    for amount in (data["low"], data["median"], data["high"]):
        assert f"${amount:,}" in out
    assert "San Francisco" in out
    assert "Sources" in out and data["sources"]
    assert all(source["id"] in out for source in data["sources"])
    assert "\x1b[" not in out, "no colour when stdout is not a terminal"


def test_estimate_json_contract(run: Run) -> None:
    data = run.json("estimate", "--years", "3", "--city", "SF")
    assert isinstance(data["low"], int) and isinstance(data["high"], int)
    assert data["low"] <= data["median"] <= data["high"]
    assert 0 < data["band"] < 1
    assert data["basis"] in ("base", "total", "gross", "unspecified")
    assert data["basis_by_source"][data["baseline"]["sources"][0]["source"]] in (
        "base",
        "total",
        "gross",
        "unspecified",
    )
    assert 0.5 <= data["basis_share"] <= 1
    assert data["currency"] == "USD" and data["exchange_rate"] is None
    assert data["inputs"]["city"] == "san-francisco"
    assert data["inputs"]["level"] == "mid"
    cited = {s["id"] for s in data["sources"]}
    for source in data["sources"]:
        assert {"id", "title", "document"} <= source.keys()
    for factor in data["factors"]:
        assert {"dimension", "value", "multiplier", "sources"} <= factor.keys()
        assert set(factor["sources"]) <= cited or factor["status"] != "applied"
    city = next(f for f in data["factors"] if f["dimension"] == "city")
    assert city["status"] == "applied" and city["multiplier"] > 1
    assert isinstance(data["warnings"], list)


def test_estimate_csv_is_a_header_and_one_row(run: Run) -> None:
    result = run("estimate", "--level", "senior", "--company", "meta", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    data = run.json("estimate", "--level", "senior", "--company", "meta")
    assert int(rows[0]["median"]) == data["median"]
    assert rows[0]["company"] == "meta"


def test_same_input_same_output(run: Run) -> None:
    args = ("estimate", "--years", "7", "--industry", "finance", "--format", "json")
    assert run(*args).stdout == run(*args).stdout


def test_no_figure_is_a_warning_on_stderr(run: Run) -> None:
    result = run("estimate", "--skill", "nlp", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert any("Natural language processing" in w for w in data["warnings"])
    table = run("estimate", "--skill", "nlp")
    assert "no sourced figure for skill 'Natural language processing'" in table.stderr
    assert "no sourced figure" not in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--city", "San Fransisco"],
            "unknown city 'San Fransisco'; did you mean 'San Francisco'?",
        ),
        (["--company", "gogle"], "unknown company 'gogle'; did you mean 'Google'?"),
        (["--level", "seniour"], "unknown level 'seniour'; did you mean 'Senior'?"),
        (["--years", "-1"], "years must be between 0 and 60"),
        (["--years", "61"], "years must be between 0 and 60"),
        (["--years", "many"], "Invalid value for '--years'"),
        (["--city", "London", "--country", "US"], "city 'London' is in United Kingdom"),
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--yeers", "3"], "No such option: --yeers"),
        (["--gender", "female"], "No such option: --gender"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_on_stdout(
    run: Run, args: list[str], message: str
) -> None:
    result = run("estimate", *args) if "--format" in args else run("estimate", *args, "-f", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_sources_json_lists_every_fact_with_its_quote(run: Run) -> None:
    data = run.json("sources")
    ids = [s["id"] for s in data]
    assert ids == sorted(ids) and {"s000", "s001", "s002", "s003", "s004", "aijobs"} <= set(ids)
    amazon = [
        f
        for s in data
        for f in s["facts"]
        if f.get("dimension") == "company" and f.get("value") == "amazon" and "amount" in f
    ]
    assert {f["amount"] for f in amazon} >= {150000, 254000}
    for source in data:
        assert source["fact_count"] == len(source["facts"])
        for fact in source["facts"]:
            assert fact["quote"]
    seed = next(s for s in data if s["id"] == "s000")
    assert seed["document"] == "000_78cdadb4e0540f5a.txt"


def test_sources_one_source(run: Run) -> None:
    data = run.json("sources", "s004")
    assert data["id"] == "s004"
    assert any(f["id"] == "s004.city.san-francisco" for f in data["facts"])
    table = run("sources", "s004")
    assert table.exit_code == 0 and "Table 3" not in table.stderr
    assert "s004.city.san-francisco" in table.stdout
    bad = run("sources", "s09")
    assert bad.exit_code == 2 and "unknown source 's09'" in bad.stderr


def test_sources_csv(run: Run) -> None:
    rows = list(csv.DictReader(io.StringIO(run("sources", "--format", "csv").stdout)))
    assert {r["id"] for r in rows} >= {"s000", "s004"}
    facts = list(csv.DictReader(io.StringIO(run("sources", "s001", "-f", "csv").stdout)))
    assert all(r["source"] == "s001" for r in facts) and len(facts) > 10


def test_help_and_version(run: Run) -> None:
    result = run("estimate", "--help")
    assert result.exit_code == 0 and "--years" in result.stdout and "Example" in result.stdout
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("mlsal ")


def test_a_list_splits_alike_on_the_command_line_and_in_the_api(run: Run) -> None:
    """One input path: `--skill "nlp;cv"` is two skills, as in a batch row or the API."""
    import mlsal

    result = run("estimate", "--level", "mid", "--skill", "nlp;cv", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["inputs"]["skills"] == ["nlp", "computer-vision"]
    api = mlsal.estimate(level="mid", skills="nlp;cv")
    assert api["inputs"]["skills"] == ["nlp", "computer-vision"]


def test_real_pay_without_a_parity_is_warned_of_in_json_too(run: Run) -> None:
    result = run("estimate", "--city", "London", "--real", "-f", "json")
    assert result.exit_code == 0
    warnings = json.loads(result.stdout)["warnings"]
    assert any("no price parity for London" in w for w in warnings)
    table = run("estimate", "--city", "London", "--real")
    assert "no price parity for London" in table.stderr


def test_the_year_of_dollars_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import mlsal
    import mlsal.profile

    calls: list[int | None] = []
    original = mlsal.profile.check_as_of

    def counted(catalog: object, year: int | None) -> int:
        calls.append(year)
        return original(catalog, year)  # type: ignore[arg-type]

    import mlsal.engine

    for module in (mlsal.profile, mlsal.engine):  # wherever the check is imported
        if hasattr(module, "check_as_of"):
            monkeypatch.setattr(module, "check_as_of", counted)
    mlsal.estimate(level="mid", as_of=2024)
    assert calls == [2024]

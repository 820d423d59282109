"""offer, trajectory, batch and the Python API, driven as users drive them."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import mlsal
from mlsal import batch as batch_module
from mlsal.api import catalog as shipped_catalog
from mlsal.batch import csv_lines, writers
from mlsal.batch import rows as batch_rows
from mlsal.batch.files import atomic_output
from mlsal.catalog import Catalog
from mlsal.engine import estimate
from mlsal.engine import shares as engine_module
from mlsal.errors import UsageError
from mlsal.offer import assess, parse_amount
from mlsal.profile import Profile, resolve_profile

from conftest import Run

# ----------------------------------------------------------------------------- offer


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("185000", 185000, None),
        ("185k", 185000, None),
        ("$185,000", 185000, "$"),  # a bare '$': US dollars at home, a question abroad
        ("US$185,000", 185000, "USD"),
        ("185.5K", 185500, None),
        ("$1.2m", 1200000, "$"),
        (" 92,500 ", 92500, None),
        ("£85k", 85000, "GBP"),
        ("85000 GBP", 85000, "GBP"),
        ("eur 90,000", 90000, "EUR"),
        ("150000€", 150000, "EUR"),  # the symbol after the amount, as written in Europe
        ("₹30,00,000", 3000000, "INR"),  # Indian grouping: lakhs
        ("₹15,00,000", 1500000, "INR"),
        ("3000000 INR", 3000000, "INR"),
        ("CA$150k", 150000, "CAD"),
        ("C$ 120,000", 120000, "CAD"),
        ("150k CHF", 150000, "CHF"),
        ("1,5,000", None, None),  # neither grouping
        ("¥500000", None, None),  # yen or yuan: asked
        ("50000kr", None, None),  # Swedish, Norwegian, Danish or Icelandic crowns: asked
    ],
)
def test_offer_amounts_as_people_write_them(
    text: str, amount: int | None, currency: str | None
) -> None:
    if amount is None:
        with pytest.raises(UsageError):
            parse_amount(text)
    else:
        assert parse_amount(text) == (amount, currency)


@pytest.mark.parametrize("text", ["abc", "185kk", "-5000", "12", "$", "1e9"])
def test_unreadable_offers_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_amount(text)


def test_offer_at_the_median_is_fair_and_at_low_is_below_market(run: Run) -> None:
    market = run.json("estimate", "--level", "senior")
    at_median = run.json("offer", str(market["median"]), "--level", "senior")
    assert at_median["verdict"] == "fair" and abs(at_median["percentile"] - 50) < 0.5
    assert at_median["gap"] == 0 and at_median["estimate"] == market
    at_low = run.json("offer", str(market["low"]), "--level", "senior")
    assert at_low["verdict"] == "below market" and abs(at_low["percentile"] - 10) < 0.5
    above = run.json("offer", str(market["high"]), "--level", "senior")
    assert above["verdict"] == "strong" and above["gap"] == market["high"] - market["median"]


def test_offer_confidence_is_capped_on_thin_data(run: Run, catalog: Catalog) -> None:
    backed = run.json("offer", "200k", "--level", "senior", "--pay", "gross")
    assert backed["confidence"] == "high"
    # Base salary at senior: thousands of LCA records, but no second source to check them.
    records_alone = run.json("offer", "200k", "--level", "senior")
    assert records_alone["confidence"] == "medium"
    assert "the baseline rests on a single source of records" in records_alone["confidence_reasons"]
    # Gross pay at staff rests on the few executive records of aijobs.net.
    few = run.json("offer", "200k", "--level", "staff", "--pay", "gross")
    assert few["confidence"] == "medium"
    ignored = run.json("offer", "200k", "--level", "senior", "--skill", "nlp", "--pay", "gross")
    assert ignored["confidence"] == "medium"
    # Principal on the one article alone (with the price index): low, and the reason is said.
    # The article states no basis: it counts in gross pay.
    kept = [f for f in catalog.facts if f.source[0] in "sc"]
    articles = replace(catalog, facts=kept, pay="gross")
    profile = resolve_profile(Profile(level="principal"), articles)
    thin = assess(articles, estimate(articles, profile), 200_000)
    assert thin.confidence == "low"
    assert any("single source" in r for r in thin.confidence_reasons)


def test_offer_table_and_csv(run: Run) -> None:
    table = run("offer", "185k", "--years", "4", "--city", "NYC")
    assert table.exit_code == 0 and "Verdict:" in table.stdout and "$185,000" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("offer", "185k", "-f", "csv").stdout)))
    assert rows[0]["offer"] == "185000" and rows[0]["verdict"] in ("below market", "fair", "strong")
    bad = run("offer", "lots", "-f", "json")
    assert bad.exit_code == 2 and bad.stdout == "" and "cannot read the offer 'lots'" in bad.stderr


# ------------------------------------------------------------------------ trajectory


def test_trajectory_numbers_and_levels(run: Run) -> None:
    data = run.json("trajectory", "--to", "12", "--city", "SF")
    points = data["points"]
    assert [p["years"] for p in points] == list(range(13))
    medians = [p["median"] for p in points]
    assert medians == sorted(medians)
    levels = [b["level"] for b in data["level_boundaries"]]
    assert levels == ["entry", "mid", "senior", "staff"]  # years keep counting past senior
    assert data["level_boundaries"][1]["from_years"] == 2
    assert data["level_boundaries"][3]["from_years"] == 10  # s001's "more than ten years"
    assert medians[12] > medians[6]
    single = run.json("estimate", "--years", "7", "--city", "SF")
    assert points[7]["median"] == single["median"]


def test_trajectory_chart_and_csv(run: Run) -> None:
    table = run("trajectory", "--to", "6")
    assert table.exit_code == 0
    assert "●" in table.stdout and "━" in table.stdout and "senior" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("trajectory", "--to", "3", "-f", "csv").stdout)))
    assert [r["years"] for r in rows] == ["0", "1", "2", "3"]
    bad = run("trajectory", "--to", "99")
    assert bad.exit_code == 2 and "--to must be between 0 and 60" in bad.stderr


# ----------------------------------------------------------------------------- batch

PROFILES = """name,years,city,company,skills
alice,3,SF,google,nlp
bob,,Atlantiss,,
carol,7,Seattle,amazon,"nlp,cv"
dave,-2,,,
erin,1,london,,
"""


def test_batch_reports_bad_rows_and_keeps_the_good_in_order(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "profiles.csv"
    path.write_text(PROFILES, encoding="utf-8")
    result = run("batch", str(path))
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == ["alice", "carol", "erin"]
    assert "line 3: unknown city 'Atlantiss'; did you mean 'Atlanta'?" in result.stderr
    assert "line 5: years must be between 0 and 60" in result.stderr
    alice = run.json(
        "estimate", "--years", "3", "--city", "SF", "--company", "google", "--skill", "nlp"
    )
    assert int(rows[0]["median"]) == alice["median"]
    assert rows[0]["sources"] == ";".join(s["id"] for s in alice["sources"])


def test_batch_reads_stdin_and_writes_json_lines(run: Run) -> None:
    good = "\n".join(PROFILES.splitlines()[:2]) + "\n"
    result = run("batch", "-", "--format", "jsonl", input=good)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["name"] == "alice" and records[0]["low"] <= records[0]["high"]
    assert isinstance(records[0]["sources"], list)


def test_batch_strict_stops_and_leaves_the_old_output(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "profiles.csv"
    source.write_text(PROFILES, encoding="utf-8")
    output = tmp_path / "out.csv"
    output.write_text("old\n", encoding="utf-8")
    result = run("batch", str(source), "--output", str(output), "--strict")
    assert result.exit_code == 1
    assert result.stderr.count("error:") == 1
    assert output.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "profiles.csv"]


def test_batch_output_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as stream:
        stream.write("half a row,")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    with atomic_output(target) as stream:
        stream.write("whole\n")
        assert not target.exists(), "nothing under the final name while writing"
    assert target.read_text(encoding="utf-8") == "whole\n"


def test_batch_memo_stays_bounded(
    monkeypatch: pytest.MonkeyPatch, run: Run, tmp_path: Path
) -> None:
    """Cells, places, the engine's shares and what rows say are remembered in bounded
    tables: filled, and emptied when full, whatever the input."""
    monkeypatch.setattr(batch_rows, "MEMO_LIMIT", 5)
    monkeypatch.setattr(csv_lines, "CHUNK", 3)
    monkeypatch.setattr(engine_module, "SHARES_KEPT", 5)
    seen: list[int] = []
    original = batch_module.BatchEstimator.estimate_columns

    def spy(self: batch_module.BatchEstimator, *args: Any) -> Any:
        results = original(self, *args)
        tables = [self.places, *self.cells.values(), *self.memos.values()]
        seen.append(max(len(table) for table in tables))
        return results

    monkeypatch.setattr(batch_module.BatchEstimator, "estimate_columns", spy)
    monkeypatch.setattr(writers, "SAID_LIMIT", 2)  # of the 4 kinds of warnings here
    said: list[int] = []  # the writer's warnings as CSV, by the warnings
    write_many = batch_module.CsvWriter.write_many

    def spy_writer(self: batch_module.CsvWriter, *args: Any) -> None:
        write_many(self, *args)
        said.append(len(self.said))

    monkeypatch.setattr(batch_module.CsvWriter, "write_many", spy_writer)
    mlsal.api.catalog().memo.clear()  # what earlier tests left is no part of this run
    lines = ["years,company"] + [f"{y / 2},{'deepmind' if y % 2 else ''}" for y in range(40)]
    result = run("batch", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 41
    assert max(seen) <= 5 and max(seen) > 0  # filled, and emptied when full
    assert max(said) == 2


def test_bad_rows_leave_nothing_for_the_cyclic_collector() -> None:
    """A bad row's error is kept as its result; with its traceback it held the chunk in a
    reference cycle, so memory grew with the input until the collector came by."""
    lines = ["years,city"] + [f"{y},{'Atlantiss' if y % 3 else 'SF'}" for y in range(30)]
    text = "\n".join(lines) + "\n"

    def batch() -> int:
        bad: list[Any] = []
        source, target = io.StringIO(text), io.StringIO()
        batch_module.run_batch(shipped_catalog(), source, target, "csv", bad.append)
        return len(bad)

    assert batch() == 20  # once, for what is loaded and remembered to stay
    gc.collect()
    gc.disable()
    try:
        assert batch() == 20
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the input is empty"),
        ("colour,shape\nred,round\n", "no profile column"),
        ("years,years\n1,2\n", "names a column twice"),
    ],
)
def test_batch_bad_input_files(run: Run, text: str, message: str) -> None:
    result = run("batch", "-", input=text)
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


def test_batch_installed_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "mlsal"
    if not script.exists():
        pytest.skip("mlsal is not installed in this env")
    source = tmp_path / "in.csv"
    source.write_text(PROFILES, encoding="utf-8")
    output = tmp_path / "out.csv"
    done = subprocess.run(
        [str(script), "batch", str(source), "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 1 and done.stdout == ""
    assert len(output.read_text(encoding="utf-8").splitlines()) == 4


# ----------------------------------------------------------------------------- API


def test_api_gives_what_the_cli_prints(run: Run) -> None:
    assert mlsal.estimate(years=3, city="SF") == run.json(
        "estimate", "--years", "3", "--city", "SF"
    )
    row = {"years": 3.0, "city": "SF", "company": float("nan"), "skills": None, "extra": "x"}
    with pytest.raises(mlsal.UsageError, match="unknown input 'extra'"):
        mlsal.estimate(row)
    del row["extra"]
    assert mlsal.estimate(row)["median"] == mlsal.estimate(years=3, city="SF")["median"]
    assert mlsal.estimate(mlsal.Profile(years=3, city="SF"))["inputs"]["city"] == "san-francisco"
    with pytest.raises(mlsal.UsageError, match="did you mean 'San Francisco'"):
        mlsal.estimate(city="San Fransisco")


def test_progress_bar_only_on_a_terminal_for_large_inputs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mlsal.batch import files as batch_io

    big = tmp_path / "big.csv"
    big.write_text("years\n" + "3\n" * (batch_io.PROGRESS_FROM_BYTES // 2), encoding="utf-8")
    small = tmp_path / "small.csv"
    small.write_text("years\n3\n", encoding="utf-8")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with batch_io.progress(str(big)) as tick:
        assert tick is not None
        tick(100)
    with batch_io.progress(str(small)) as tick:
        assert tick is None
    with batch_io.progress("-") as tick:
        assert tick is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with batch_io.progress(str(big)) as tick:
        assert tick is None


def test_batch_reads_and_writes_json_lines_by_extension(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "people.jsonl"
    source.write_text(
        '{"id": 1, "years": 3, "city": "SF", "skills": ["nlp", "cv"]}\n'
        "\n"
        '{"id": 2, "level": "staff", "team": "ads"}\n',
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    result = run("batch", str(source), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in target.read_text().splitlines())
    assert first["id"] == 1 and first["skills"] == ["nlp", "cv"]
    expected = mlsal.estimate(years=3, city="SF", skills=["nlp", "cv"])
    assert (first["low"], first["median"], first["high"]) == (
        expected["low"],
        expected["median"],
        expected["high"],
    )
    assert second["team"] == "ads" and "city" not in second
    assert second["median"] == mlsal.estimate(level="staff")["median"]


def test_batch_json_lines_from_stdin_to_csv(run: Run) -> None:
    lines = '{"years": 3, "city": "SF"}\n{"years": "x"}\n[1, 2]\n{"city": "NYC"\n'
    result = run("batch", "-", "--input-format", "jsonl", input=lines)
    assert result.exit_code == 1
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:2] == ["years", "city"] and len(rows) == 2  # the header, one good row
    assert "line 2: years must be a number, got 'x'" in result.stderr
    assert "line 3: a JSON list, not an object" in result.stderr
    assert "line 4: not JSON:" in result.stderr


def test_a_bonus_may_be_a_share_of_base(run: Run) -> None:
    gross = ["--years", "5", "--pay", "gross"]
    share = run.json("offer", "--base", "200k", "--bonus", "15%", *gross)
    amount = run.json("offer", "--base", "200k", "--bonus", "30k", *gross)
    assert share["offer"] == amount["offer"] == 230_000 and share["counted"] == "base + bonus"
    base = run.json("offer", "--base", "200k", "--bonus", "15%", "--years", "5")
    assert base["left_out"] == ["bonus ($30,000): the market figures hold none"]
    for bonus, said in (
        ("15%", "is a share of base: give the base salary too"),
        ("nan%", "not a share of base from 0% to 500%"),
        ("-5%", "not a share of base from 0% to 500%"),
        ("lots%", "cannot read the bonus 'lots%'"),
    ):
        args = ["--bonus", bonus] if bonus == "15%" else ["--base", "200k", "--bonus", bonus]
        bad = run("offer", *args, "--equity", "0", *gross)
        assert bad.exit_code == 2 and bad.stdout == "" and said in bad.stderr, bad.stderr


def test_the_page_says_once_what_the_pay_holds(run: Run) -> None:
    base = run("estimate", "--years", "3").stdout
    assert base.count("(base salary, no bonus or equity)") == 1
    gross = run("estimate", "--years", "3", "--pay", "gross").stdout
    assert gross.count("(gross pay, bonus not separated, no equity") == 1


def test_base_and_bonus_are_also_judged_against_gross_pay(run: Run) -> None:
    profile = ["--years", "5", "--company", "google"]
    both = run.json("offer", "--base", "200k", "--bonus", "10%", *profile)
    assert both["counted"] == "base" and both["estimate"]["basis"] == "base"
    also = both["also"]
    assert also["counted"] == "base + bonus" and also["offer"] == 220_000
    assert also["estimate"]["basis"] == "gross" and also["also"] is None
    gross_alone = run.json("offer", "--base", "200k", "--bonus", "10%", *profile, "--pay", "gross")
    assert gross_alone["percentile"] == also["percentile"] and gross_alone["also"] is None
    assert run.json("offer", "200k", *profile)["also"] is None  # no bonus: base alone
    table = " ".join(run("offer", "--base", "200k", "--bonus", "10%", *profile).stdout.split())
    assert "Also: base + bonus, $220,000, against gross pay, bonus not separated" in table

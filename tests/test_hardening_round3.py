"""Hardening, round three (issue 26): each test reproduces one way 0.3.0 lost rows, leaked,
or crashed; its item number is the issue's."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mlsal
from mlsal import cache
from mlsal.errors import UsageError
from mlsal.load import default_data_dir, load_catalog

from conftest import REPO, Run

EXAMPLE = REPO / "examples" / "team-data"
PROFILES = "years,city\n3,SF\n7,NYC\n"


def mlsal_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlsal", *args]


def batch(run: Run, text: str, *args: str) -> Any:
    return run("batch", "-", *args, input=text)


def lines_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ------------------------------------------------------------- rows lost or written wrong


def test_01_stdin_redirected_from_the_output_file_is_refused(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PROFILES + "4,Atlantiss\n", encoding="utf-8")
    with people.open("rb") as stdin:
        done = subprocess.run(
            mlsal_command("batch", "-", "-o", str(people)), stdin=stdin, capture_output=True
        )
    assert done.returncode == 2 and b"it is the input file" in done.stderr
    assert people.read_text(encoding="utf-8") == PROFILES + "4,Atlantiss\n"  # untouched


@pytest.mark.parametrize("first", ["{}", "[1]", "{not json"])
def test_02_a_first_line_without_keys_makes_no_empty_header(run: Run, first: str) -> None:
    result = batch(
        run, f'{first}\n{{"years": 3, "city": "SF"}}\n', "--input-format", "jsonl", "-f", "csv"
    )
    rows = lines_of(result.stdout)
    assert list(rows[0])[:2] == ["years", "city"]
    assert all(line.count('"') % 2 == 0 for line in result.stdout.splitlines())
    assert all(row["median"].isdigit() for row in rows)
    assert any(row["city"] == "SF" for row in rows)


def test_03_one_stray_quote_or_long_cell_loses_that_row_only(run: Run, tmp_path: Path) -> None:
    rows = [f"r{i},3,SF" for i in range(1, 501)]
    rows += ['r501,3,"SF"x', "r502,3," + "x" * 200_000]
    rows += [f"r{i},3,NYC" for i in range(503, 1001)]
    source = tmp_path / "people.csv"
    source.write_text("id,years,city\n" + "\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    result = run("batch", str(source), "-o", str(target))
    assert result.exit_code == 1
    assert "line 502: not CSV" in result.stderr and "line 503: not CSV" in result.stderr
    written = lines_of(target.read_text(encoding="utf-8"))
    assert len(written) == 998 and written[-1]["id"] == "r1000"


def test_04_keys_the_first_object_lacks_are_said_not_lost(run: Run) -> None:
    text = '{"years": 3}\n{"years": 4, "city": "NYC"}\n{"years": 5, " years ": 6}\n'
    result = batch(run, text, "--input-format", "jsonl", "-f", "csv")
    assert result.exit_code == 1
    assert "line 2: the object has keys the first object has not ('city')" in result.stderr
    assert "line 3:" in result.stderr
    assert [row["years"] for row in lines_of(result.stdout)] == ["3"]
    kept = batch(run, text, "--input-format", "jsonl", "-f", "jsonl")
    assert json.loads(kept.stdout.splitlines()[1])["city"] == "NYC"  # JSON Lines keeps all


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"city": "SF", "city": "NYC"}', "names 'city' twice"),
        ('{"years": NaN}', "NaN is not a JSON number"),
        ('{"years": Infinity}', "Infinity is not a JSON number"),
        ('{"years": ' + "1" * 5000 + "}", "a number of more than"),
        ('{"city": "\\ud800"}', "lone surrogate"),
    ],
)
def test_06_07_17_what_json_allows_and_a_row_may_not_hold(run: Run, line: str, said: str) -> None:
    text = f'{{"years": 3, "city": "SF"}}\n{line}\n{{"years": 5, "city": "SF"}}\n'
    result = batch(run, text, "--input-format", "jsonl", "-f", "jsonl")
    assert result.exit_code == 1 and "error: line 2: " in result.stderr and said in result.stderr
    written = [json.loads(text) for text in result.stdout.splitlines()]
    assert [row["years"] for row in written] == [3, 5]  # the rows around it are written
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout


def test_08_a_numpy_true_is_no_number_of_years() -> None:
    np = pytest.importorskip("numpy")
    with pytest.raises(UsageError, match="years must be a number"):
        mlsal.estimate(years=np.bool_(True))


def test_12_header_cells_are_written_safe_for_spreadsheets(run: Run) -> None:
    result = batch(run, 'years,=HYPERLINK("http://x"),@SUM(1+1)\n3,a,b\n')
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[1] == '\'=HYPERLINK("http://x")' and header[2] == "'@SUM(1+1)"


# ---------------------------------------------------------------------------------- security


def test_11_the_shipped_catalog_is_trusted_on_a_real_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    shutil.copytree(default_data_dir(), root)
    before = cache.content_hash(root)
    assert before is not None and len(before.split("-")[0]) == 40  # BLAKE2b, 20 bytes
    facts = root / "facts" / "s001.toml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("a", "b", 1), encoding="utf-8")
    assert cache.content_hash(root) != before
    # MLSAL_NO_CACHE: the shipped checked catalog is not read either.
    monkeypatch.setenv("MLSAL_NO_CACHE", "1")

    def read_shipped(directory: Path) -> None:
        raise AssertionError("the shipped catalog was read")

    monkeypatch.setattr(cache, "read_shipped", read_shipped)
    assert load_catalog().facts


def test_13_an_overlay_claiming_a_billion_records_weighs_as_500(run: Run, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(EXAMPLE, mine)
    facts = mine / "facts" / "acme.toml"
    text = facts.read_text(encoding="utf-8").replace(
        'basis = "base"', 'basis = "base"\nn = 1000000000'
    )
    facts.write_text(text, encoding="utf-8")
    data = run.json("--data-dir", str(mine), "estimate", "--level", "mid")
    acme = next(v for v in data["baseline"]["sources"] if v["source"] == "acme-bands-2025")
    assert acme["weight"] == 500 / 20


def test_14_fact_files_are_confined_to_their_folder(run: Run, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(EXAMPLE, mine)
    secret = tmp_path / "secret.toml"
    secret.write_text('password = "hunter2"\n', encoding="utf-8")
    (mine / "facts" / "link.toml").symlink_to(secret)
    (mine / "facts" / "stdin.toml").symlink_to("/dev/stdin")
    os.mkfifo(mine / "facts" / "pipe.toml")
    done = subprocess.run(
        mlsal_command("data", "validate", str(mine)),
        capture_output=True,
        timeout=60,
        stdin=subprocess.PIPE,
    )
    assert done.returncode == 1 and b"hunter2" not in done.stderr + done.stdout
    assert b"link.toml: (file): is not a file inside" in done.stderr
    assert b"pipe.toml: (file): is not a regular file" in done.stderr
    assert b"stdin.toml: (file)" in done.stderr


def test_24_an_overlay_factor_without_reference_is_said(run: Run, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(EXAMPLE, mine)
    with (mine / "facts" / "acme.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[facts]]\nid = "acme.google"\nsource = "acme-bands-2025"\n'
            'dimension = "company"\nvalue = "google"\nfigure = "average"\namount = 200000\n'
            'quote = "L3 Machine Learning Engineer (entry): $118,000 to $152,000 base."\n'
        )
    result = run("data", "validate", str(mine))
    assert result.exit_code == 1 and "fact 'acme.google': reference:" in result.stderr


# ------------------------------------------------------------------------------- crashes


def test_15_pandas_missing_values_are_not_given() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "years": pd.array([3, None], dtype="Int64"),
            "city": pd.array(["SF", None], dtype="string"),
        }
    )
    for rows in (frame, frame.convert_dtypes()):
        found = list(mlsal.estimate_many(rows))
        assert [row["error"] for row in found] == [None, None]
        assert found[1]["median"] == mlsal.estimate()["median"]


@pytest.mark.parametrize("digits", [400])
def test_18_30_years_of_hundreds_of_digits_are_said(run: Run, digits: int) -> None:
    huge = run("estimate", "--as-of", "9" * digits)
    assert huge.exit_code == 2 and "as of must be a year" in huge.stderr
    typed = run("estimate", "--as-of", "99999999999999999999")
    assert "'99999999999999999999'" in typed.stderr  # as typed, not through a float


def test_18_19_an_overlay_with_a_huge_amount_or_a_deep_key_is_reported(
    run: Run, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(EXAMPLE, mine)
    facts = mine / "facts" / "acme.toml"
    text = facts.read_text(encoding="utf-8").replace("low = 118000", "low = 1" + "0" * 400)
    facts.write_text(text, encoding="utf-8")
    (mine / "facts" / "deep.toml").write_text(
        "[[facts]]\n" + ".".join(f"k{i}" for i in range(1000)) + " = 1\n", encoding="utf-8"
    )
    result = run("data", "validate", str(mine))
    assert result.exit_code == 1
    assert "low: must be from 1,000 to 100,000,000" in result.stderr
    assert "nested more than" in result.stderr


SCRIPT = Path(sys.executable).parent / ("mlsal.exe" if os.name == "nt" else "mlsal")


@pytest.mark.skipif(not SCRIPT.exists(), reason="mlsal is not installed in this env")
@pytest.mark.parametrize("value", ["1", "complete_bash"])  # the latter without the shell's words
def test_20_a_stray_completion_variable_breaks_nothing(value: str) -> None:
    env = {**os.environ, "_MLSAL_COMPLETE": value}
    env.pop("COMP_WORDS", None)
    done = subprocess.run([str(SCRIPT), "estimate", "-f", "json"], capture_output=True, env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["median"] > 0
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("output", [True, False])
def test_21_non_utf8_stdin_is_said_never_echoed(tmp_path: Path, output: bool) -> None:
    args = ["batch", "-", *(["-o", str(tmp_path / "out.csv")] if output else [])]
    done = subprocess.run(
        mlsal_command(*args), input=b"years,city\n3,S\xe9o Paulo\n", capture_output=True
    )
    assert done.returncode in (1, 2) and b"not UTF-8" in done.stderr
    assert b"Traceback" not in done.stderr and b"\xe9" not in done.stdout


def test_29_data_are_utf8_whatever_the_terminal_encoding() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        mlsal_command("batch", "-"),
        input="years,city,name\n3,SF,José\n".encode(),
        capture_output=True,
        env=env,
    )
    assert done.returncode == 0 and "José".encode() in done.stdout


# --------------------------------------------------------------------------------- polish


@pytest.mark.parametrize("words", ["", ".", "  "])
def test_25_help_on_no_words_names_no_topic(run: Run, words: str) -> None:
    result = run("help", words)
    assert result.exit_code == 2 and "no topic named" in result.stderr


def test_25_help_matches_words_not_substrings(run: Run) -> None:
    assert run("help", "employ").stdout.startswith("## 8. Employers")
    assert run("help", "mploy").exit_code == 2  # inside a word: no match


@pytest.mark.parametrize(("value", "off"), [("0", False), ("false", False), ("1", True)])
def test_27_no_cache_means_what_it_says(
    monkeypatch: pytest.MonkeyPatch, value: str, off: bool
) -> None:
    monkeypatch.setenv("MLSAL_NO_CACHE", value)
    assert cache.no_cache_asked() is off and (cache.cache_dir() is None) is off


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("BTC 3", "'BTC', which is no currency code"),  # the currency first, not the amount
        ("100000000.4", "100,000,000.4 dollars"),  # the amount as typed
    ],
)
def test_28_offers_say_the_first_thing_wrong(run: Run, typed: str, said: str) -> None:
    result = run("offer", typed, "--years", "3")
    assert result.exit_code == 2 and said in result.stderr


def test_28_fullwidth_digits_are_read() -> None:
    from mlsal.offer import parse_amount

    assert parse_amount("１８５，０００") == (185000, None)


def test_05_a_currency_column_is_refused_not_half_read(run: Run) -> None:
    result = batch(run, "years,currency\n3,GBP\n")
    assert result.exit_code == 2 and "the column 'currency' is not read" in result.stderr
    assert result.stdout == ""
    lines = batch(run, '{"years": 3, "currency": "GBP"}\n{"years": 4}\n', "--input-format", "jsonl")
    assert "line 1: the column 'currency' is not read" in lines.stderr
    with pytest.raises(UsageError, match="'currency' is not read"):
        list(mlsal.estimate_many([{"years": 3, "currency": "GBP"}]))


def test_16_cells_and_rows_no_input_is_read_from_are_said() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    arrays = pd.DataFrame({"years": [3, 4], "skills": [np.array(["nlp"]), np.array(["cv"])]})
    assert [r["error"] for r in mlsal.estimate_many(arrays)] == [None, None]  # lists
    odd = [{"years": 3, "city": {"a": 1}}, {"years": 4, "skills": {"nlp"}}, {"years": 5}]
    found = list(mlsal.estimate_many(odd, errors="keep"))
    assert "got a dict" in found[0]["error"] and "got a set" in found[1]["error"]
    assert found[2]["error"] is None
    for rows in ([None], pd.Series([1, 2])):
        with pytest.raises(UsageError, match="mapping of inputs"):
            list(mlsal.estimate_many(rows))
    twice = pd.DataFrame([[3, 4]], columns=["years", "years"])
    with pytest.raises(UsageError, match="names a column twice: years"):
        list(mlsal.estimate_many(twice))


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_23_a_line_too_long_is_said_in_bounded_memory(tmp_path: Path, kind: str) -> None:
    from mlsal.batch import MAX_LINE_CHARS

    long = "x" * (3 * MAX_LINE_CHARS)
    if kind == "csv":
        text = f"years,city\n3,SF\n4,{long}\n5,NYC\n"
    else:
        text = f'{{"years": 3}}\n{{"city": "{long}"}}\n{{"years": 5}}\n'
    source = tmp_path / f"in.{kind}"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(mlsal_command("batch", str(source)), capture_output=True, timeout=120)
    line = 3 if kind == "csv" else 2  # after the header, or the second object
    assert done.returncode == 1
    assert f"line {line}: longer than {MAX_LINE_CHARS:,} characters".encode() in done.stderr
    assert len(done.stdout.splitlines()) == 3  # the header and the two good rows


def test_28_a_negative_offer_is_said_as_one() -> None:
    for args in (["offer", "-5k", "--years", "3"], ["offer", "--base", "-5k", "--bonus", "0"]):
        done = subprocess.run(mlsal_command(*args), capture_output=True, text=True)
        assert done.returncode == 2 and "is negative" in done.stderr
        assert "No such option" not in done.stderr and done.stdout == ""


def test_08_a_truth_value_never_shares_a_number_memo() -> None:
    """Found by the frame fuzzer: True == 1 and False == 0 as dictionary keys, so a column of
    years holding both read True as 1 year once 1 had been seen."""
    rows = [{"years": 0}, {"years": False}, {"years": 1}, {"years": True}]
    found = [r["error"] for r in mlsal.estimate_many(rows, errors="keep")]
    assert found[0] is None and found[2] is None
    assert "got 'False'" in found[1] and "got 'True'" in found[3]


def test_16_a_lazy_frame_is_collected_once() -> None:
    """Polars' LazyFrame is a query: collected, then read as its frame (no Polars here: a
    stand-in with the same two names)."""
    pd = pytest.importorskip("pandas")
    collected = []

    class LazyFrame:
        def collect(self) -> Any:
            collected.append(True)
            return pd.DataFrame({"years": [3, 7], "city": ["SF", "NYC"]})

    found = list(mlsal.estimate_many(LazyFrame()))
    expected = list(mlsal.estimate_many([{"years": 3, "city": "SF"}, {"years": 7, "city": "NYC"}]))
    assert found == expected and collected == [True]

"""Your own sources: --data-dir, MLSAL_DATA_DIR, and `mlsal data validate`."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlsal
from mlsal.load import default_data_dir

from conftest import REPO, Run

EXAMPLE = REPO / "examples" / "team-data"


def test_the_shipped_data_validates(run: Run) -> None:
    result = run("data", "validate")
    assert result.exit_code == 0 and "no problem found" in result.stdout
    report = run.json("data", "validate")
    assert report["ok"] is True and report["facts"] > 300


def test_the_example_validates_and_is_cited(run: Run) -> None:
    assert run("data", "validate", str(EXAMPLE)).exit_code == 0
    mine = run.json("--data-dir", str(EXAMPLE), "estimate", "--level", "mid")
    plain = run.json("estimate", "--level", "mid")
    assert "acme-bands-2025" in [s["id"] for s in mine["sources"]]
    assert mine["median"] != plain["median"]
    acme = next(v for v in mine["baseline"]["sources"] if v["source"] == "acme-bands-2025")
    assert acme["figures"][0]["quote"].startswith("L4 Machine Learning Engineer (mid)")
    assert any("One employer's own bands" in c for c in mine["caveats"])


def test_data_dir_from_the_environment(run: Run) -> None:
    result = run.runner.invoke(
        __import__("mlsal.cli").cli.app,
        ["estimate", "--level", "mid", "-f", "json"],
        env={"MLSAL_DATA_DIR": str(EXAMPLE)},
    )
    assert result.exit_code == 0
    assert "acme-bands-2025" in [s["id"] for s in json.loads(result.stdout)["sources"]]


def test_a_broken_directory_lists_every_problem(run: Run, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    shutil.copytree(EXAMPLE, mine)
    facts = mine / "facts" / "acme.toml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace("low = 118000", "low = -118000").replace(
        'value = "mid"', 'value = "middling"'
    )
    facts.write_text(text, encoding="utf-8")
    result = run("data", "validate", str(mine), "-f", "json")
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "acme.toml: facts[0] 'acme.entry': low: must be from 1,000" in lines[0]
    assert "fact 'acme.mid': value: unknown level 'middling'" in lines[1]
    estimate = run("--data-dir", str(mine), "estimate")
    assert estimate.exit_code == 1 and estimate.stdout == ""


def test_a_whole_data_directory_validates(run: Run, tmp_path: Path) -> None:
    whole = tmp_path / "data"
    shutil.copytree(default_data_dir(), whole)
    assert run("data", "validate", str(whole)).exit_code == 0
    (whole / "facts" / "s002.toml").write_text("[[facts]\n", encoding="utf-8")
    result = run("data", "validate", str(whole))
    assert result.exit_code == 1 and "s002.toml: (file): not valid TOML" in result.stderr


def test_unknown_command_suggests(run: Run) -> None:
    result = run("estimat")
    assert result.exit_code == 2 and "did you mean 'estimate'?" in result.stderr


rows = st.fixed_dictionaries(
    {
        "years": st.one_of(st.just(""), st.floats(0, 40).map(lambda y: f"{y:.3f}")),
        "level": st.sampled_from(["", "", "entry", "senior", "staff"]),
        "city": st.sampled_from(["", "SF", "Seattle", "London", "nyc"]),
        "company": st.sampled_from(["", "", "google", "cognizant", "amazon"]),
        "skills": st.sampled_from(["", "nlp", "nlp;cv"]),
    }
)


@given(st.lists(rows, min_size=1, max_size=30))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_batch_rows_are_what_estimate_gives(run: Run, profiles: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(profiles[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(profiles)
    result = run("batch", "-", input=buffer.getvalue())
    assert result.exit_code == 0, result.stderr
    out = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(out) == len(profiles)
    for given_row, row in zip(profiles, out, strict=True):
        expected = mlsal.estimate(given_row)
        assert (int(row["low"]), int(row["median"]), int(row["high"])) == (
            expected["low"],
            expected["median"],
            expected["high"],
        )
        assert row["warnings"] == " | ".join(expected["warnings"])

"""What a person reads (issue 16): defaults said, every input accounted for, a short page,
offers like with like, help, version and shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlsal.cli import app

from conftest import Run

SCRIPT = Path(sys.executable).parent / "mlsal"
installed = pytest.mark.skipif(not SCRIPT.exists(), reason="mlsal is not installed in this env")


def page(*args: str, width: int = 120) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_bare_mlsal_shows_the_help(run: Run) -> None:
    result = run()
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith("Usage: mlsal")
    assert "estimate" in result.stdout and "error" not in result.stdout


def test_version_says_the_data_it_ships(run: Run) -> None:
    import mlsal

    result = run("--version")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"mlsal {mlsal.__version__}"
    sources = run.json("sources")
    assert (
        lines[1] == f"data: {len(sources)} sources, {sum(s['fact_count'] for s in sources):,} facts"
    )
    for source in sources:
        year = source.get("year") or "year not stated"
        assert f"  {source['id']} ({year}): {source['title']}" in lines


def test_help_reads_the_methodology_by_topic(run: Run) -> None:
    listed = run("help")
    assert listed.exit_code == 0 and "8. Employers: LCA records, like for like" in listed.stdout
    by_words = run("help", "employers")
    by_number = run("help", "8")
    assert by_words.stdout == by_number.stdout
    assert by_words.stdout.startswith("## 8. Employers") and "## 9." not in by_words.stdout
    command = run("help", "estimate")
    assert command.exit_code == 2 and "see 'mlsal estimate --help'" in command.stderr
    unknown = run("help", "emplyers")
    assert unknown.exit_code == 2 and unknown.stdout == ""
    assert "no topic 'emplyers'; did you mean 'employers'?" in unknown.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", "--years", "3", "--city", "SF"],
        ["estimate", "--level", "staff", "--city", "London", "--company", "google"],
        [
            "estimate",
            "--years",
            "4",
            "--city",
            "Lake Oswego, OR",
            "--company",
            "deepmind",
            "--industry",
            "finance",
            "--education",
            "phd",
            "--company-size",
            "startup",
            "--skill",
            "nlp;pytorch",
            "--cert",
            "aws",
        ],
    ],
    ids=lambda a: " ".join(a[1:5]),
)
def test_the_default_page_is_short_and_explain_gives_the_rest(args: list[str]) -> None:
    short = page(*args)
    assert len(short.splitlines()) <= 25, short
    whole = page(*args, "--explain")
    assert "How it was made" in whole and "Caveats" in whole
    assert len(whole.splitlines()) > len(short.splitlines())


def test_a_profile_without_level_says_all_levels() -> None:
    assert page("estimate", "--city", "SF").startswith("Profile: All levels · ")
    assert "Profile: Mid (3 years)" in page("estimate", "--years", "3")


@pytest.mark.parametrize(
    ("added", "named"),
    [
        (["--skill", "nlp"], "Natural language processing"),
        (["--skill", "pytorch"], "pytorch"),
        (["--company", "deepmind"], "deepmind"),
        # Gross pay: McKinsey's figure is its all-titles filings' average against the nation,
        # which already holds where it pays.
        (["--company", "mckinsey", "--city", "SF", "--pay", "gross"], "San Francisco"),
        (["--cert", "aws"], "AWS"),
    ],
    ids=lambda a: " ".join(a) if isinstance(a, list) else a,
)
def test_an_input_changes_the_answer_or_the_page_says_why_not(
    run: Run, added: list[str], named: str
) -> None:
    base = ["estimate", "--level", "senior"]
    for shared in ("--city", "--pay"):  # the profile it is added to has them too
        if shared in added:
            base += added[added.index(shared) : added.index(shared) + 2]
    before = run.json(*base)
    after = run.json("estimate", "--level", "senior", *added)
    shown = page("estimate", "--level", "senior", *added)
    if after["median"] == before["median"] or named == "San Francisco":
        notes = shown.split("Not applied", 1)
        assert len(notes) == 2 and named in notes[1], shown
    assert any(named in w for w in after["warnings"]) or after["median"] != before["median"]


def test_trajectory_names_the_inputs_it_leaves_out() -> None:
    shown = page("trajectory", "--level", "staff", "--to", "3")
    assert "the level and years given are left out" in shown


def test_offers_are_compared_like_with_like(run: Run) -> None:
    profile = ["--years", "4", "--city", "NYC"]
    # Base salary (the default): the offer's base against the base band; bonus and equity
    # are shown, not judged.
    parts = run.json("offer", "--base", "185k", "--bonus", "20k", "--equity", "50k", *profile)
    alone = run.json("offer", "185k", *profile)
    assert parts["offer"] == alone["offer"] == 185_000 and parts["counted"] == "base"
    assert parts["left_out"] == [
        "bonus ($20,000): the market figures hold none",
        "equity ($50,000): the market figures hold none",
    ]
    assert parts["percentile"] == alone["percentile"]
    # Gross pay holds the bonus: a base alone is refused, base + bonus is compared.
    gross = [*profile, "--pay", "gross"]
    base_only = run("offer", "--base", "185k", *gross)
    assert base_only.exit_code == 2 and base_only.stdout == ""
    assert "give the offer's bonus too (0 if there is none)" in base_only.stderr
    parts = run.json("offer", "--base", "185k", "--bonus", "20k", "--equity", "50k", *gross)
    whole = run.json("offer", "205k", *gross)
    assert parts["offer"] == whole["offer"] == 205_000
    assert parts["counted"] == "base + bonus" and whole["counted"] == "the offer as given"
    assert parts["left_out"] == ["equity ($50,000): the market figures hold none"]
    assert parts["percentile"] == whole["percentile"]
    both = run("offer", "185k", "--base", "185k", *profile)
    assert both.exit_code == 2 and "not both" in both.stderr


def test_possessives_read_as_english() -> None:
    shown = page("compare", "bachelors", "masters", "phd")
    assert "Bachelor's." in shown and "'s's" not in shown


def test_records_are_not_called_thin_evidence() -> None:
    shown = page("estimate", "--level", "senior", "--company", "google", "--explain", width=400)
    assert "thin evidence" not in shown
    assert "a prior of weight 1 against the sources'" in shown


@installed
@pytest.mark.parametrize(
    ("shell", "own"),
    [("bash", "complete -o default -F"), ("zsh", "#compdef mlsal"), ("fish", "complete --command")],
)
def test_shell_completion_scripts(shell: str, own: str) -> None:
    """Each shell's own script, whichever shell runs the command (not the detected one)."""
    for args in (["--show-completion", shell], [f"--show-completion={shell}"]):
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "_MLSAL_COMPLETE" in done.stdout and own in done.stdout
    unknown = subprocess.run(
        [str(SCRIPT), "--show-completion", "tcsh"], capture_output=True, text=True, check=False
    )
    assert unknown.returncode == 2 and "unknown shell 'tcsh'" in unknown.stderr


@installed
def test_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "_MLSAL_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env, check=False)
        return done.stdout.split()

    assert complete("mlsal est") == ["estimate"]
    assert "--city" in complete("mlsal estimate --ci")
    # Values too: the keys of the data's cities, employers, levels, work modes.
    assert {"san-francisco", "san-jose"} <= set(complete("mlsal estimate --city san-"))
    assert "google" in complete("mlsal offer 150k --company goo")
    assert complete("mlsal estimate --level sen") == ["senior"]
    assert complete("mlsal compare a b --work rem") == ["remote"]

"""Every command answers --help: its usage, its options (the profile's, from the registry,
for the commands that estimate), exit 0 and nothing on stderr."""

from __future__ import annotations

import pytest

from mlsal.cli import COMMANDS
from mlsal.dimensions import INPUTS

from conftest import Run

ESTIMATING = ["estimate", "compare", "explain", "offer", "trajectory"]
COMMAND_LINES = [[name] for name in COMMANDS if name != "data"] + [["data"], ["data", "validate"]]


@pytest.mark.parametrize("words", COMMAND_LINES, ids=" ".join)
def test_help_of_every_command(run: Run, words: list[str]) -> None:
    result = run(*words, "--help")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith(f"Usage: mlsal {' '.join(words)} ")
    if words[0] not in ("data", "help"):
        assert "--format" in result.stdout
    if words[0] in ESTIMATING:
        for item in INPUTS:
            assert item.option in result.stdout, item.option


def test_the_top_level_help_lists_every_command(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.stdout

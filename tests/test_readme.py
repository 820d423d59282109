"""README examples are the real output of the current version.

Each ```console block in README.md starts with `$ mlsal ...`; the block's remaining lines must
be exactly what that command prints on stdout (piped, so tables are 120 columns wide).
To refresh them after a deliberate change:
    MLSAL_UPDATE_README=1 python -m pytest tests/test_readme.py
"""

from __future__ import annotations

import os
import re
import shlex

import pytest

from conftest import REPO, Run

BLOCK = re.compile(r"```console\n\$ (mlsal [^\n]*)\n(.*?)```", re.DOTALL)


def test_readme_examples_are_real_output(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # examples name files under examples/
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 6, "README shows every command with its output"
    updated = text
    for command, shown in blocks:
        result = run(*shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}: {result.stderr}"
        if os.environ.get("MLSAL_UPDATE_README"):
            updated = updated.replace(
                f"$ {command}\n{shown}```", f"$ {command}\n{result.stdout}```", 1
            )
        else:
            assert result.stdout == shown, f"README output of `{command}` is out of date"
    if updated != text:
        readme.write_text(updated, encoding="utf-8")

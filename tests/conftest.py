"""Shared fixtures: the shipped catalog, a CLI runner, and where the seed documents are."""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from mlsal.catalog import Catalog
from mlsal.cli import app
from mlsal.load import default_data_dir, load_catalog

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# Tests never read or write the user's own cache of the catalog.
os.environ["MLSAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="mlsal-test-cache-")
# Output is checked as a pipe sees it: settings of the caller's terminal must not leak in.
for variable in (
    "FORCE_COLOR",
    "NO_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "MLSAL_DATA_DIR",
    "MLSAL_NO_CACHE",
):
    os.environ.pop(variable, None)


def derive_script(name: str) -> ModuleType:
    """A script of derive/ as a module ('lca' is derive/lca.py)."""
    folder = str(REPO / "derive")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped data, read for the default pay (base salary)."""
    return load_catalog()


@pytest.fixture(scope="session")
def gross(catalog: Catalog) -> Catalog:
    """The shipped data, read for gross pay (aijobs.net and the articles)."""
    return catalog.for_pay("gross")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return default_data_dir()


class Run:
    """Drive the CLI as a user does, through Typer's CliRunner."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        result = self.runner.invoke(app, list(args), input=input)
        # CliRunner keeps a crash to itself (stderr stays empty, exit code 1): every test
        # that drives the CLI fails on one, with its traceback.
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"mlsal {' '.join(args)[:200]} crashed") from result.exception
        return result

    def json(self, *args: str) -> Any:
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture(scope="session")
def run() -> Run:
    return Run()

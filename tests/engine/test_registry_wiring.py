"""The registry drives the engine: every input the registry lists reaches a share of the
estimate (or says why it has none), and a new input made by the registry's rules needs no
code in the engine (docs/architecture.md, "Add an input", walked through in a copy)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mlsal.catalog import Catalog
from mlsal.dimensions import INPUTS, Input
from mlsal.engine import estimate, shares
from mlsal.load import load_catalog
from mlsal.profile import make_profile, resolve_profile

from conftest import REPO

TINY = REPO / "tests" / "fixtures" / "tiny"


def unreached(catalog: Catalog) -> list[str]:
    """The inputs naming a dimension whose value, given, leaves no trace in the estimate: no
    factor of its dimension, no band of its level, no word of why it has none."""
    missed = []
    for item in INPUTS:
        if item.dimension is None:
            continue
        key = catalog.values[item.dimension][0].key
        value: object = (key,) if item.is_list else key
        profile = resolve_profile(make_profile({"level": "mid", item.field: value}), catalog)
        result = estimate(catalog, profile)
        dimension_shown = {f.dimension for f in result.factors}
        reached = (
            item.dimension in dimension_shown
            or (item.dimension == "level" and result.band.level == key)
            or (item.unpriced is not None and any(item.unpriced in w for w in result.warnings))
        )
        if not reached:
            missed.append(item.field)
    return missed


def test_the_registry_asks_nothing_the_shares_cannot_do() -> None:
    assert shares.wiring_problems() == []


def test_every_input_reaches_a_share(catalog: Catalog) -> None:
    assert unreached(catalog) == []


def test_an_input_left_unwired_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above fails for an input the shares ignore, and the registry check for one
    that feeds no share and says no reason."""
    catalog = load_catalog()  # its own: the shares made here must not reach other tests
    by_rule = dict(shares.BY_RULE)
    by_rule["credentials"] = tuple(i for i in by_rule["credentials"] if i.field != "education")
    monkeypatch.setattr(shares, "BY_RULE", by_rule)
    assert unreached(catalog) == ["education"]

    loose = Input("contract", "name", "--contract", "TYPE", "Contract.", dimension="contract")
    monkeypatch.setattr(shares, "INPUTS", (*INPUTS, loose))
    assert shares.wiring_problems() == [
        "input 'contract' feeds no share and says no reason (unpriced)"
    ]


def test_a_rule_a_share_cannot_honour_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    odd = Input(
        "visa", "name", "--visa", "V", "Visa.", dimension="visa", share="work", within="country"
    )
    monkeypatch.setattr(shares, "INPUTS", (*INPUTS, odd))
    assert shares.wiring_problems() == [
        "input 'visa': only the place share knows the country to measure within"
    ]


# The recipe of docs/architecture.md, "Add an input": a registry entry, a Profile field and the
# data. Nothing else is edited: the copy's engine, batch, CLI and schema are as shipped.
NEW_INPUT = """
    Input(
        "contract",
        "name",
        "--contract",
        "TYPE",
        "full-time or contract.",
        dimension="contract",
        plural="contracts",
        description=f"employment type, {RELATIVE}",
        share="work",
        rule="covered",
        table_order=2,
        noun="terms",
    ),
"""
NEW_FIELD = "    contract: str | None = None  # full-time or contract\n"
NEW_VALUES = '\n[[contracts]]\nkey = "contract"\nlabel = "Contract"\n'
NEW_FACT = """
[[facts]]
id = "a1.contract"
source = "a1"
dimension = "contract"
value = "contract"
figure = "average"
amount = 180000
reference = "a1.overall"
quote = "contractors: $180,000"
"""

WALK = """
import json
from pathlib import Path
from mlsal.batch import BatchEstimator
from mlsal.compare import compare
from mlsal.engine import estimate
from mlsal.load import load_catalog
from mlsal.profile import make_profile, resolve_profile

catalog = load_catalog(shipped_dir=Path("tiny"), use_cache=False)

def run(**inputs):
    return estimate(catalog, resolve_profile(make_profile(inputs), catalog))

plain, contract = run(level="mid"), run(level="mid", contract="Contract")
covered = run(level="mid", contract="contract", company="acme")
rows = BatchEstimator(catalog).estimate_rows(
    [{"level": "mid", "contract": "contract"}, {"level": "mid"}]
)
print(json.dumps({
    "plain": plain.median,
    "contract": contract.median,
    "factors": [[f.dimension, f.status, f.reason] for f in contract.factors],
    "covered": [[f.dimension, f.status, f.reason] for f in covered.factors],
    "batch": [row[1] for row in rows],
}))
"""


def test_adding_an_input_takes_the_registry_a_profile_field_and_data(tmp_path: Path) -> None:
    shutil.copytree(REPO / "mlsal", tmp_path / "mlsal", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copytree(TINY, tmp_path / "tiny")
    registry = tmp_path / "mlsal" / "dimensions.py"
    text = registry.read_text(encoding="utf-8")
    anchor = '    Input(\n        "as_of",'
    assert anchor in text
    registry.write_text(text.replace(anchor, NEW_INPUT.lstrip("\n") + anchor), encoding="utf-8")
    profile = tmp_path / "mlsal" / "profile.py"
    text = profile.read_text(encoding="utf-8")
    anchor = "    as_of: int | None = None"
    assert anchor in text
    profile.write_text(text.replace(anchor, NEW_FIELD + anchor), encoding="utf-8")
    with (tmp_path / "tiny" / "dimensions.toml").open("a", encoding="utf-8") as handle:
        handle.write(NEW_VALUES)
    with (tmp_path / "tiny" / "facts" / "a1.toml").open("a", encoding="utf-8") as handle:
        handle.write(NEW_FACT)
    companies = (tmp_path / "tiny" / "companies.toml").read_text(encoding="utf-8")
    assert 'key = "acme"' in companies

    environment = {**os.environ, "PYTHONPATH": str(tmp_path), "MLSAL_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WALK)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    # The factor applies (an article's 180k over its 150k, pulled halfway to 1 by the prior).
    assert ["contract", "applied", None] in found["factors"]
    assert found["contract"] == round(found["plain"] * (1.2**0.5))
    # Its rule, "covered": an employer's own figure already reflects it.
    assert [
        "contract",
        "skipped",
        "the company's own figure already reflects its terms",
    ] in found["covered"]
    # Batch takes the new column by its name, with the same figure as one estimate.
    assert found["batch"] == [found["contract"], found["plain"]]

    helped = subprocess.run(
        [sys.executable, "-m", "mlsal", "estimate", "--help"],
        cwd=tmp_path,
        env={**environment, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "--contract" in helped.stdout

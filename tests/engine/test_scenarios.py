"""Runs tests/engine/scenarios.toml: each scenario's profile, estimated on the shipped data,
and the properties it names (see the file's header)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import mlsal
from mlsal.errors import UsageError

SCENARIOS = tomllib.loads(
    (Path(__file__).resolve().parent / "scenarios.toml").read_text(encoding="utf-8")
)["scenario"]
KNOWN = {
    "name",
    "inputs",
    "higher_than",
    "lower_than",
    "same_as",
    "median_within",
    "factor",
    "sources_include",
    "warning",
    "no_warning",
    "error",
}


def test_scenarios_say_only_what_the_runner_checks() -> None:
    for scenario in SCENARIOS:
        assert set(scenario) <= KNOWN, scenario["name"]
        assert set(scenario) - {"name", "inputs"}, f"{scenario['name']}: checks nothing"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s["name"])
def test_scenario(scenario: dict[str, Any]) -> None:
    if "error" in scenario:
        with pytest.raises(UsageError) as caught:
            mlsal.estimate(scenario["inputs"])
        assert scenario["error"] in str(caught.value)
        return
    result = mlsal.estimate(scenario["inputs"])
    assert result["low"] <= result["median"] <= result["high"]
    if "higher_than" in scenario:
        assert result["median"] > mlsal.estimate(scenario["higher_than"])["median"]
    if "lower_than" in scenario:
        assert result["median"] < mlsal.estimate(scenario["lower_than"])["median"]
    if "same_as" in scenario:
        other = mlsal.estimate(scenario["same_as"])
        assert (result["low"], result["median"], result["high"]) == (
            other["low"],
            other["median"],
            other["high"],
        )
    if "median_within" in scenario:
        low, high = scenario["median_within"]
        assert low <= result["median"] <= high
    statuses = {f["dimension"]: f["status"] for f in result["factors"]}
    for dimension, status in scenario.get("factor", {}).items():
        assert statuses.get(dimension) == status, (dimension, statuses)
    cited = {s["id"] for s in result["sources"]}
    assert set(scenario.get("sources_include", [])) <= cited
    if "warning" in scenario:
        assert any(scenario["warning"] in w for w in result["warnings"]), result["warnings"]
    if "no_warning" in scenario:
        assert not any(scenario["no_warning"] in w for w in result["warnings"])

"""mlsal imported from a wheel on sys.path, not installed (Spark's --py-files, a zip shipped
to executors): the shipped data inside it is unpacked once and read as any data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mlsal

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(folder), "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (found,) = folder.glob("mlsal-*.whl")
    return found


def from_wheel(
    wheel: Path, where: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """Python in `where`, mlsal from the wheel alone (this checkout is not on the path)."""
    environment = {**os.environ, "PYTHONPATH": str(wheel), "MLSAL_CACHE_DIR": str(where / "c")}
    environment.pop("MLSAL_NO_CACHE", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=where,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_wheel_on_the_path_estimates(wheel: Path, tmp_path: Path) -> None:
    code = "import mlsal, json; print(mlsal.__file__); print(json.dumps(mlsal.estimate(years=3)))"
    first = from_wheel(wheel, tmp_path, "-c", code)
    assert first.returncode == 0, first.stderr
    where, result = first.stdout.splitlines()
    assert where.startswith(str(wheel)), "imported from the wheel, not the checkout"
    assert json.loads(result)["median"] == mlsal.estimate(years=3)["median"]
    unpacked = [p for p in (tmp_path / "c").iterdir() if p.name.startswith("data-")]
    assert len(unpacked) == 1 and (unpacked[0] / "facts").is_dir()
    # the next process finds it unpacked; the CLI and the methodology work from the wheel too
    shown = from_wheel(wheel, tmp_path, "-m", "mlsal", "estimate", "--years", "3", "-f", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["median"] == json.loads(result)["median"]
    assert [p.name for p in (tmp_path / "c").iterdir() if p.name.startswith("data-")] == [
        unpacked[0].name
    ]
    topic = from_wheel(wheel, tmp_path, "-m", "mlsal", "help", "1")
    assert topic.returncode == 0 and topic.stdout.startswith("## 1."), topic.stderr


def test_a_wheel_with_no_cache_asked_unpacks_its_data_once(wheel: Path, tmp_path: Path) -> None:
    """MLSAL_NO_CACHE: no checked catalog is kept (the data are checked on every run), but
    the data unpacked from the wheel are, rather than once per process in a temporary one."""
    code = "import mlsal; print(mlsal.estimate(level='senior', city='Seattle')['median'])"
    done = from_wheel(wheel, tmp_path, "-c", code, MLSAL_NO_CACHE="1")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == mlsal.estimate(level="senior", city="Seattle")["median"]
    kept = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert len(kept) == 1 and kept[0].startswith("data-"), kept  # no catalog-*.json

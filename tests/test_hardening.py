"""Hardening, round two: each test reproduces one way to lose data, leak a file or crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, Run

PROFILES = "years,city\n3,SF\n7,NYC\n"


def mlsal_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlsal", *args]


# ----------------------------------------------------------------------------- data loss


def test_batch_refuses_to_write_over_its_input(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "profiles.csv"
    path.write_text(PROFILES + "3,Atlantis\n", encoding="utf-8")
    path.chmod(0o644)
    result = run("batch", str(path), "-o", str(path))
    assert result.exit_code == 2 and "it is the input file" in result.stderr
    assert path.read_text(encoding="utf-8") == PROFILES + "3,Atlantis\n"
    assert path.stat().st_mode & 0o777 == 0o644


def test_batch_output_is_a_regular_file_or_refused(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(PROFILES, encoding="utf-8")
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    hard = tmp_path / "hard.csv"
    os.link(target, hard)
    for path, kind in (
        (link, "a symbolic link"),
        (fifo, "a named pipe"),
        (tmp_path, "a directory"),
        (Path("/dev/null"), "a device"),
        (hard, "hard links"),
    ):
        result = run("batch", str(source), "-o", str(path))
        assert result.exit_code == 2 and kind in result.stderr, path
        assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == "keep me"
    assert link.is_symlink()


def test_batch_output_keeps_the_mode_of_the_file_it_replaces(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(PROFILES, encoding="utf-8")
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert run("batch", str(source), "-o", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640 and "median" in target.read_text()
    fresh = tmp_path / "new.csv"
    assert run("batch", str(source), "-o", str(fresh)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_batch_leaves_no_partial_file(tmp_path: Path, number: int) -> None:
    target = tmp_path / "out.csv"
    process = subprocess.Popen(
        mlsal_command("batch", "-", "-o", str(target)),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdin is not None
    process.stdin.write(b"years,city\n3,SF\n")
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.csv.*.partial")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.csv.*.partial")), "the run never started writing"
    process.send_signal(number)
    process.wait(timeout=30)
    assert process.returncode == 128 + number
    assert list(tmp_path.iterdir()) == []
    assert b"Traceback" not in (process.stderr.read() if process.stderr else b"")


def test_a_cache_that_cannot_be_written_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlsal import cache
    from mlsal.catalog import load_catalog

    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path))

    def full_disk(catalog: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "to_bytes", full_disk)
    load_catalog()  # validates, and the cache write fails quietly
    assert list(tmp_path.iterdir()) == []

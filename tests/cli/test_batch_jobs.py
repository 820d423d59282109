"""`mlsal batch --jobs N`: a CSV file split into byte ranges at line starts, estimated by N
processes, the parts joined in input order. The output, the bad rows said and the exit code
are those of one process, byte for byte, or the run is one process's."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsal.batch import jobs

from conftest import REPO, Run


def rosters() -> Any:
    spec = importlib.util.spec_from_file_location("rosters", REPO / "benchmarks" / "rosters.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pools_used(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the process pools a run starts (spied on in this, the parent, process)."""
    used: list[int] = []
    pool = jobs._pool

    def spy(workers: int) -> Any:
        used.append(workers)
        return pool(workers)

    monkeypatch.setattr(jobs, "_pool", spy)
    return used


def both(run: Run, path: Path, processes: int) -> tuple[Any, Any]:
    one = run("batch", str(path), "--jobs", "1")
    many = run("batch", str(path), "--jobs", str(processes))
    return one, many


def same(one: Any, many: Any) -> None:
    assert many.exit_code == one.exit_code
    assert many.stdout == one.stdout
    assert many.stderr == one.stderr


def test_a_roster_on_three_processes_is_one_process_output(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The varied roster (typos, quoted cells), with a cell that runs over a line end near
    each cut, a byte-order mark and CRLF line ends."""
    path = tmp_path / "roster.csv"
    rosters().build_varied(path, 900)
    lines = path.read_bytes().split(b"\r\n" if b"\r\n" in path.read_bytes() else b"\n")
    for at in (300, 600):  # a team named over two lines, where a cut may fall
        cells = lines[at].split(b",", 2)
        lines[at] = cells[0] + b',"two\nlines",' + cells[2]
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines))
    monkeypatch.setattr(jobs, "BYTES_A_JOB", 1_000)
    split = jobs.ranges(str(path), 3)
    assert split is not None and len(split[1]) == 3, "the file is split"
    data = path.read_bytes()
    for start, _, lines_before in split[1]:
        assert data[start - 1 : start] == b"\n" and data[:start].count(b'"') % 2 == 0
        assert data[:start].count(b"\n") + 1 == lines_before + 1
    used = pools_used(monkeypatch)
    one, many = both(run, path, 3)
    assert used == [3], "three processes estimated the parts"
    assert one.exit_code == 1 and one.stderr.count("\n") > 3  # its typos are said
    same(one, many)


def test_a_cut_inside_a_quoted_cell_is_never_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "quoted.csv"
    body = "".join(f'{i},"a cell\nover\nlines {i}",SF\n' for i in range(200))
    path.write_text("id,team,city\n" + body, encoding="utf-8")
    monkeypatch.setattr(jobs, "BYTES_A_JOB", 100)
    split = jobs.ranges(str(path), 4)
    assert split is not None
    data = path.read_bytes()
    for start, _, _ in split[1]:
        assert data[start:].startswith(tuple(f"{i},".encode() for i in range(200)))


def test_what_one_process_must_read_is_read_by_one(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lone carriage return, a quoted header, a quote left open: one process, same output."""
    monkeypatch.setattr(jobs, "BYTES_A_JOB", 10)
    lone = tmp_path / "lone.csv"
    lone.write_bytes(b"years,city\r3,SF\n4,NYC\n" * 20)
    assert jobs.ranges(str(lone), 2) is None
    header = tmp_path / "header.csv"
    header.write_bytes(b'"years",city\n' + b"3,SF\n" * 40)
    assert jobs.ranges(str(header), 2) is None
    opened = tmp_path / "open.csv"
    opened.write_bytes(b"years,city\n" + b"3,SF\n" * 40 + b'4,"Seattle\n' + b"5,NYC\n" * 2)
    used = pools_used(monkeypatch)
    for path in (lone, header, opened):
        same(*both(run, path, 2))
    assert used == [2], "only the open quote was tried in parts, and its parts thrown away"


ALPHABET = st.sampled_from(
    ["3", "12", "SF", "Seattle", "Atlantiss", '"', ",", "\n", "\r\n", " ", "é"]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(ALPHABET, min_size=20, max_size=300).map("".join))
def test_any_input_on_three_processes_is_one_process_output(
    run: Run, tmp_path_factory: pytest.TempPathFactory, body: str
) -> None:
    path = tmp_path_factory.mktemp("any") / "any.csv"
    path.write_text("years,city\n" + body + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs, "BYTES_A_JOB", 8)
        same(*both(run, path, 3))


def test_no_room_for_parts_takes_one_process(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"years,city\n" + b"3,SF\n4,NYC\n" * 50)
    monkeypatch.setattr(jobs, "BYTES_A_JOB", 10)
    used = pools_used(monkeypatch)

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jobs.tempfile, "TemporaryDirectory", full)
    one, many = both(run, path, 2)
    same(one, many)
    assert many.exit_code == 0 and used == []

"""A CSV roster estimated on every core: the file split into byte ranges at line ends, each
range estimated by a process of its own into a part, the parts joined in input order.

The output is what one process writes, byte for byte, or the run is one process's: a range
starts at a line end where the quotes before it are even (outside any quoted cell, for a
file quoted as CSV is), and where a part meets what a single reading would see otherwise (a
quoted cell left open at its end, a line that is not CSV or not UTF-8), the parts are thrown
away and the file is estimated by one process. Lone carriage returns, a quoted header,
stdin, --strict and JSON Lines input take one process from the start.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from mlsal.batch.rows import BadRow

BYTES_A_JOB = 4_000_000  # a smaller share of the input is done before a process has started
UNSURE = "not CSV"  # a part's bad row that a single reading may see otherwise


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def ranges(path: str, jobs: int) -> tuple[bytes, list[tuple[int, int, int]]] | None:
    """The header line's bytes and each range (start, end, lines before it), or None where
    the file takes one process."""
    size = os.path.getsize(path)
    jobs = min(jobs, size // BYTES_A_JOB)
    if jobs < 2:
        return None
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        header_end = data.find(b"\n") + 1
        if header_end == 0 or b'"' in data[:header_end]:
            return None
        # A lone '\r' ends a line as '\n' does: such a file is one process's.
        returns = _count(data, b"\r", 0, size)
        if returns and returns != _count(data, b"\r\n", 0, size):
            return None
        cuts = [header_end]
        for job in range(1, jobs):
            cut = _line_start_outside_quotes(data, max(size * job // jobs, cuts[-1]), cuts[-1])
            if cut is None:
                break
            cuts.append(cut)
        cuts.append(size)
        spans = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
        lines = 1  # the header's
        found = []
        for start, end in spans:
            found.append((start, end, lines))
            lines += _count(data, b"\n", start, end)
        return (bytes(data[:header_end]), found) if len(found) > 1 else None


def _line_start_outside_quotes(data: mmap.mmap, near: int, since: int) -> int | None:
    """The first line start after `near` with an even count of quotes since `since` (a line
    start outside quotes: the count before `since` is even too)."""
    quotes = _count(data, b'"', since, near)
    at = near
    while True:
        end = data.find(b"\n", at)
        if end < 0 or end + 1 >= len(data):
            return None
        quotes += _count(data, b'"', at, end + 1)
        at = end + 1
        if quotes % 2 == 0:
            return at


def _count(data: mmap.mmap, what: bytes, start: int, end: int) -> int:
    """How often `what` stands in data[start:end], read a slice at a time (bounded memory;
    a '\r\n' split between slices is not counted, which only makes a file take one process)."""
    step = 1 << 24
    return sum(data[at : min(at + step, end)].count(what) for at in range(start, end, step))


class _Range(io.RawIOBase):
    """The header's bytes, then the file's bytes from start to end: what one part reads."""

    def __init__(self, path: str, header: bytes, start: int, end: int) -> None:
        self.header = header
        self.handle = open(path, "rb")  # noqa: SIM115  (closed with the range)
        self.handle.seek(start)
        self.left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self.header:
            size = min(len(view), len(self.header))
            view[:size] = self.header[:size]
            self.header = self.header[size:]
            return size
        got = self.handle.readinto(view[: min(len(view), self.left)])
        self.left -= got
        return got

    def close(self) -> None:
        self.handle.close()
        super().close()


def estimate_part(task: tuple[Any, ...]) -> tuple[str, int, list[tuple[int, str]]]:
    """One range, estimated into a part file: (its path, rows read, its bad rows)."""
    from mlsal import api
    from mlsal.batch.run import run_batch

    path, header, start, end, writing, data_dirs, pay, folder = task
    api.forget_catalogs()  # forked: the parent's open cache file is not this process's
    catalog = api.catalog(data_dirs, pay)
    bad: list[tuple[int, str]] = []
    rows = 0

    def tick(count: int) -> None:
        nonlocal rows
        rows += count

    raw = _Range(path, header, start, end)
    source = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")
    part = tempfile.NamedTemporaryFile(  # noqa: SIM115
        "w", dir=folder, suffix=".part", delete=False, encoding="utf-8", newline=""
    )
    with source, part:
        run_batch(
            catalog,
            source,
            part,
            writing,
            lambda row: bad.append((row.line, row.message)),
            on_rows=tick,
        )
    return part.name, rows, bad


def run_parallel(
    path: str,
    target: IO[str],
    writing: str,
    jobs: int,
    on_bad_row: Callable[[BadRow], None],
    on_rows: Callable[[int], None] | None,
    data_dirs: list[Path],
    pay: str,
) -> int | None:
    """Estimate the CSV file at `path` into target with `jobs` processes; the number of bad
    rows, or None where one process must do it (nothing written then)."""
    split = ranges(path, jobs)
    if split is None:
        return None
    header, spans = split
    try:
        parts = tempfile.TemporaryDirectory(prefix="mlsal-parts-")
    except OSError:  # no room for the parts: one process, which needs none
        return None
    with parts as folder:
        tasks = [
            (path, header, start, end, writing, [str(d) for d in data_dirs], pay, folder)
            for start, end, _ in spans
        ]
        with _pool(len(tasks)) as pool:
            done = list(pool.map(estimate_part, tasks))
        if any(message.startswith(UNSURE) for _, _, bad in done for _, message in bad):
            return None
        bad_rows = 0
        for index, ((part, rows, bad), (_, _, lines_before)) in enumerate(
            zip(done, spans, strict=True)
        ):
            for line, message in bad:  # a part's line 2 (after the header) is lines_before + 1
                on_bad_row(BadRow(line + lines_before - 1, message))
            bad_rows += len(bad)
            _copy(part, target, skip_header=bool(index) and writing == "csv")
            if on_rows is not None:
                on_rows(rows)
        return bad_rows


def _copy(part: str, target: IO[str], skip_header: bool) -> None:
    """A part's lines onto target (each part starts with the header: written once), as
    bytes where target has them (both are UTF-8)."""
    binary = getattr(target, "buffer", None)
    with open(part, "rb") as written:
        if skip_header:
            written.readline()
        if binary is not None:
            target.flush()
            shutil.copyfileobj(written, binary, 1 << 20)
        else:  # a text stream without bytes (a test's StringIO)
            for block in iter(lambda: written.read(1 << 20), b""):
                target.write(block.decode("utf-8"))


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[Any]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool

"""Files for `mlsal batch`: stdin or a file in; stdout or an atomically replaced file out;
bad rows reported on stderr as they come; a progress bar only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from mlsal.batch import BadRow, run_batch
from mlsal.catalog import Catalog
from mlsal.errors import UsageError, one_line

PROGRESS_FROM_BYTES = 1_000_000  # smaller inputs finish before a bar would help


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin
        return
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise UsageError(f"cannot read '{path}': {error.strerror}") from None
    except ValueError:  # a NUL in the name
        raise UsageError(f"cannot read {path!r}: not a valid file name") from None
    with handle:
        yield handle


@contextlib.contextmanager
def atomic_output(path: Path | None) -> Iterator[IO[str]]:
    """stdout, or a temporary file beside `path` renamed onto it only once all is written."""
    if path is None:
        yield sys.stdout
        return
    directory = path.parent if str(path.parent) else Path(".")
    if "\0" in str(path):
        raise UsageError(f"cannot write {str(path)!r}: not a valid file name")
    if not directory.is_dir():
        raise UsageError(f"cannot write '{path}': no directory '{directory}'")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        "w",
        dir=directory,
        prefix=f".{path.name}.",
        suffix=".partial",
        delete=False,
        encoding="utf-8",
        newline="",
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def report(bad: BadRow) -> None:
    print(f"error: {one_line(str(bad))}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def progress(path: str) -> Iterator[Callable[[], None] | None]:
    """A row counter drawn on stderr for a large input file, when stderr is a terminal."""
    if path == "-" or not sys.stderr.isatty() or os.path.getsize(path) < PROGRESS_FROM_BYTES:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with open(path, "rb") as handle:
        rows = max(
            sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0
        )
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("estimating", total=rows)
        yield lambda: bar.advance(task)


class StrictStop(Exception):
    """--strict met a bad row: nothing is written under the final name."""


def run_batch_files(
    catalog: Catalog, input_path: str, output: Path | None, output_format: str, strict: bool
) -> int:
    """Run a batch between files; returns the number of bad rows."""
    bad_rows = 0
    try:
        with (
            open_input(input_path) as source,
            progress(input_path) as tick,
            atomic_output(output) as target,
        ):
            _, bad_rows = run_batch(catalog, source, target, output_format, report, strict, tick)
            if strict and bad_rows:
                raise StrictStop
    except StrictStop:
        pass
    return bad_rows

"""Files for `mlsal batch`: stdin or a file in; stdout or an atomically replaced file out;
bad rows reported on stderr as they come; a progress bar only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from mlsal.batch.jobs import run_parallel
from mlsal.batch.rows import BadRow
from mlsal.batch.run import run_batch
from mlsal.catalog import Catalog
from mlsal.errors import UsageError, one_line
from mlsal.render.formats import RowsFormat

PROGRESS_FROM_BYTES = 1_000_000  # smaller inputs finish before a bar would help
ENDING_SIGNALS = ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM")


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[str]]:
    if path == "-":
        if sys.stdin is None:
            raise UsageError("cannot read stdin: it is closed")
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # a text stream without bytes (a test's StringIO): as it is
            yield sys.stdin
            return
        # Read as UTF-8 whatever the locale or PYTHONIOENCODING say, strictly: a byte that
        # is no UTF-8 is said, never carried through as an escape into the output.
        text = io.TextIOWrapper(buffer, encoding="utf-8-sig", errors="strict", newline="")
        try:
            yield text
        finally:
            text.detach()  # sys.stdin keeps its buffer
        return
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise UsageError(f"cannot read '{path}': {error.strerror}") from None
    except ValueError:  # a NUL in the name
        raise UsageError(f"cannot read {path!r}: not a valid file name") from None
    with handle:
        yield handle


def check_output(path: Path, input_path: str) -> int | None:
    """Refuse an output that is not a plain file of its own, or that is the input; the mode
    of the file it will replace (None: a new file)."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UsageError(f"cannot write '{path}': {error.strerror}") from None
    if not stat.S_ISREG(status.st_mode):
        kind = describe_file(status.st_mode)
        raise UsageError(f"will not replace '{path}': it is {kind}, not a regular file")
    if status.st_nlink > 1:
        raise UsageError(
            f"will not replace '{path}': it has {status.st_nlink - 1} other name(s) (hard "
            "links), which would keep the old content"
        )
    with contextlib.suppress(OSError, ValueError, AttributeError):
        # stdin redirected from the output file ('< people.csv -o people.csv') is the input too
        source = os.fstat(sys.stdin.fileno()) if input_path == "-" else os.stat(input_path)
        if (source.st_dev, source.st_ino) == (status.st_dev, status.st_ino):
            raise UsageError(f"will not write '{path}': it is the input file")
    return stat.S_IMODE(status.st_mode)


def describe_file(mode: int) -> str:
    kinds = {
        stat.S_ISLNK: "a symbolic link",
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a named pipe",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "a special file")


@contextlib.contextmanager
def atomic_output(path: Path | None, input_path: str = "-") -> Iterator[IO[str]]:
    """stdout, or a temporary file beside `path` renamed onto it only once all is written.
    Only a regular file is replaced, never the input, and it keeps its mode; the temporary
    file is removed on every way out (an error, Ctrl-C, SIGTERM, SIGHUP)."""
    if path is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a text stream without bytes (a test's StringIO): as it is
            yield sys.stdout
            return
        # Data are written as UTF-8 whatever the terminal's encoding: 'José' stays José.
        sys.stdout.flush()
        text = io.TextIOWrapper(buffer, encoding="utf-8", errors="strict", newline="")
        try:
            yield text
            text.flush()  # a full disk or a closed pipe is said, as on any write
        finally:
            with contextlib.suppress(ValueError, OSError):  # what failed is said already
                text.detach()
        return
    directory = path.parent if str(path.parent) else Path(".")
    if "\0" in str(path):
        raise UsageError(f"cannot write {str(path)!r}: not a valid file name")
    if not directory.is_dir():
        raise UsageError(f"cannot write '{path}': no directory '{directory}'")
    mode = check_output(path, input_path)
    if mode is None:  # a new file: the mode any new file gets here
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w",
            dir=directory,
            prefix=f".{path.name}.",
            suffix=".partial",
            delete=False,
            encoding="utf-8",
            newline="",
        )
    except OSError as error:
        raise UsageError(f"cannot write in '{directory}': {error.strerror}") from None
    try:
        with handle, stop_on_signals():
            yield handle
        os.chmod(handle.name, mode)
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """The signals that end a process by default (SIGTERM, SIGHUP, Ctrl-\\'s SIGQUIT, SIGUSR1
    and 2, SIGALRM) end the run as Ctrl-C does, so that cleanup runs."""

    def stop(number: int, frame: object) -> None:
        raise SystemExit(128 + number)

    wanted = [s for s in ENDING_SIGNALS if hasattr(signal, s)]
    try:
        previous = {name: signal.signal(getattr(signal, name), stop) for name in wanted}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def report(bad: BadRow) -> None:
    print(f"error: {one_line(str(bad))}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def progress(path: str) -> Iterator[Callable[[int], None] | None]:
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
        yield lambda rows: bar.advance(task, rows)


class StrictStop(Exception):
    """--strict met a bad row: nothing is written under the final name."""


def run_batch_files(
    catalog: Catalog,
    input_path: str,
    output: Path | None,
    output_format: str | None,
    strict: bool,
    input_format: str | None = None,
    jobs: int = 1,
    data_dirs: list[Path] | None = None,
    pay: str = "default",
) -> int:
    """Run a batch between files; returns the number of bad rows. A format not given is
    the one the file's extension names (.jsonl, .ndjson), else CSV. `jobs`: the processes a
    large CSV file may be estimated with (mlsal.batch.jobs), each reading the data as
    `data_dirs` and `pay` say."""
    reading = RowsFormat.of(None if input_path == "-" else input_path, input_format)
    writing = RowsFormat.of(None if output is None else str(output), output_format)
    bad_rows = 0
    try:
        with (
            open_input(input_path) as source,
            progress(input_path) as tick,
            atomic_output(output, input_path) as target,
        ):
            found = None
            if jobs > 1 and reading is RowsFormat.csv and input_path != "-" and not strict:
                found = run_parallel(
                    input_path, target, writing, jobs, report, tick, data_dirs or [], pay
                )
            if found is None:
                _, found = run_batch(
                    catalog, source, target, writing, report, strict, tick, input_format=reading
                )
            bad_rows = found
            if strict and bad_rows:
                raise StrictStop
    except StrictStop:
        pass
    return bad_rows

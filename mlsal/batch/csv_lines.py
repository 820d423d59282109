"""CSV rows read a chunk at a time. Most chunks are read whole: their lines split at commas,
the few with quotes read by the csv module together; any other chunk is read line by line as
the csv module reads it. A row that cannot be read is said in its place (NotARow)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from typing import IO, cast

from mlsal.batch.rows import (
    CHUNK,
    NOT_UTF8,
    TOO_LONG,
    TOO_LONG_SAID,
    Chunk,
    NotARow,
    Row,
    capped_lines,
    check_header,
)
from mlsal.errors import UsageError


def read_rows(stream: IO[str]) -> tuple[list[str], Iterator[Chunk]]:
    """The header, and the data rows a chunk at a time. Most chunks are read whole: their
    lines split at commas, the few with quotes read by the csv module together
    (_whole_lines). A chunk where a quoted cell may run over a line end, or any other case,
    is read line by line as the csv module would read it, which takes the further lines of
    a quoted cell (line_by_line)."""
    source = _Lines(stream)
    reader = csv.reader(source, strict=True)  # strict: an unterminated quote is an error
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError("the input is empty: it needs a header row of column names") from None
    except csv.Error as error:
        raise UsageError(f"line 1: the header is not CSV: {error}") from None
    except UnicodeDecodeError:
        raise UsageError("the input is not UTF-8 text: save it as UTF-8") from None
    if header == [TOO_LONG.rstrip("\n")]:
        raise UsageError(f"line 1: the header is {TOO_LONG_SAID}")
    header = [name.strip() for name in header]
    if header:
        header[0] = header[0].removeprefix("\ufeff")  # a byte-order mark, as Excel writes
    check_header(header)
    width = len(header)
    limit = csv.field_size_limit()

    def line_by_line(line: int) -> tuple[Chunk, int, bool]:
        """Up to CHUNK rows from `line` on; the line after them; whether the input ends."""
        chunk = Chunk([], [], [])
        taken = 1
        try:
            for text in source:
                if text is TOO_LONG:
                    chunk.stop(line, TOO_LONG_SAID)
                    line += 1
                    continue
                stripped = text.rstrip("\r\n")
                plain: str | None = stripped
                before = reader.line_num
                try:
                    if '"' in stripped or "\r" in stripped:  # quoted: the csv module's to read
                        source.pending.append(text)
                        cells = next(reader, [])
                        taken, plain = reader.line_num - before, None
                    else:
                        cells, taken = stripped.split(",") if stripped else [], 1
                        if len(stripped) > limit and max(map(len, cells)) > limit:
                            raise csv.Error(f"field larger than field limit ({limit})")  # as csv's
                except csv.Error as error:  # a stray quote, a cell too long: that row only
                    chunk.stop(line, f"not CSV: {error}")
                    line += max(reader.line_num - before, 1)
                    continue
                if cells:  # a blank line holds no row; a row of empty cells is a profile
                    chunk.lines.append(line)
                    _fit(chunk, cells, plain, width)
                line += taken
                if len(chunk.rows) == CHUNK:
                    return chunk, line, False
        except UnicodeDecodeError:
            chunk.stop(line + taken - 1, f"not CSV from here on: {NOT_UTF8}")
        return chunk, line, True

    def chunks() -> Iterator[Chunk]:
        line = reader.line_num + 1
        ended = False
        while not ended:
            block = source.take(CHUNK)
            chunk = None if source.error else _whole_lines(block, line, width, limit)
            if chunk is None:
                source.pending.extend(reversed(block))
                chunk, line, ended = line_by_line(line)
            else:
                line += len(block)
                ended = len(block) < CHUNK
            if chunk.rows:
                yield chunk

    return header, chunks()


class _Lines:
    """A stream's lines, with lines put back to be read again first (the last first). A
    line that is not UTF-8 ends them: its error is raised each time a further one is read."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines = capped_lines(stream)
        self.pending: list[str] = []
        self.error: UnicodeDecodeError | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pending:
            return self.pending.pop()
        if self.error is not None:
            raise self.error
        try:
            return next(self.lines)
        except UnicodeDecodeError as error:
            self.error = error
            raise

    def take(self, count: int) -> list[str]:
        """Up to `count` lines, read at C speed; fewer where the input ends or stops being
        UTF-8 (the error is raised when the next line is read)."""
        block = [self.pending.pop() for _ in range(min(count, len(self.pending)))]
        if self.error is None:
            try:
                block.extend(islice(self.lines, count - len(block)))
            except UnicodeDecodeError as error:
                self.error = error
        return block


def _whole_lines(block: list[str], line: int, width: int, limit: int) -> Chunk | None:
    """The rows of these lines (from `line` on), when each line holds one row and nothing
    the csv module reads otherwise than a split at commas, bar quotes within the line; else
    None. Lines with quotes are read by the csv module together: each must give one row."""
    if TOO_LONG in block:  # line by line, where it is said
        return None
    stripped = [text.rstrip("\r\n") for text in block]
    joined = "\n".join(stripped)
    if "\r" in joined or (len(joined) > limit and max(map(len, stripped)) > limit):
        return None
    cells = [text.split(",") for text in stripped]
    plains: list[str | None] = list(stripped)
    if '"' in joined:
        quoted = [i for i, text in enumerate(stripped) if '"' in text]
        try:
            records = list(csv.reader([block[i] for i in quoted], strict=True))
        except csv.Error:
            return None
        if len(records) != len(quoted):  # a quoted cell ran over a line end
            return None
        for index, record in zip(quoted, records, strict=True):
            cells[index] = record
            if not _written_as_read(stripped[index]):
                plains[index] = None
    lines = list(range(line, line + len(block)))
    if "" not in stripped and list(map(len, cells)).count(width) == len(cells):
        return Chunk(lines, cast(list[Row | NotARow], cells), plains)
    chunk = Chunk([], [], [])  # blank lines, short or long rows: each as line_by_line does
    for at, row, plain in zip(lines, cells, plains, strict=True):
        if plain != "":
            chunk.lines.append(at)
            _fit(chunk, row, plain, width)
    return chunk


def _written_as_read(line: str) -> bool:
    """Whether a line with quotes is what the csv module writes of its cells (so that it can
    be written back as it is): one quoted cell, which needs its quotes (it holds a comma, and
    no quote). Whether a cell starts as a formula would is the writer's to look for."""
    first, last = line.find('"'), line.rfind('"')
    return (
        line.count('"') == 2
        and (first == 0 or line[first - 1] == ",")
        and (last == len(line) - 1 or line[last + 1] == ",")
        and "," in line[first + 1 : last]
    )


def _fit(chunk: Chunk, cells: list[str], plain: str | None, width: int) -> None:
    """A row read into the chunk: too many cells, NotARow; too few, the rest empty."""
    if len(cells) > width:
        said = f"{len(cells)} cells, but the header names {width} columns"
        chunk.rows.append(NotARow(said))
        chunk.plains.append(None)
        return
    short = width - len(cells)
    if short:
        cells += [""] * short
        plain = None if plain is None else plain + "," * short
    chunk.rows.append(cells)
    chunk.plains.append(plain)

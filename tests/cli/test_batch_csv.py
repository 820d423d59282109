"""Batch reads and writes CSV faster than the csv module alone (a line without quotes is split
at its commas, and a line as the csv module writes it is written back as it is), and must
read and write exactly what it would."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from mlsal.api import catalog
from mlsal.batch import csv_cell, csv_lines, read_rows, run_batch
from mlsal.render.cells import safe_cell

# Texts with what CSV treats specially: commas, quotes, line breaks, formulas, NUL, spaces.
CELL = st.text(alphabet=st.sampled_from(list('ab ,"\n\r=+-@\t\x00é')), max_size=6)


def csv_module_line(cells: list[str]) -> str:
    """A line as the csv module writes it when it quotes carriage returns too."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow(cells)
    return text.getvalue().removesuffix("\r\n") + "\n"


def test_a_cell_is_written_as_the_csv_module_writes_it() -> None:
    for code in range(0x3000):
        text = f"a{chr(code)}b"
        assert f"x,{csv_cell(text)}\n" == csv_module_line(["x", text]), repr(text)
    for text in ["", '"', '""', ",", "\n", "\r", "a b", " "]:
        assert f"x,{csv_cell(text)}\n" == csv_module_line(["x", text])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=12),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from([1, 2, 3, 256]),
)
def test_rows_are_read_as_the_csv_module_reads_them(
    rows: list[list[str]], end: str, chunk: int
) -> None:
    """Rows, and the line each starts on, whether a chunk of lines is read whole or line by
    line (a quoted cell over a line end, a carriage return…), wherever chunks begin."""
    text = io.StringIO()
    csv.writer(text, lineterminator=end).writerows([["h1", "h2", "h3", "h4"], *rows])
    source = text.getvalue()
    expected = []
    reader = csv.reader(io.StringIO(source, newline=""), strict=True)
    next(reader)
    while True:
        line = reader.line_num + 1
        cells = next(reader, None)
        if cells is None:
            break
        if cells:
            expected.append((line, cells + [""] * (4 - len(cells))))
    before, csv_lines.CHUNK = csv_lines.CHUNK, chunk
    try:
        _, chunks = read_rows(io.StringIO(source, newline=""))
        read = [(c.lines, c.rows, c.plains) for c in chunks]
    finally:
        csv_lines.CHUNK = before
    got = [(line, row) for lines, found, _ in read for line, row in zip(lines, found, strict=True)]
    assert got == expected
    assert all(len(found) <= chunk for _, found, _ in read)
    for _, found, plains in read:  # a line kept to be written back is what csv writes
        for row, plain in zip(found, plains, strict=True):
            assert plain is None or plain + "\n" == csv_module_line(row)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CELL, min_size=2, max_size=2), min_size=1, max_size=8))
def test_passed_on_cells_come_back_whole_and_safe(rows: list[list[str]]) -> None:
    """Whatever the other columns hold, the output holds them as the csv module writes them
    (texts a spreadsheet would run made safe), each row with its estimate."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(
        [["note", "years", "other"], *[[a, "3", b] for a, b in rows]]
    )
    out = io.StringIO()
    written, bad = run_batch(
        catalog(), io.StringIO(text.getvalue(), newline=""), out, "csv", lambda _: None
    )
    assert (written, bad) == (len(rows), 0)
    back = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert back[0][:3] == ["note", "years", "other"]
    assert [row[:3] for row in back[1:]] == [[safe_cell(a), "3", safe_cell(b)] for a, b in rows]
    expected = [
        csv_module_line([safe_cell(a), "3", safe_cell(b), *row[3:]])
        for (a, b), row in zip(rows, back[1:], strict=True)
    ]
    assert out.getvalue().split("\n", 1)[1] == "".join(expected)

"""Tables that fit the terminal without cutting a number or a row's name.

Rich shrinks every column of a table too wide for the terminal, and cuts what no longer fits
('$146…'). A FitTable decides at drawing time, knowing the width: figures and names are never
wrapped or cut; notes wrap; the least needed columns are left out when even wrapped notes
cannot fit; and at the narrowest, each row is stacked as lines of 'column: value'.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.table import Table
from rich.text import Text

NOTE_WIDTH = 16  # the narrowest a wrapping column is worth drawing


class Col:
    """A column: `whole` ones (figures, names) are never wrapped or cut; the others wrap,
    and are left out, highest `drop` first, when the table cannot fit."""

    def __init__(
        self,
        header: str,
        *,
        justify: str = "left",
        whole: bool = True,
        drop: int = 0,
        style: str | None = None,
    ) -> None:
        self.header = header
        self.justify = justify
        self.whole = whole
        self.drop = drop
        self.style = style


class FitTable:
    def __init__(
        self,
        columns: Sequence[Col],
        rows: Sequence[Sequence[Any]],
        title: str | None = None,
        sections: Sequence[int] = (),  # rows before which a line is drawn
    ) -> None:
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.title = title
        self.sections = set(sections)

    def _need(self, index: int) -> int:
        column = self.columns[index]
        if not column.whole:
            return NOTE_WIDTH
        cells = [_length(row[index]) for row in self.rows]
        longest_word = max((len(w) for w in column.header.split()), default=0)
        return max([longest_word, *cells])

    def _fits(self, kept: list[int], width: int) -> bool:
        return sum(self._need(i) for i in kept) + 3 * len(kept) + 1 <= width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        width = options.max_width
        kept = list(range(len(self.columns)))
        droppable = sorted(
            (i for i, c in enumerate(self.columns) if c.drop > 0),
            key=lambda i: -self.columns[i].drop,
        )
        while not self._fits(kept, width) and droppable:
            kept.remove(droppable.pop(0))
        if self.title:
            yield Text(self.title, style="italic")
        if self._fits(kept, width):
            yield self._table(kept, width)
        else:
            yield self._stacked(kept)

    def _table(self, kept: list[int], width: int) -> Table:
        # What the whole columns leave is shared by the wrapping ones, none wider than its
        # share: a long word in a note is folded rather than pushing a figure out.
        wrapping = [i for i in kept if not self.columns[i].whole]
        whole = sum(self._need(i) for i in kept if self.columns[i].whole)
        share = (width - whole - 3 * len(kept) - 1) // max(len(wrapping), 1)
        table = Table()
        for index in kept:
            column = self.columns[index]
            table.add_column(
                column.header,
                justify=column.justify,  # type: ignore[arg-type]
                no_wrap=column.whole,
                min_width=self._need(index) if column.whole else None,
                max_width=None if column.whole else max(share, NOTE_WIDTH),
                style=column.style,
                overflow="fold",
            )
        for number, row in enumerate(self.rows):
            if number in self.sections:
                table.add_section()
            table.add_row(*(row[i] for i in kept))
        return table

    def _stacked(self, kept: list[int]) -> RenderableType:
        """Too narrow for columns: each row as lines of 'column: value'."""
        lines: list[RenderableType] = []
        for row in self.rows:
            first, *rest = kept
            lines.append(Text(_plain(row[first]), style="bold"))
            for index in rest:
                cell = _plain(row[index])
                if cell:
                    lines.append(Text(f"  {self.columns[index].header}: {cell}"))
        return Group(*lines)


def _plain(cell: Any) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def _length(cell: Any) -> int:
    return max((len(line) for line in _plain(cell).splitlines()), default=0)

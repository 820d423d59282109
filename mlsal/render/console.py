"""Where output goes: data on stdout, warnings on stderr, tables drawn to the width at hand.

Rich is imported only when a table is drawn, so JSON and CSV runs start fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from mlsal.errors import one_line

PIPED_WIDTH = 120  # columns of a table written to a pipe or a file
MIN_WIDTH = 40  # the narrowest a table is drawn, whatever COLUMNS says


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def warn(warnings: list[str]) -> None:
    for warning in warnings:
        sys.stderr.write(f"warning: {one_line(warning)}\n")
    sys.stderr.flush()


def draw(renderable: Any) -> None:
    from rich.console import Console

    # Text from data files is shown as it is: never read as Rich markup or emoji codes.
    plain = {"soft_wrap": False, "markup": False, "emoji": False, "highlight": False}
    width = asked_width()
    console = Console(width=width, **plain)  # type: ignore[arg-type]
    if width is None and not console.is_terminal:
        # Piped or redirected: wide enough that tables are not cut to a terminal's 80 columns.
        console = Console(width=PIPED_WIDTH, **plain)  # type: ignore[arg-type]
    console.print(renderable)


def asked_width() -> int | None:
    """COLUMNS, where set, but never so narrow that nothing fits (COLUMNS=0 or 1)."""
    text = os.environ.get("COLUMNS", "").strip()
    if not text:
        return None
    try:
        return max(MIN_WIDTH, int(text))
    except ValueError:
        return None  # not a number: as if unset

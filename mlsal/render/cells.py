"""Cells of CSV output that a spreadsheet must read as text, not as a formula."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """A text cell a spreadsheet would run as a formula ('=HYPERLINK(…)', '+1+2', '@SUM')
    is written as text, with a leading apostrophe (OWASP's rule for CSV injection). A number
    ('-5') stays a number."""
    if not text.startswith(FORMULA_STARTS):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text

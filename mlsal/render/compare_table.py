"""Rich tables for `mlsal compare`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mlsal.compare import COMPARABLE, Comparison, Row
from mlsal.render.table import cite, dollars, profile_line, source_numbers, sources_list


def disagreement(row: Row, dimension: str) -> str:
    values = row.source_values(dimension)
    if not values:
        return "—"

    def say(value: float) -> str:
        return dollars(value) if dimension == "level" else f"×{value:.2f}"

    if len(values) == 1:
        source, value = values[0]
        return f"{say(value)} ({source} only)"
    (low_source, low), (high_source, high) = (
        min(values, key=lambda v: v[1]),
        max(values, key=lambda v: v[1]),
    )
    return f"{say(low)} ({low_source}) to {say(high)} ({high_source})"


def change_text(row: Row) -> str:
    if row.median_change is None or row.median_change_percent is None:
        return "—"
    sign = "+" if row.median_change >= 0 else "-"
    return f"{sign}{dollars(abs(row.median_change))} ({sign}{abs(row.median_change_percent):.1f}%)"


def render_comparison(comparison: Comparison) -> RenderableType:
    dimension = comparison.dimension
    first = comparison.rows[0].estimate
    sources = sorted(
        {s.id: s for row in comparison.rows for s in row.estimate.sources}.values(),
        key=lambda s: s.id,
    )
    numbers = source_numbers(sources)
    table = Table(
        title=f"Annual pay by {dimension.replace('_', ' ')}, USD ({first.basis} salary)",
        title_justify="left",
    )
    table.add_column(dimension.replace("_", " ").capitalize())
    table.add_column(f"Low (P{first.low_percentile})", justify="right", no_wrap=True)
    table.add_column("Median", justify="right", style="bold green", no_wrap=True)
    table.add_column(f"High (P{first.high_percentile})", justify="right", no_wrap=True)
    table.add_column("Median vs first", justify="right", no_wrap=True)
    table.add_column("Sources", no_wrap=True)
    table.add_column("Sources say")
    for row in comparison.rows:
        if row.has_figure:
            figures = [
                dollars(row.estimate.low),
                dollars(row.estimate.median),
                dollars(row.estimate.high),
            ]
        else:
            figures = ["—", "no figure", "—"]
        table.add_row(
            row.label,
            *figures,
            change_text(row),
            cite([s.id for s in row.estimate.sources], numbers),
            disagreement(row, dimension) if row.has_figure else row.reason or "",
        )
    skip = COMPARABLE[dimension]
    parts: list[RenderableType] = [
        Text(f"Profile: {profile_line(first, skip=skip)}", style="bold"),
        table,
    ]
    first_with_figure = next((r for r in comparison.rows if r.has_figure), None)
    if first_with_figure is not None:
        parts.append(
            Text(
                f"'Median vs first' is each median's difference from {first_with_figure.label}'s. "
                f"low and high are P{first.low_percentile} and P{first.high_percentile}: "
                f"the band aims to hold {first.band_share:.0%} of salaries.\n"
            )
        )
    parts.append(sources_list(sources))
    return Group(*parts)

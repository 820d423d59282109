"""Rich tables for `mlsal compare`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from mlsal.amounts import dollars
from mlsal.compare import COMPARABLE, Comparison, Row
from mlsal.names import possessive
from mlsal.render.fit import Col, FitTable
from mlsal.render.kit import (
    caveats_text,
    cite,
    pay,
    pay_unit,
    profile_line,
    source_numbers,
    sources_list,
)
from mlsal.result import Estimate


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
    change = pay(row.estimate, abs(row.median_change))
    return f"{sign}{change} ({sign}{abs(row.median_change_percent):.1f}%)"


def skipped_text(comparison: Comparison) -> Text | None:
    """Inputs a row's estimate left out, and why: in the table's own words, not on stderr."""
    labels_by_reason: dict[tuple[str, str], list[str]] = {}
    for row in comparison.rows:
        for factor in row.estimate.factors:
            if factor.status in ("skipped", "not stacked") and factor.reason:
                key = (factor.dimension.replace("_", " "), factor.reason)
                labels = labels_by_reason.setdefault(key, [])
                if factor.label not in labels:
                    labels.append(factor.label)
    if not labels_by_reason:
        return None
    text = Text("Not applied\n", style="bold")
    for (dimension, reason), labels in labels_by_reason.items():
        names = ", ".join(f"'{label}'" for label in labels)
        text.append(f" • {dimension} {names}: {reason}\n", style="")
    return text


def render_comparison(comparison: Comparison, real: bool = False) -> RenderableType:
    first = comparison.rows[0].estimate
    sources = sorted(
        {s.id: s for row in comparison.rows for s in row.estimate.sources}.values(),
        key=lambda s: s.id,
    )
    skip = COMPARABLE[comparison.dimension]
    parts: list[RenderableType] = [
        Text(f"Profile: {profile_line(first, skip=skip)}", style="bold"),
        comparison_table(comparison, source_numbers(sources), real),
    ]
    first_with_figure = next((r for r in comparison.rows if r.has_figure), None)
    if first_with_figure is not None:
        parts.append(Text(legend(first, first_with_figure.label, real)))
    not_applied = skipped_text(comparison)
    if not_applied is not None:
        parts.append(not_applied)
    parts.append(sources_list(sources))
    caveats = caveats_text(sorted({c for row in comparison.rows for c in row.estimate.caveats}))
    if caveats is not None:
        parts.append(caveats)
    return Group(*parts)


def comparison_table(comparison: Comparison, numbers: dict[str, int], real: bool) -> FitTable:
    dimension = comparison.dimension
    first = comparison.rows[0].estimate
    spoken = dimension.replace("_", " ")
    columns = [
        Col(spoken.capitalize()),
        Col(f"Low (P{first.low_percentile})", justify="right"),
        Col("Median", justify="right", style="bold green"),
        Col(f"High (P{first.high_percentile})", justify="right"),
        Col("Median vs first", justify="right"),
        *([Col("Median buys", justify="right")] if real else []),
        Col("Sources", drop=2),
        Col("Sources say", whole=False, drop=1),
    ]
    rows = []
    for row in comparison.rows:
        estimate = row.estimate
        figures = (
            [pay(estimate, a) for a in (estimate.low, estimate.median, estimate.high)]
            if row.has_figure
            else ["—", "no figure", "—"]
        )
        bought = []
        if real:
            power = estimate.purchasing_power
            bought = ["—" if power is None or not row.has_figure else dollars(power.median)]
        rows.append(
            [
                row.label,
                *figures,
                change_text(row),
                *bought,
                cite([s.id for s in estimate.sources], numbers),
                disagreement(row, dimension) if row.has_figure else row.reason or "",
            ]
        )
    title = f"Annual pay by {spoken}, {pay_unit(first)} ({first.basis_text})"
    return FitTable(columns, rows, title=title)


def legend(first: Estimate, first_label: str, real: bool) -> str:
    said = (
        f"'Median vs first' is each median's difference from {possessive(first_label)}. "
        f"low and high are P{first.low_percentile} and P{first.high_percentile}: "
        f"the band aims to hold {first.band_share:.0%} of salaries."
    )
    if real:
        said += " 'Median buys' is the median at US-average prices (BEA price parities)."
    return said + "\n"

"""`mlsal trajectory` for people: a table with a bar per year, level boundaries marked."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from mlsal.render.fit import Col, FitTable
from mlsal.render.kit import bullets, pay, pay_unit, profile_line
from mlsal.trajectory import Trajectory

BAR_WIDTH = 40


def bar(low: int, median: int, high: int, lowest: int, highest: int) -> Text:
    """'    ━━━━━●━━━━━━    ': the band from low to high on a common scale, the median marked."""
    span = max(highest - lowest, 1)

    def column(amount: int) -> int:
        return min(BAR_WIDTH - 1, round((amount - lowest) / span * (BAR_WIDTH - 1)))

    start, middle, end = column(low), column(median), column(high)
    text = Text(" " * start)
    text.append("━" * (middle - start), style="cyan")
    text.append("●", style="bold green")
    text.append("━" * (end - middle), style="cyan")
    text.append(" " * (BAR_WIDTH - 1 - end))
    return text


def render_trajectory(trajectory: Trajectory) -> RenderableType:
    points = trajectory.points
    first = points[0].estimate
    lowest = min(p.estimate.low for p in points)
    highest = max(p.estimate.high for p in points)
    columns = [
        Col("Years", justify="right"),
        Col("Level"),
        Col(f"Low (P{first.low_percentile})", justify="right"),
        Col("Median", justify="right", style="bold green"),
        Col(f"High (P{first.high_percentile})", justify="right"),
        Col(f"{pay(first, lowest)} to {pay(first, highest)}", drop=1),
    ]
    rows, sections = [], []
    previous = None
    for number, point in enumerate(points):
        if previous is not None and point.level != previous:
            sections.append(number)
        estimate = point.estimate
        rows.append(
            [
                str(point.years),
                point.level if point.level != previous else "",
                pay(estimate, estimate.low),
                pay(estimate, estimate.median),
                pay(estimate, estimate.high),
                bar(estimate.low, estimate.median, estimate.high, lowest, highest),
            ]
        )
        previous = point.level
    title = f"Pay by years of experience, {pay_unit(first)} ({first.basis_text})"
    table = FitTable(columns, rows, title=title, sections=sections)
    boundaries = ", ".join(
        f"{level} from {years} years" for level, years in trajectory.boundaries()
    )
    parts: list[RenderableType] = [
        Text(f"Profile: {profile_line(first, skip='level')}", style="bold"),
        table,
        Text(
            f"Levels by the sources' year ranges: {boundaries}. Staff and principal have no "
            "year range in any source (see mlsal compare entry mid senior staff principal). "
            f"━ low to high (P{first.low_percentile}–P{first.high_percentile}), ● median."
        ),
    ]
    notes = bullets("Notes", trajectory.warnings)
    if notes is not None:
        parts.append(notes)
    return Group(*parts)

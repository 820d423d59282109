"""The estimate page: the band, how it was made, the sources, notes and caveats."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mlsal.amounts import dollars
from mlsal.render.kit import (
    caveats_text,
    cite,
    factor_note,
    multiplier_text,
    notes_text,
    pay,
    pay_unit,
    profile_line,
    source_numbers,
    sources_list,
)
from mlsal.result import Estimate


def band_table(estimate: Estimate) -> Table:
    title = f"Annual pay, {pay_unit(estimate)} ({estimate.basis_text})"
    table = Table(title=title, title_justify="left", min_width=min(len(title), 60))
    table.add_column(f"Low (P{estimate.low_percentile})", justify="right")
    table.add_column("Median", justify="right", style="bold green")
    table.add_column(f"High (P{estimate.high_percentile})", justify="right")
    table.add_row(*(pay(estimate, a) for a in (estimate.low, estimate.median, estimate.high)))
    return table


def steps_table(estimate: Estimate, numbers: dict[str, int]) -> Table:
    table = Table(title="How it was made", title_justify="left")
    table.add_column("Step")
    table.add_column("Value")
    table.add_column("Figure", justify="right")
    table.add_column("Sources")
    table.add_column("Note")
    band = estimate.band
    values = [v.value for v in band.views]
    weights = ", ".join(f"{v.source} {v.weight:g}" for v in band.views)
    spread = (
        f"{len(values)} sources, from {dollars(min(values))} to {dollars(max(values))}; "
        f"weights {weights}"
        if len(values) > 1
        else f"one source ({band.views[0].source})"
    )
    table.add_row(
        "Baseline",
        band.label,
        dollars(band.ordered_median),
        cite([v.source for v in band.views], numbers),
        spread,
    )
    for factor in estimate.factors:
        note = factor.reason or ""
        if factor.applied and factor.raw_multiplier is not None:
            note = "; ".join(n for n in (factor.reason, factor_note(factor)) if n)
        table.add_row(
            factor.dimension.replace("_", " ").capitalize(),
            factor.label,
            multiplier_text(factor) if factor.status != "skipped" else "skipped",
            cite([v.source for v in factor.views], numbers),
            note,
        )
    return table


def purchasing_power_text(estimate: Estimate) -> Text | None:
    power = estimate.purchasing_power
    if power is None:
        return None
    text = Text("What it buys at US-average prices\n", style="bold")
    text.append(
        f" low {dollars(power.low)} · median {dollars(power.median)} · high {dollars(power.high)}"
        f"  ({power.metro}: price parity {power.price_parity:g}, US = 100; {power.source})\n"
    )
    return text


def references_text(estimate: Estimate) -> Text | None:
    if not estimate.references:
        return None
    text = Text(
        "Official statistics for comparison (closest occupation: a proxy, not ML engineers)\n",
        style="bold",
    )
    for reference in estimate.references:
        figures = " · ".join(f"{name} {dollars(v)}" for name, v in reference.figures.items())
        aged = (
            f", in {estimate.as_of} dollars (×{reference.aging:.4f} by CPI-U)"
            if reference.aging != 1.0
            else ""
        )
        text.append(
            f" {reference.occupation} (SOC {reference.soc}), US, {reference.period}{aged}, "
            f"{reference.source}:\n   {figures}\n"
        )
    return text


def render_estimate(estimate: Estimate, real: bool = False) -> RenderableType:
    numbers = source_numbers(estimate.sources)
    parts: list[RenderableType] = [
        Text(f"Profile: {profile_line(estimate)}", style="bold"),
        band_table(estimate),
        Text(
            f"low and high are the {estimate.low_percentile}th and "
            f"{estimate.high_percentile}th percentiles: the band aims to hold "
            f"{estimate.band_share:.0%} of salaries\n"
        ),
    ]
    if real:
        power = purchasing_power_text(estimate)
        if power is not None:
            parts.append(power)
    parts += [steps_table(estimate, numbers), sources_list(estimate.sources)]
    references = references_text(estimate)
    if references is not None:
        parts.append(references)
    notes = notes_text(estimate.notes)
    if notes is not None:
        parts.append(notes)
    caveats = caveats_text(estimate.caveats)
    if caveats is not None:
        parts.append(caveats)
    return Group(*parts)

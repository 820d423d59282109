"""The estimate page: the band, how it was made, the sources, notes and caveats."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from mlsal.amounts import dollars
from mlsal.names import possessive
from mlsal.render.fit import Col, FitTable
from mlsal.render.kit import (
    bullets,
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


def band_table(estimate: Estimate) -> RenderableType:
    """The three figures, under a title that says what they measure."""
    columns = [
        Col(f"Low (P{estimate.low_percentile})", justify="right"),
        Col("Median", justify="right", style="bold green"),
        Col(f"High (P{estimate.high_percentile})", justify="right"),
    ]
    row = [pay(estimate, a) for a in (estimate.low, estimate.median, estimate.high)]
    title = f"Annual pay, {pay_unit(estimate)} ({estimate.basis_text})"
    return FitTable(columns, [row], title=title)


def steps_table(estimate: Estimate, numbers: dict[str, int]) -> RenderableType:
    columns = [
        Col("Step"),
        Col("Value", whole=False),
        Col("Figure", justify="right"),
        Col("Sources", drop=2),
        Col("Note", whole=False, drop=1),
    ]
    band = estimate.band
    values = [v.value for v in band.views]
    weights = ", ".join(f"{v.source} {v.weight:g}" for v in band.views)
    spread = (
        f"{len(values)} sources, from {dollars(min(values))} to {dollars(max(values))}; "
        f"weights {weights}"
        if len(values) > 1
        else f"one source ({band.views[0].source})"
    )
    rows = [
        [
            "Baseline",
            band.label,
            dollars(band.ordered_median),
            cite([v.source for v in band.views], numbers),
            spread,
        ]
    ]
    for factor in estimate.factors:
        note = factor.reason or ""
        if factor.applied and factor.raw_multiplier is not None:
            note = "; ".join(n for n in (factor.reason, factor_note(factor)) if n)
        rows.append(
            [
                factor.dimension.replace("_", " ").capitalize(),
                factor.label,
                multiplier_text(factor) if factor.status != "skipped" else "skipped",
                cite([v.source for v in factor.views], numbers),
                note,
            ]
        )
    return FitTable(columns, rows, title="How it was made")


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


def page_head(estimate: Estimate, real: bool) -> list[RenderableType]:
    """The profile, the band and what it means, and what it buys (asked with real)."""
    parts: list[RenderableType] = [
        Text(f"Profile: {profile_line(estimate)}", style="bold"),
        band_table(estimate),
        Text(
            f"The band aims to hold {estimate.band_share:.0%} of salaries: low and high are the "
            f"{estimate.low_percentile}th and {estimate.high_percentile}th percentiles."
        ),
    ]
    power = purchasing_power_text(estimate) if real else None
    if power is not None:
        parts.append(power)
    return parts


def render_summary(estimate: Estimate, real: bool = False, more: str = "") -> RenderableType:
    """The short page: the band, what was applied and what was not, the sources in one line,
    and `more`: where the rest is (render_estimate draws the whole calculation)."""
    numbers = source_numbers(estimate.sources)
    parts = page_head(estimate, real)
    parts.append(applied_text(estimate, numbers))
    not_applied = bullets("Not applied", not_applied_notes(estimate), gap=False)
    if not_applied is not None:
        parts.append(not_applied)
    cited = "  ".join(f"[{numbers[s.id]}] {s.id}" for s in estimate.sources)
    parts.append(Text(f"Sources: {cited}"))
    if more:
        parts.append(Text(more, style="dim"))
    return Group(*parts)


def applied_text(estimate: Estimate, numbers: dict[str, int]) -> Text:
    band = estimate.band
    said = [
        f"baseline: {band.label}, {dollars(band.ordered_median)} "
        f"{cite([v.source for v in band.views], numbers)}"
    ]
    for factor in estimate.factors:
        if factor.applied and factor.multiplier is not None:
            spoken = factor.dimension.replace("_", " ").capitalize()
            said.append(
                f"{spoken} {factor.label} {multiplier_text(factor)} "
                f"{cite([v.source for v in factor.views], numbers)}"
            )
    return bullets("Applied", said, gap=False) or Text()


def not_applied_notes(estimate: Estimate) -> list[str]:
    """Each input that did not change the answer, and why: nothing given is silently dropped."""
    notes = []
    for factor in estimate.factors:
        if factor.status in ("no figure", "skipped", "not stacked"):
            spoken = factor.dimension.replace("_", " ")
            notes.append(f"{spoken} {factor.label}: {factor.reason}")
    profile = estimate.profile
    if profile.unmatched_city is not None:
        where = estimate.labels.get("state") or estimate.labels.get("country", "")
        notes.append(
            f"city {profile.unmatched_city}: no figure of its own; {possessive(where)} figure "
            "applies"
        )
    if profile.company_as_typed is not None:
        notes.append(
            f"company {profile.company_as_typed}: counted as {estimate.labels.get('company')}; "
            "the data hold no figure of its own"
        )
    notes.extend(f"{unknown}: no figure applied" for unknown in profile.unlisted)
    return notes


def render_estimate(estimate: Estimate, real: bool = False) -> RenderableType:
    numbers = source_numbers(estimate.sources)
    parts = page_head(estimate, real)
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

"""Rich tables for people at a terminal. Pure: results in, renderables out."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from mlsal.profile import years_text
from mlsal.result import Estimate, Factor, SourceInfo


def dollars(amount: float | None) -> str:
    return money(amount, "USD")


SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "INR": "₹", "JPY": "¥"}


def money(amount: float | None, currency: str) -> str:
    """An amount in its currency: '$185,000', '£148,000', 'CAD 240,500'."""
    if amount is None:
        return "—"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount:,.0f}" if symbol else f"{currency} {amount:,.0f}"


def multiplier_text(factor: Factor) -> str:
    if factor.multiplier is None:
        return "no figure"
    return f"×{factor.multiplier:.3f}"


def source_numbers(sources: Sequence[SourceInfo]) -> dict[str, int]:
    return {source.id: number for number, source in enumerate(sources, start=1)}


def cite(ids: Sequence[str], numbers: dict[str, int]) -> str:
    return "".join(
        f"[{numbers[i]}]" for i in sorted(set(ids), key=lambda i: numbers.get(i, 0)) if i in numbers
    )


def profile_line(estimate: Estimate, skip: str | None = None) -> str:
    """The profile in one line; `skip` leaves out the field a comparison varies."""
    p = estimate.profile
    labels = estimate.labels
    parts = []
    if p.level and skip != "level":
        years = (
            "" if p.years is None else f" ({years_text(p.years)} year{'' if p.years == 1 else 's'})"
        )
        parts.append(f"{labels.get('level', p.level)}{years}")
    names = ("role", "city", "state", "country", "industry", "education", "company", "company_size")
    for name in names:
        value = getattr(p, name)
        if name == "state" and p.unmatched_city and skip != "city":
            parts.append(p.unmatched_city)
        if value and name != skip and not (name == "country" and skip == "city"):
            parts.append(labels.get(name, value))
    for name in ("skills", "certifications"):
        if getattr(p, name) and skip != name:
            parts.append(labels[name])
    return " · ".join(parts) or "all levels, US"


def pay_unit(estimate: Estimate) -> str:
    """'USD of 2025', or 'GBP (0.8 per USD of 2025, aijobs's 2024 rate)'."""
    unit = f"USD of {estimate.as_of}"
    rate = estimate.conversion
    if rate is not None:
        unit = f"{rate.currency} ({rate.rate:g} per {unit}, {rate.source}'s {rate.year} rate)"
    return unit


def pay(estimate: Estimate, dollars_amount: float) -> str:
    """A dollar amount of an estimate as shown: in the currency it was asked in."""
    return money(estimate.in_currency(dollars_amount), estimate.currency)


def band_table(estimate: Estimate) -> Table:
    title = f"Annual pay, {pay_unit(estimate)} ({estimate.basis_text})"
    table = Table(title=title, title_justify="left", min_width=min(len(title), 60))
    table.add_column(f"Low (P{estimate.low_percentile})", justify="right")
    table.add_column("Median", justify="right", style="bold green")
    table.add_column(f"High (P{estimate.high_percentile})", justify="right")
    table.add_row(*(pay(estimate, a) for a in (estimate.low, estimate.median, estimate.high)))
    return table


def factor_note(factor: Factor) -> str:
    """What the sources say for a factor, and whether thin evidence pulled it toward 1."""
    says = ", ".join(
        f"{view.source} ×{view.value:.3f}"
        + (f" ({records:,} records)" if (records := view.records) else "")
        for view in factor.views
    )
    if (
        factor.multiplier is not None
        and factor.raw_multiplier is not None
        and abs(factor.multiplier - factor.raw_multiplier) >= 0.0005
    ):
        if len(factor.views) > 1:
            says += f"; combined ×{factor.raw_multiplier:.3f}"
        says += ", pulled toward ×1 (thin evidence)"
    return says


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


def sources_list(sources: Sequence[SourceInfo]) -> Text:
    text = Text("Sources\n", style="bold")
    for number, source in enumerate(sources, start=1):
        where = f" — {source.document}" if source.document else ""
        text.append(f" [{number}] {source.id}: {source.title}{where}\n")
    return text


def bullets(title: str, items: Sequence[str]) -> Text | None:
    """A titled bullet list, or None when there is nothing to list."""
    if not items:
        return None
    text = Text(f"{title}\n", style="bold")
    for item in items:
        text.append(f" • {item}\n")
    return text


def notes_text(notes: Sequence[str]) -> Text | None:
    return bullets("What the sources say without a figure", notes)


def caveats_text(caveats: Sequence[str]) -> Text | None:
    return bullets("Caveats", caveats)


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

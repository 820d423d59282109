"""The pieces every table is made of: money, citations, the profile line, bullet lists.
Pure: results in, text out."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from mlsal.amounts import money
from mlsal.dimensions import JOB_FIELDS
from mlsal.profile import years_text
from mlsal.result import Estimate, Factor, SourceInfo


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
    if p.level is None and skip != "level":
        parts.append("All levels")  # said aloud: no level and no years were given
    for name in JOB_FIELDS:
        value = getattr(p, name)
        if name == "years" or not value or name == skip:
            continue
        if name == "level":
            parts.append(labels.get("level", p.level or "") + _years_said(p.years))
        elif name == "state" and p.unmatched_city and skip != "city":
            parts.append(p.unmatched_city)
            parts.append(labels.get(name, value))
        elif name == "country" and p.unmatched_city and not p.state and skip != "city":
            parts.append(p.unmatched_city)  # a city abroad the data hold no figure for
            parts.append(labels.get(name, value))
        elif not (name == "country" and skip == "city"):
            parts.append(labels.get(name, value))
    return " · ".join(parts)


def _years_said(years: float | None) -> str:
    if years is None:
        return ""
    return f" ({years_text(years)} year{'' if years == 1 else 's'})"


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
        weight = sum(view.weight for view in factor.views)
        says += f", pulled toward ×1 (a prior of weight 1 against the sources' {weight:,.3g})"
    return says


def sources_list(sources: Sequence[SourceInfo]) -> Text:
    text = Text("Sources\n", style="bold")
    for number, source in enumerate(sources, start=1):
        where = f" — {source.document}" if source.document else ""
        text.append(f" [{number}] {source.id}: {source.title}{where}\n")
    return text


def bullets(title: str, items: Sequence[str], gap: bool = True) -> Text | None:
    """A titled bullet list (with a blank line after it, unless gap is False), or None when
    there is nothing to list."""
    if not items:
        return None
    text = Text(f"{title}\n", style="bold")
    for item in items:
        text.append(f" • {item}\n")
    if not gap:
        text.rstrip()
    return text


def notes_text(notes: Sequence[str]) -> Text | None:
    return bullets("What the sources say without a figure", notes)


def caveats_text(caveats: Sequence[str]) -> Text | None:
    return bullets("Caveats", caveats)

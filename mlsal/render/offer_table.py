"""`mlsal offer` for people: the verdict, where the offer sits, and how far to trust it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from mlsal.amounts import money
from mlsal.offer import OfferAssessment
from mlsal.render.fit import Col, FitTable
from mlsal.render.kit import pay, pay_unit, profile_line, sources_list

VERDICT_STYLE = {"below market": "bold red", "fair": "bold yellow", "strong": "bold green"}


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 62nd."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def also_line(assessment: OfferAssessment) -> str:
    """The base and bonus against gross pay too, where base salary was judged."""
    also = assessment.also
    if also is None:
        return ""
    estimate = also.estimate
    return (
        f"\nAlso: {also.counted}, {money(also.offer_shown, estimate.currency)}, against "
        f"{estimate.basis_text} "
        f"(median {pay(estimate, estimate.median)}): {also.verdict}, the "
        f"{ordinal(round(also.percentile))} percentile."
    )


def render_offer(assessment: OfferAssessment) -> RenderableType:
    estimate = assessment.estimate
    sign = "+" if assessment.gap >= 0 else "-"
    verdict = Text("Verdict: ", style="bold")
    verdict.append(assessment.verdict, style=VERDICT_STYLE[assessment.verdict])
    verdict.append(
        f" — the offer sits at the {ordinal(round(assessment.percentile))} percentile of the "
        "estimated distribution"
    )
    columns = [
        Col("Offer", justify="right", style="bold"),
        Col(f"Low (P{estimate.low_percentile})", justify="right"),
        Col("Median", justify="right"),
        Col(f"High (P{estimate.high_percentile})", justify="right"),
        Col("Gap to median", justify="right"),
    ]
    shown_gap = money(abs(assessment.gap_shown), estimate.currency)
    gap = f"{sign}{shown_gap} ({sign}{abs(assessment.gap_percent):.1f}%)"
    row = [
        money(assessment.offer_shown, estimate.currency),
        pay(estimate, estimate.low),
        pay(estimate, estimate.median),
        pay(estimate, estimate.high),
        gap,
    ]
    table = FitTable(columns, [row], title=f"Offer against the market, {pay_unit(estimate)}")
    trust = Text(f"Confidence: {assessment.confidence}\n", style="bold")
    for reason in assessment.confidence_reasons:
        trust.append(f" • {reason}\n", style="")
    return Group(
        Text(f"Profile: {profile_line(estimate)}", style="bold"),
        verdict,
        table,
        Text(
            f"Compared: {assessment.counted}, against market figures of "
            f"{estimate.basis_text} (each source's own measure is in the JSON output's "
            "basis_by_source)."
            + "".join(f"\nLeft out: {part}" for part in assessment.left_out)
            + also_line(assessment)
            + "\n"
        ),
        trust,
        sources_list(estimate.sources),
    )

"""Is this offer fair? Where a base-salary offer sits in the estimated distribution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlsal.catalog import Catalog
from mlsal.distribution import percentile_of
from mlsal.errors import UsageError
from mlsal.result import Estimate

AMOUNT = re.compile(r"^\$?\s*(\d+(?:,\d{3})*(?:\.\d+)?|\d*\.\d+)\s*([km])?$", re.IGNORECASE)
SCALE = {"": 1, "k": 1_000, "m": 1_000_000}
LOWEST_OFFER, HIGHEST_OFFER = 1_000, 100_000_000  # outside these, the input is a typo


def parse_amount(text: str) -> int:
    """'185000', '185k', '$185,000', '185.5K', '$1.2m' -> whole dollars a year."""
    match = AMOUNT.match(text.strip().replace(" ", ""))
    if match is None:
        raise UsageError(f"cannot read the offer '{text}'; write it like 185000, 185k or $185,000")
    number = float(match.group(1).replace(",", "")) * SCALE[(match.group(2) or "").lower()]
    if not LOWEST_OFFER <= number <= HIGHEST_OFFER:
        raise UsageError(
            f"the offer '{text}' is {number:,.0f} dollars a year; give annual base pay "
            f"between {LOWEST_OFFER:,} and {HIGHEST_OFFER:,}"
        )
    return round(number)


@dataclass
class OfferAssessment:
    offer: int
    percentile: float
    verdict: str  # "below market", "fair" or "strong"
    gap: int  # offer minus the median
    gap_percent: float
    confidence: str  # "low", "medium" or "high"
    confidence_reasons: list[str]
    estimate: Estimate

    def to_dict(self) -> dict[str, Any]:
        return {
            "offer": self.offer,
            "percentile": round(self.percentile, 1),
            "verdict": self.verdict,
            "gap": self.gap,
            "gap_percent": round(self.gap_percent, 1),
            "confidence": self.confidence,
            "confidence_reasons": self.confidence_reasons,
            "estimate": self.estimate.to_dict(),
        }


LEVELS = ("low", "medium", "high")


def confidence(catalog: Catalog, estimate: Estimate) -> tuple[str, list[str]]:
    """How much to trust the answer: by the records behind the baseline, capped by thin inputs."""
    settings = catalog.method.confidence
    records = sum(view.records for view in estimate.band.views)
    sources = len(estimate.band.views)
    if records >= settings.high_records:
        level, reasons = "high", [f"{records:,} records behind the baseline"]
    elif records >= settings.medium_records:
        level, reasons = "medium", [f"{records:,} records behind the baseline"]
    else:
        level, reasons = "low", ["the baseline rests on articles, not on records"]

    def cap(at: str, why: str) -> None:
        nonlocal level
        if LEVELS.index(level) > LEVELS.index(at):
            level = at
        reasons.append(why)

    if sources == 1:
        cap("low", "the baseline rests on a single source")
    for factor in estimate.factors:
        name = f"{factor.dimension.replace('_', ' ')} '{factor.label}'"
        if factor.status == "no figure":
            cap("medium", f"{name} has no sourced figure and was left out")
        elif factor.applied and not any(view.records for view in factor.views):
            cap("medium", f"{name} rests on articles alone")
    return level, reasons


def assess(catalog: Catalog, estimate: Estimate, offer: int) -> OfferAssessment:
    settings = catalog.method.offer
    percentile = percentile_of(offer, estimate.median, estimate.sigma)
    if percentile < settings.below_percentile:
        verdict = "below market"
    elif percentile > settings.strong_percentile:
        verdict = "strong"
    else:
        verdict = "fair"
    level, reasons = confidence(catalog, estimate)
    gap = offer - estimate.median
    return OfferAssessment(
        offer=offer,
        percentile=percentile,
        verdict=verdict,
        gap=gap,
        gap_percent=100 * gap / estimate.median,
        confidence=level,
        confidence_reasons=reasons,
        estimate=estimate,
    )

"""Is this offer fair? Where a base-salary offer sits in the estimated distribution."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mlsal.amounts import SYMBOLS
from mlsal.catalog import Catalog
from mlsal.distribution import percentile_of
from mlsal.errors import UsageError
from mlsal.profile import Profile
from mlsal.result import Estimate

AMOUNT = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?|\d*\.\d+)([km])?$", re.IGNORECASE)
SCALE = {"": 1, "k": 1_000, "m": 1_000_000}
CODES = {symbol: code for code, symbol in SYMBOLS.items()}  # '$' -> 'USD'
CODE = re.compile(r"^[A-Za-z]{3}")
LOWEST_OFFER, HIGHEST_OFFER = 1_000, 100_000_000  # outside these, the input is a typo


def parse_amount(text: str) -> tuple[float, str | None]:
    """'185000', '185k', '$185,000', '£85k', '85000 GBP', 'EUR 90k' -> (amount a year, the
    currency it names or None)."""
    plain = text.strip().replace(" ", "")
    currency = None
    for symbol, code in CODES.items():
        if plain.startswith(symbol):
            plain, currency = plain[len(symbol) :], code
            break
    else:
        if CODE.match(plain):
            plain, currency = plain[3:], plain[:3].upper()
        elif CODE.match(plain[-3:]) and not AMOUNT.match(plain):
            plain, currency = plain[:-3], plain[-3:].upper()
    match = AMOUNT.match(plain)
    if match is None:
        raise UsageError(
            f"cannot read the offer '{text}'; write it like 185000, 185k, $185,000 or 85k GBP"
        )
    number = float(match.group(1).replace(",", "")) * SCALE[(match.group(2) or "").lower()]
    if not LOWEST_OFFER <= number <= HIGHEST_OFFER:
        unit = f"{currency or 'dollars'}"
        raise UsageError(
            f"the offer '{text}' is {number:,.0f} {unit} a year; give annual pay "
            f"between {LOWEST_OFFER:,} and {HIGHEST_OFFER:,}"
        )
    return number, currency


@dataclass
class OfferAssessment:
    offer: int  # in US dollars
    percentile: float
    verdict: str  # "below market", "fair" or "strong"
    gap: int  # offer minus the median
    gap_percent: float
    confidence: str  # "low", "medium" or "high"
    confidence_reasons: list[str]
    estimate: Estimate


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
        elif factor.applied and all(
            catalog.sources[view.source].kind == "article" for view in factor.views
        ):
            cap("medium", f"{name} rests on articles alone")
    return level, reasons


def in_offer_currency(profile: Profile, currency: str | None) -> Profile:
    """The profile, shown in the currency the offer is in (which the profile may also name)."""
    if currency is None:
        return profile
    if profile.currency is not None and profile.currency.strip().upper() != currency:
        raise UsageError(
            f"the offer is in {currency} but the currency {profile.currency} was asked for; "
            "give one currency"
        )
    return replace(profile, currency=currency)


def offer_in_dollars(estimate: Estimate, amount: float) -> int:
    """An amount in the estimate's currency, in US dollars (at the rate the estimate cites)."""
    rate = 1.0 if estimate.conversion is None else estimate.conversion.rate
    return round(amount / rate)


def assess(catalog: Catalog, estimate: Estimate, offer: int) -> OfferAssessment:
    """offer: in US dollars."""
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

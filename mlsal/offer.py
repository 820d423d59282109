"""Is this offer fair? Where a base-salary offer sits in the estimated distribution."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from mlsal.amounts import SHARED_SYMBOLS, SYMBOLS, country_of_currency, money, own_currencies
from mlsal.catalog import Catalog
from mlsal.distribution import percentile_of
from mlsal.errors import UsageError
from mlsal.profile import Profile, require_figure, resolve_profile
from mlsal.result import BASIS_TEXT, Estimate

# Digits grouped in thousands (185,000) or as in India (15,00,000: lakhs), or not grouped;
# then a fraction, then k or m.
AMOUNT = re.compile(
    r"^(\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})+,\d{3}|\d+)?(\.\d+)?([km])?$", re.IGNORECASE
)
SCALE = {"": 1, "k": 1_000, "m": 1_000_000}
CODE = re.compile(r"^[A-Za-z]{3}$")
LOWEST_OFFER, HIGHEST_OFFER = 1_000, 100_000_000  # outside these, the input is a typo
DOLLAR = "$"  # a '$' alone: US dollars at home, a question abroad (in_offer_currency)


def parse_amount(text: str, allow_zero: bool = False) -> tuple[float, str | None]:
    """'185000', '185k', '$185,000', '£85k', '85000 GBP', 'EUR 90k', '150000€', '₹15,00,000'
    -> (amount a year, the currency it names, '$' for a bare dollar sign, or None).
    A symbol several currencies share ('¥': yen or yuan; 'kr') asks for the code."""
    # NFKC: fullwidth digits and signs ('１８５０００', '＄') read as the ASCII ones
    plain = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u00a0", "")
    currency, plain = _currency_of(text, plain)
    if currency is not None and currency != DOLLAR:
        _check_currency(text, currency)
    match = AMOUNT.match(plain)
    if not plain or match is None or not (match.group(1) or match.group(2)):
        raise UsageError(
            f"cannot read the offer '{text}'; write it like 185000, 185k, $185,000, 85k GBP "
            "or ₹15,00,000"
        )
    whole, fraction, scale = match.groups()
    number = float((whole or "0").replace(",", "") + (fraction or ""))
    number *= SCALE[(scale or "").lower()]
    if allow_zero and number == 0:
        return 0.0, currency
    if not LOWEST_OFFER <= number <= HIGHEST_OFFER:
        unit = "dollars" if currency in (None, DOLLAR) else currency
        raise UsageError(
            f"the offer '{text}' is {number:,.10g} {unit} a year; give annual pay "
            f"between {LOWEST_OFFER:,} and {HIGHEST_OFFER:,}"
        )
    return number, currency


def _check_currency(text: str, code: str) -> None:
    """A currency code ISO 4217 knows ('BTC' is none), said before the amount is."""
    from babel.numbers import is_currency

    if not is_currency(code):
        raise UsageError(f"the offer '{text.strip()}' names '{code}', which is no currency code")


def _currency_of(text: str, plain: str) -> tuple[str | None, str]:
    """The currency an amount names (by symbol or code, before or after it), and the rest."""
    for symbol in sorted([*SYMBOLS, *SHARED_SYMBOLS], key=len, reverse=True):
        for rest in (_after(plain, symbol), _before(plain, symbol)):
            if rest is None:
                continue
            if symbol in SYMBOLS:
                return SYMBOLS[symbol], rest
            if symbol == DOLLAR:
                return DOLLAR, rest
            choices = SHARED_SYMBOLS[symbol]
            examples = " or ".join(f"'{rest} {code}'" for code in choices)
            named = f"{', '.join(choices[:-1])} and {choices[-1]}"
            raise UsageError(
                f"the offer '{text.strip()}' is in '{symbol}', which {named} "
                f"{'both' if len(choices) == 2 else 'all'} use: write it with its code, {examples}"
            )
    # A code before the amount ('EUR90k') or after it ('85000GBP'), next to its digits.
    if CODE.match(plain[:3]) and plain[3:4] and (plain[3].isdigit() or plain[3] == "."):
        return plain[:3].upper(), plain[3:]
    if CODE.match(plain[-3:]) and plain[:1].isdigit() and not AMOUNT.match(plain):
        return plain[-3:].upper(), plain[:-3]
    return None, plain


def _after(plain: str, symbol: str) -> str | None:
    """The amount after a leading symbol ('₹15,00,000'), or None."""
    return plain[len(symbol) :] if plain.upper().startswith(symbol.upper()) else None


def _before(plain: str, symbol: str) -> str | None:
    """The amount before a trailing symbol ('150000€'), or None."""
    return plain[: -len(symbol)] if plain.upper().endswith(symbol.upper()) else None


# The parts of pay that market figures of each basis hold (BASIS_TEXT says each in words).
PARTS_OF = {
    "base": ("base",),
    "gross": ("base", "bonus"),
    "total": ("base", "bonus", "equity"),
    "unspecified": ("base", "bonus"),
}
PARTS = ("base", "bonus", "equity")


@dataclass
class OfferParts:
    """An offer as typed: one amount, or its parts (each '185k', '£85k'…)."""

    amount: str | None = None
    base: str | None = None
    bonus: str | None = None
    equity: str | None = None

    def read(self) -> tuple[dict[str, float], str | None]:
        """The amounts given, by part ('amount' for a single figure), and their currency."""
        given = {name: getattr(self, name) for name in ("amount", *PARTS)}
        given = {name: text for name, text in given.items() if text is not None}
        if not given:
            raise UsageError("give the offer: an amount, or its base (with bonus and equity)")
        if "amount" in given and len(given) > 1:
            raise UsageError("give the offer as one amount or as its parts, not both")
        amounts: dict[str, float] = {}
        currencies = set()
        share = _share_of_base(given.get("bonus"))
        if share is not None:  # '15%': a share of the base salary, in its currency
            if "base" not in given:
                bonus = given["bonus"]
                raise UsageError(
                    f"the bonus '{bonus}' is a share of base: give the base salary too"
                )
            del given["bonus"]
        for name, text in given.items():
            amounts[name], currency = parse_amount(text, allow_zero=name in ("bonus", "equity"))
            currencies.add(currency)
        if share is not None:
            amounts["bonus"] = amounts["base"] * share
        known = {c for c in currencies if c is not None}
        if len(known) > 1:
            raise UsageError(f"the offer's parts are in {' and '.join(sorted(known))}: give one")
        return amounts, known.pop() if known else None


MAX_BONUS_SHARE = 500  # percent of base: more is a typo, not a bonus


def _share_of_base(text: str | None) -> float | None:
    """'15%' -> 0.15; None for an amount ('20k'); a UsageError for a share no bonus is."""
    if text is None or not text.strip().endswith("%"):
        return None
    number = text.strip()[:-1].strip()
    try:
        percent = float(number)
    except ValueError:
        raise UsageError(f"cannot read the bonus '{text}': give a share such as 15%") from None
    if not 0 <= percent <= MAX_BONUS_SHARE:  # also refuses nan and inf
        raise UsageError(f"the bonus '{text}' is not a share of base from 0% to {MAX_BONUS_SHARE}%")
    return percent / 100


def counted_offer(
    amounts: dict[str, float], basis: str, currency: str | None = None
) -> tuple[float, str, list[str]]:
    """The offer to compare with market figures of this basis, what it counts, and the parts
    it leaves out: like with like, never a base salary against pay with bonus."""
    if "amount" in amounts:
        return amounts["amount"], "the offer as given", []
    if "base" not in amounts:
        raise UsageError("give the offer's base salary with its bonus or equity")
    needed = PARTS_OF.get(basis, PARTS_OF["unspecified"])
    missing = [part for part in needed if part not in amounts]
    if missing:
        raise UsageError(
            f"the market figures are {BASIS_TEXT.get(basis, basis)}: give the offer's "
            f"{' and '.join(missing)} too (0 if there is none), to compare like with like"
        )
    left_out = [
        f"{part} ({money(amounts[part], currency or 'USD')}): the market figures hold none"
        for part in PARTS
        if part not in needed and amounts.get(part)
    ]
    return sum(amounts[part] for part in needed), " + ".join(needed), left_out


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
    counted: str = "the offer as given"  # the parts of the offer compared
    left_out: tuple[str, ...] = ()  # parts the market figures do not hold
    # Base salary judged, with a bonus given: base + bonus against gross pay as well.
    also: OfferAssessment | None = None
    given: float | None = None  # the offer as typed, in the estimate's currency

    @property
    def offer_shown(self) -> int:
        """The offer in the estimate's currency: as typed, never restated through dollars."""
        if self.given is not None:
            return round(self.given)
        return self.estimate.in_currency(self.offer)

    @property
    def gap_shown(self) -> int:
        """The offer minus the median, in the estimate's currency (as the two are shown)."""
        return self.offer_shown - self.estimate.in_currency(self.estimate.median)


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

    if sources == 1 and records:  # many records, but no second source to check them by
        cap("medium", "the baseline rests on a single source of records")
    elif sources == 1:
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


def in_offer_currency(catalog: Catalog, profile: Profile, currency: str | None) -> Profile:
    """The profile, shown in the currency the offer is in (which the profile may also name).
    A '$' is US dollars at home and a question where the country's own currency is a dollar
    too; an amount without a currency, for a job abroad, is a question; an offer in a
    country's own currency (INR) with no place given is for a job in that country."""
    place = resolve_profile(
        Profile(city=profile.city, state=profile.state, country=profile.country), catalog
    )
    home = catalog.method.reference.country
    abroad = place.country not in (None, home)
    if abroad:
        require_figure(catalog, place.country or "")  # no verdict where no source gives pay
    own = next(iter(own_currencies(place.country or "")), None) if abroad else None
    asked = profile.currency.strip().upper() if profile.currency else None
    where = catalog.label("country", place.country or home)
    if currency == DOLLAR:
        if own is not None and own in SHARED_SYMBOLS[DOLLAR] and asked in (None, own):
            raise UsageError(
                f"the offer is in '$', which USD and {own} both use in {where}: write it "
                f"with its code, e.g. '150000 {own}' or '150000 USD'"
            )
        currency = asked if asked in SHARED_SYMBOLS[DOLLAR] else "USD"
    if currency is None and asked is None and abroad:
        raise UsageError(
            f"the offer names no currency, and the job is in {where}: write it with its code, "
            f"e.g. '150000 {own or 'EUR'}', or '150000 USD' for US dollars"
        )
    if currency is None:
        return profile
    if asked is not None and asked != currency:
        raise UsageError(
            f"the offer is in {currency} but the currency {profile.currency} was asked for; "
            "give one currency"
        )
    given_place = any(v is not None for v in (profile.city, profile.state, profile.country))
    if currency != "USD" and not given_place:
        country = country_of_currency(currency)
        if country is None:
            raise UsageError(
                f"an offer in {currency} is judged against pay where the job is: give its country"
            )
        profile = replace(profile, country=country)  # ₹: a job in India
        require_figure(catalog, catalog.lookup("country", country) or country)
    return replace(profile, currency=currency)


def offer_in_dollars(estimate: Estimate, amount: float) -> int:
    """An amount in the estimate's currency, in US dollars (at the rate the estimate cites)."""
    rate = 1.0 if estimate.conversion is None else estimate.conversion.rate
    return round(amount / rate)


def assess(
    catalog: Catalog,
    estimate: Estimate,
    offer: int,
    counted: str = "the offer as given",
    left_out: tuple[str, ...] = (),
    given: float | None = None,
) -> OfferAssessment:
    """offer: in US dollars; given: as typed, in the estimate's currency."""
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
        counted=counted,
        left_out=left_out,
        given=given,
    )

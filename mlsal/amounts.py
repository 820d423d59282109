"""Amounts of money as people write them and read them: '$185,000', '£148,000', '₹29,80,155'.

Dollar amounts are formatted here by hand (the common case, and it must start fast); other
currencies through Babel, which knows each one's symbol and its country's digit grouping
(India's lakh and crore: ₹29,80,155), imported only when one is shown.
"""

from __future__ import annotations

import functools

# Symbols that name one currency whatever the country (Babel's English symbols, and the
# ones people type). '$', '¥' and 'kr' name several: offer.py asks which.
SYMBOLS = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "MX$": "MXN",
    "CN¥": "CNY",
    "JP¥": "JPY",
    "£": "GBP",
    "€": "EUR",
    "₹": "INR",
    "₪": "ILS",
    "₩": "KRW",
    "₱": "PHP",
    "₺": "TRY",
    "zł": "PLN",
    "CHF": "CHF",
    "元": "CNY",
    "円": "JPY",
}
# Symbols several currencies use: the currencies each may mean.
SHARED_SYMBOLS = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"),
    "¥": ("JPY", "CNY"),
    "kr": ("SEK", "NOK", "DKK", "ISK"),
}


def money(amount: float | None, currency: str) -> str:
    """An amount in its currency, whole units, grouped as its country groups digits; '—'
    for none."""
    if amount is None:
        return "—"
    if currency == "USD":
        return f"${amount:,.0f}"
    return _foreign(round(amount), currency)


def dollars(amount: float | None) -> str:
    return money(amount, "USD")


def _foreign(amount: int, currency: str) -> str:
    from babel.numbers import format_decimal, get_currency_symbol

    symbol = get_currency_symbol(currency, locale="en")
    grouped = format_decimal(abs(amount), format=_grouping_of(currency), locale="en")
    sign = "-" if amount < 0 else ""
    joiner = "" if not symbol[-1].isalpha() else " "  # '₹29,80,155', 'CHF 150,000'
    return f"{sign}{symbol}{joiner}{grouped}"


@functools.cache
def _grouping_of(currency: str) -> str:
    """The digit grouping of English as written in the currency's country (a national
    currency's code begins with its country's, ISO 4217: INR, India, en_IN: '#,##,##0'),
    else English's; written with English's separators, so every table reads alike."""
    from babel import Locale, localedata

    locale = f"en_{currency[:2].upper()}"
    if not (localedata.exists(locale) and currency in own_currencies(currency[:2].upper())):
        locale = "en"
    pattern = str(Locale.parse(locale).decimal_formats[None].pattern)
    return pattern.split(".")[0]  # whole units


def country_of_currency(currency: str) -> str | None:
    """The one country whose own currency this is (INR: IN), or None (EUR, USD's many)."""
    country = currency[:2].upper()
    if currency != "EUR" and currency in own_currencies(country):
        return country
    return None


@functools.cache
def own_currencies(country: str) -> tuple[str, ...]:
    """The currencies a country pays in today, its own first (CLDR, through Babel)."""
    from babel.numbers import get_territory_currencies

    return tuple(get_territory_currencies(country))

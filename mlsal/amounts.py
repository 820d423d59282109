"""Amounts of money as people write them: '$185,000', '£148,000', 'CAD 240,500'."""

from __future__ import annotations

SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "INR": "₹", "JPY": "¥"}  # ISO code -> symbol


def money(amount: float | None, currency: str) -> str:
    """An amount in its currency, whole units; '—' for none."""
    if amount is None:
        return "—"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount:,.0f}" if symbol else f"{currency} {amount:,.0f}"


def dollars(amount: float | None) -> str:
    return money(amount, "USD")

"""Amounts of money as people write them in the team's currency: ¥1,050,000 or 1,050,000円."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# code: (symbol, decimals); Japanese writes yen as a suffix, everything else keeps its symbol.
CURRENCIES: dict[str, tuple[str, int]] = {
    "JPY": ("¥", 0),
    "USD": ("$", 2),
    "EUR": ("€", 2),
    "GBP": ("£", 2),
    "CNY": ("CN¥", 2),
    "KRW": ("₩", 0),
}


def known_currency(code: str) -> bool:
    return code in CURRENCIES


def money(amount: Decimal | int | float, currency: str, locale: str) -> str:
    symbol, places = CURRENCIES.get(currency, (currency + " ", 2))
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    digits = f"{value:,.{places}f}"
    if currency == "JPY" and locale == "ja":
        return f"{digits}円"
    return f"{symbol}{digits}"


def money_format(currency: str, locale: str) -> str:
    """The same as an Excel number format, so the cell stays a number."""
    symbol, places = CURRENCIES.get(currency, (currency + " ", 2))
    digits = "#,##0" + ("." + "0" * places if places else "")
    if currency == "JPY" and locale == "ja":
        return f'{digits}"円"'
    return f'"{symbol}"{digits}'

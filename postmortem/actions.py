"""Improvement actions: default due dates from the source's horizons, due-date parsing, marking done.

``/incident action add short|medium|long <text> [@owner] [due]`` — short term is due within
1 month, medium within 3, long within 6 (domain §6), counted from today in the team's zone.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

HORIZON_MONTHS: dict[str, int] = {"short": 1, "medium": 3, "long": 6}
_MONTH_DAY = re.compile(r"^(\d{1,2})[/-](\d{1,2})$")
_YEAR_MONTH_DAY = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_due(horizon: str, now: datetime, tz: ZoneInfo) -> date:
    """The horizon's due date counted from today in the team's zone; KeyError for an unknown horizon."""
    return add_months(now.astimezone(tz).date(), HORIZON_MONTHS[horizon])


def parse_due(text: str, now: datetime, tz: ZoneInfo) -> date | None:
    """``2026-12-01`` (or ``2026/12/01``), or ``12/01`` meaning the next such day from today; None if not a date.

    A month/day already past this year means next year's: nobody sets an action due yesterday.
    """
    text = text.strip()
    full = _YEAR_MONTH_DAY.match(text)
    if full:
        try:
            return date(int(full.group(1)), int(full.group(2)), int(full.group(3)))
        except ValueError:
            return None
    short = _MONTH_DAY.match(text)
    if not short:
        return None
    today = now.astimezone(tz).date()
    month, day = int(short.group(1)), int(short.group(2))
    for year in range(today.year, today.year + 9):  # 29 Feb waits for the next leap year
        try:
            due = date(year, month, day)
        except ValueError:
            continue
        if due >= today:
            return due
    return None

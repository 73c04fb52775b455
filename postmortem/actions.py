"""Improvement actions: the source's horizons give default due dates."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

HORIZON_MONTHS = {"short": 1, "medium": 3, "long": 6}
_MD = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_due(horizon: str, now: datetime, tz: ZoneInfo) -> date:
    return add_months(now.astimezone(tz).date(), HORIZON_MONTHS[horizon])


def parse_due(text: str, now: datetime, tz: ZoneInfo) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    m = _MD.match(text)
    if not m:
        return None
    today = now.astimezone(tz).date()
    try:
        due = date(today.year, int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None
    return due if due >= today else date(today.year + 1, due.month, due.day)

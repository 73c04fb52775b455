"""Slack's ``<!date^…>`` tokens: each reader sees the time in their own zone; the fallback
text uses the team's configured zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_text(when: datetime, tz: ZoneInfo, *, with_zone: bool = True) -> str:
    local = when.astimezone(tz)
    text = local.strftime("%Y-%m-%d %H:%M")
    return f"{text} {local.tzname()}" if with_zone else text


def slack_date(when: datetime, tz: ZoneInfo) -> str:
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{local_text(when, tz)}>"

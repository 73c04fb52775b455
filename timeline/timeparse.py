"""When something happened, as people type it during an incident.

``14:35`` (today, in the team's zone), ``2026-11-22 14:35``, ``2026-11-22T14:35``,
``11/22 14:35``, ``-10m`` / ``-1h30m``, ``now``, ``14時35分``; full-width digits are folded.
A back-dated entry cannot be in the future (a minute of clock skew is forgiven) and not
older than 30 days.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from incident.durations import DurationError, parse_duration

SKEW = timedelta(minutes=1)
MAX_AGE = timedelta(days=30)
FORMS = "14:35, 2026-11-22 14:35, 11/22 14:35, -10m, now"

_HM = re.compile(r"^(\d{1,2}):(\d{2})$")
_HM_JA = re.compile(r"^(\d{1,2})時(\d{1,2})分?$")
_FULL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ t](\d{1,2}):(\d{2})$")
_MD = re.compile(r"^(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class TimeError:
    key: str
    params: dict[str, str] = field(default_factory=dict)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | TimeError:
    raw = text
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"\s+", " ", text)
    local_now = now.astimezone(tz)
    when: datetime | None = None
    try:
        if text == "now":
            when = now
        elif text.startswith("-"):
            when = now - parse_duration(text[1:])
        elif m := _HM.match(text) or _HM_JA.match(text):
            when = _local(local_now.year, local_now.month, local_now.day, int(m.group(1)), int(m.group(2)), tz)
        elif m := _FULL.match(text):
            y, mo, d, h, mi = (int(g) for g in m.groups())
            when = _local(y, mo, d, h, mi, tz)
        elif m := _MD.match(text):
            mo, d, h, mi = (int(g) for g in m.groups())
            when = _local(local_now.year, mo, d, h, mi, tz)
    except (ValueError, DurationError):
        when = None
    if when is None:
        return TimeError("timeline.bad_time", {"input": raw[:40], "forms": FORMS})
    when = when.astimezone(UTC)
    if when > now + SKEW:
        return TimeError("timeline.future_time", {"input": raw[:40]})
    if now - when > MAX_AGE:
        return TimeError("timeline.too_old", {"input": raw[:40]})
    return when


def _local(year: int, month: int, day: int, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)

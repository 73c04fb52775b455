"""When something happened, as people type it during an incident.

Accepted: ``14:35`` (today, in the team's zone), ``2026-11-22 14:35``, ``2026-11-22T14:35``,
``2026/11/22 14:35``, ``11/22 14:35``, ``-10m`` / ``-2h`` / ``-1h30m``, ``now`` (``今``),
``14時35分``; full-width digits and punctuation are folded first. A back-dated entry cannot
be in the future (a minute of clock skew is forgiven) nor older than 30 days. A wall time
that a DST change skips does not exist and is refused; one it repeats means the first.
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
FORMS = "14:35, 14時35分, 2026-11-22 14:35, 11/22 14:35, -10m, -1h30m, now"
_ECHO = 40  # the input is echoed back in the error; a pasted essay is not

_NOW_WORDS = frozenset({"now", "今", "いま"})
_HM = re.compile(r"^(\d{1,2}):(\d{2})$")
_HM_JA = re.compile(r"^(\d{1,2})時(?:(\d{1,2})分?)?$")
_YMD = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: |t| ?t ?)(\d{1,2}):(\d{2})$")
_MD = re.compile(r"^(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})$")
_RELATIVE = re.compile(r"^-\s*(.+)$")


@dataclass(frozen=True, slots=True)
class TimeError:
    """Why a time was refused: a catalog key and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | TimeError:
    """Read ``text`` as a moment no later than ``now`` (aware UTC); returns aware UTC."""
    shown = text.strip()[:_ECHO]
    folded = _fold(text)
    try:
        when = _read(folded, now=now, tz=tz)
    except (ValueError, DurationError):
        when = None
    if when is None:
        return TimeError("timeline.bad_time", {"input": shown, "forms": FORMS})
    if when > now + SKEW:
        return TimeError("timeline.future_time", {"input": shown})
    if now - when > MAX_AGE:
        return TimeError("timeline.too_old", {"input": shown})
    return when


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    # NFKC leaves the minus sign and the ideographic space for us to fold.
    folded = folded.replace("\u2212", "-").replace("\u3000", " ")
    return re.sub(r"\s+", " ", folded)


def _read(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    if text in _NOW_WORDS:
        return now
    if m := _RELATIVE.match(text):
        return now - parse_duration(m.group(1))
    local_now = now.astimezone(tz)
    if m := _HM.match(text) or _HM_JA.match(text):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        return _wall(local_now.year, local_now.month, local_now.day, hour, minute, tz)
    if m := _YMD.match(text):
        year, month, day, hour, minute = (int(g) for g in m.groups())
        return _wall(year, month, day, hour, minute, tz)
    if m := _MD.match(text):
        month, day, hour, minute = (int(g) for g in m.groups())
        when = _wall(local_now.year, month, day, hour, minute, tz)
        # Just after New Year, "12/31 23:50" means the year that just ended.
        if when is not None and when > now + SKEW:
            return _wall(local_now.year - 1, month, day, hour, minute, tz)
        return when
    return None


def _wall(year: int, month: int, day: int, hour: int, minute: int, tz: ZoneInfo) -> datetime | None:
    """The UTC moment of a wall-clock time in ``tz``; None when that wall time never happens."""
    local = datetime(year, month, day, hour, minute, tzinfo=tz)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # skipped by a spring-forward change
    return moment

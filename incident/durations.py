"""Durations as people write them in config and commands: ``20s``, ``15m``, ``4h``, ``1h30m``, ``2d``."""

from __future__ import annotations

import re
from datetime import timedelta

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$", re.IGNORECASE)


class DurationError(ValueError):
    """A duration that cannot be read; the message says what was expected."""


def parse_duration(text: str | int | float) -> timedelta:
    """Read a duration with units. A bare number is refused: ``15`` could mean minutes or seconds."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise DurationError(f"duration {text!r} needs a unit, e.g. 20s, 15m, 4h")
    if text.strip().isdigit():
        raise DurationError(f"duration {text!r} needs a unit, e.g. {text.strip()}m or {text.strip()}s")
    if not _WHOLE.match(text):
        raise DurationError(f"duration {text!r} is not like 20s, 15m, 4h or 1h30m")
    seconds = sum(float(n) * _UNIT_SECONDS[u.lower()] for n, u in _PART.findall(text))
    if seconds <= 0:
        raise DurationError(f"duration {text!r} must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta, locale: str | None = "en") -> str:
    """``1h 5m`` in English, ``1時間5分`` in Japanese; seconds only under a minute."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if locale == "ja":
        units = (("日", days), ("時間", hours), ("分", minutes))
        parts = [f"{n}{u}" for u, n in units if n]
        return sign + ("".join(parts) if parts else f"{seconds}秒")
    units_en = (("d", days), ("h", hours), ("m", minutes))
    parts = [f"{n}{u}" for u, n in units_en if n]
    return sign + (" ".join(parts) if parts else f"{seconds}s")

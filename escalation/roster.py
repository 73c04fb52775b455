"""Who is on call, at any moment, per level.

A level has members who rotate (weekly at a weekday and local time, daily at a local time,
or not at all: everyone at once), optional windows during which other members hold it (the
source's "weekdays 9:00–18:00 in the office, on call otherwise"), and temporary overrides.
Hand-offs happen at the configured wall-clock time in the roster's zone, so a DST change
does not move them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from escalation.errors import PolicyError, known_keys

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Override:
    """``user_id`` holds ``level`` from ``start`` until ``end`` (exclusive), whatever the rotation says."""

    level: str
    user_id: str
    start: datetime
    end: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class Window:
    """During these local days and hours, ``members`` hold the level (e.g. office hours)."""

    days: frozenset[int]  # 0 = Monday
    start: time
    end: time
    members: tuple[str, ...]

    def contains(self, local: datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end


@dataclass(frozen=True, slots=True)
class Rotation:
    """Members take turns, one at a time, handing over at a local wall-clock time."""

    every: str  # weekly | daily | none
    members: tuple[str, ...]
    handoff_time: time = time(10, 0)
    handoff_weekday: int = 0
    anchor: date = date(2026, 1, 5)  # a Monday


@dataclass(frozen=True, slots=True)
class OnCall:
    """Who holds a level at a moment, why, and until when (None: until the configuration changes)."""

    level: str
    user_ids: tuple[str, ...]
    source: str  # rotation | window | override
    until: datetime | None


@dataclass(frozen=True, slots=True)
class Level:
    """One escalation level: its rotation and its windows."""

    name: str
    rotation: Rotation
    windows: tuple[Window, ...] = ()


def _hhmm(where: str, text: str) -> time:
    try:
        hours, minutes = str(text).split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        raise PolicyError(f"{where}: {text!r} is not a time like 09:00") from None


def _members(where: str, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise PolicyError(f"{where}: give at least one Slack user id")
    return tuple(str(m) for m in raw)


def _days(where: str, raw: Any) -> frozenset[int]:
    if raw in ("weekdays", None):
        return frozenset(range(5))
    if raw == "weekends":
        return frozenset({5, 6})
    try:
        return frozenset(WEEKDAYS.index(str(d).lower()[:3]) for d in raw)
    except ValueError:
        raise PolicyError(f"{where}: days are mon..sun, weekdays or weekends") from None


def _level(name: str, raw: Mapping[str, Any]) -> Level:
    where = f"roster.levels.{name}"
    raw = known_keys(where, raw, {"members", "rotation", "windows"})
    if raw.get("rotation") and raw.get("members"):
        raise PolicyError(f"{where}: give members or rotation.members, not both")
    rotation_raw = known_keys(
        f"{where}.rotation",
        raw.get("rotation") or {"every": "none", "members": raw.get("members")},
        {"every", "handoff", "members", "start"},
    )
    every = str(rotation_raw.get("every", "none"))
    if every not in ("weekly", "daily", "none"):
        raise PolicyError(f"{where}.rotation.every: weekly, daily or none")
    handoff = str(rotation_raw.get("handoff", "mon 10:00" if every == "weekly" else "10:00"))
    weekday = 0
    if every == "weekly":
        parts = handoff.split()
        if len(parts) != 2 or parts[0].lower()[:3] not in WEEKDAYS:
            raise PolicyError(f"{where}.rotation.handoff: like 'mon 10:00'")
        weekday, handoff = WEEKDAYS.index(parts[0].lower()[:3]), parts[1]
    anchor_raw = rotation_raw.get("start", "2026-01-05")
    try:
        anchor = date.fromisoformat(str(anchor_raw))
    except ValueError:
        raise PolicyError(f"{where}.rotation.start: a date like 2026-01-05") from None
    rotation = Rotation(
        every,
        _members(f"{where}.rotation.members", rotation_raw.get("members")),
        _hhmm(f"{where}.rotation.handoff", handoff),
        weekday,
        anchor,
    )
    windows = []
    for i, w in enumerate(raw.get("windows") or []):
        wwhere = f"{where}.windows[{i}]"
        w = known_keys(wwhere, w, {"days", "hours", "members"})
        start_text, _, end_text = str(w.get("hours", "")).partition("-")
        start, end = _hhmm(f"{wwhere}.hours", start_text), _hhmm(f"{wwhere}.hours", end_text)
        if end <= start:
            raise PolicyError(f"{wwhere}.hours: the end must be after the start on the same day, like 09:00-18:00")
        windows.append(
            Window(_days(f"{wwhere}.days", w.get("days")), start, end, _members(f"{wwhere}.members", w.get("members")))
        )
    return Level(name, rotation, tuple(windows))


@dataclass(frozen=True, slots=True)
class Roster:
    """Every level of the team, in escalation order, in one IANA time zone."""

    levels: Mapping[str, Level]
    tz: ZoneInfo

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], tz: ZoneInfo) -> Roster:
        levels_raw = raw.get("levels")
        if not isinstance(levels_raw, Mapping) or not levels_raw:
            raise PolicyError("roster.levels: give at least one level with members")
        zone = raw.get("timezone")
        if zone:
            try:
                tz = ZoneInfo(str(zone))
            except Exception:
                raise PolicyError(f"roster.timezone: unknown zone {zone!r}") from None
        known_keys("roster", raw, {"levels", "timezone"})
        return cls({str(n): _level(str(n), lv or {}) for n, lv in levels_raw.items()}, tz)

    @property
    def level_names(self) -> list[str]:
        return list(self.levels)

    def _spec(self, level: str) -> Level:
        try:
            return self.levels[level]
        except KeyError:
            raise PolicyError(f"roster: unknown level {level!r} (known: {', '.join(self.levels)})") from None

    def on_call(self, level: str, at: datetime, overrides: Sequence[Override] = ()) -> OnCall:
        """Who holds ``level`` at ``at``: an override first (the first match; pass newest first), then
        a window, then the rotation."""
        spec = self._spec(level)
        for override in overrides:
            if override.level == level and override.start <= at < override.end:
                return OnCall(level, (override.user_id,), "override", override.end)
        local = at.astimezone(self.tz)
        for window in spec.windows:
            if window.contains(local):
                end = datetime.combine(local.date(), window.end, self.tz).astimezone(at.tzinfo)
                return OnCall(level, window.members, "window", end)
        rotation = spec.rotation
        changes = [t for t in (self.next_handoff(level, at), self._next_window_start(spec, at)) if t is not None]
        until = min(changes) if changes else None
        if rotation.every == "none":
            return OnCall(level, rotation.members, "rotation", until)
        index = self._handoffs_before(rotation, local)
        member = rotation.members[index % len(rotation.members)]
        return OnCall(level, (member,), "rotation", until)

    def _next_window_start(self, spec: Level, after: datetime) -> datetime | None:
        local = after.astimezone(self.tz)
        starts = [
            start
            for offset in range(8)
            for window in spec.windows
            if (day := local.date() + timedelta(days=offset)).weekday() in window.days
            and (start := datetime.combine(day, window.start, self.tz)).astimezone(UTC) > after.astimezone(UTC)
        ]
        return min(starts, key=lambda d: d.astimezone(UTC)).astimezone(after.tzinfo) if starts else None

    def _handoffs_before(self, rotation: Rotation, local: datetime) -> int:
        """How many hand-offs happened between the anchor and ``local`` (wall-clock arithmetic)."""
        if rotation.every == "daily":
            days = (local.date() - rotation.anchor).days
            return days - (1 if local.time() < rotation.handoff_time else 0)
        first = rotation.anchor + timedelta(days=(rotation.handoff_weekday - rotation.anchor.weekday()) % 7)
        days = (local.date() - first).days
        weeks = days // 7
        on_handoff_day = days % 7 == 0
        if on_handoff_day and local.time() < rotation.handoff_time:
            weeks -= 1
        return weeks

    def next_handoff(self, level: str, after: datetime) -> datetime | None:
        """The next rotation hand-off strictly after ``after`` (None without a rotation)."""
        rotation = self._spec(level).rotation
        if rotation.every == "none":
            return None
        local = after.astimezone(self.tz)
        day = local.date()
        for offset in range(0, 8):
            candidate_day = day + timedelta(days=offset)
            if rotation.every == "weekly" and candidate_day.weekday() != rotation.handoff_weekday:
                continue
            candidate = datetime.combine(candidate_day, rotation.handoff_time, self.tz)
            # Compare in UTC: between same-zone datetimes Python compares wall times and ignores
            # the fold, which would return a past hand-off in the repeated hour of an autumn change.
            if candidate.astimezone(UTC) > after.astimezone(UTC):
                return candidate.astimezone(after.tzinfo)
        return None

    def swap(self, level: str, at: datetime, created_by: str) -> Override | None:
        """Hand the level to the next member in the rotation until the next hand-off."""
        rotation = self._spec(level).rotation
        if rotation.every == "none" or len(rotation.members) < 2:
            return None
        index = self._handoffs_before(rotation, at.astimezone(self.tz))
        following = rotation.members[(index + 1) % len(rotation.members)]
        end = self.next_handoff(level, at)
        assert end is not None
        return Override(level, following, at, end, created_by)

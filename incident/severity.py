"""Severity scales. The default follows the source documents; teams configure their own
(P1–P4, levels 0–4…) in YAML without code::

    severities:
      - key: p1
        labels: {en: "P1 – whole service down", ja: "P1 サービス全停止"}
        response_target: 15m
        resolution_target: 2h
        pages: true
        notify_everyone: true
        update_cadence: 30m
        aliases: [sev1]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from incident.durations import DurationError, parse_duration


class SeverityConfigError(ValueError):
    """A severity setting that cannot be used; the message names it."""


@dataclass(frozen=True, slots=True)
class SeverityLevel:
    key: str
    labels: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    response_target: timedelta | None = None
    resolution_target: timedelta | None = None
    pages: bool = True
    notify_everyone: bool = False
    update_cadence: timedelta | None = None
    aliases: tuple[str, ...] = ()
    rank: int = 0  # 0 is the most severe

    def label(self, locale: str) -> str:
        return self.labels.get(locale) or self.labels.get("en") or self.key


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass(frozen=True, slots=True)
class SeverityScale:
    levels: tuple[SeverityLevel, ...]
    default: str

    def get(self, key_or_alias: str) -> SeverityLevel | None:
        wanted = _fold(key_or_alias)
        for level in self.levels:
            if wanted == level.key or wanted in (_fold(a) for a in level.aliases):
                return level
        return None

    def keys(self) -> list[str]:
        return [level.key for level in self.levels]

    def is_upgrade(self, old: str, new: str) -> bool:
        before, after = self.get(old), self.get(new)
        return bool(before and after and after.rank < before.rank)

    def with_default(self, key: str) -> SeverityScale:
        level = self.get(key)
        if level is None:
            raise SeverityConfigError(f"default_severity: {key!r} is not one of {', '.join(self.keys())}")
        return replace(self, default=level.key)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SeverityScale:
        raw_levels = config.get("levels")
        if not isinstance(raw_levels, Sequence) or isinstance(raw_levels, str) or not raw_levels:
            raise SeverityConfigError("severities: give at least one level")
        levels = tuple(_level(i, raw) for i, raw in enumerate(raw_levels))
        seen: set[str] = set()
        for level in levels:
            names = {level.key, *(_fold(a) for a in level.aliases)}
            clash = names & seen
            if clash:
                raise SeverityConfigError(f"severities: {sorted(clash)[0]!r} is used twice")
            seen |= names
        default = str(config.get("default") or levels[min(1, len(levels) - 1)].key)
        scale = cls(levels, levels[0].key)
        return scale.with_default(default)


def _duration(where: str, value: Any) -> timedelta | None:
    if value in (None, "", "none"):
        return None
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise SeverityConfigError(f"{where}: {exc}") from None


def _flag(where: str, value: Any) -> bool:
    # A quoted "false" in YAML is truthy; refuse it rather than page people by surprise.
    if not isinstance(value, bool):
        raise SeverityConfigError(f"{where}: must be true or false, not {value!r}")
    return value


def _level(index: int, raw: Any) -> SeverityLevel:
    where = f"severities[{index}]"
    if not isinstance(raw, Mapping):
        raise SeverityConfigError(f"{where}: must be a mapping with at least a key")
    key = _fold(str(raw.get("key") or ""))
    if not key or not key.replace("_", "").replace("-", "").isalnum():
        raise SeverityConfigError(f"{where}.key: give a short name such as p1 or critical")
    labels = raw.get("labels") or {}
    if not isinstance(labels, Mapping):
        raise SeverityConfigError(f"{where}.labels: must map en/ja to text")
    description = raw.get("description") or {}
    if not isinstance(description, Mapping):
        raise SeverityConfigError(f"{where}.description: must map en/ja to text")
    aliases = raw.get("aliases") or []
    if isinstance(aliases, str) or not isinstance(aliases, Iterable):
        raise SeverityConfigError(f"{where}.aliases: must be a list")
    return SeverityLevel(
        key=key,
        labels={str(k): str(v) for k, v in labels.items()} or {"en": key, "ja": key},
        description={str(k): str(v) for k, v in description.items()},
        response_target=_duration(f"{where}.response_target", raw.get("response_target")),
        resolution_target=_duration(f"{where}.resolution_target", raw.get("resolution_target")),
        pages=_flag(f"{where}.pages", raw.get("pages", True)),
        notify_everyone=_flag(f"{where}.notify_everyone", raw.get("notify_everyone", False)),
        update_cadence=_duration(f"{where}.update_cadence", raw.get("update_cadence")),
        aliases=tuple(str(a) for a in aliases),
        rank=index,
    )


DEFAULT_SCALE_CONFIG: dict[str, Any] = {
    "default": "high",
    "levels": [
        {
            "key": "critical",
            "labels": {"en": "Critical", "ja": "重大"},
            "description": {
                "en": "Service outage; everyone responds at once",
                "ja": "サービス停止。全員で即時対応",
            },
            "response_target": "15m",
            "resolution_target": "2h",
            "notify_everyone": True,
            "update_cadence": "30m",
            "aliases": ["重大", "緊急", "sev1", "p1"],
        },
        {
            "key": "high",
            "labels": {"en": "High", "ja": "高"},
            "description": {
                "en": "Functionality limited; level1 responds within 1 h",
                "ja": "機能制限。一次運用が1時間以内に対応",
            },
            "response_target": "1h",
            "resolution_target": "4h",
            "update_cadence": "2h",
            "aliases": ["高", "sev2", "p2"],
        },
        {
            "key": "medium",
            "labels": {"en": "Medium", "ja": "中"},
            "description": {
                "en": "Degraded performance; the assignee responds within 4 h",
                "ja": "パフォーマンス低下。担当者が4時間以内に対応",
            },
            "response_target": "4h",
            "resolution_target": "8h",
            "update_cadence": "6h",
            "aliases": ["中", "sev3", "p3"],
        },
        {
            "key": "low",
            "labels": {"en": "Low", "ja": "低"},
            "description": {
                "en": "Minor; no paging, handled in the channel",
                "ja": "軽微。呼び出しなし、チャンネル内で対応",
            },
            "resolution_target": "24h",
            "pages": False,
            "aliases": ["低", "sev4", "p4"],
        },
    ],
}

DEFAULT_SCALE = SeverityScale.from_config(DEFAULT_SCALE_CONFIG)

"""The ``alerts:`` section of the team YAML, validated into plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from incident.durations import DurationError, parse_duration

SOURCE_TYPES = ("alertmanager", "grafana", "opsgenie", "generic")
DEFAULT_PRIORITY_MAP = {"P1": "critical", "P2": "high", "P3": "medium", "P4": "low", "P5": "low"}
DEFAULT_SEVERITY_MAP = {"critical": "critical", "error": "high", "warning": "high", "info": "medium"}
_SIZE = re.compile(r"^\s*(\d+)\s*(b|kib|kb|mib|mb)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2}


class AlertConfigError(ValueError):
    """A bad ``alerts`` setting; the message starts with the setting's name."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    type: str
    secret: str  # the bearer token, or the GenieKey for an Opsgenie-compatible source
    priority_map: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PRIORITY_MAP))


@dataclass(frozen=True, slots=True)
class Grouping:
    window: timedelta = timedelta(seconds=60)
    threshold: float = 0.7
    same_service: float = 0.3
    same_host: float = 0.4
    dependency: float = 0.5
    dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # service -> services it depends on


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    sources: tuple[Source, ...] = ()
    max_body: int = 1024 * 1024
    severity_map: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_MAP))
    default_severity: str = "high"
    declare_from: str = "high"
    triage_channel: str | None = None
    on_resolved: str = "record"
    dedupe_window: timedelta = timedelta(minutes=5)
    grouping: Grouping = field(default_factory=Grouping)
    severities: tuple[str, ...] = ("critical", "high", "medium", "low")  # most severe first

    def reaches(self, severity: str, floor: str) -> bool:
        """Whether ``severity`` is at least as severe as ``floor`` on the team's scale."""
        order = {key: i for i, key in enumerate(self.severities)}
        return order.get(severity, len(order)) <= order.get(floor, len(order))

    @property
    def enabled(self) -> bool:
        return bool(self.sources)

    def sources_of(self, *types: str) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.type in types)

    @classmethod
    def from_config(cls, raw: dict[str, Any], severities: tuple[str, ...]) -> AlertsConfig:
        """``severities`` is the team's scale, most severe first."""
        known = set(severities)
        allowed = {
            "max_body", "severity_map", "default_severity", "declare_from", "triage_channel",
            "on_resolved", "dedupe", "grouping", "sources",
        }  # fmt: skip
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise AlertConfigError(f"alerts.{unknown[0]}: unknown setting")

        def severity(setting: str, value: object) -> str:
            if str(value) not in known:
                raise AlertConfigError(f"{setting}: unknown severity {value!r} (known: {', '.join(severities)})")
            return str(value)

        if raw.get("severity_map"):
            severity_map = {
                str(k).lower(): severity(f"alerts.severity_map.{k}", v) for k, v in raw["severity_map"].items()
            }
        else:
            severity_map = {k: v for k, v in DEFAULT_SEVERITY_MAP.items() if v in known}
        for key in severities:  # the scale's own keys always mean themselves
            severity_map.setdefault(key.lower(), key)
        on_resolved = str(raw.get("on_resolved", "record"))
        if on_resolved not in ("record", "mitigate"):
            raise AlertConfigError("alerts.on_resolved: must be record or mitigate")
        grouping_raw = raw.get("grouping") or {}
        weights = grouping_raw.get("weights") or {}
        dependencies = {
            str(k): tuple(str(s) for s in (v if isinstance(v, list) else [v]))
            for k, v in (grouping_raw.get("dependencies") or {}).items()
        }
        grouping = Grouping(
            window=_duration("alerts.grouping.window", grouping_raw.get("window", "60s")),
            threshold=_number("alerts.grouping.threshold", grouping_raw.get("threshold", 0.7)),
            same_service=_number("alerts.grouping.weights.same_service", weights.get("same_service", 0.3)),
            same_host=_number("alerts.grouping.weights.same_host", weights.get("same_host", 0.4)),
            dependency=_number("alerts.grouping.weights.dependency", weights.get("dependency", 0.5)),
            dependencies=dependencies,
        )
        sources = tuple(_source(i, s, known) for i, s in enumerate(raw.get("sources") or []))
        names = [s.name for s in sources]
        if len(set(names)) != len(names):
            raise AlertConfigError("alerts.sources: two sources share a name")
        default = raw.get("default_severity", "high" if "high" in known else severities[-1])
        return cls(
            sources=sources,
            max_body=_size(raw.get("max_body", "1MiB")),
            severity_map=severity_map,
            default_severity=severity("alerts.default_severity", default),
            declare_from=severity("alerts.declare_from", raw.get("declare_from", default)),
            triage_channel=str(raw["triage_channel"]) if raw.get("triage_channel") else None,
            on_resolved=on_resolved,
            dedupe_window=_duration("alerts.dedupe.window", (raw.get("dedupe") or {}).get("window", "5m")),
            grouping=grouping,
            severities=tuple(severities),
        )


def _source(index: int, raw: object, known: set[str]) -> Source:
    where = f"alerts.sources[{index}]"
    if not isinstance(raw, dict):
        raise AlertConfigError(f"{where}: must be a mapping with name, type and token")
    kind = str(raw.get("type", ""))
    if kind not in SOURCE_TYPES:
        raise AlertConfigError(f"{where}.type: must be one of {', '.join(SOURCE_TYPES)}")
    secret_key = "api_key" if kind == "opsgenie" else "token"
    secret = raw.get(secret_key)
    if not isinstance(secret, str) or len(secret) < 8:
        raise AlertConfigError(f"{where}.{secret_key}: must be a secret of at least 8 characters")
    priority_map = dict(DEFAULT_PRIORITY_MAP)
    for p, sev in (raw.get("priority_map") or {}).items():
        if str(sev) not in known:
            raise AlertConfigError(f"{where}.priority_map.{p}: unknown severity {sev!r}")
        priority_map[str(p).upper()] = str(sev)
    priority_map = {p: s for p, s in priority_map.items() if s in known}
    return Source(name=str(raw.get("name") or kind), type=kind, secret=secret, priority_map=priority_map)


def _duration(setting: str, value: object) -> timedelta:
    try:
        return parse_duration(value)  # type: ignore[arg-type]
    except DurationError as exc:
        raise AlertConfigError(f"{setting}: {exc}") from None


def _number(setting: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise AlertConfigError(f"{setting}: must be a number ≥ 0")
    return float(value)


def _size(value: object) -> int:
    match = _SIZE.match(str(value))
    if not match:
        raise AlertConfigError("alerts.max_body: must be a size like 1MiB or 512KiB")
    size = int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()]
    if size < 1024:
        raise AlertConfigError("alerts.max_body: must be at least 1KiB")
    return size

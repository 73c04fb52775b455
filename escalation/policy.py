"""The response-time policy: per severity, who is paged, in what order, how fast.

*ack_within*: how long a paged step has to acknowledge before the next step is paged.
*handle_within*: how long a step that acknowledged has to mitigate before the next step is
pulled in. Defaults follow the source documents (domain §1–2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from escalation.errors import PolicyError
from incident.durations import DurationError, parse_duration


@dataclass(frozen=True, slots=True)
class Step:
    level: str | None = None
    users: tuple[str, ...] = ()
    usergroup: str | None = None
    ack_within: timedelta | None = None
    handle_within: timedelta | None = None

    @property
    def label(self) -> str:
        return self.level or self.usergroup or ",".join(self.users)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "users": list(self.users),
            "usergroup": self.usergroup,
            "ack_within": self.ack_within.total_seconds() if self.ack_within else None,
            "handle_within": self.handle_within.total_seconds() if self.handle_within else None,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Step:
        def seconds(key: str) -> timedelta | None:
            value = raw.get(key)
            return timedelta(seconds=float(value)) if value is not None else None

        return cls(
            raw.get("level"),
            tuple(raw.get("users") or ()),
            raw.get("usergroup"),
            seconds("ack_within"),
            seconds("handle_within"),
        )


@dataclass(frozen=True, slots=True)
class SeverityPolicy:
    steps: tuple[Step, ...] = ()
    fyi_levels: tuple[str, ...] = ()
    mention_here: bool = False
    repeat_every: timedelta | None = None

    @property
    def pages(self) -> bool:
        return bool(self.steps)


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    by_severity: Mapping[str, SeverityPolicy]

    def for_severity(self, severity: str) -> SeverityPolicy:
        return self.by_severity.get(severity, SeverityPolicy())

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], levels: Iterable[str], severities: Iterable[str]) -> EscalationPolicy:
        known_levels, known_severities = set(levels), set(severities)
        result: dict[str, SeverityPolicy] = {}
        for severity, spec in raw.items():
            where = f"policy.{severity}"
            if severity not in known_severities:
                raise PolicyError(f"{where}: unknown severity (known: {', '.join(sorted(known_severities))})")
            spec = spec or {}
            steps_raw = spec.get("steps", [])
            if spec.get("pages", True) and not steps_raw:
                raise PolicyError(f"{where}.steps: give at least one step, or pages: false")
            steps = tuple(_step(f"{where}.steps[{i}]", s, known_levels) for i, s in enumerate(steps_raw))
            fyi = tuple(str(x) for x in spec.get("fyi", []))
            for level in fyi:
                if level not in known_levels:
                    raise PolicyError(f"{where}.fyi: unknown level {level!r}")
            result[str(severity)] = SeverityPolicy(
                steps if spec.get("pages", True) else (),
                fyi,
                bool(spec.get("mention_here", False)),
                _duration(f"{where}.repeat", spec.get("repeat")),
            )
        return cls(result)


def _duration(where: str, raw: Any) -> timedelta | None:
    if raw in (None, "", "none"):
        return None
    try:
        return parse_duration(raw)
    except DurationError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def _step(where: str, raw: Any, levels: set[str]) -> Step:
    if not isinstance(raw, Mapping) or not raw:
        raise PolicyError(f"{where}: a step names a level, users or a usergroup")
    level = raw.get("level")
    users = tuple(str(u) for u in raw.get("users", []) or [])
    usergroup = raw.get("usergroup")
    if not (level or users or usergroup):
        raise PolicyError(f"{where}: a step names a level, users or a usergroup")
    if level is not None and level not in levels:
        raise PolicyError(f"{where}.level: unknown level {level!r} (known: {', '.join(sorted(levels))})")
    return Step(
        level,
        users,
        usergroup,
        _duration(f"{where}.ack_within", raw.get("ack_within")),
        _duration(f"{where}.handle_within", raw.get("handle_within")),
    )


def _chain(acks: list[str], handles: list[str | None]) -> list[dict[str, Any]]:
    return [
        {"level": f"level{i + 1}", "ack_within": ack, "handle_within": handle}
        for i, (ack, handle) in enumerate(zip(acks, handles, strict=True))
    ]


DEFAULT_POLICY_CONFIG: dict[str, Any] = {
    "critical": {
        "steps": _chain(["15m", "30m", "1h"], ["1h", "2h", "4h"]),
        "fyi": ["level2", "level3"],
        "mention_here": True,
    },
    "high": {"steps": _chain(["1h", "2h", "4h"], ["1h", "2h", "4h"])},
    "medium": {"steps": _chain(["4h", "8h", "24h"], [None, None, None])},
    "low": {"pages": False},
}

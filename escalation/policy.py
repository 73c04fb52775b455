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

from escalation.errors import PolicyError, known_keys
from incident.durations import DurationError, parse_duration


@dataclass(frozen=True, slots=True)
class LevelTarget:
    """Whoever holds a roster level at the moment of the page."""

    level: str


@dataclass(frozen=True, slots=True)
class UsersTarget:
    """Named Slack users."""

    user_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UsergroupTarget:
    """The members of a Slack user group at the moment of the page."""

    usergroup: str


Target = LevelTarget | UsersTarget | UsergroupTarget


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the chain: exactly one of level, users or usergroup, and its clocks."""

    level: str | None = None
    users: tuple[str, ...] = ()
    usergroup: str | None = None
    ack_within: timedelta | None = None
    handle_within: timedelta | None = None

    @property
    def label(self) -> str:
        return self.level or self.usergroup or ",".join(self.users)

    @property
    def target(self) -> Target:
        if self.level:
            return LevelTarget(self.level)
        if self.usergroup:
            return UsergroupTarget(self.usergroup)
        return UsersTarget(self.users)

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
    """What one severity does at declare and how its chain escalates; no steps means no paging."""

    steps: tuple[Step, ...] = ()
    fyi_levels: tuple[str, ...] = ()
    mention_here: bool = False
    repeat_every: timedelta | None = None

    @property
    def pages(self) -> bool:
        return bool(self.steps)


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Every severity's policy, validated against the roster's levels and the severity scale."""

    by_severity: Mapping[str, SeverityPolicy]

    def for_severity(self, severity: str) -> SeverityPolicy:
        return self.by_severity.get(severity, SeverityPolicy())

    @classmethod
    def from_config(
        cls,
        raw: Mapping[str, Any],
        levels: Iterable[str],
        severities: Iterable[str],
        defaults: Mapping[str, Any] | None = None,
    ) -> EscalationPolicy:
        """Validate ``raw``; raises ``PolicyError`` with one line naming the setting.

        A severity the config leaves out takes its entry from ``defaults`` (the default policy);
        when there is none, or it does not fit this roster, that is an error: a severity that
        silently pages nobody is the failure this product exists to prevent.
        """
        known_levels, severity_list = set(levels), list(severities)
        known_severities = set(severity_list)
        if not isinstance(raw, Mapping):
            raise PolicyError("policy: expected a mapping of severity to its policy")
        for severity in raw:
            if severity not in known_severities:
                raise PolicyError(f"policy.{severity}: unknown severity (known: {', '.join(severity_list)})")
        fallback = DEFAULT_POLICY_CONFIG if defaults is None else defaults
        result: dict[str, SeverityPolicy] = {}
        for severity in severity_list:
            if severity in raw:
                result[severity] = _severity(f"policy.{severity}", raw[severity], known_levels)
                continue
            try:
                result[severity] = _severity(f"policy.{severity}", fallback[severity], known_levels)
            except (KeyError, PolicyError):
                raise PolicyError(
                    f"policy.{severity}: missing; give its steps, or pages: false for channel only"
                ) from None
        return cls(result)


def _severity(where: str, spec: Any, known_levels: set[str]) -> SeverityPolicy:
    spec = known_keys(where, spec or {}, {"steps", "fyi", "mention_here", "repeat", "pages"})
    pages = spec.get("pages", True)
    if not isinstance(pages, bool):
        raise PolicyError(f"{where}.pages: true or false")
    steps_raw = spec.get("steps") or []
    if not isinstance(steps_raw, list):
        raise PolicyError(f"{where}.steps: a list of steps")
    if pages and not steps_raw:
        raise PolicyError(f"{where}.steps: give at least one step, or pages: false")
    steps = tuple(_step(f"{where}.steps[{i}]", s, known_levels) for i, s in enumerate(steps_raw))
    fyi_raw = spec.get("fyi") or []
    if isinstance(fyi_raw, str) or not isinstance(fyi_raw, list):
        raise PolicyError(f"{where}.fyi: a list of levels, like [level2, level3]")
    fyi = tuple(str(x) for x in fyi_raw)
    for level in fyi:
        if level not in known_levels:
            raise PolicyError(f"{where}.fyi: unknown level {level!r} (known: {', '.join(sorted(known_levels))})")
    return SeverityPolicy(
        steps if pages else (),
        fyi,
        bool(spec.get("mention_here", False)),
        _duration(f"{where}.repeat", spec.get("repeat")),
    )


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
    known_keys(where, raw, {"level", "users", "usergroup", "ack_within", "handle_within"})
    level = raw.get("level")
    users_raw = raw.get("users") or []
    if isinstance(users_raw, str) or not isinstance(users_raw, list):
        raise PolicyError(f"{where}.users: a list of Slack user ids")
    users = tuple(str(u) for u in users_raw)
    usergroup = raw.get("usergroup")
    named = sum(1 for x in (level, users, usergroup) if x)
    if named != 1:
        raise PolicyError(f"{where}: a step names exactly one of level, users or usergroup")
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


def default_policy_for(levels: set[str]) -> dict[str, Any]:
    """The default policy over the levels a roster has: a roster with only level1 pages level1
    and nobody after it, rather than failing on the level2 it does not have."""
    trimmed: dict[str, Any] = {}
    for severity, spec in DEFAULT_POLICY_CONFIG.items():
        kept = dict(spec)
        if "steps" in spec:
            kept["steps"] = [s for s in spec["steps"] if s.get("level") in levels]
            if not kept["steps"]:
                kept = {"pages": False}
        if "fyi" in kept:
            kept["fyi"] = [level for level in kept["fyi"] if level in levels]
        trimmed[severity] = kept
    return trimmed

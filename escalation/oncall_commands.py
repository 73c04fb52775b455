"""``/oncall`` parsed into a command, or the reason it cannot be: pure, no Slack, no clock.

    /oncall                          who holds each level now, and the next hand-off
    /oncall override level1 @bob 3h  bob holds level1 for three hours
    /oncall swap level1              the next person in the rotation takes level1 until the hand-off
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from incident.durations import DurationError, parse_duration

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass(frozen=True, slots=True)
class ShowOnCall:
    pass


@dataclass(frozen=True, slots=True)
class OverrideLevel:
    level: str
    user_id: str
    duration: timedelta


@dataclass(frozen=True, slots=True)
class SwapLevel:
    level: str


@dataclass(frozen=True, slots=True)
class OnCallError:
    """A catalog key and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


OnCallCommand = ShowOnCall | OverrideLevel | SwapLevel


def parse_oncall(text: str, levels: tuple[str, ...]) -> OnCallCommand | OnCallError:
    words = text.replace("\u3000", " ").split()
    usage = OnCallError("oncall.usage", {"levels": ", ".join(levels)})
    if not words:
        return ShowOnCall()
    verb = words[0].lower()
    if verb == "override" and len(words) == 4:
        level, who = words[1], _MENTION.match(words[2])
        if level not in levels or who is None:
            return usage
        try:
            duration = parse_duration(words[3])
        except DurationError as exc:
            return OnCallError("oncall.bad_duration", {"reason": str(exc)})
        return OverrideLevel(level, who.group(1), duration)
    if verb == "swap" and len(words) == 2 and words[1] in levels:
        return SwapLevel(words[1])
    return usage

"""Configuration errors for the roster and the policy: one line naming the setting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class PolicyError(ValueError):
    """A roster or policy setting is wrong; the message is one line starting with the setting's path."""


def known_keys(where: str, raw: Any, allowed: set[str]) -> Mapping[str, Any]:
    """``raw`` as a mapping whose keys are all in ``allowed``.

    A misspelt key (``ack_witin``) would otherwise be dropped silently, and with it a deadline
    or a whole shift.
    """
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: expected a mapping")
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise PolicyError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(allowed))})")
    return raw

"""Deliberate failures the fake can answer with: errors, rate limits, 5xx, outages, delays."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["error", "rate_limit", "server_error"]

# Matches any method in delay() and the fault queues.
ANY_METHOD = "*"


@dataclass(frozen=True)
class Fault:
    """One planned failure for one call."""

    kind: FaultKind
    error: str = ""
    retry_after: int = 1
    status: int = 500


class FaultPlan:
    """Queued failures per method, consumed one per call, plus a global outage switch."""

    def __init__(self) -> None:
        self._queues: defaultdict[str, deque[Fault]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self.down = False

    def add(self, method: str, fault: Fault, times: int) -> None:
        """Make the next ``times`` calls to ``method`` fail with ``fault``."""
        self._queues[method].extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        """The fault planned for this call, if any (method-specific before ``*``)."""
        for key in (method, ANY_METHOD):
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        return None

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` only after ``seconds`` (0 removes the delay)."""
        if seconds <= 0:
            self._delays.pop(method, None)
        else:
            self._delays[method] = seconds

    def delay_for(self, method: str) -> float:
        """How long to hold the answer to this call."""
        return self._delays.get(method, self._delays.get(ANY_METHOD, 0.0))

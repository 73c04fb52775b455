"""Deliberate failures the fake can answer with: errors, rate limits, 5xx, outages, delays."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from fakeslack.recording import RecordedCall

# Called once a method took effect and before its answer goes back: it may hold the answer
# (sleep) or act at that exact moment (kill the caller, say).
CallHook = Callable[["RecordedCall"], Awaitable[None]]

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
        self._hooks: defaultdict[str, list[CallHook]] = defaultdict(list)
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

    def hook(self, method: str, hook: CallHook) -> None:
        """Run ``hook`` after every successful call to ``method`` (or ``*``), before it is answered."""
        self._hooks[method].append(hook)

    async def after(self, call: RecordedCall) -> None:
        for hook in [*self._hooks.get(call.method, ()), *self._hooks.get(ANY_METHOD, ())]:
            await hook(call)

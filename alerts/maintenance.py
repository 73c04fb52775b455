"""Maintenance windows: while one is open for a service, its new alerts declare nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MaintenanceWindow:
    id: int
    service: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str
    ended_at: datetime | None = None  # set when someone ends it early

    def open_at(self, now: datetime) -> bool:
        end = min(self.ends_at, self.ended_at) if self.ended_at else self.ends_at
        return self.starts_at <= now < end


def window_for(service: str, now: datetime, windows: Sequence[MaintenanceWindow]) -> MaintenanceWindow | None:
    """The open window covering ``service``, if any. A window for ``*`` covers every service."""
    for window in windows:
        if window.open_at(now) and (window.service == "*" or (service and window.service == service)):
            return window
    return None

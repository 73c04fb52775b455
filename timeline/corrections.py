"""Who may correct a timeline entry, and the numbers people use to name entries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from incident.model import EntrySource, Incident, TimelineEntry


@dataclass(frozen=True, slots=True)
class CorrectionRefusal:
    key: str
    params: dict[str, str]


def numbered(entries: Sequence[TimelineEntry]) -> list[tuple[int, TimelineEntry]]:
    """1-based display numbers over visible entries in time order (what ``edit <n>`` uses)."""
    visible = sorted((e for e in entries if not e.deleted), key=lambda e: (e.occurred_at, e.seq))
    return list(enumerate(visible, start=1))


def find(entries: Sequence[TimelineEntry], n: int) -> TimelineEntry | None:
    return dict(numbered(entries)).get(n)


def may_correct(entry: TimelineEntry, incident: Incident, user_id: str) -> CorrectionRefusal | None:
    if user_id == incident.commander:
        return None
    if entry.source is EntrySource.AUTOMATIC:
        return CorrectionRefusal("timeline.correct_automatic", {})
    if entry.actor == user_id:
        return None
    return CorrectionRefusal("timeline.correct_not_yours", {"user": f"<@{entry.actor}>"})

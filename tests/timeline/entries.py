"""Building timeline entries for tests without a store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incident.model import EntrySource, TimelineEntry

T0 = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)


def entry(
    seq: int,
    *,
    minutes: float | None = None,
    kind: str = "note",
    text: str | None = None,
    actor: str | None = "U0ALICE",
    source: EntrySource = EntrySource.COMMAND,
    deleted: bool = False,
    amended: bool = False,
    permalink: str | None = None,
    files: list[dict[str, str]] | None = None,
) -> TimelineEntry:
    """Entry ``seq`` (also its id), happening ``minutes`` after T0 (default: ``seq`` minutes)."""
    at = T0 + timedelta(minutes=seq if minutes is None else minutes)
    return TimelineEntry(
        id=seq,
        incident_id=1,
        seq=seq,
        occurred_at=at,
        recorded_at=at,
        kind=kind,
        text=f"entry {seq}" if text is None else text,
        actor=actor,
        source=source,
        permalink=permalink,
        files=files or [],
        deleted=deleted,
        amended=amended,
    )

"""The order of a timeline, and the numbers people use to name its entries.

Entries sort by when they happened, not when they were typed, so a back-dated entry
sorts into place; ``seq`` (the order of recording) breaks ties.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from incident.model import TimelineEntry


def sort_key(entry: TimelineEntry) -> tuple[object, int]:
    """The timeline order of one entry."""
    return (entry.occurred_at, entry.seq)


def in_order(entries: Iterable[TimelineEntry], *, include_deleted: bool = False) -> list[TimelineEntry]:
    """Entries in timeline order; deleted ones are left out unless asked for (the audit view)."""
    kept = entries if include_deleted else (e for e in entries if not e.deleted)
    return sorted(kept, key=sort_key)


def number_entries(entries: Iterable[TimelineEntry]) -> list[tuple[int, TimelineEntry]]:
    """1-based display numbers over visible entries in time order (what ``edit <n>`` uses)."""
    return list(enumerate(in_order(entries), start=1))


def entry_number(entries: Sequence[TimelineEntry], n: int) -> TimelineEntry | None:
    """The visible entry shown as number ``n``, or None when there is none."""
    if n < 1:
        return None
    numbered = number_entries(entries)
    return numbered[n - 1][1] if n <= len(numbered) else None

"""Who may correct a timeline entry, and what a correction records.

``/incident timeline edit <n> <text>`` and ``delete <n>``: the entry's author or the incident
commander may correct an entry someone wrote; an entry the bot wrote only the commander.
A correction never destroys the original: it yields an :class:`Amendment` for the audit
trail, an edited entry is flagged amended, and a deleted one is hidden but kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from incident.model import EntrySource, TimelineEntry
from timeline.ordering import entry_number

Action = Literal["edit", "delete"]


@dataclass(frozen=True, slots=True)
class CorrectionRefusal:
    """Why a correction was refused: a catalog key and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Amendment:
    """One correction, as the audit trail keeps it; ``new_text`` is None for a deletion."""

    entry_id: int
    old_text: str
    new_text: str | None
    actor: str
    at: datetime
    action: Action


def refusal_for(entry: TimelineEntry, *, actor: str, commander: str | None) -> CorrectionRefusal | None:
    """None when ``actor`` may correct ``entry``, else the reason they may not."""
    if commander is not None and actor == commander:
        return None
    if entry.source is EntrySource.AUTOMATIC:
        return CorrectionRefusal("timeline.correct_automatic")
    if entry.actor is not None and entry.actor == actor:
        return None
    if entry.actor is None:
        return CorrectionRefusal("timeline.correct_commander_only")
    return CorrectionRefusal("timeline.correct_not_yours", {"user": f"<@{entry.actor}>"})


def decide_edit(
    entries: Sequence[TimelineEntry], n: int, new_text: str, *, actor: str, commander: str | None, at: datetime
) -> Amendment | CorrectionRefusal:
    """The amendment ``edit <n> <new_text>`` makes, or why it is refused."""
    entry = entry_number(entries, n)
    if entry is None:
        return CorrectionRefusal("timeline.no_entry", {"n": str(n)})
    refusal = refusal_for(entry, actor=actor, commander=commander)
    if refusal is not None:
        return refusal
    text = new_text.strip()
    if not text:
        return CorrectionRefusal("timeline.edit_empty", {"n": str(n)})
    if text == entry.text:
        return CorrectionRefusal("timeline.edit_unchanged", {"n": str(n)})
    return Amendment(entry.id, entry.text, text, actor, at, "edit")


def decide_delete(
    entries: Sequence[TimelineEntry], n: int, *, actor: str, commander: str | None, at: datetime
) -> Amendment | CorrectionRefusal:
    """The amendment ``delete <n>`` makes, or why it is refused."""
    entry = entry_number(entries, n)
    if entry is None:
        return CorrectionRefusal("timeline.no_entry", {"n": str(n)})
    refusal = refusal_for(entry, actor=actor, commander=commander)
    if refusal is not None:
        return refusal
    return Amendment(entry.id, entry.text, None, actor, at, "delete")


def apply(entry: TimelineEntry, amendment: Amendment) -> TimelineEntry:
    """The entry as it reads after ``amendment``; the original stays in the amendment."""
    if amendment.entry_id != entry.id:
        raise ValueError(f"amendment for entry {amendment.entry_id} applied to entry {entry.id}")
    if amendment.action == "delete":
        return replace(entry, deleted=True)
    return replace(entry, text=amendment.new_text or entry.text, amended=True)

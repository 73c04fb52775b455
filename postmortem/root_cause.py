"""The source's root-cause template (domain §6), pre-filled from what the timeline already says.

Only facts the responders wrote are filled in: ``root_cause`` entries give the direct cause
(the first) and underlying causes (the rest); hypotheses and verifications are listed as
evidence. Process and organisational causes are left for the review to fill: guessing them
from keywords would put words in the team's mouth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from incident.model import TimelineEntry
from postmortem.model import ActionItem

# (category, its parts) in the template's order.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("technical", ("direct", "underlying")),
    ("process", ("development", "deployment")),
    ("organisational", ("communication", "skills")),
)
HORIZONS: tuple[str, ...] = ("short", "medium", "long")


@dataclass(slots=True)
class RootCause:
    """The filled template: one list of statements per part, evidence, and actions by horizon."""

    direct: list[str] = field(default_factory=list)
    underlying: list[str] = field(default_factory=list)
    development: list[str] = field(default_factory=list)
    deployment: list[str] = field(default_factory=list)
    communication: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    hypotheses: list[str] = field(default_factory=list)
    verifications: list[str] = field(default_factory=list)
    actions: dict[str, list[ActionItem]] = field(default_factory=lambda: {h: [] for h in HORIZONS})

    def items(self, part: str) -> list[str]:
        """The statements under one part of the template (``direct``, ``deployment``, …)."""
        if part not in {p for _, parts in SECTIONS for p in parts}:
            raise KeyError(part)
        return list(getattr(self, part))


def prefill(entries: Iterable[TimelineEntry], actions: Sequence[ActionItem] = ()) -> RootCause:
    """The template with what the timeline and the action list already say, in time order."""
    rca = RootCause()
    ordered = sorted((e for e in entries if not e.deleted and e.text.strip()), key=lambda e: (e.occurred_at, e.seq))
    for e in ordered:
        text = " ".join(e.text.split())
        if e.kind == "root_cause":
            (rca.underlying if rca.direct else rca.direct).append(text)
        elif e.kind == "hypothesis":
            rca.hypotheses.append(text)
        elif e.kind == "verification":
            rca.verifications.append(text)
    for item in sorted(actions, key=lambda a: a.n):
        rca.actions.setdefault(item.horizon, []).append(item)
    return rca

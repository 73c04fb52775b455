"""Ranking: text relevance, weighted by what the team learnt and by the incident's context.

A runbook that helped before (higher success rate), written for this severity, about the
affected services, moves up; text relevance still dominates, so a popular but unrelated
entry cannot win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.entry import KbEntry
from knowledge.index import TextIndex
from knowledge.tokenize import CONCEPT_PREFIX

SEVERITY_FIT = 1.1
SERVICE_FIT = 0.2
RATE_WEIGHT = 0.5
DEFAULT_THRESHOLD = 3.0


@dataclass(frozen=True, slots=True)
class SearchContext:
    """The incident a search is for: entries for its severity and services rank higher."""

    severity: str | None = None
    services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: ``why`` lists the concepts and words that matched, concepts first."""

    entry_id: str
    title: str
    score: float
    why: tuple[str, ...] = field(default_factory=tuple)


class KnowledgeIndex:
    """Ranked retrieval over a fixed set of entries; rebuild it when entries change."""

    def __init__(self, entries: Sequence[KbEntry]) -> None:
        self.text = TextIndex(entries)
        self.by_id = {e.id: i for i, e in enumerate(self.text.entries)}

    @classmethod
    def build(cls, entries: Sequence[KbEntry]) -> KnowledgeIndex:
        return cls(entries)

    def __len__(self) -> int:
        return len(self.text)

    def entry(self, entry_id: str) -> KbEntry | None:
        i = self.by_id.get(entry_id)
        return self.text.entries[i] if i is not None else None

    def set_success_rate(self, entry_id: str, rate: float) -> None:
        i = self.by_id.get(entry_id)
        if i is not None:
            self.text.entries[i].success_rate = rate

    def search(
        self,
        query: str,
        *,
        limit: int = 3,
        context: SearchContext | None = None,
        threshold: float = 0.0,
        exclude: Sequence[str] = (),
    ) -> list[Hit]:
        """The best ``limit`` entries scoring at least ``threshold``; on equal scores the
        entry that helped more often (higher success rate) comes first."""
        candidates = self.text.search(query, limit=max(limit * 5, 20))
        hits: list[Hit] = []
        for candidate in candidates:
            entry = self.text.entries[candidate.doc]
            if entry.id in exclude:
                continue
            score = candidate.score * (1 + RATE_WEIGHT * (entry.success_rate - 0.8))
            if context is not None:
                if context.severity and context.severity == entry.severity:
                    score *= SEVERITY_FIT
                wanted = {s.lower() for s in context.services}
                if wanted and wanted & {s.lower() for s in entry.services}:
                    score *= 1 + SERVICE_FIT
            if score >= threshold:
                # Concepts and words explain a match better than character pairs.
                ordered = sorted(candidate.matched, key=lambda t: (not t.startswith(CONCEPT_PREFIX), not t.isascii()))
                why = tuple(dict.fromkeys(_readable(t) for t in ordered))[:6]
                hits.append(Hit(entry.id, entry.title, round(score, 4), why))
        hits.sort(key=lambda h: (-h.score, -self.text.entries[self.by_id[h.entry_id]].success_rate, h.entry_id))
        return hits[:limit]


def _readable(token: str) -> str:
    return token.removeprefix(CONCEPT_PREFIX).replace("_", " ") if token.startswith(CONCEPT_PREFIX) else token

"""Ranking: text relevance, weighted by what the team learnt and by the incident's context.

A runbook that helped before (higher success rate), written for this severity, about the
affected services, moves up; text relevance still dominates, so a popular but unrelated
entry cannot win.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.dense import DenseIndex, Encoder
from knowledge.entry import KbEntry
from knowledge.index import Postings, TextIndex
from knowledge.tokenize import CONCEPT_PREFIX

SEVERITY_FIT = 1.1
SERVICE_FIT = 0.2
RATE_WEIGHT = 0.5
# An unrequested card is posted when the confidence that it is a right runbook is at least
# this: on the tuning queries, one candidate in five at 0.2–0.4 was relevant, nearly all
# above 0.8. Short incident titles rarely reach more than 0.3 on a small knowledge base.
DEFAULT_THRESHOLD = 0.25
# Confidence = logistic(LEX * ln(1 + lexical score) + COVERAGE * coverage + DENSE * cosine
# + BIAS), fitted on the tuning queries of bench/knowledge_eval (never the held-out ones;
# bench/knowledge_eval/calibrate.py prints the weights): the probability that a suggestion
# is a relevant entry. Ranking uses the same number.
HYBRID = (1.62, 5.51, 9.2, -11.71)  # LEX, COVERAGE, DENSE, BIAS with embeddings
LEXICAL = (3.53, 5.62, 0.0, -14.57)  # without them
DENSE_CANDIDATES = 20
WHY_SHARE = 0.25


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

    @property
    def confidence(self) -> float:
        """The probability (0–1) that this is a runbook for the query: ``score`` itself."""
        return self.score


@dataclass(frozen=True, slots=True)
class Features:
    """What the confidence is computed from, for one candidate (the calibration reads these)."""

    doc: int
    lexical: float
    coverage: float
    cosine: float
    matched: tuple[str, ...]


class KnowledgeIndex:
    """Ranked retrieval over a fixed set of entries; rebuild it when entries change.

    With an encoder the ranking is hybrid: lexical BM25 and the cosine similarity of
    sentence embeddings mixed into one calibrated confidence; without one, lexical alone.
    """

    def __init__(
        self,
        entries: Sequence[KbEntry],
        encoder: Encoder | None = None,
        *,
        postings: Postings | None = None,
        matrix: np.ndarray | None = None,
    ) -> None:
        """``postings`` and ``matrix`` are the parts built elsewhere (a worker process) for
        these entries, in this order; without them they are built here."""
        self.text = TextIndex(entries, postings)
        self.dense = DenseIndex(encoder, self.text.entries, matrix) if encoder is not None else None
        self.by_id = {e.id: i for i, e in enumerate(self.text.entries)}

    @classmethod
    def build(cls, entries: Sequence[KbEntry], encoder: Encoder | None = None) -> KnowledgeIndex:
        return cls(entries, encoder)

    @property
    def mode(self) -> str:
        """``hybrid`` (lexical + embeddings) or ``lexical``."""
        return "hybrid" if self.dense is not None else "lexical"

    def candidates(self, query: str, limit: int = 20) -> list[Features]:
        """The best lexical candidates and, with embeddings, the nearest by meaning."""
        lexical = {hit.doc: hit for hit in self.text.search(query, limit=limit)}
        cosines = self.dense.similarities(query) if self.dense is not None else None
        docs = list(lexical)
        if cosines is not None and len(cosines):
            k = min(DENSE_CANDIDATES, len(cosines))
            nearest = np.argpartition(-cosines, k - 1)[:k] if k < len(cosines) else np.arange(len(cosines))
            docs += [int(d) for d in nearest if int(d) not in lexical]
        return [
            Features(
                doc,
                lexical[doc].score if doc in lexical else 0.0,
                lexical[doc].coverage if doc in lexical else 0.0,
                float(cosines[doc]) if cosines is not None else 0.0,
                lexical[doc].matched if doc in lexical else (),
            )
            for doc in docs
        ]

    def logit(self, features: Features) -> float:
        lex, coverage, dense, bias = HYBRID if self.dense is not None else LEXICAL
        return lex * math.log1p(features.lexical) + coverage * features.coverage + dense * features.cosine + bias

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
        hits: list[Hit] = []
        for candidate in self.candidates(query, limit=max(limit * 5, 20)):
            entry = self.text.entries[candidate.doc]
            if entry.id in exclude:
                continue
            odds = 1 + RATE_WEIGHT * (entry.success_rate - 0.8)
            if context is not None:
                if context.severity and context.severity == entry.severity:
                    odds *= SEVERITY_FIT
                wanted = {s.lower() for s in context.services}
                if wanted and wanted & {s.lower() for s in entry.services}:
                    odds *= 1 + SERVICE_FIT
            confidence = 1 / (1 + math.exp(-(self.logit(candidate) + math.log(odds))))
            if confidence >= threshold and confidence > 0.0:
                hits.append(Hit(entry.id, entry.title, round(confidence, 4), self._why(candidate)))
        hits.sort(key=lambda h: (-h.score, -self.text.entries[self.by_id[h.entry_id]].success_rate, h.entry_id))
        return hits[:limit]

    def _why(self, candidate: Features) -> tuple[str, ...]:
        """What drove the score: the matched concepts and words that weigh most here (rare
        words before common ones, no stop words); character pairs only if nothing else."""
        words = [t for t in candidate.matched if t.isascii()] or list(candidate.matched)
        weighed = sorted(((self.text.weight(t, candidate.doc), t) for t in words), key=lambda wt: (-wt[0], wt[1]))
        top = weighed[0][0] if weighed else 0.0
        # Stop words are never tokens; words far lighter than the heaviest did not drive it.
        return tuple(dict.fromkeys(_readable(t) for w, t in weighed if w >= WHY_SHARE * top))[:5]


def _readable(token: str) -> str:
    return token.removeprefix(CONCEPT_PREFIX).replace("_", " ") if token.startswith(CONCEPT_PREFIX) else token

"""BM25 over the bilingual tokens, vectorised with numpy, plus typo tolerance.

Per-term BM25 contributions are computed once at build time, so a query is a handful of
array additions: fast at 100k entries. Query words the index has never seen are expanded
to vocabulary words one edit away (a deletion index), so "timout" still finds "timeout".
Building is CPU-bound: callers run it in a thread.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.entry import KbEntry
from knowledge.tokenize import query_terms, tokens

K1, B = 1.2, 0.75


@dataclass(frozen=True, slots=True)
class TextHit:
    doc: int
    score: float
    matched: tuple[str, ...]
    # The share of the best score any entry could reach for this query (0–1): unlike the raw
    # score it does not grow with the size of the knowledge base.
    coverage: float = 0.0


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class TextIndex:
    """BM25 with precomputed per-posting weights; ``search`` returns raw text scores."""

    def __init__(self, entries: Sequence[KbEntry]) -> None:
        self.entries = list(entries)
        docs: list[dict[str, float]] = []
        for entry in self.entries:
            counts: dict[str, float] = {}
            for text, field_weight in entry.searchable():
                for token in tokens(text):
                    counts[token] = counts.get(token, 0.0) + field_weight
            docs.append(counts)
        n = max(1, len(docs))
        lengths = np.array([sum(c.values()) for c in docs] or [0.0], dtype=np.float32)
        avg = float(lengths.mean()) or 1.0
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, counts in enumerate(docs):
            for token, tf in counts.items():
                postings[token].append((doc, tf))
        self._docs: dict[str, np.ndarray] = {}
        self._best: dict[str, float] = {}
        self._weights: dict[str, np.ndarray] = {}
        for token, plist in postings.items():
            ids = np.fromiter((d for d, _ in plist), dtype=np.int32, count=len(plist))
            tfs = np.fromiter((t for _, t in plist), dtype=np.float32, count=len(plist))
            idf = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
            norm = K1 * (1 - B + B * lengths[ids] / avg)
            weight = idf * tfs * (K1 + 1) / (tfs + norm)
            self._docs[token] = ids
            self._weights[token] = weight.astype(np.float32)
            self._best[token] = float(weight.max())
        self._size = len(self.entries)
        self._near: dict[str, set[str]] = defaultdict(set)
        for token in self._docs:
            if token.isascii() and token.isalpha() and len(token) >= 4:
                for variant in _deletions(token):
                    self._near[variant].add(token)

    def __len__(self) -> int:
        return self._size

    def weight(self, token: str, doc: int) -> float:
        """The BM25 weight ``token`` carries in entry ``doc`` (0 when absent)."""
        ids = self._docs.get(token)
        if ids is None:
            return 0.0
        i = int(np.searchsorted(ids, doc))
        return float(self._weights[token][i]) if i < len(ids) and int(ids[i]) == doc else 0.0

    def _expand(self, token: str) -> list[str]:
        if token in self._docs or not (token.isascii() and token.isalpha() and len(token) >= 4):
            return [token]
        # One edit away: a deleted, inserted, substituted or swapped character.
        found = set(self._near.get(token, ())) | {w for v in _deletions(token) for w in (v,) if v in self._docs}
        for variant in _deletions(token):
            found |= self._near.get(variant, set())
        return sorted(found)[:5] or [token]

    def search(self, query: str, limit: int = 10) -> list[TextHit]:
        if not self._size:
            return []
        scores = np.zeros(self._size, dtype=np.float32)
        terms = query_terms(query)
        best = 0.0
        for token, factor in terms.items():
            for term in self._expand(token):
                ids = self._docs.get(term)
                if ids is not None:
                    share = factor * (0.7 if term != token else 1.0)
                    scores[ids] += self._weights[term] * share
                    best += self._best[term] * share
        k = min(limit, self._size)
        top = np.argpartition(-scores, k - 1)[:k] if k < self._size else np.arange(self._size)
        ranked = sorted((int(d) for d in top if scores[d] > 0), key=lambda d: -float(scores[d]))
        expanded = [t for token in terms for t in self._expand(token)]
        hits = []
        for doc in ranked:
            matched = tuple(t for t in dict.fromkeys(expanded) if t in self._docs and _contains(self._docs[t], doc))
            hits.append(TextHit(doc, float(scores[doc]), matched, min(1.0, float(scores[doc]) / (best or 1.0))))
        return hits


def _contains(ids: np.ndarray, doc: int) -> bool:
    i = int(np.searchsorted(ids, doc))  # postings are in document order
    return i < len(ids) and int(ids[i]) == doc

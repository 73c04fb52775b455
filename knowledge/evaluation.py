"""Ranking quality: recall@k and MRR over labelled queries, and a plain word-BM25 baseline
(``bm25s`` over Latin words, no Japanese handling, no concepts) to compare against in the same run."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.entry import KbEntry

Ranker = Callable[[str, int], list[str]]


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    lang: str
    target: str
    relevant: tuple[str, ...]
    held_out: bool = False
    typo: bool = False

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Query:
        """One labelled query from ``bench/knowledge_eval/queries.yaml``."""
        relevant = raw["relevant"]
        if not isinstance(relevant, list):
            raise ValueError(f"relevant must be a list of entry ids: {raw!r}")
        return cls(
            str(raw["q"]),
            str(raw["lang"]),
            str(raw["target"]),
            tuple(map(str, relevant)),
            bool(raw.get("held_out")),
            bool(raw.get("typo")),
        )


@dataclass(frozen=True, slots=True)
class Quality:
    hit_at_3: float
    mrr: float
    count: int


def evaluate(rank: Ranker, queries: Sequence[Query], k: int = 3) -> Quality:
    """hit@k (any relevant entry in the top k) and MRR of the first hit."""
    hits, reciprocal = [], []
    for q in queries:
        ranked = rank(q.text, 10)
        top = ranked[:k]
        hits.append(1.0 if set(top) & set(q.relevant) else 0.0)
        first = next((i for i, e in enumerate(ranked, start=1) if e in q.relevant), None)
        reciprocal.append(1 / first if first else 0.0)
    n = max(1, len(queries))
    return Quality(sum(hits) / n, sum(reciprocal) / n, len(queries))


class PlainBm25:
    """The baseline: ``bm25s`` (a bench/test extra) over lower-cased Latin words with English
    stop words removed; Japanese text contributes only the Latin words inside it."""

    def __init__(self, entries: Sequence[KbEntry]) -> None:
        import bm25s  # the baseline is only measured, never served

        self.ids = [e.id for e in entries]
        corpus = [self._words(" ".join(t for t, _ in e.searchable())) for e in entries]
        self._model = bm25s.BM25()
        self._model.index(corpus, show_progress=False)
        self._vocab = {w for doc in corpus for w in doc}

    @staticmethod
    def _words(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP_WORDS]

    def rank(self, query: str, limit: int) -> list[str]:
        words = [w for w in self._words(query) if w in self._vocab]
        if not words:
            return []
        k = min(limit, len(self.ids))
        docs, scores = self._model.retrieve([words], k=k, show_progress=False)
        return [self.ids[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "there",
        "these",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "we",
        "our",
        "you",
        "your",
    ]
)

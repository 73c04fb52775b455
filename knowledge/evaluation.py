"""Ranking quality: recall@k and MRR over labelled queries, and a plain word-BM25 baseline
(whitespace words, no Japanese handling, no concepts) to compare against in the same run."""

from __future__ import annotations

import math
import re
from collections import Counter
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

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Query:
        """One labelled query from ``bench/knowledge_eval/queries.yaml``."""
        relevant = raw["relevant"]
        if not isinstance(relevant, list):
            raise ValueError(f"relevant must be a list of entry ids: {raw!r}")
        return cls(
            str(raw["q"]), str(raw["lang"]), str(raw["target"]), tuple(map(str, relevant)), bool(raw.get("held_out"))
        )


@dataclass(frozen=True, slots=True)
class Quality:
    recall_at_3: float
    mrr: float
    count: int


def evaluate(rank: Ranker, queries: Sequence[Query], k: int = 3) -> Quality:
    """recall@k (relevant found in the top k, over min(|relevant|, k)) and MRR of the first hit."""
    recalls, reciprocal = [], []
    for q in queries:
        ranked = rank(q.text, 10)
        top = ranked[:k]
        recalls.append(len(set(top) & set(q.relevant)) / min(len(q.relevant), k))
        first = next((i for i, e in enumerate(ranked, start=1) if e in q.relevant), None)
        reciprocal.append(1 / first if first else 0.0)
    n = max(1, len(queries))
    return Quality(sum(recalls) / n, sum(reciprocal) / n, len(queries))


class WordBm25:
    """The baseline: BM25 over lower-cased whitespace/punctuation words only."""

    def __init__(self, entries: Sequence[KbEntry]) -> None:
        self.ids = [e.id for e in entries]
        self.docs = [Counter(self._words(" ".join(t for t, _ in e.searchable()))) for e in entries]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / max(1, len(self.lengths))
        self.df: Counter[str] = Counter(w for d in self.docs for w in d)

    @staticmethod
    def _words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    def rank(self, query: str, limit: int) -> list[str]:
        n = len(self.docs)
        scores: list[tuple[float, str]] = []
        for i, doc in enumerate(self.docs):
            score = 0.0
            for word in set(self._words(query)):
                tf = doc.get(word, 0)
                if tf:
                    idf = math.log(1 + (n - self.df[word] + 0.5) / (self.df[word] + 0.5))
                    score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * self.lengths[i] / self.avg))
            if score > 0:
                scores.append((score, self.ids[i]))
        return [i for _, i in sorted(scores, reverse=True)[:limit]]

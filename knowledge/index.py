"""BM25 over the bilingual tokens, held as compressed postings (numpy arrays), plus typo tolerance.

Token statistics are never kept per entry: each entry's token counts are appended to flat
arrays as it is read, then sorted once by term into CSR postings (``indptr`` into ``docs``
and ``weights``, one row per vocabulary term). The per-posting BM25 contribution is
computed at build time, so a query is a handful of array additions over slices. Query words
the index has never seen are expanded to vocabulary words one edit away, through a
deletion index kept as two arrays (CRC-32 of each deletion, sorted, and its term).

``build_postings`` takes plain data (each entry's ``(text, weight)`` fields) and returns
``Postings``, plain arrays and a word list: it runs as well in a worker process as here,
and what crosses the process boundary is compact.
"""

from __future__ import annotations

import os
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.entry import KbEntry
from knowledge.tokenize import query_terms, tokens

K1, B = 1.2, 0.75
# Only plain words this long are expanded for typos (shorter ones have too many neighbours).
_TYPO_MIN = 4
_TYPO_SHARE = 0.7
_TYPO_VARIANTS = 5

Fields = Sequence[tuple[str, float]]


@dataclass(frozen=True, slots=True)
class TextHit:
    doc: int
    score: float
    matched: tuple[str, ...]
    # The share of the best score any entry could reach for this query (0–1): unlike the raw
    # score it does not grow with the size of the knowledge base.
    coverage: float = 0.0


@dataclass(frozen=True, slots=True)
class Postings:
    """The whole lexical index as arrays: picklable, a few bytes per posting."""

    vocabulary: list[str]  # term id → token
    indptr: np.ndarray  # int64, len(vocabulary) + 1: term t's postings are [indptr[t], indptr[t+1])
    docs: np.ndarray  # int32, entry number of each posting, ascending within a term
    weights: np.ndarray  # float32, BM25 contribution of each posting
    best: np.ndarray  # float32, per term: its largest weight
    size: int  # number of entries
    near_keys: np.ndarray  # uint32, sorted CRC-32 of one-character deletions of typo-eligible terms
    near_terms: np.ndarray  # int32, the term each key came from


def _eligible(token: str) -> bool:
    return token.isascii() and token.isalpha() and len(token) >= _TYPO_MIN


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _crc(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


def build_postings(entries: Iterable[Fields]) -> Postings:
    """BM25 postings of the entries' weighted fields (CPU-bound: ~0.3 ms an entry)."""
    vocab: dict[str, int] = {}
    term_ids = array("i")
    tfs = array("f")
    per_doc = array("q")
    for fields in entries:
        counts: dict[int, float] = {}
        for text, field_weight in fields:
            for token in tokens(text):
                t = vocab.setdefault(token, len(vocab))
                counts[t] = counts.get(t, 0.0) + field_weight
        term_ids.extend(counts.keys())
        tfs.extend(counts.values())
        per_doc.append(len(counts))
    size = len(per_doc)
    terms = np.frombuffer(term_ids, dtype=np.intc).astype(np.int32)
    tf = np.frombuffer(tfs, dtype=np.float32)
    doc_of = np.repeat(np.arange(size, dtype=np.int32), np.frombuffer(per_doc, dtype=np.int64))
    lengths = np.bincount(doc_of, weights=tf, minlength=size).astype(np.float32)
    avg = float(lengths.mean()) if size and float(lengths.mean()) else 1.0
    order = np.argsort(terms, kind="stable")  # by term, entries ascending within a term
    docs, tf, terms = doc_of[order], tf[order], terms[order]
    del doc_of, order
    df = np.bincount(terms, minlength=len(vocab))
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    idf = np.log1p((size - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = K1 * (1 - B + B * lengths[docs] / avg)
    weights = (idf[terms] * tf * (K1 + 1) / (tf + norm)).astype(np.float32)
    best = np.maximum.reduceat(weights, indptr[:-1]) if len(weights) else np.zeros(0, dtype=np.float32)
    vocabulary = list(vocab)
    keys, owners = array("I"), array("i")
    for t, token in enumerate(vocabulary):
        if _eligible(token):
            for variant in _deletions(token):
                keys.append(_crc(variant))
                owners.append(t)
    near_keys = np.frombuffer(keys, dtype=np.uint32)
    ranked = np.argsort(near_keys, kind="stable")
    return Postings(
        vocabulary,
        indptr,
        docs,
        weights,
        best.astype(np.float32),
        size,
        near_keys[ranked],
        np.frombuffer(owners, dtype=np.intc).astype(np.int32)[ranked],
    )


_FIELD, _ENTRY = "\x1f", "\x1e"  # ASCII unit and record separators, never in entry text


def pack_fields(entries: Sequence[Fields]) -> tuple[str, tuple[float, ...]]:
    """Every entry's fields as one string, and the field weights (the same for every entry):
    one object to hand to a worker process, pickled in a few milliseconds where a list of
    tuples took a tenth of a second of this process's interpreter at 20k entries."""
    weights = tuple(w for _, w in entries[0]) if entries else ()
    texts = []
    for fields in entries:
        if tuple(w for _, w in fields) != weights:
            raise ValueError("every entry must have the same fields and weights")
        texts.append(_FIELD.join(t.replace(_FIELD, " ").replace(_ENTRY, " ") for t, _ in fields))
    return _ENTRY.join(texts), weights


def lower_priority() -> None:
    """A worker process's initializer: the lowest CPU priority, so on a shared core the
    server answering requests always runs first and the index build takes what is left."""
    os.nice(19)


def build_packed(joined: str, weights: tuple[float, ...], size: int) -> Postings:
    """``build_postings`` over what ``pack_fields`` made of ``size`` entries."""
    rows = joined.split(_ENTRY) if size else []
    return build_postings(list(zip(row.split(_FIELD), weights, strict=True)) for row in rows)


class TextIndex:
    """BM25 with precomputed per-posting weights; ``search`` returns raw text scores."""

    def __init__(self, entries: Sequence[KbEntry], postings: Postings | None = None) -> None:
        self.entries = list(entries)
        self.postings = postings if postings is not None else build_postings(e.searchable() for e in self.entries)
        self._terms = {token: t for t, token in enumerate(self.postings.vocabulary)}

    def __len__(self) -> int:
        return self.postings.size

    def _slice(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = int(self.postings.indptr[t]), int(self.postings.indptr[t + 1])
        return self.postings.docs[lo:hi], self.postings.weights[lo:hi]

    def weight(self, token: str, doc: int) -> float:
        """The BM25 weight ``token`` carries in entry ``doc`` (0 when absent)."""
        t = self._terms.get(token)
        if t is None:
            return 0.0
        ids, weights = self._slice(t)
        i = int(np.searchsorted(ids, doc))
        return float(weights[i]) if i < len(ids) and int(ids[i]) == doc else 0.0

    def _near(self, variant: str) -> list[str]:
        keys = self.postings.near_keys
        key = _crc(variant)
        lo, hi = np.searchsorted(keys, key, side="left"), np.searchsorted(keys, key, side="right")
        return [self.postings.vocabulary[int(t)] for t in self.postings.near_terms[lo:hi]]

    def _expand(self, token: str) -> list[str]:
        if token in self._terms or not _eligible(token):
            return [token]
        # One edit away: a deleted, inserted, substituted or swapped character.
        variants = _deletions(token)
        found = {v for v in variants if v in self._terms}
        candidates = {w for v in (token, *variants) for w in self._near(v)}
        # A CRC key may collide: keep the words that really share a deletion (or are one).
        found |= {w for w in candidates if token in _deletions(w) or variants & _deletions(w)}
        return sorted(found)[:_TYPO_VARIANTS] or [token]

    def search(self, query: str, limit: int = 10) -> list[TextHit]:
        if not len(self):
            return []
        scores = np.zeros(len(self), dtype=np.float32)
        best = 0.0
        expanded: dict[str, None] = {}
        for token, factor in query_terms(query).items():
            for term in self._expand(token):
                t = self._terms.get(term)
                if t is None:
                    continue
                expanded[term] = None
                share = factor * (_TYPO_SHARE if term != token else 1.0)
                ids, weights = self._slice(t)
                scores[ids] += weights * np.float32(share)
                best += float(self.postings.best[t]) * share
        k = min(limit, len(self))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(self) else np.arange(len(self))
        ranked = sorted((int(d) for d in top if scores[d] > 0), key=lambda d: (-float(scores[d]), d))
        hits = []
        for doc in ranked:
            matched = tuple(term for term in expanded if self.weight(term, doc) > 0)
            hits.append(TextHit(doc, float(scores[doc]), matched, min(1.0, float(scores[doc]) / (best or 1.0))))
        return hits

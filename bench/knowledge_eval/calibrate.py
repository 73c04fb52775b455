"""Fit the confidence of ``knowledge.rank`` on the tuning queries (never the held-out ones).

    .venv/bin/python bench/knowledge_eval/calibrate.py

For every tuning query, each candidate (lexical and nearest by meaning) is a sample: its
features ln(1 + lexical score), coverage and cosine, labelled 1 when it is a relevant entry. A
logistic regression over them gives the weights of ``HYBRID`` and ``LEXICAL`` in
knowledge/rank.py, so a confidence of 0.7 means about seven suggestions in ten are right.
Prints the weights and a reliability table (predicted against observed, per bin).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_kb_quality import load_entries, load_queries  # noqa: E402

from knowledge.dense import default_encoder  # noqa: E402
from knowledge.rank import KnowledgeIndex  # noqa: E402


def fit(x: np.ndarray, y: np.ndarray, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method, a little L2 so the weights stay sensible."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    ridge = 1e-2 * np.diag(np.r_[np.ones(x.shape[1]), 0.0])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + ridge @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + ridge
        w -= np.linalg.solve(hessian, gradient)
    return w


def main() -> None:
    entries = load_entries()
    queries = [q for q in load_queries() if not q.held_out]
    encoder = default_encoder()
    for mode, index in (("LEXICAL", KnowledgeIndex.build(entries)), ("HYBRID", KnowledgeIndex.build(entries, encoder))):
        if mode == "HYBRID" and encoder is None:
            print("HYBRID: the embeddings extra is not installed")
            continue
        rows, labels = [], []
        for query in queries:
            for c in index.candidates(query.text):
                rows.append([math.log1p(c.lexical), c.coverage, c.cosine])
                labels.append(1.0 if index.text.entries[c.doc].id in query.relevant else 0.0)
        x, y = np.array(rows), np.array(labels)
        if mode == "LEXICAL":
            x = x[:, :2]
        w = fit(x, y)
        dense = round(float(w[2]), 2) if mode == "HYBRID" else 0.0
        weights = (round(float(w[0]), 2), round(float(w[1]), 2), dense, round(float(w[-1]), 2))
        print(f"{mode} = {weights}  # {int(y.sum())} relevant of {len(y)} candidates")
        p = 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))
        for low in np.arange(0, 1, 0.2):
            chosen = (p >= low) & (p < low + 0.2)
            if chosen.any():
                print(f"  predicted {low:.1f}-{low + 0.2:.1f}: n={chosen.sum():4d} observed {y[chosen].mean():.2f}")


if __name__ == "__main__":
    main()

"""Knowledge-base ranking quality: plain BM25, our lexical ranker, the dense model alone and
the hybrid, on the same labelled set in one run.

    .venv/bin/python bench/bench_kb_quality.py [--corpus-only]

Index: the starter knowledge base plus the public postmortem corpus read from ../shared
(never copied into the project); ``--corpus-only`` indexes the corpus alone and keeps the
queries whose answers are in it. Prints hit@3, recall@3 and MRR per subset (tuning and
held-out queries, per language) for each ranker. The dense and hybrid rows need the
``embeddings`` extra; plain BM25 needs ``bm25s`` (test extra).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.dense import default_encoder  # noqa: E402
from knowledge.entry import KbEntry  # noqa: E402
from knowledge.evaluation import PlainBm25, Quality, Query, evaluate  # noqa: E402
from knowledge.ingest import plan_import, read_sources  # noqa: E402
from knowledge.rank import KnowledgeIndex  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "postmortems" / "postmortems.jsonl"


def load_queries() -> list[Query]:
    raw = yaml.safe_load((ROOT / "bench" / "knowledge_eval" / "queries.yaml").read_text(encoding="utf-8"))
    return [Query.from_dict(r) for r in raw]


def load_entries(*, starter: bool = True) -> list[KbEntry]:
    sources = read_sources(ROOT / "knowledge" / "starter") if starter else []
    if CORPUS.exists():
        sources += read_sources(CORPUS)
    return plan_import({}, sources)[1]


def subsets(queries: Sequence[Query]) -> dict[str, list[Query]]:
    out: dict[str, list[Query]] = {}
    parts = (("tuning", [q for q in queries if not q.held_out]), ("held-out", [q for q in queries if q.held_out]))
    for part, chosen in parts:
        out[f"{part} en"] = [q for q in chosen if q.lang == "en"]
        out[f"{part} ja"] = [q for q in chosen if q.lang == "ja"]
        out[f"{part} ja→en"] = [q for q in chosen if q.lang == "ja" and q.target == "en"]
        out[f"{part} typos"] = [q for q in chosen if q.typo]
        out[f"{part} all"] = list(chosen)
    return {name: qs for name, qs in out.items() if qs}


def rankers(entries: Sequence[KbEntry]) -> dict[str, Callable[[str, int], list[str]]]:
    found: dict[str, Callable[[str, int], list[str]]] = {}
    try:
        found["bm25s"] = PlainBm25(entries).rank
    except ImportError:
        print("note: bm25s is not installed (pip install -e '.[test]'); no plain BM25 row")
    lexical = KnowledgeIndex.build(entries)
    found["lexical"] = lambda q, k: [h.entry_id for h in lexical.search(q, limit=k)]
    encoder = default_encoder()
    if encoder is None:
        print("note: the embeddings extra is not installed; no dense or hybrid rows")
        return found
    hybrid = KnowledgeIndex.build([KbEntry.from_dict(e.to_dict()) for e in entries], encoder)
    dense = hybrid.dense
    assert dense is not None

    def dense_only(q: str, k: int) -> list[str]:
        similarities = dense.similarities(q)
        return [hybrid.text.entries[int(d)].id for d in (-similarities).argsort()[:k]]

    found["dense"] = dense_only
    found["hybrid"] = lambda q, k: [h.entry_id for h in hybrid.search(q, limit=k)]
    return found


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, Quality]]:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--corpus-only", action="store_true", help="index the public corpus alone")
    options = args.parse_args(argv)
    entries = load_entries(starter=not options.corpus_only)
    known = {e.id for e in entries}
    queries = [q for q in load_queries() if set(q.relevant) & known]
    if not CORPUS.exists():
        print("note: ../shared is absent; corpus queries are skipped")
    found = rankers(entries)
    print(f"entries indexed: {len(entries)}; labelled queries answerable: {len(queries)}")
    print(f"{'subset':18} {'n':>3}  " + "  ".join(f"{name + ' hit@3':>13} {'MRR':>5}" for name in found))
    results: dict[str, dict[str, Quality]] = {}
    for subset, chosen in subsets(queries).items():
        row = {name: evaluate(rank, chosen) for name, rank in found.items()}
        results[subset] = row
        cells = "  ".join(f"{q.hit_at_3:13.3f} {q.mrr:5.3f}" for q in row.values())
        print(f"{subset:18} {len(chosen):>3}  {cells}")
    return results


if __name__ == "__main__":
    main()

"""Knowledge-base ranking quality against a plain word-BM25 baseline, on the same labelled set.

    .venv/bin/python bench/bench_kb_quality.py

Index: the starter knowledge base plus the public postmortem corpus read from ../shared
(never copied into the project). Prints recall@3 and MRR overall, for Japanese queries and
for Japanese queries against English entries, with the ratio to the baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.entry import KbEntry  # noqa: E402
from knowledge.evaluation import Query, WordBm25, evaluate  # noqa: E402
from knowledge.ingest import plan_import, read_sources  # noqa: E402
from knowledge.rank import KnowledgeIndex  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "postmortems" / "postmortems.jsonl"


def load_queries() -> list[Query]:
    raw = yaml.safe_load((ROOT / "bench" / "knowledge_eval" / "queries.yaml").read_text(encoding="utf-8"))
    return [Query.from_dict(r) for r in raw]


def load_entries() -> list[KbEntry]:
    sources = read_sources(ROOT / "knowledge" / "starter")
    if CORPUS.exists():
        sources += read_sources(CORPUS)
    return plan_import({}, sources)[1]


def main() -> dict[str, dict[str, float]]:
    entries = load_entries()
    queries = load_queries()
    if not CORPUS.exists():
        print("note: ../shared is absent; corpus queries are skipped")
        known = {e.id for e in entries}
        queries = [q for q in queries if set(q.relevant) & known]
    ours = KnowledgeIndex.build(entries)
    baseline = WordBm25(entries)
    subsets = {
        "overall": queries,
        "ja queries": [q for q in queries if q.lang == "ja"],
        "ja queries → en entries": [q for q in queries if q.lang == "ja" and q.target == "en"],
        "held out (not tuned on)": [q for q in queries if q.held_out],
    }
    results: dict[str, dict[str, float]] = {}
    print(f"entries indexed: {len(entries)}; labelled queries: {len(queries)}")
    print(f"{'subset':28} {'n':>3}  {'recall@3':>8} {'MRR':>6}   {'baseline r@3':>12} {'MRR':>6}   {'ratio r@3':>9}")
    for name, subset in subsets.items():
        a = evaluate(lambda q, k: [h.entry_id for h in ours.search(q, limit=k)], subset)
        b = evaluate(baseline.rank, subset)
        ratio = a.recall_at_3 / b.recall_at_3 if b.recall_at_3 else float("inf")
        print(
            f"{name:28} {a.count:>3}  {a.recall_at_3:8.3f} {a.mrr:6.3f}   "
            f"{b.recall_at_3:12.3f} {b.mrr:6.3f}   {ratio:9.2f}"
        )
        results[name] = {
            "recall_at_3": a.recall_at_3,
            "mrr": a.mrr,
            "baseline_recall_at_3": b.recall_at_3,
            "baseline_mrr": b.mrr,
        }
    return results


if __name__ == "__main__":
    main()

"""The labelled evaluation set: our ranking meets its targets and beats plain word BM25."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.evaluation import Query, WordBm25, evaluate
from knowledge.ingest import plan_import, read_sources
from knowledge.rank import KnowledgeIndex

ROOT = Path(__file__).resolve().parents[2]


def test_recall_and_mrr_meet_the_targets_on_the_starter_kb_and_the_public_corpus(shared_dir: Path) -> None:
    sources = read_sources(ROOT / "knowledge" / "starter") + read_sources(
        shared_dir / "data" / "postmortems" / "postmortems.jsonl"
    )
    entries = plan_import({}, sources)[1]
    raw = yaml.safe_load((ROOT / "bench" / "knowledge_eval" / "queries.yaml").read_text(encoding="utf-8"))
    queries = [Query.from_dict(r) for r in raw]
    assert len(queries) >= 40
    index = KnowledgeIndex.build(entries)

    def ours(q: str, k: int) -> list[str]:
        return [h.entry_id for h in index.search(q, limit=k)]

    overall = evaluate(ours, queries)
    cross = evaluate(ours, [q for q in queries if q.lang == "ja" and q.target == "en"])
    baseline = evaluate(WordBm25(entries).rank, queries)
    assert overall.recall_at_3 >= 0.85 and overall.mrr >= 0.7
    assert cross.recall_at_3 >= 0.7
    assert overall.recall_at_3 > baseline.recall_at_3


def test_every_labelled_id_exists_in_the_starter_kb_or_the_corpus_naming_scheme() -> None:
    starter = {e.id for e in plan_import({}, read_sources(ROOT / "knowledge" / "starter"))[1]}
    raw = yaml.safe_load((ROOT / "bench" / "knowledge_eval" / "queries.yaml").read_text(encoding="utf-8"))
    for r in raw:
        for entry_id in r["relevant"]:
            assert entry_id in starter or entry_id.startswith("pm-"), entry_id

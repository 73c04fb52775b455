"""The labelled evaluation set: floors on the held-out queries, against plain BM25 in the same run.

The held-out queries (``held_out: true`` in bench/knowledge_eval/queries.yaml) were written
after tuning stopped; the floors are asserted on them alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from knowledge.dense import Encoder
from knowledge.entry import KbEntry
from knowledge.evaluation import Query, evaluate
from knowledge.ingest import plan_import, read_sources
from knowledge.rank import KnowledgeIndex

ROOT = Path(__file__).resolve().parents[2]
Ranker = Callable[[str, int], list[str]]


def _queries() -> list[Query]:
    raw = yaml.safe_load((ROOT / "bench" / "knowledge_eval" / "queries.yaml").read_text(encoding="utf-8"))
    return [Query.from_dict(r) for r in raw]


@pytest.fixture(scope="module")
def entries() -> list[KbEntry]:
    corpus = ROOT.parent / "shared" / "data" / "postmortems" / "postmortems.jsonl"
    if not corpus.exists():
        pytest.skip("../shared/ is not beside this clone (CI has it; a user's clone does not)")
    sources = read_sources(ROOT / "knowledge" / "starter") + read_sources(corpus)
    return plan_import({}, sources)[1]


@pytest.fixture(scope="module")
def plain_bm25(entries: list[KbEntry]) -> Ranker:
    pytest.importorskip("bm25s", reason="bm25s (test extra) is the baseline")
    from knowledge.evaluation import PlainBm25

    return PlainBm25(entries).rank


def _held_out(lang: str, target: str | None = None) -> list[Query]:
    return [q for q in _queries() if q.held_out and q.lang == lang and (target is None or q.target == target)]


def _ranker(index: KnowledgeIndex) -> Ranker:
    return lambda q, k: [h.entry_id for h in index.search(q, limit=k)]


def test_the_evaluation_set_is_large_bilingual_and_has_a_held_out_third() -> None:
    queries = _queries()
    japanese = [q for q in queries if q.lang == "ja"]
    assert len(queries) >= 120
    assert len(japanese) >= len(queries) / 2
    assert len([q for q in japanese if q.target == "en"]) >= len(queries) / 3
    assert len([q for q in queries if q.held_out]) >= len(queries) / 3
    assert any(q.typo for q in queries if q.held_out)


def test_the_lexical_ranker_alone_beats_plain_bm25_in_english_and_bridges_japanese(
    entries: list[KbEntry], plain_bm25: Ranker
) -> None:
    ours = _ranker(KnowledgeIndex.build(entries))
    english = evaluate(ours, _held_out("en"))
    assert english.hit_at_3 >= max(0.95, evaluate(plain_bm25, _held_out("en")).hit_at_3)
    cross = evaluate(ours, _held_out("ja", "en"))
    assert cross.hit_at_3 >= 0.80 and cross.mrr >= 0.65
    assert cross.hit_at_3 > evaluate(plain_bm25, _held_out("ja", "en")).hit_at_3 + 0.3


def test_the_hybrid_finds_english_runbooks_from_japanese_symptoms_nine_times_in_ten(
    entries: list[KbEntry], plain_bm25: Ranker, encoder: Encoder
) -> None:
    copies = [KbEntry.from_dict(e.to_dict()) for e in entries]
    ours = _ranker(KnowledgeIndex.build(copies, encoder))
    english = evaluate(ours, _held_out("en"))
    assert english.hit_at_3 >= max(0.95, evaluate(plain_bm25, _held_out("en")).hit_at_3)
    cross = evaluate(ours, _held_out("ja", "en"))
    assert cross.hit_at_3 >= 0.90 and cross.mrr >= 0.80
    assert evaluate(ours, _held_out("ja")).hit_at_3 >= 0.90


def test_every_labelled_id_exists_in_the_starter_kb_or_the_corpus_naming_scheme() -> None:
    starter = {e.id for e in plan_import({}, read_sources(ROOT / "knowledge" / "starter"))[1]}
    for query in _queries():
        for entry_id in query.relevant:
            assert entry_id in starter or entry_id.startswith("pm-"), entry_id

"""Ranking across Japanese and English, typos and synonyms, and what the team learnt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knowledge.entry import KbEntry, updated_success_rate
from knowledge.ingest import plan_import, read_sources
from knowledge.rank import KnowledgeIndex, SearchContext

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"


def starter() -> KnowledgeIndex:
    return KnowledgeIndex.build(plan_import({}, read_sources(STARTER))[1])


def ids(index: KnowledgeIndex, query: str, **kw: Any) -> list[str]:
    return [h.entry_id for h in index.search(query, **kw)]


def test_a_japanese_incident_title_finds_the_gateway_timeout_runbook() -> None:
    assert ids(starter(), "決済APIで504が多発")[0] == "kb-gateway-timeout"


def test_a_japanese_query_finds_the_japanese_and_the_english_entry_for_one_symptom() -> None:
    index = KnowledgeIndex.build(
        [
            KbEntry("ja-pool", "DB接続エラー（コネクションプール枯渇）", symptom="接続数が上限に達する", language="ja"),
            KbEntry("en-pool", "Database connection pool exhausted", symptom="too many connections", language="en"),
            KbEntry("en-dns", "DNS resolution failures", symptom="NXDOMAIN from the resolver", language="en"),
        ]
    )
    assert set(ids(index, "データベース接続エラー", limit=2)) == {"ja-pool", "en-pool"}


def test_synonyms_and_codes_match_across_words() -> None:
    index = starter()
    assert "kb-gateway-timeout" in ids(index, "upstream timed out 504s")
    assert ids(index, "ディスクがいっぱい")[0] == "kb-disk-full"


def test_a_typo_still_matches() -> None:
    assert ids(starter(), "gateway timout")[0] == "kb-gateway-timeout"
    assert ids(starter(), "crashloopbakoff pods")[0] == "kb-crashloop"


def test_success_rate_breaks_ties_and_helped_moves_an_entry_up() -> None:
    twins = [KbEntry("a", "Redis cache stampede"), KbEntry("b", "Redis cache stampede")]
    index = KnowledgeIndex.build(twins)
    before = ids(index, "cache stampede")
    index.set_success_rate(before[1], updated_success_rate(0.8, True))
    assert updated_success_rate(0.8, True) == 0.82
    assert ids(index, "cache stampede")[0] == before[1]


def test_context_prefers_the_incidents_services() -> None:
    index = KnowledgeIndex.build(
        [
            KbEntry("a", "Slow responses", services=["search"]),
            KbEntry("b", "Slow responses", services=["checkout"]),
        ]
    )
    assert ids(index, "slow responses", context=SearchContext("high", ("checkout",)))[0] == "b"


def test_why_names_the_matching_concepts() -> None:
    hit = starter().search("決済APIで504が多発")[0]
    assert "timeout" in hit.why or "gateway" in hit.why


def test_a_japanese_query_finds_an_english_only_runbook() -> None:
    index = KnowledgeIndex.build(
        [
            KbEntry("en-cert", "TLS certificate expired", symptom="x509: certificate has expired"),
            KbEntry("en-cache", "Cache stampede after expiry", symptom="many keys expire at once"),
        ]
    )
    assert ids(index, "証明書の期限切れでHTTPSが繋がらない")[0] == "en-cert"


def test_entries_in_the_older_shape_still_load() -> None:
    entry = KbEntry.from_dict({"id": "old", "title": "Old", "diagnosis": ["Check the logs"], "causes": ["A bug"]})
    assert entry.diagnosis == ["Check the logs"] and entry.causes == [{"description": "A bug", "likelihood": "medium"}]
    assert entry.first_steps() == ["Check the logs"]

"""The rules that keep knowledge cards from flooding an incident channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from knowledge.entry import INITIAL_SUCCESS_RATE, KbEntry
from knowledge.rank import Hit
from knowledge.service import may_post_unrequested, shown

NOW = datetime(2026, 11, 22, 5, 30, tzinfo=UTC)


def test_one_unrequested_post_per_interval() -> None:
    interval = timedelta(minutes=30)
    assert may_post_unrequested(None, NOW, interval)
    assert not may_post_unrequested(NOW - timedelta(minutes=29), NOW, interval)
    assert may_post_unrequested(NOW - timedelta(minutes=30), NOW, interval)


def test_matched_shows_no_generic_words_and_the_rate_only_after_feedback() -> None:
    hit = Hit("db-pool", "DB pool exhausted", 5.0, ("connection pool", "log", "show", "502"))
    entry = KbEntry(id="db-pool", title="DB pool exhausted")
    assert entry.success_rate == INITIAL_SUCCESS_RATE
    said = shown(hit, entry)
    assert said.terms == ("connection pool", "502") and said.rate is None
    entry.success_rate = 0.82
    assert shown(hit, entry).rate == 0.82

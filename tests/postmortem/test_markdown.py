"""The Markdown draft: the source's figures, every section, stable output in en and ja."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from postmortem.markdown import render_markdown
from postmortem.model import PageSummary, SeverityChange
from tests.postmortem.example import entry, example, jst

GOLDEN = Path(__file__).parent / "golden"


def test_the_worked_example_figures_are_in_the_draft() -> None:
    text = render_markdown(example("en"))
    for figure in ("| 135 |", "| 10,000 |", "| 405,000 |", "| ¥4,050,000 |", "| 99.688 % |", "| 0.212 |"):
        assert figure in text


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_draft_matches_the_golden_file(locale: str) -> None:
    text = render_markdown(example(locale))
    golden = GOLDEN / f"postmortem-{locale}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_amended_entries_are_marked_and_checkboxes_show_done() -> None:
    text = render_markdown(example("en"))
    assert "pool at 200/200 connections _(amended)_" in text
    assert "- [ ] 1. Alert on pool saturation — bob (due 2026-12-22)" in text
    assert "- [x] 2. Load-test config changes" in text
    assert "Config push halved the pool size" in text.split("## Root-cause analysis")[1]


def test_the_zone_is_named_and_durations_are_in_the_locale() -> None:
    ja = render_markdown(example("ja"))
    assert "| 発生日時 (Asia/Tokyo) | 2026-11-22 14:30 |" in ja
    assert "| 発生から解決までの時間 | 2時間15分 |" in ja
    assert "| 検知から応答までの時間 | 5分 |" in ja


def test_user_text_cannot_break_the_table_or_the_lists() -> None:
    pm = example("en")
    pm = replace(pm, entries=[*pm.entries, entry(70, jst(16, 50), "note", "a | b\nsecond line")])
    text = render_markdown(pm)
    assert "| a \\| b<br>second line |" in text


def test_an_escalation_page_is_named_as_such() -> None:
    pm = example("en")
    page = PageSummary("level2", "page", "ack_timeout", ("U0BOB",), jst(14, 51), None, None)
    text = render_markdown(replace(pm, pages=[*pm.pages, page]))
    assert "| 2026-11-22 14:51 | level2 (escalation) | bob | unanswered | — |" in text


def test_severity_history_can_be_given_by_the_caller() -> None:
    pm = replace(example("en"), severity_changes=[SeverityChange(jst(14, 45), "U0BOB", "high", "critical")])
    assert "| 2026-11-22 14:45 | High → Critical | bob |" in render_markdown(pm)
    assert "Unchanged: Critical throughout." in render_markdown(replace(pm, severity_changes=[]))


def test_impact_runs_from_start_to_resolution_with_time_to_mitigate_beside_it() -> None:
    text = render_markdown(example("en"))  # seeds/002: 14:30 → 16:45 = 135 min, mitigated at 16:30
    impact = text.split("## Impact")[1].split("##")[0]
    assert "| Impact duration (minutes) | 135 |" in impact
    assert "| Time to mitigate | 2h |" in impact


def test_fyis_are_not_acknowledged_and_unanswered_pages_say_so() -> None:
    pm = example("en")
    level2 = PageSummary("level2", "page", "ack_timeout", ("U0CAROL",), jst(14, 38), "U0BOB", jst(14, 40))
    level1 = replace(pm.pages[0], user_ids=("U0DAVE",))
    text = render_markdown(replace(pm, pages=[level1, level2, pm.pages[1]]))
    assert "| 2026-11-22 14:36 | level1 (page) | U0DAVE | unanswered | — |" in text
    assert "| 2026-11-22 14:38 | level2 (escalation) | carol | acknowledged by bob at 2026-11-22 14:40 | 2m |" in text
    assert "| level2 (FYI) | carol | for information, no answer expected | — |" in text


def test_status_changes_say_from_and_to_and_pinned_messages_keep_their_links() -> None:
    text = render_markdown(example("en"))
    assert "| Status changed | alice | Investigating → Identified |" in text
    assert "[message](<https://acme.slack.com/archives/C0INC/p1700000000000100>)" in text
    assert "[pool.png](<https://acme.slack.com/files/U0BOB/F0POOL/pool.png>)" in text


def test_revenue_is_in_the_configured_currency() -> None:
    assert "| 売上損失 | 4,050,000円 |" in render_markdown(example("ja"))
    assert "| Revenue loss | $4,050,000.00 |" in render_markdown(replace(example("en"), currency="USD"))

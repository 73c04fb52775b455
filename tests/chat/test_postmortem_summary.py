"""The channel summary: headline figures within Block Kit's limits, in both languages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from chat.postmortem_summary import render_summary_blocks
from postmortem.markdown import render_markdown
from postmortem.model import ActionItem
from tests.postmortem.example import example


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_summary_carries_the_headline_figures(locale: str) -> None:
    text, blocks = render_summary_blocks(example(locale))
    assert "INC-2026-0007" in text and "99.688" in text and "135" in text
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "99.688 %" in dumped and "10,000" in dumped and "Config push halved the pool size" in dumped
    assert blocks[0]["type"] == "header" and blocks[-1]["type"] == "context"


def test_open_actions_are_listed_and_done_ones_counted() -> None:
    _, blocks = render_summary_blocks(example("en"))
    dumped = json.dumps(blocks)
    assert "1 open, 1 done" in dumped
    assert "Alert on pool saturation" in dumped and "Load-test config changes" not in dumped


def test_limits_hold_for_huge_inputs() -> None:
    pm = example("en")
    pm.incident.title = "<!channel> " + "x" * 5000
    many = [ActionItem(n, "short", "y" * 300, "U0BOB", date(2026, 12, 1), False) for n in range(1, 200)]
    text, blocks = render_summary_blocks(replace(pm, actions=many))
    assert text and len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= 150
    for block in blocks:
        if "text" in block and block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        for f in block.get("fields", []):
            assert len(f["text"]) <= 2000
        assert len(block.get("fields", [])) <= 10
    assert "<!channel>" not in json.dumps(blocks)  # user text cannot ping the channel
    assert "more in the files" in json.dumps(blocks)


def test_the_slack_duration_agrees_with_the_file() -> None:
    pm = example("en")
    text, _ = render_summary_blocks(pm)
    assert "duration 135 min" in text  # start → resolution, as in the Markdown's impact table
    assert "| Impact duration (minutes) | 135 |" in render_markdown(pm)

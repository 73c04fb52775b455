"""The Markdown draft: the source's figures, every section, stable output in en and ja."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from postmortem.markdown import render_markdown
from tests.postmortem.example import example

GOLDEN = Path(__file__).parent / "golden"


def test_the_worked_example_figures_are_in_the_draft() -> None:
    text = render_markdown(example("en"))
    for figure in ("| 135 |", "| 10,000 |", "| 405,000 |", "| 4,050,000 |", "| 99.6875 % |", "| 0.2125 |"):
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

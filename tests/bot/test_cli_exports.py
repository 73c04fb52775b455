"""`hikeshi export` and `hikeshi report` write the same files the bot posts, from stored data alone."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.config import TeamConfig
from bot.local_stack import start_local_stack
from tests.e2e.test_declare_and_resolve import declare

ROSTER = {
    "levels": {"level1": {"members": ["U0BOB"]}, "level2": {"members": ["U0CAROL"]}, "level3": {"members": ["U0FRANK"]}}
}


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_export_is_the_posted_document_with_no_slack_call(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = await start_local_stack(database, team=TeamConfig(roster=ROSTER))
    try:
        channel = await declare(stack, "Checkout down --sev critical")
        stack.clock.advance(timedelta(minutes=5))
        await stack.command("ack", user_id="U0BOB", channel_id=channel)
        await stack.settle()
        stack.clock.advance(timedelta(minutes=25))
        await stack.command("resolve fixed", channel_id=channel)
        await stack.settle()
        posted_md = (stack.fake.uploads[0].content or b"").decode()
        posted_xlsx = load_workbook(io.BytesIO(stack.fake.uploads[1].content or b""))
    finally:
        await stack.close()
    # The Slack stand-in is gone; any Slack call would fail (or retry for seconds) against this port.
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("DATABASE_URL", database)
    md, xlsx, report = tmp_path / "pm.md", tmp_path / "pm.xlsx", tmp_path / "report.xlsx"
    started = time.monotonic()
    assert await _run(["export", "INC-2026-0001", "--md", "--out", str(md)]) == 0
    assert await _run(["export", "INC-2026-0001", "--xlsx", "--out", str(xlsx)]) == 0  # no roster configured now
    assert time.monotonic() - started < 5
    assert md.read_text(encoding="utf-8") == posted_md
    assert "Draft version 1," in posted_md
    exported = load_workbook(io.BytesIO(xlsx.read_bytes()))
    for sheet in ("Summary", "Timeline", "Impact", "Escalations", "Actions"):
        rows = [[c.value for c in r] for r in exported[sheet].iter_rows()]
        assert rows == [[c.value for c in r] for r in posted_xlsx[sheet].iter_rows()], sheet
    pages = [[c.value for c in r] for r in exported["Escalations"].iter_rows(min_row=2)]
    assert [p[1:6] for p in pages] == [
        ["level1", "page", "bob", "acknowledged", "bob"],
        ["level2", "FYI", "carol", "FYI, no answer expected", None],
        ["level3", "FYI", "frank", "FYI, no answer expected", None],
    ]
    assert await _run(["report", "--month", "2026-11", "--out", str(report)]) == 0
    assert load_workbook(io.BytesIO(report.read_bytes())).sheetnames[0] == "Report"
    assert await _run(["report", "--month", "2026-11", "--lang", "ja", "--out", str(report)]) == 0
    book = load_workbook(io.BytesIO(report.read_bytes()))
    assert book.sheetnames[0] == "報告書"
    incident = [c.value for c in next(book["インシデント"].iter_rows(min_row=2, max_row=2))]
    assert incident[:3] == ["INC-2026-0001", "Checkout down", "重大"]
    assert "影響時間 30 分" in incident[8]
    assert time.monotonic() - started < 15  # still no Slack call
    assert await _run(["report", "--month", "November"]) == 2


async def _run(argv: list[str]) -> int:
    return await asyncio.to_thread(main, argv)

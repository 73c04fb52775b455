"""On resolution: a draft in the channel and two files through Slack's upload flow."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.local_stack import LocalStack
from tests.e2e.test_declare_and_resolve import declare

GOLDEN = Path(__file__).parent / "golden"


async def play(stack: LocalStack, lang: str) -> str:
    channel = await declare(stack, f"Checkout API returns 500s --sev high --started 14:20 --lang {lang}")
    steps = [
        (5, "event 14:25 alert 5xx above 2% on checkout"),
        (5, "impact users=10000 tps=50 revenue_per_txn=10 services=checkout"),
        (5, "hypothesis DB connection pool exhausted"),
        (10, "rootcause config push halved the pool size"),
        (5, "mitigated rolled back the config"),
        (5, "action add short Alert on pool saturation <@U0BOB> 2026-12-15"),
        (5, "resolve error rate back to normal"),
    ]
    for minutes, text in steps:
        stack.clock.advance(timedelta(minutes=minutes))
        await stack.command(text, channel_id=channel)
        await stack.settle()
    return channel


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_resolution_uploads_the_draft_and_the_spreadsheet(stack: LocalStack, lang: str) -> None:
    channel = await play(stack, lang)
    methods = [c.method for c in stack.fake.calls if c.method.startswith("files.")]
    assert methods == ["files.getUploadURLExternal", "files.completeUploadExternal"] * 2
    names = [c.args["filename"] for c in stack.fake.calls_to("files.getUploadURLExternal")]
    assert names == ["INC-2026-0001-postmortem.md", "INC-2026-0001-postmortem.xlsx"]
    assert all(c.args["channel_id"] == channel for c in stack.fake.calls_to("files.completeUploadExternal"))
    assert any(
        "INC-2026-0001" in m.text and ("Postmortem draft" in m.text or "ポストモーテムドラフト" in m.text)
        for m in stack.fake.messages(channel)
    )
    markdown = (stack.fake.uploads[0].content or b"").decode()
    golden = GOLDEN / f"postmortem-e2e-{lang}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(markdown, encoding="utf-8")
    assert markdown == golden.read_text(encoding="utf-8")
    book = load_workbook(io.BytesIO(stack.fake.uploads[1].content or b""))
    sheets = {
        "en": ["Summary", "Timeline", "Impact", "Escalations", "Root cause", "Actions"],
        "ja": ["概要", "タイムライン", "影響範囲", "エスカレーション", "根本原因", "再発防止策"],
    }
    assert book.sheetnames[:6] == sheets[lang]


async def test_a_late_change_makes_a_new_version_and_keeps_the_old(stack: LocalStack) -> None:
    channel = await play(stack, "en")
    await stack.command("action add medium Load-test config changes", channel_id=channel)
    await stack.settle()
    await stack.command("postmortem", channel_id=channel)
    await stack.settle()
    incident = await stack.services.store.by_channel(channel)
    versions = await stack.services.postmortems.versions(incident.id)
    assert [v for v, _ in versions] == [1, 2, 3]
    assert "Load-test config changes" in versions[-1][1] and "Load-test config changes" not in versions[0][1]
    assert "Draft version 3," in versions[-1][1] and "Draft version 1," in versions[0][1]
    assert stack.fake.calls_to("files.getUploadURLExternal")[-1].args["filename"] == "INC-2026-0001-postmortem-v3.xlsx"


async def test_the_review_is_reminded_and_close_ends_it(stack: LocalStack) -> None:
    channel = await play(stack, "en")
    await stack.advance(timedelta(days=7))
    reminders = [m.text for m in stack.fake.messages(channel) if "review of INC-2026-0001" in m.text]
    assert len(reminders) == 1
    await stack.command("close", channel_id=channel)
    await stack.settle()
    incident = await stack.services.store.by_channel(channel)
    assert incident.status.value == "closed"


async def test_the_monthly_report_arrives_as_a_spreadsheet(stack: LocalStack) -> None:
    await play(stack, "en")
    await stack.command("report 2026-11")
    await stack.settle()
    upload = stack.fake.uploads[-1]
    book = load_workbook(io.BytesIO(upload.content or b""))
    assert book.sheetnames == ["Report", "KPIs", "By class", "Availability", "Incidents", "Open actions", "Weekly"]
    summary = {r[0].value: r[1].value for r in book["By class"].iter_rows(min_row=2)}
    assert summary["Incidents"] == 1 and summary["Severity: High"] == 1
    incident = [c.value for c in next(book["Incidents"].iter_rows(min_row=2, max_row=2))]
    assert incident[8] == "10,000 users affected, for 50 min, services: checkout"  # words, not users=10,000 …
    actions = [[c.value for c in r] for r in book["Open actions"].iter_rows(min_row=2)]
    assert [a[:4] for a in actions] == [["INC-2026-0001", 1, "Alert on pool saturation", "bob"]]


async def test_mentions_become_names_in_the_exported_draft(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await stack.command(f"note handed over to <@U0CAROL> in <#{channel}>", channel_id=channel)
    await stack.settle()
    await stack.command("resolve fixed", channel_id=channel)
    await stack.settle()
    markdown = (stack.fake.uploads[0].content or b"").decode()
    assert "handed over to @" in markdown and "<@U0CAROL>" not in markdown

"""A thousand-entry timeline stays within Block Kit's limits in every edit sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.local_stack import LocalStack
from incident.ports import NewEntry
from tests.e2e.test_declare_and_resolve import declare


def assert_within_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert all(len(e["text"]) <= 3000 for e in block["elements"])


async def test_a_thousand_entries_render_within_block_kit_limits(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    incident = await stack.services.store.by_channel(channel)
    now = stack.clock.now()
    huge = "障害対応ログ 🔥 " * 400  # far beyond one section's 3,000 characters
    entries = [
        NewEntry(
            kind="note",
            text=huge if i % 100 == 0 else f"observation {i}",
            actor="U0BOB",
            occurred_at=now + timedelta(seconds=i),
        )
        for i in range(1000)
    ]
    for start in range(0, 1000, 250):
        await stack.services.store.add_entries(incident.id, entries[start : start + 250])
        stack.services.live_timeline.coalescer.notify(incident.id)
        stack.clock.advance(timedelta(seconds=3))
        await stack.settle()
    sent = [
        c
        for c in stack.fake.calls
        if c.method in ("chat.postMessage", "chat.update") and "Timeline" in str(c.args.get("blocks"))
    ]
    assert sent and all(c.ok for c in sent)
    for call in sent:
        assert_within_limits(call.args["blocks"])
    assert "observation 999" in str(sent[-1].args["blocks"])
    assert "980 older entries" in str(sent[-1].args["blocks"]) or "981 older entries" in str(sent[-1].args["blocks"])

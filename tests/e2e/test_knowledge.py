"""Surfacing runbooks during an incident, learning from feedback, saving what was learnt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.local_stack import LocalStack
from fakeslack.objects import FakeMessage
from knowledge.ingest import read_sources
from tests.e2e.test_declare_and_resolve import declare

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"


@pytest.fixture
async def kb_stack(stack: LocalStack) -> LocalStack:
    await stack.services.knowledge.import_sources(read_sources(STARTER))
    return stack


def cards(stack: LocalStack, channel: str) -> list[FakeMessage]:
    return [m for m in stack.fake.messages(channel) if "kb_helped" in str(m.blocks)]


async def test_declaring_a_504_storm_surfaces_the_gateway_timeout_runbook(kb_stack: LocalStack) -> None:
    channel = await declare(kb_stack, "決済APIで504が多発 --sev critical")
    posted = cards(kb_stack, channel)
    assert len(posted) == 1
    assert "504 Gateway Timeout from the load balancer" in str(posted[0].blocks)
    incident = await kb_stack.services.store.by_channel(channel)
    suggestions = [e for e in await kb_stack.services.store.entries(incident.id) if e.kind == "kb_suggestion"]
    assert suggestions[0].data["entry_id"] == "kb-gateway-timeout" and len(suggestions) <= 3


async def test_the_same_entry_is_not_suggested_twice_unless_asked(kb_stack: LocalStack) -> None:
    channel = await declare(kb_stack, "決済APIで504が多発")
    await kb_stack.command("hypothesis gateway timeout at the load balancer", channel_id=channel)
    await kb_stack.settle()
    incident = await kb_stack.services.store.by_channel(channel)
    suggested = [
        e.data["entry_id"] for e in await kb_stack.services.store.entries(incident.id) if e.kind == "kb_suggestion"
    ]
    assert suggested.count("kb-gateway-timeout") == 1
    await kb_stack.command("kb gateway timeout", channel_id=channel)
    await kb_stack.settle()
    suggested = [
        e.data["entry_id"] for e in await kb_stack.services.store.entries(incident.id) if e.kind == "kb_suggestion"
    ]
    assert suggested.count("kb-gateway-timeout") == 2


async def test_pressing_helped_raises_the_success_rate_to_0_82(kb_stack: LocalStack) -> None:
    channel = await declare(kb_stack, "決済APIで504が多発")
    card = cards(kb_stack, channel)[0]
    assert card.blocks is not None
    button = card.blocks[3]["elements"][0]
    assert json.loads(button["value"])["entry"] == "kb-gateway-timeout"
    click = kb_stack.sender.block_actions("kb_helped", button["value"], channel_id=channel, message_ts=card.ts)
    assert (await kb_stack.sender.interactivity(click)).status == 200
    await kb_stack.settle()
    assert await kb_stack.services.knowledge.store.success_rate("kb-gateway-timeout") == pytest.approx(0.82)


async def test_save_to_knowledge_base_stores_an_entry_a_later_incident_finds(kb_stack: LocalStack) -> None:
    channel = await declare(kb_stack, "Search indexer stuck on shard rebalance")
    await kb_stack.command("hypothesis opensearch shard rebalance never finishes", channel_id=channel)
    await kb_stack.command("rootcause disk watermark blocked shard allocation", channel_id=channel)
    await kb_stack.command("mitigated raised the disk watermark and freed space", channel_id=channel)
    await kb_stack.settle()
    await kb_stack.command("resolve", channel_id=channel)
    await kb_stack.settle()
    offer = next(m for m in kb_stack.fake.messages(channel) if "kb_save" in str(m.blocks))
    assert offer.blocks is not None
    click = kb_stack.sender.block_actions(
        "kb_save", offer.blocks[1]["elements"][0]["value"], channel_id=channel, message_ts=offer.ts
    )
    await kb_stack.sender.interactivity(click)
    await kb_stack.settle()
    view = kb_stack.fake.last("views.open").args["view"]
    values = {b["block_id"]: {"value": b["element"].get("initial_value", "")} for b in view["blocks"]}
    values["keywords"] = {"value": "shard, rebalance, watermark"}
    submit = kb_stack.sender.view_submission(
        callback_id=view["callback_id"], private_metadata=view["private_metadata"], values=values
    )
    await kb_stack.sender.interactivity(submit)
    await kb_stack.settle()
    saved = kb_stack.services.knowledge.index.entry("inc-2026-0001")
    assert saved is not None and saved.provenance == {"incident": "INC-2026-0001"}
    assert saved.causes[0]["description"] == "disk watermark blocked shard allocation"

    later = await declare(kb_stack, "Shard rebalance stuck again on the search cluster")
    assert "inc-2026-0001" in str([m.blocks for m in cards(kb_stack, later)])

"""Paging on-call level1 → level2 → level3 by the response-time policy, on a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack, start_local_stack
from tests.e2e.test_declare_and_resolve import declare

ROSTER = {
    "levels": {
        "level1": {"members": ["U0BOB"]},
        # Hands over at 14:40 Tokyo time: carol before, dave after (the clock starts at 14:30).
        "level2": {
            "rotation": {"every": "daily", "handoff": "14:40", "members": ["U0CAROL", "U0DAVE"], "start": "2026-11-01"}
        },
        "level3": {"members": ["U0FRANK"]},
    }
}


@pytest.fixture
def team() -> TeamConfig:
    return TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, roster=ROSTER)


def is_page(text: object) -> bool:
    """A page DM in either language: each person is paged in their own Slack language."""
    return any(words in str(text) for words in ("You are paged", "呼び出しです"))


def paged(stack: LocalStack) -> list[str]:
    """Who received a page DM, in order (FYIs and calls Slack refused excluded)."""
    return [
        call.args["channel"]
        for call in stack.fake.calls_to("chat.postMessage")
        if call.ok and call.args["channel"].startswith("D") and is_page(call.args.get("text"))
    ]


def dm_user(stack: LocalStack, dm: str) -> str:
    return next(
        str(c.args["users"])
        for c in stack.fake.calls_to("conversations.open")
        if c.response and c.response["channel"]["id"] == dm
    )


def paged_users(stack: LocalStack) -> list[str]:
    return [dm_user(stack, dm) for dm in paged(stack)]


async def test_nobody_acknowledges_level1_at_0_level2_at_15_level3_at_45(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    assert paged_users(stack) == ["U0BOB"]
    await stack.advance(timedelta(minutes=14, seconds=59))
    assert paged_users(stack) == ["U0BOB"]
    await stack.advance(timedelta(seconds=1))
    assert paged_users(stack) == ["U0BOB", "U0DAVE"]  # the 14:40 hand-off made dave level2
    await stack.advance(timedelta(minutes=30))
    assert paged_users(stack) == ["U0BOB", "U0DAVE", "U0FRANK"]
    await stack.advance(timedelta(hours=3))
    assert paged_users(stack) == ["U0BOB", "U0DAVE", "U0FRANK"]
    assert {"U0BOB", "U0DAVE", "U0FRANK"} <= set(stack.fake.channel(channel).members)
    texts = [str(c.args.get("text")) for c in stack.fake.calls_to("chat.postMessage")]
    fyi = [text for text in texts if "FYI" in text or "お知らせ" in text]
    assert len(fyi) == 2  # level2 and level3 told at declare
    assert any("<!here>" in m.text for m in stack.fake.messages(channel))
    incident = await stack.services.store.by_channel(channel)
    kinds = [e.kind for e in await stack.services.store.entries(incident.id)]
    assert kinds.count("page") == 1 and kinds.count("escalated") == 2 and kinds.count("fyi") == 2


async def test_an_ack_at_10_minutes_stops_level2_and_handling_pulls_it_in_at_70(stack: LocalStack) -> None:
    await declare(stack, "Checkout down --sev critical")
    await stack.advance(timedelta(minutes=10))
    dm = paged(stack)[0]
    page = next(m for m in stack.fake.messages(dm) if is_page(m.text))
    assert page.blocks is not None
    click = stack.sender.block_actions(
        "page_ack", page.blocks[2]["elements"][0]["value"], user_id="U0BOB", channel_id=dm, message_ts=page.ts
    )
    assert (await stack.sender.interactivity(click)).status == 200
    await stack.settle()
    updated = stack.fake.messages(dm)[-1]
    assert "<@U0BOB> さんが" in str(updated.blocks) and "actions" not in str(updated.blocks)
    await stack.advance(timedelta(minutes=5))
    assert paged_users(stack) == ["U0BOB"]
    await stack.advance(timedelta(minutes=54))
    assert paged_users(stack) == ["U0BOB"]
    await stack.advance(timedelta(minutes=1))  # 1 h 10 min: acknowledged but not mitigated
    assert paged_users(stack) == ["U0BOB", "U0DAVE"]
    incident = (await stack.services.store.list_open())[0]
    assert incident.acknowledged_at == stack.clock.now() - timedelta(minutes=60)


async def test_mitigation_stops_everything(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    await stack.command("status mitigated", channel_id=channel)
    await stack.settle()
    await stack.advance(timedelta(hours=5))
    assert paged_users(stack) == ["U0BOB"]


async def test_duplicate_and_racing_acks_record_one_ack(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    dm = paged(stack)[0]
    page = next(m for m in stack.fake.messages(dm) if is_page(m.text))
    assert page.blocks is not None
    click = stack.sender.block_actions(
        "page_ack", page.blocks[2]["elements"][0]["value"], user_id="U0BOB", channel_id=dm, message_ts=page.ts
    )
    await asyncio.gather(
        stack.sender.interactivity(click),
        stack.sender.interactivity(click),
        stack.command("ack", channel_id=channel, user_id="U0BOB"),
        stack.command("ack", channel_id=channel, user_id="U0CAROL"),
    )
    await stack.settle()
    incident = await stack.services.store.by_channel(channel)
    entries = await stack.services.store.entries(incident.id)
    assert [e.actor for e in entries if e.kind == "ack"] in (["U0BOB"], ["U0CAROL"])


async def test_a_reply_in_the_channel_by_the_paged_person_acknowledges(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    await stack.sender.event(stack.sender.message(channel, "U0BOB", "looking now"))
    await stack.settle()
    incident = await stack.services.store.by_channel(channel)
    assert incident.acknowledged_at is not None
    await stack.advance(timedelta(minutes=20))
    assert paged_users(stack) == ["U0BOB"]


async def test_escalate_now_pages_the_next_level_at_once(stack: LocalStack) -> None:
    await declare(stack, "Checkout down --sev critical")
    dm = paged(stack)[0]
    page = next(m for m in stack.fake.messages(dm) if is_page(m.text))
    assert page.blocks is not None
    click = stack.sender.block_actions(
        "page_escalate", page.blocks[2]["elements"][1]["value"], user_id="U0BOB", channel_id=dm, message_ts=page.ts
    )
    await stack.sender.interactivity(click)
    await stack.settle()
    assert paged_users(stack) == ["U0BOB", "U0CAROL"]


async def test_severity_upgrade_replans_and_downgrade_to_low_cancels(stack: LocalStack) -> None:
    channel = await declare(stack, "Search slow --sev high")
    await stack.advance(timedelta(minutes=20))
    await stack.command("sev critical", channel_id=channel)
    await stack.settle()
    await stack.advance(timedelta(minutes=15))  # critical: level1 has 15 min from the upgrade
    assert paged_users(stack) == ["U0BOB", "U0DAVE"]
    await stack.command("sev low", channel_id=channel)
    await stack.settle()
    await stack.advance(timedelta(hours=10))
    assert paged_users(stack) == ["U0BOB", "U0DAVE"]


@pytest.fixture
async def restartable(database: str, team: TeamConfig) -> AsyncIterator[tuple[str, TeamConfig]]:
    yield database, team


async def test_a_deadline_passed_while_stopped_pages_once_at_start(restartable: tuple[str, TeamConfig]) -> None:
    database, team = restartable
    first = await start_local_stack(database, team=team)
    await declare(first, "Checkout down --sev critical")
    await first.bot.stop()
    first.clock.advance(timedelta(minutes=40))

    second = await start_local_stack(database, team=team, clock=first.clock, fake=first.fake)
    try:
        await second.settle()
        assert paged_users(second) == ["U0BOB", "U0DAVE"]
        await second.advance(timedelta(seconds=1))
        third_run = await second.services.timers.run_due()
        assert third_run == 0 and paged_users(second) == ["U0BOB", "U0DAVE"]
    finally:
        await second.close()


async def test_oncall_shows_who_holds_each_level_and_overrides_change_it(stack: LocalStack) -> None:
    await stack.command("", command="/oncall")
    await stack.settle()
    shown = stack.fake.responses[-1].text
    assert "level1" in shown and "<@U0BOB>" in shown and "<@U0CAROL>" in shown and "<@U0FRANK>" in shown
    await stack.command("override level1 <@U0ERIN|erin> 3h", command="/oncall")
    await stack.settle()
    assert "<@U0ERIN>" in stack.fake.responses[-1].text
    await declare(stack, "Checkout down --sev critical")
    assert paged_users(stack) == ["U0ERIN"]
    await stack.advance(timedelta(hours=4))
    await stack.command("", command="/oncall")
    await stack.settle()
    assert "<@U0BOB>" in stack.fake.responses[-1].text
    bad = await stack.command("override level9 <@U0ERIN> 3h", command="/oncall")
    assert "Usage" in bad.json["text"]


async def test_each_person_is_paged_in_their_own_slack_language(stack: LocalStack) -> None:
    """bob uses Slack in Japanese, dave in English; the incident was declared in English."""
    await declare(stack, "Checkout down --sev critical")
    await stack.advance(timedelta(minutes=15))  # level2 after the 14:40 hand-off is dave
    by_user = {dm_user(stack, dm): dm for dm in paged(stack)}
    bob = next(m for m in stack.fake.messages(by_user["U0BOB"]) if is_page(m.text))
    dave = next(m for m in stack.fake.messages(by_user["U0DAVE"]) if is_page(m.text))
    assert bob.text.startswith(":rotating_light: *呼び出しです*") and "重大" in bob.text
    assert "了解・対応します" in str(bob.blocks) and "Acknowledge" not in str(bob.blocks)
    assert dave.text.startswith(":rotating_light: *You are paged*") and "Critical" in dave.text


async def test_a_page_at_declaration_says_just_now(stack: LocalStack) -> None:
    await declare(stack, "Checkout down --sev critical")
    await stack.advance(timedelta(minutes=15))
    by_user = {dm_user(stack, dm): dm for dm in paged(stack)}
    bob = next(m for m in stack.fake.messages(by_user["U0BOB"]) if is_page(m.text))
    dave = next(m for m in stack.fake.messages(by_user["U0DAVE"]) if is_page(m.text))
    assert "宣言直後" in str(bob.blocks) and "0 分" not in str(bob.blocks)
    assert "Declared 15 min ago" in str(dave.blocks)

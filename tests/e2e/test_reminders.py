"""Reminders with the injected clock: nudge once per quiet period, reset on update, stop on resolve."""

from __future__ import annotations

from datetime import timedelta

from bot.local_stack import LocalStack
from tests.e2e.test_declare_and_resolve import declare


def nudges(stack: LocalStack, channel: str) -> list[str]:
    return [m.text for m in stack.fake.messages(channel) if "status update" in m.text]


async def test_a_quiet_critical_incident_gets_one_nudge_at_thirty_minutes(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    await stack.advance(timedelta(minutes=29))
    assert nudges(stack, channel) == []
    await stack.advance(timedelta(minutes=1))
    assert len(nudges(stack, channel)) == 1
    assert "<@U0ALICE>" in nudges(stack, channel)[0]
    await stack.advance(timedelta(minutes=29))
    assert len(nudges(stack, channel)) == 1


async def test_an_update_resets_the_cadence(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    await stack.advance(timedelta(minutes=20))
    await stack.command("update rolled back", channel_id=channel)
    await stack.settle()
    await stack.advance(timedelta(minutes=15))  # 35 min after declare, 15 after the update
    assert nudges(stack, channel) == []
    await stack.advance(timedelta(minutes=15))
    assert len(nudges(stack, channel)) == 1


async def test_resolution_cancels_reminders(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    await stack.command("resolve fixed", channel_id=channel)
    await stack.settle()
    await stack.advance(timedelta(hours=25))
    assert nudges(stack, channel) == []
    assert [d for d in await stack.services.timers.pending() if d.key.startswith("nudge:")] == []


async def test_the_nudge_button_opens_a_form_that_posts_the_update(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    await stack.advance(timedelta(minutes=30))
    nudge = [m for m in stack.fake.messages(channel) if "status update" in m.text][-1]
    assert nudge.blocks is not None
    payload = stack.sender.block_actions(
        action_id="open_update_form",
        value=nudge.blocks[1]["elements"][0]["value"],
        user_id="U0ALICE",
        channel_id=channel,
        message_ts=nudge.ts,
    )
    assert (await stack.sender.interactivity(payload)).status == 200
    await stack.settle()
    view = stack.fake.last("views.open").args["view"]
    submit = stack.sender.view_submission(
        callback_id=view["callback_id"],
        private_metadata=view["private_metadata"],
        values={"text": {"value": "DB failover done; watching"}},
        user_id="U0ALICE",
    )
    response = await stack.sender.interactivity(submit)
    assert response.status == 200
    await stack.sender.interactivity(submit)  # a double click posts once
    await stack.settle()
    posted = [m.text for m in stack.fake.messages(channel) if "DB failover done" in m.text]
    assert len(posted) == 1

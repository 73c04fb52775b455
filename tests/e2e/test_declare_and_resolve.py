"""The first path: declare an incident from Slack, get a channel, resolve it there."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack
from incident.model import Status


def summary_blocks(stack: LocalStack, channel: str) -> str:
    """The pinned summary as it reads now (the first message the bot posted in the channel)."""
    return str(stack.fake.messages(channel)[0].blocks)


async def declare(stack: LocalStack, text: str, **kwargs: object) -> str:
    """Declare and return the new incident channel's id."""
    before = {c["id"] for c in stack.fake.channels()}
    response = await stack.command(f"declare {text}", **kwargs)
    assert response.status == 200
    await stack.settle()
    created = [c["id"] for c in stack.fake.channels() if c["id"] not in before and c["id"].startswith("C")]
    assert len(created) == 1, stack.fake.calls_to("conversations.create")
    return str(created[0])


async def test_declare_acks_fast_and_sets_up_a_channel(stack: LocalStack) -> None:
    response = await stack.command("declare Checkout API returns 500s")
    assert response.status == 200
    assert response.elapsed < 3.0
    await stack.settle()

    create = stack.fake.last("conversations.create")
    name = create.args["name"]
    assert name.startswith("inc-20261122-0001-checkout-api-returns-500s")
    channel = stack.fake.channel_by_name(name)
    assert channel is not None
    invite = stack.fake.last("conversations.invite")
    assert invite.args["channel"] == channel.id and "U0ALICE" in invite.args["users"]
    assert "INC-2026-0001" in stack.fake.last("conversations.setTopic").args["topic"]
    summary = stack.fake.messages(channel.id)[0]
    assert "INC-2026-0001" in summary.text
    assert summary.ts in stack.fake.pins(channel.id)  # beside the live timeline's own pin
    announced = stack.fake.messages(ANNOUNCE_CHANNEL)
    assert announced and f"<#{channel.id}>" in announced[-1].text
    reply = stack.fake.responses[-1]
    assert reply.body["response_type"] == "ephemeral" and "INC-2026-0001" in reply.body["text"]

    incident = await stack.services.store.by_channel(channel.id)
    assert incident is not None and incident.status is Status.INVESTIGATING
    entries = await stack.services.store.entries(incident.id)
    assert [e.kind for e in entries] == ["declared"]


async def test_resolve_in_the_channel_resolves_and_says_so(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout API returns 500s")
    response = await stack.command("resolve rolled back the deploy", channel_id=channel, channel_name="inc")
    assert response.status == 200
    await stack.settle()

    incident = await stack.services.store.by_channel(channel)
    assert incident is not None and incident.status is Status.RESOLVED
    assert incident.resolved_at == stack.clock.now()
    assert [e.kind for e in await stack.services.store.entries(incident.id)] == ["declared", "resolved"]
    said = [m.text for m in stack.fake.messages(channel)]
    assert any("rolled back the deploy" in t for t in said)
    summary = [c for c in stack.fake.calls_to("chat.update") if c.args["ts"] == incident.summary_ts][-1]
    assert summary.args["channel"] == channel and "Resolved" in str(summary.args["blocks"])


async def test_resolve_outside_an_incident_channel_says_where_to_run_it(stack: LocalStack) -> None:
    await stack.command("resolve")
    await stack.settle()
    assert "incident channel" in stack.fake.responses[-1].body["text"]


async def test_name_taken_leads_to_a_suffixed_name(stack: LocalStack) -> None:
    stack.fake.fail_next("conversations.create", "name_taken")
    channel = await declare(stack, "Checkout API returns 500s")
    names = [c.args["name"] for c in stack.fake.calls_to("conversations.create")]
    assert names[1] == names[0] + "-2"
    assert stack.fake.channel(channel).name == names[1]


async def test_a_japanese_title_keeps_its_words_in_the_channel_name(stack: LocalStack) -> None:
    channel = await declare(stack, "決済APIで504が多発")
    assert stack.fake.channel(channel).name == "inc-20261122-0001-決済apiで504が多発"


async def test_a_workspace_refusing_japanese_names_gets_an_ascii_name(stack: LocalStack) -> None:
    stack.fake.accept_non_latin_names = False
    channel = await declare(stack, "決済APIで504が多発")
    names = [c.args["name"] for c in stack.fake.calls_to("conversations.create")]
    assert len(names) == 2
    assert stack.fake.channel(channel).name == "inc-20261122-0001-api-504"


async def test_the_word_payload_in_a_command_does_not_trip_bolt(stack: LocalStack) -> None:
    channel = await declare(stack, "payload API down")
    assert "payload-api-down" in stack.fake.channel(channel).name


async def test_a_command_from_a_channel_named_payload_team_works(stack: LocalStack) -> None:
    channel = await declare(stack, "Search is slow", channel_name="payload-team")
    assert "search-is-slow" in stack.fake.channel(channel).name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("explode", "explode"),
        ("declare   ", None),
        ("declare " + "x" * 5000, None),
    ],
)
async def test_bad_input_gets_an_ephemeral_explanation_and_stores_nothing(
    stack: LocalStack, text: str, expected: str | None
) -> None:
    response = await stack.command(text)
    assert response.status == 200
    await stack.settle()
    body = response.json
    if text.strip() == "declare":
        # No title opens the declare form instead of refusing.
        assert stack.fake.calls_to("views.open")
    else:
        assert body["response_type"] == "ephemeral"
        assert body["text"]
        if expected:
            assert expected in body["text"]
    assert await stack.services.store.list_open() == []
    assert stack.fake.calls_to("conversations.create") == []


async def test_a_retried_command_declares_once(stack: LocalStack) -> None:
    first = await stack.sender.command("declare Checkout API returns 500s", trigger_id="T123.456")
    second = await stack.sender.command("declare Checkout API returns 500s", trigger_id="T123.456")
    assert first.status == second.status == 200
    await stack.settle()
    assert len(await stack.services.store.list_open()) == 1


async def test_slack_down_during_declare_keeps_the_record_and_says_so(stack: LocalStack) -> None:
    await stack.command("help")  # Bolt has checked its token (auth.test) before Slack goes down
    stack.fake.set_down(True)
    await stack.command("declare Checkout API returns 500s")
    await stack.settle()
    stack.fake.set_down(False)
    incidents = await stack.services.store.list_open()
    assert len(incidents) == 1
    assert incidents[0].channel_id is None

    # When Slack is back, the channel is set up by the retry timer; nothing was lost.
    await stack.advance(timedelta(seconds=31))
    incident = await stack.services.store.get(incidents[0].id)
    assert incident is not None and incident.channel_id and incident.summary_ts
    assert incident.summary_ts in stack.fake.pins(incident.channel_id)

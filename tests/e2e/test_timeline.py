"""The live timeline fills itself from commands, shortcuts, reactions and the bot's own actions."""

from __future__ import annotations

from datetime import timedelta

from bot.local_stack import LocalStack
from incident.model import EntrySource, Status, TimelineEntry
from tests.e2e.test_declare_and_resolve import declare


async def entries(stack: LocalStack, channel: str) -> list[TimelineEntry]:
    incident = await stack.services.store.by_channel(channel)
    assert incident is not None
    found: list[TimelineEntry] = await stack.services.store.entries(incident.id)
    return found


def live_view(stack: LocalStack, channel: str) -> str:
    incident_pins = stack.fake.pins(channel)
    timeline = [m for m in stack.fake.messages(channel) if m.ts in incident_pins and "Timeline" in str(m.blocks)]
    assert timeline, "the live timeline is pinned"
    return str(timeline[-1].blocks)


async def test_notes_and_shorthands_from_commands(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await stack.command("note checked the LB logs: 502s from pool b", channel_id=channel)
    await stack.command("hypothesis connection pool exhausted 🔥", channel_id=channel)
    await stack.command("rootcause pool size halved by the 14:20 config push", channel_id=channel)
    await stack.command("mitigated rolled the config back", channel_id=channel)
    await stack.settle()
    recorded = [(e.kind, e.text, e.source) for e in await entries(stack, channel)]
    assert ("note", "checked the LB logs: 502s from pool b", EntrySource.COMMAND) in recorded
    assert ("hypothesis", "connection pool exhausted 🔥", EntrySource.COMMAND) in recorded
    assert ("root_cause", "pool size halved by the 14:20 config push", EntrySource.COMMAND) in recorded
    assert ("mitigation", "rolled the config back", EntrySource.COMMAND) in recorded
    incident = await stack.services.store.by_channel(channel)
    assert incident.status is Status.MITIGATED
    assert "connection pool exhausted" in live_view(stack, channel)


async def test_a_back_dated_event_sorts_into_place(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await stack.command("note later note", channel_id=channel)
    await stack.command("event -10m alert 5xx above 2%", channel_id=channel)
    await stack.command("event 14:15 問題発生 デプロイ開始", channel_id=channel)  # 14:15 Tokyo, before the declare
    await stack.settle()
    recorded = await entries(stack, channel)
    assert [e.kind for e in recorded] == ["started", "alert", "declared", "note"]
    assert recorded[0].text == "デプロイ開始"
    assert recorded[1].occurred_at == stack.clock.now() - timedelta(minutes=10)


async def test_a_time_in_the_future_or_garbage_is_refused(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await stack.command("event 23:59 alert later tonight", channel_id=channel)
    await stack.settle()
    assert "future" in stack.fake.responses[-1].text
    await stack.command("event 99:99 alert nonsense", channel_id=channel)
    await stack.settle()
    assert "can't read the time" in stack.fake.responses[-1].text
    assert [e.kind for e in await entries(stack, channel)] == ["declared"]


async def test_a_message_shortcut_adds_the_message_with_author_time_and_link(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    ts = stack.fake.add_message(
        channel,
        "U0BOB",
        "DB の接続数が上限 (max_connections=200) に達しています",
        files=[{"id": "F1", "name": "grafana.png", "permalink": "https://files.example/grafana.png"}],
    )
    payload = stack.sender.message_action("timeline_add_message", channel_id=channel, message_ts=ts, user_id="U0ALICE")
    assert (await stack.sender.interactivity(payload)).status == 200
    await stack.settle()
    view = stack.fake.last("views.open").args["view"]
    from fakeslack.interactions import static_select_value

    submit = stack.sender.view_submission(
        callback_id=view["callback_id"],
        private_metadata=view["private_metadata"],
        values={"kind": {"value": static_select_value("hypothesis")}},
    )
    await stack.sender.interactivity(submit)
    await stack.settle()
    entry = (await entries(stack, channel))[-1]
    assert entry.kind == "hypothesis" and entry.actor == "U0BOB" and entry.source is EntrySource.SHORTCUT
    assert entry.text == "DB の接続数が上限 (max_connections=200) に達しています"
    assert entry.permalink and entry.permalink.startswith("https://")
    assert entry.files == [{"name": "grafana.png", "permalink": "https://files.example/grafana.png"}]
    assert entry.occurred_at.timestamp() == float(ts)


async def test_a_pushpin_reaction_adds_and_removing_it_removes(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    ts = stack.fake.add_message(channel, "U0CAROL", "error rate back under 0.1%")
    await stack.sender.event(stack.sender.reaction_added("U0ALICE", "pushpin", channel, ts, "U0CAROL"))
    await stack.settle()
    assert [(e.kind, e.actor, e.source) for e in await entries(stack, channel)][-1] == (
        "note",
        "U0CAROL",
        EntrySource.REACTION,
    )
    await stack.sender.event(stack.sender.reaction_removed("U0ALICE", "pushpin", channel, ts, "U0CAROL"))
    await stack.settle()
    assert [e.kind for e in await entries(stack, channel)] == ["declared"]
    await stack.sender.event(stack.sender.reaction_added("U0ALICE", "tada", channel, ts, "U0CAROL"))
    await stack.settle()
    assert [e.kind for e in await entries(stack, channel)] == ["declared"]


async def test_a_duplicate_event_delivery_adds_one_entry(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    ts = stack.fake.add_message(channel, "U0CAROL", "rollback done")
    body = stack.sender.reaction_added("U0ALICE", "pushpin", channel, ts, "U0CAROL")
    first = await stack.sender.event(body, event_id="Ev0DUPLICATE")
    second = await stack.sender.event(body, event_id="Ev0DUPLICATE", retry_num=1)
    assert first.status == second.status == 200
    await stack.settle()
    assert [e.kind for e in await entries(stack, channel)].count("note") == 1


async def test_automatic_entries_need_no_typing(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev high")
    for text, user in [
        ("sev critical", "U0ALICE"),
        ("commander <@U0BOB>", "U0ALICE"),
        ("update rolled back", "U0ALICE"),
        ("resolve fixed", "U0BOB"),
    ]:
        await stack.command(text, channel_id=channel, user_id=user)
        await stack.settle()
    kinds = [e.kind for e in await entries(stack, channel)]
    assert kinds == ["declared", "severity_changed", "role_assigned", "status_update", "resolved"]
    assert all(e.actor for e in await entries(stack, channel))


async def test_a_burst_of_fifty_notes_makes_few_edits_and_ends_on_the_last(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    stack.fake.reset_calls()
    for i in range(1, 51):
        await stack.command(f"note burst note {i}", channel_id=channel)
        stack.clock.advance(timedelta(seconds=0.2))  # 50 notes in 10 simulated seconds
    await stack.settle()
    updates = [c for c in stack.fake.calls_to("chat.update") if "Timeline" in str(c.args.get("blocks"))]
    assert 1 <= len(updates) <= 10
    assert "burst note 50" in str(updates[-1].args["blocks"])


async def test_edit_and_delete_keep_an_audit_trail_and_respect_authorship(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await stack.command("note pool at 200 connections", channel_id=channel, user_id="U0BOB")
    await stack.settle()
    await stack.command("timeline edit 2 pool at 100 connections", channel_id=channel, user_id="U0CAROL")
    await stack.settle()
    assert "記入者の <@U0BOB> さん" in stack.fake.responses[-1].text  # carol uses Slack in Japanese
    await stack.command("timeline edit 1 tampering with the declaration", channel_id=channel, user_id="U0BOB")
    await stack.settle()
    assert "インシデントコマンダーのみ" in stack.fake.responses[-1].text
    await stack.command("timeline edit 2 pool at 100 connections", channel_id=channel, user_id="U0BOB")
    await stack.settle()  # one person after the other, as in a channel
    await stack.command("timeline delete 1", channel_id=channel)  # alice commands the incident
    await stack.settle()
    visible = await entries(stack, channel)
    assert [(e.text, e.amended) for e in visible] == [("pool at 100 connections", True)]
    incident = await stack.services.store.by_channel(channel)
    trail = await stack.services.timeline.corrections.amendments(incident.id)
    assert [(a.action, a.old_text, a.actor) for a in trail] == [
        ("edit", "pool at 200 connections", "U0BOB"),
        ("delete", "Checkout down", "U0ALICE"),
    ]
    assert "amended" in live_view(stack, channel)


async def test_the_full_timeline_comes_back_ephemeral_or_as_a_file(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await stack.command("timeline", channel_id=channel)
    await stack.settle()
    assert "Timeline of INC-2026-0001" in stack.fake.responses[-1].text
    for i in range(40):
        await stack.command(f"note {'long observation ' * 8} {i}", channel_id=channel)
    await stack.settle()
    await stack.command("timeline", channel_id=channel)
    await stack.settle()
    assert "as a file" in stack.fake.responses[-1].text
    assert (stack.fake.uploads[-1].content or b"").decode().count("long observation") == 40 * 8


async def test_an_edit_that_changes_nothing_is_refused_and_stores_no_amendment(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await stack.command("note pool at 200 connections", channel_id=channel)
    await stack.settle()
    await stack.command("timeline edit 2 pool at 200 connections", channel_id=channel)
    await stack.settle()
    assert "nothing changed" in stack.fake.responses[-1].text
    incident = await stack.services.store.by_channel(channel)
    assert await stack.services.timeline.corrections.amendments(incident.id) == []
    assert [(e.text, e.amended) for e in await entries(stack, channel)][-1] == ("pool at 200 connections", False)

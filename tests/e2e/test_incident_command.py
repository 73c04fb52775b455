"""Running an incident from Slack: every subcommand through the signed harness, en and ja."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack, start_local_stack
from incident.model import Incident, Status
from tests.e2e.test_declare_and_resolve import declare, summary_blocks


async def run(stack: LocalStack, text: str, channel: str, user: str = "U0ALICE") -> str:
    """Send a command in ``channel`` and return the ephemeral reply's text."""
    before = len(stack.fake.responses)
    response = await stack.command(text, channel_id=channel, channel_name="incident", user_id=user)
    assert response.status == 200
    await stack.settle()
    immediate = (response.json or {}).get("text") if response.text else None
    if immediate:
        return str(immediate)
    return stack.fake.responses[-1].text if len(stack.fake.responses) > before else ""


async def incident_of(stack: LocalStack, channel: str) -> Incident:
    incident: Incident | None = await stack.services.store.by_channel(channel)
    assert incident is not None
    return incident


async def test_severity_upgrade_to_critical_is_recorded_and_announced(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout latency high --sev medium")
    reply = await run(stack, "sev critical", channel)
    assert "Medium" in reply and "Critical" in reply
    incident = await incident_of(stack, channel)
    assert incident.severity == "critical"
    entries = await stack.services.store.entries(incident.id)
    change = entries[-1]
    assert change.kind == "severity_changed" and change.actor == "U0ALICE"
    assert change.data == {"severity_from": "medium", "severity_to": "critical"}
    assert "Critical" in stack.fake.last("conversations.setTopic").args["topic"]
    assert "Critical" in summary_blocks(stack, channel)
    assert any("Critical" in m.text for m in stack.fake.messages(ANNOUNCE_CHANNEL)[1:])


async def test_a_downgrade_by_someone_else_is_refused_politely(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down --sev critical")
    reply = await run(stack, "sev low", channel, user="U0BOB")
    assert "重大度の引き下げはインシデントコマンダー" in reply  # bob uses Slack in Japanese
    assert (await incident_of(stack, channel)).severity == "critical"


async def test_status_moves_forward_and_illegal_moves_are_refused(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    assert "is now Identified" in await run(stack, "status identified", channel)
    assert (await incident_of(stack, channel)).status is Status.IDENTIFIED
    await run(stack, "status mitigated", channel)
    incident = await incident_of(stack, channel)
    assert incident.status is Status.MITIGATED and incident.mitigated_at == stack.clock.now()
    refused = await run(stack, "status identified", channel)
    assert "cannot go from Mitigated to Identified" in refused
    assert (await incident_of(stack, channel)).status is Status.MITIGATED


async def test_resolve_twice_reopen_and_close(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await run(stack, "resolve fixed", channel)
    assert "already resolved" in await run(stack, "resolve", channel)
    await run(stack, "reopen it came back", channel)
    assert (await incident_of(stack, channel)).status is Status.INVESTIGATING
    await run(stack, "resolve fixed again", channel)
    await run(stack, "close", channel)
    assert (await incident_of(stack, channel)).status is Status.CLOSED
    assert "closed" in await run(stack, "status identified", channel)


@pytest.fixture
async def admins_stack(database: str) -> AsyncIterator[LocalStack]:
    team = TeamConfig(
        announcement_channel=ANNOUNCE_CHANNEL, permissions={"admins": ["U0CAROL"], "admin_groups": ["S0SRE"]}
    )
    s = await start_local_stack(database, team=team)
    try:
        yield s
    finally:
        await s.close()


async def test_a_non_commander_cannot_resolve_but_an_admin_can(admins_stack: LocalStack) -> None:
    stack = admins_stack
    channel = await declare(stack, "Checkout down")
    reply = await run(stack, "resolve", channel, user="U0DAVE")
    assert "Only the incident commander or an admin" in reply
    assert (await incident_of(stack, channel)).status is Status.INVESTIGATING
    await run(stack, "resolve carol fixed it", channel, user="U0CAROL")
    assert (await incident_of(stack, channel)).status is Status.RESOLVED


async def test_an_admin_user_group_member_may_resolve(admins_stack: LocalStack) -> None:
    stack = admins_stack
    stack.fake.add_usergroup("S0SRE", "sre", ["U0DAVE"])
    channel = await declare(stack, "Checkout down")
    await run(stack, "resolve", channel, user="U0DAVE")
    assert (await incident_of(stack, channel)).status is Status.RESOLVED


async def test_roles_invite_the_person_and_show_in_the_summary(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await run(stack, "commander <@U0BOB|bob>", channel)
    await run(stack, "role comms <@U0CAROL>", channel)
    await run(stack, "role scribe <@U0DAVE>", channel)
    incident = await incident_of(stack, channel)
    assert incident.commander == "U0BOB"
    assert incident.roles == {"comms": "U0CAROL", "scribe": "U0DAVE"}
    assert {"U0BOB", "U0CAROL", "U0DAVE"} <= set(stack.fake.channel(channel).members)
    summary = summary_blocks(stack, channel)
    assert "<@U0BOB>" in summary and "<@U0CAROL>" in summary and "<@U0DAVE>" in summary


async def test_impact_is_validated_and_stored(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    refused = await run(stack, "impact users=lots", channel)
    assert "must be a number" in refused
    await run(stack, "impact users=10000 tps=50 revenue_per_txn=10 services=checkout,payments", channel)
    impact = (await incident_of(stack, channel)).impact
    assert (impact.users, impact.tps, impact.revenue_per_txn, impact.services) == (
        10000,
        50.0,
        10.0,
        ["checkout", "payments"],
    )
    assert "checkout, payments" in summary_blocks(stack, channel)


async def test_a_status_update_goes_to_the_channel_and_the_announcement_channel(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await run(stack, "update Rolled back; error rate falling", channel)
    assert any("Rolled back; error rate falling" in m.text for m in stack.fake.messages(channel))
    assert any("Rolled back; error rate falling" in m.text for m in stack.fake.messages(ANNOUNCE_CHANNEL))
    incident = await incident_of(stack, channel)
    assert incident.last_update_at == stack.clock.now()
    assert (await stack.services.store.entries(incident.id))[-1].kind == "status_update"


async def test_list_and_show(stack: LocalStack) -> None:
    first = await declare(stack, "Checkout down --sev critical")
    await declare(stack, "Search slow --sev medium")
    listing = await run(stack, "list", "C0GENERAL")
    assert "INC-2026-0001" in listing and "INC-2026-0002" in listing and f"<#{first}>" in listing
    shown = stack.fake.responses
    await run(stack, "show INC-2026-0002", "C0GENERAL")
    assert "Search slow" in str(shown[-1].body)
    await run(stack, "show", first)
    assert "Checkout down" in str(stack.fake.responses[-1].body)
    assert "no incident INC-2026-0099" in await run(stack, "show INC-2026-0099", "C0GENERAL")


@pytest.mark.parametrize(
    ("text", "english", "japanese"),
    [
        ("help", "Hikeshi — incident commands", "インシデントコマンド"),
        ("explode", "I don't know", "というコマンドはありません"),
        ("resolve", "works inside an incident channel", "インシデントチャンネル内"),
    ],
)
async def test_answers_come_in_english_or_japanese(stack: LocalStack, text: str, english: str, japanese: str) -> None:
    assert english in await run(stack, text, "C0GENERAL", user="U0ALICE")
    await run(stack, "help", "C0GENERAL", user="U0BOB")  # first contact: learns bob's Slack language
    assert japanese in await run(stack, text, "C0GENERAL", user="U0BOB")
    assert japanese in await run(stack, f"{text} --lang ja", "C0GENERAL", user="U0ALICE")


async def test_japanese_aliases_run_the_same_commands(stack: LocalStack) -> None:
    channel = await declare(stack, "決済APIで504が多発 --sev 高")
    await run(stack, "重大度 重大", channel, user="U0BOB")
    assert (await incident_of(stack, channel)).severity == "critical"
    await run(stack, "解決 ロールバックで復旧", channel)
    assert (await incident_of(stack, channel)).status is Status.RESOLVED


@pytest.mark.parametrize(
    "text",
    ["resolve fixed", "status identified", "sev low", "ack", "note checked", "timeline", "action done 1", "update ok"],
)
async def test_incident_commands_outside_an_incident_channel_get_one_answer(stack: LocalStack, text: str) -> None:
    reply = await run(stack, text, "C0GENERAL")
    assert "incident channel" in reply
    assert await stack.services.store.list_open() == []


async def test_status_takes_the_japanese_words_and_answers_with_labels(stack: LocalStack) -> None:
    channel = await declare(stack, "決済APIで504が多発 --sev 高")
    answer = await run(stack, "status 緩和 --lang ja", channel)
    assert "ステータスを 暫定対応済み にしました" in answer and "mitigated" not in answer
    assert (await incident_of(stack, channel)).status is Status.MITIGATED
    await run(stack, "status 解決", channel)
    assert (await incident_of(stack, channel)).status is Status.RESOLVED


async def test_usage_lists_what_a_japanese_reader_types(stack: LocalStack) -> None:
    channel = await declare(stack, "決済APIで504が多発 --sev 高")
    status = await run(stack, "status --lang ja", channel)
    assert "`解決`" in status and "`緩和済み`" in status
    sev = await run(stack, "sev 超重大 --lang ja", channel)
    assert "`重大`、`高`、`中`、`低`" in sev and "critical" not in sev


async def test_the_topic_is_not_set_again_with_the_same_text(stack: LocalStack) -> None:
    channel = await declare(stack, "Checkout down")
    await run(stack, "role comms <@U0CAROL|carol>", channel)
    await run(stack, "impact users=10 tps=1", channel)
    await run(stack, "status identified", channel)
    topics = [c.args["topic"] for c in stack.fake.calls_to("conversations.setTopic")]
    assert len(topics) == len(set(topics)) == 2 and "Identified" in topics[-1]

"""``GET /metrics`` after a whole incident (declare, page, escalate, ack, resolve) over signed HTTP."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack
from tests.e2e.test_declare_and_resolve import declare
from tests.e2e.test_escalation import ROSTER, paged_users

SERIES = {
    "hikeshi_http_requests",
    "hikeshi_http_request_duration_seconds",
    "hikeshi_incidents_open",
    "hikeshi_pages_sent",
    "hikeshi_pages_escalated",
    "hikeshi_pages_acknowledged",
    "hikeshi_deadline_lateness_seconds",
    "hikeshi_outbox_depth",
    "hikeshi_outbox_oldest_age_seconds",
    "hikeshi_slack_api_errors",
    "hikeshi_lease_takeovers",
    "hikeshi_audit_rearmed",
    "hikeshi_audit_cycles",
    "hikeshi_heartbeat_last_success_timestamp_seconds",
    "hikeshi_heartbeat_ping_failures",
}


@pytest.fixture
def team() -> TeamConfig:
    return TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, roster=ROSTER)


async def scrape(stack: LocalStack) -> dict[str, list[Sample]]:
    async with aiohttp.ClientSession() as http, http.get(stack.bot.url + "/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def value(samples: list[Sample], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) == 1, (name, labels, samples)
    return found[0]


async def test_metrics_parse_and_count_a_whole_incident(stack: LocalStack) -> None:
    stack.fake.fail_next("users.info", "user_not_found")  # one Slack error, answered with a code
    channel = await declare(stack, "Checkout down --sev critical")
    # 20 minutes pass before the bot looks: the level2 deadline (due at 15) waits, overdue.
    stack.clock.advance(timedelta(minutes=20))
    during = await scrape(stack)
    assert value(during["hikeshi_incidents_open"], "hikeshi_incidents_open", severity="critical") == 1
    assert value(during["hikeshi_incidents_open"], "hikeshi_incidents_open", severity="low") == 0
    assert value(during["hikeshi_outbox_depth"], "hikeshi_outbox_depth") >= 1
    assert value(during["hikeshi_outbox_oldest_age_seconds"], "hikeshi_outbox_oldest_age_seconds") >= 5 * 60

    await stack.advance(timedelta(0))  # level2 is paged now, five minutes late
    assert paged_users(stack) == ["U0BOB", "U0DAVE"]
    assert (await stack.command("ack", channel_id=channel, user_id="U0DAVE")).status == 200
    await stack.settle()
    assert (await stack.command("resolve rolled back", channel_id=channel, channel_name="inc")).status == 200
    await stack.settle()
    async with aiohttp.ClientSession() as http, http.get(stack.bot.url + "/no/such/route/42") as resp:
        assert resp.status == 404
    assert await stack.services.auditor.run_once()

    after = await scrape(stack)
    assert set(after) >= SERIES
    requests = after["hikeshi_http_requests"]
    assert value(requests, "hikeshi_http_requests_total", route="/slack/events", status="200") >= 3
    assert value(requests, "hikeshi_http_requests_total", route="unmatched", status="404") == 1
    routes = {s.labels["route"] for s in requests + after["hikeshi_http_request_duration_seconds"]}
    assert routes <= {"/slack/events", "/metrics", "unmatched"}  # the matched path, never the raw URL
    latency = after["hikeshi_http_request_duration_seconds"]
    assert value(latency, "hikeshi_http_request_duration_seconds_count", route="/slack/events") >= 3
    assert value(after["hikeshi_incidents_open"], "hikeshi_incidents_open", severity="critical") == 0
    pages = after["hikeshi_pages_sent"]
    assert value(pages, "hikeshi_pages_sent_total", level="level1") == 1
    assert value(pages, "hikeshi_pages_sent_total", level="level2") == 1
    assert value(after["hikeshi_pages_escalated"], "hikeshi_pages_escalated_total", level="level2") == 1
    assert value(after["hikeshi_pages_acknowledged"], "hikeshi_pages_acknowledged_total") == 1
    lateness = after["hikeshi_deadline_lateness_seconds"]
    assert value(lateness, "hikeshi_deadline_lateness_seconds_count", kind="escalation") >= 1
    assert value(lateness, "hikeshi_deadline_lateness_seconds_sum", kind="escalation") >= 5 * 60
    assert value(after["hikeshi_outbox_depth"], "hikeshi_outbox_depth") == 0
    errors = after["hikeshi_slack_api_errors"]
    assert value(errors, "hikeshi_slack_api_errors_total", method="users.info", code="user_not_found") == 1
    assert value(after["hikeshi_lease_takeovers"], "hikeshi_lease_takeovers_total") == 0
    assert value(after["hikeshi_audit_cycles"], "hikeshi_audit_cycles_total", outcome="ok") == 1
    heartbeat = after["hikeshi_heartbeat_last_success_timestamp_seconds"]
    assert value(heartbeat, "hikeshi_heartbeat_last_success_timestamp_seconds") == stack.clock.now().timestamp()

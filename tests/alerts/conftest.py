"""Alert fixtures: captured payloads and a bot with alert sources on the fake Slack."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack, start_local_stack
from tests.e2e.test_escalation import is_page

PAYLOADS = Path(__file__).parent / "payloads"
AM_TOKEN = "am-token-0123456789"
GENIE_KEY = "genie-key-0123456789"
HOOK_TOKEN = "hook-token-0123456789"
TRIAGE = "C0TRIAGE"
ROSTER = {
    "levels": {"level1": {"members": ["U0BOB"]}, "level2": {"members": ["U0CAROL"]}, "level3": {"members": ["U0FRANK"]}}
}


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def payload_json(name: str) -> Any:
    return json.loads(payload(name))


def alerts_config(**overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "triage_channel": TRIAGE,
        "declare_from": "high",
        "sources": [
            {"name": "prod-am", "type": "alertmanager", "token": AM_TOKEN},
            {"name": "prod-og", "type": "opsgenie", "api_key": GENIE_KEY},
            {"name": "hooks", "type": "generic", "token": HOOK_TOKEN},
        ],
    }
    config.update(overrides)
    return config


@pytest.fixture
def alerts_settings() -> dict[str, Any]:
    return alerts_config()


@pytest.fixture
def team(alerts_settings: dict[str, Any]) -> TeamConfig:
    return TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, roster=ROSTER, alerts=alerts_settings)


@pytest.fixture
async def stack(database: str, team: TeamConfig) -> AsyncIterator[LocalStack]:
    from fakeslack.server import FakeSlack
    from incident.clock import FakeClock

    clock = FakeClock()
    fake = FakeSlack(clock=lambda: clock.now().timestamp())
    await fake.start()
    fake.add_channel("triage", channel_id=TRIAGE)
    s = await start_local_stack(database, team=team, clock=clock, fake=fake)
    try:
        yield s
    finally:
        await s.close()


async def post(
    stack: LocalStack,
    path: str,
    body: bytes | str | Any,
    *,
    auth: str | None = f"Bearer {AM_TOKEN}",
    method: str = "POST",
    settle: bool = True,
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if auth is not None:
        headers["Authorization"] = auth
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, stack.bot.url + path, data=data, headers=headers) as response,
    ):
        text = await response.text()
        status = response.status
    if settle:
        await stack.settle()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def paged_users(stack: LocalStack) -> list[str]:
    dms = [
        call.args["channel"]
        for call in stack.fake.calls_to("chat.postMessage")
        if call.args["channel"].startswith("D") and is_page(str(call.args.get("text")))
    ]
    opened = {
        c.response["channel"]["id"]: c.args["users"] for c in stack.fake.calls_to("conversations.open") if c.response
    }
    return [opened[dm] for dm in dms]


async def event_count(stack: LocalStack) -> int:
    """Rows in the intake inbox (read straight from the table: only tests need the count)."""
    async with stack.services.engine.connect() as conn:
        return int((await conn.exec_driver_sql("SELECT count(*) FROM alert_events")).scalar_one())


async def alert_counts(stack: LocalStack) -> list[tuple[int, int | None]]:
    """(count, incident id) of every stored alert, in order."""
    async with stack.services.engine.connect() as conn:
        rows = await conn.exec_driver_sql("SELECT count, incident_id FROM alerts ORDER BY id")
        return [(int(r[0]), r[1]) for r in rows]

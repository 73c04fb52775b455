"""A real ``hikeshi serve`` with JSON logs, a heartbeat URL and a one-second audit cycle, through a
whole incident with Slack answering 429, 503 and channel_not_found on the way."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import uuid
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from bot.local_stack import ANNOUNCE_CHANNEL, BOT_TOKEN, PEOPLE, SIGNING_SECRET
from fakeslack.sender import SlackSender
from fakeslack.server import FakeSlack
from tests.replicas.conftest import TEAM, Cluster, Replica, _free_port

WEBHOOK_SECRET = "whsec-0123456789abcdef"  # the outgoing pager's signing secret


class Receiver:
    """The outside monitor (heartbeat pings; the first answers 503) and the team's pager webhook."""

    def __init__(self) -> None:
        self.pings: list[float] = []
        self.hooks = 0
        self.token = uuid.uuid4().hex
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ping/{token}", self.ping)
        app.router.add_post("/hook", self.hook)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def ping(self, request: web.Request) -> web.Response:
        assert request.match_info["token"] == self.token
        self.pings.append(time.monotonic())
        return web.Response(status=503 if len(self.pings) == 1 else 200)

    async def hook(self, _: web.Request) -> web.Response:
        self.hooks += 1
        return web.json_response({"ok": True})


async def wait_until(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_a_whole_incident_logs_json_lines_without_secrets_and_pings_the_heartbeat(tmp_path: Path) -> None:
    receiver = Receiver()
    await receiver.start()
    fake = FakeSlack()
    await fake.start()
    everyone = [p[0] for p in PEOPLE]
    for user_id, name, real_name, tz, locale in PEOPLE:
        fake.add_user(user_id, name, real_name=real_name, tz=tz, locale=locale)
    fake.add_channel("general", members=everyone)
    fake.add_channel("incidents", members=everyone, channel_id=ANNOUNCE_CHANNEL)
    team = {
        **TEAM,
        "pagers": {"level1": [{"type": "webhook", "url": f"{receiver.url}/hook", "secret": WEBHOOK_SECRET}]},
    }
    config = tmp_path / "team.yaml"
    config.write_text(yaml.safe_dump(team))
    heartbeat = f"{receiver.url}/ping/{receiver.token}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIKESHI_", "DATABASE_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hikeshi.db'}",
        "HIKESHI_CONFIG": str(config),
        "HIKESHI_LOG_FORMAT": "json",
        "HIKESHI_LOG_LEVEL": "INFO",
        "HIKESHI_HEARTBEAT_URL": heartbeat,
        "HIKESHI_AUDIT_INTERVAL": "1",
    }
    replica = Replica(_free_port(), tmp_path / "serve.log", env)
    replica.start()
    try:
        await replica.ready()
        sender = SlackSender(f"{replica.url}/slack/events", SIGNING_SECRET, fake=fake)
        fake.rate_limit_next("conversations.setTopic")  # retried after Retry-After
        fake.server_error_next("pins.add", status=503)  # retried
        assert (await sender.command("declare Checkout down --sev critical")).status == 200
        pages = await Cluster(fake, [replica], "").wait_for_pages(2, timeout=20, linger=0.2)  # level2 after 4 s
        assert [level for _, level, _ in pages] == [1, 2]
        ref = pages[0][0]
        channel = next(c.response["channel"]["id"] for c in fake.calls_to("conversations.create") if c.ok)
        fake.fail_next("chat.postMessage", "channel_not_found", times=3)  # the ack's channel notice is refused
        acked = await sender.command("ack", channel_id=channel, user_id="U0CAROL")
        print("ACKRESP", acked.status, acked.text, acked.elapsed)
        assert acked.status == 200
        assert (await sender.command("resolve rolled back", channel_id=channel)).status == 200
        await wait_until(lambda: len(receiver.pings) >= 3, timeout=10)
        await wait_until(lambda: receiver.hooks >= 1, timeout=10)
        async with aiohttp.ClientSession() as http, http.get(f"{replica.url}/metrics") as resp:
            families = {f.name: f.samples for f in text_string_to_metric_families(await resp.text())}
        beat = families["hikeshi_heartbeat_last_success_timestamp_seconds"][0].value
        assert time.time() - 10 < beat <= time.time()
        assert families["hikeshi_heartbeat_ping_failures"][0].value == 1  # the 503: one warning, not fatal
        assert {s.labels.get("level") for s in families["hikeshi_pages_sent"]} >= {"level1", "level2"}
        assert replica.process is not None
        replica.process.send_signal(signal.SIGTERM)  # the fake Slack keeps answering while it stops
        assert await asyncio.to_thread(replica.process.wait, 20) == 0
    finally:
        replica.kill_quietly()
        await fake.stop()
        assert receiver.runner is not None
        await receiver.runner.cleanup()

    text = replica.log.read_text()
    for secret in (BOT_TOKEN, SIGNING_SECRET, WEBHOOK_SECRET, receiver.token, "xoxb-"):
        assert secret not in text
    assert "Traceback" not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    others = [line for line in text.splitlines() if not line.startswith("{")]
    assert others == [f"hikeshi serving Slack requests on {replica.url}/slack/events"]  # stdout's one line
    assert all({"ts", "level", "logger", "message"} <= set(line) for line in lines)
    refused = [line for line in lines if "channel_not_found" in line["message"]]
    assert refused and all(line.get("incident") == ref for line in refused), refused
    assert all("exception" not in line for line in refused)
    failed_pings = [line for line in lines if "heartbeat" in line["message"]]
    assert [line["level"] for line in failed_pings] == ["WARNING"]

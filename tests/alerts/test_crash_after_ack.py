"""A crash right after the 2xx loses nothing: the bot process is SIGKILLed while Slack is
slow, and on restart the stored alert becomes exactly one incident and one page."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml

from bot.local_stack import BOT_TOKEN, PEOPLE, SIGNING_SECRET
from fakeslack.server import FakeSlack
from tests.alerts.conftest import AM_TOKEN, ROSTER, payload
from tests.e2e.test_escalation import is_page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _launch(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def _ready(url: str, process: subprocess.Popen[bytes]) -> None:
    """Serving requests (``/healthz``): ``/readyz`` also waits for Slack, which may be hanging here."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.poll() is not None:
                raise AssertionError("the bot exited")
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the bot did not become ready")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    await slack.start()
    for user_id, name, real_name, tz, locale in PEOPLE:
        slack.add_user(user_id, name, real_name=real_name, tz=tz, locale=locale)
    try:
        yield slack
    finally:
        await slack.stop()


def _pages(fake: FakeSlack) -> int:
    return sum(
        1
        for c in fake.calls_to("chat.postMessage")
        if c.args["channel"].startswith("D") and is_page(str(c.args.get("text")))
    )


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_sigkill_after_the_2xx_then_restart_gives_one_incident_one_page(
    database: str, fake: FakeSlack, tmp_path: Path
) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        yaml.safe_dump(
            {"roster": ROSTER, "alerts": {"sources": [{"name": "am", "type": "alertmanager", "token": AM_TOKEN}]}}
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database,
        "HIKESHI_CONFIG": str(team),
    }
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "bot.log"
    fake.faults.set_delay("*", 30)  # Slack hangs: the work after the answer cannot finish
    process = _launch(env, port, log)
    try:
        await _ready(url, process)
        headers = {"Authorization": f"Bearer {AM_TOKEN}", "Content-Type": "application/json"}
        async with aiohttp.ClientSession() as session:
            body = payload("api-01-firing-single.json")
            async with session.post(f"{url}/hooks/alertmanager", data=body, headers=headers) as response:
                assert response.status == 202
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert _pages(fake) == 0

        fake.faults.set_delay("*", 0)  # Slack answers again
        process = _launch(env, port, log)
        await _ready(url, process)
        for _ in range(200):
            if _pages(fake) >= 1 and fake.calls_to("conversations.create"):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything extra would show up now
        created = [c for c in fake.calls_to("conversations.create") if c.response and c.response.get("ok")]
        assert len(created) == 1, json.dumps([c.args for c in created])
        assert _pages(fake) == 1
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=15)

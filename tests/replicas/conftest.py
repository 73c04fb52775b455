"""Real ``hikeshi serve`` processes on loopback, on one fresh PostgreSQL schema, against the fake Slack."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.local_stack import ANNOUNCE_CHANNEL, BOT_TOKEN, PEOPLE, SIGNING_SECRET
from fakeslack.recording import RecordedCall
from fakeslack.sender import SlackSender
from fakeslack.server import FakeSlack
from storage.database import normalize_database_url
from tests.conftest import PG_URL, _drop_schema, _require_pg
from tests.e2e.test_escalation import is_page

ACK_WITHIN = 4  # seconds each level has to acknowledge, so a whole escalation takes ~8 s
HANDLE_WITHIN = "10m"  # an acknowledged level keeps the incident for the whole test
TEAM = {
    "announcement_channel": ANNOUNCE_CHANNEL,
    "roster": {
        "levels": {
            "level1": {"members": ["U0BOB"]},
            "level2": {"members": ["U0CAROL"]},
            "level3": {"members": ["U0FRANK"]},
        }
    },
    "policy": {
        "critical": {
            "steps": [
                {"level": f"level{n}", "ack_within": f"{ACK_WITHIN}s", "handle_within": HANDLE_WITHIN}
                for n in (1, 2, 3)
            ]
        }
    },
}
LEVELS = {"U0BOB": 1, "U0CAROL": 2, "U0FRANK": 3}
REF = re.compile(r"INC-\d{4}-\d{4}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Replica:
    port: int
    log: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def token(self) -> str:
        """Each replica has its own bot token, so the fake's records tell who sent a call."""
        return self.env["SLACK_BOT_TOKEN"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        hikeshi = Path(sys.executable).with_name("hikeshi")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own entry point
                [str(hikeshi), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert self.process is not None and self.process.poll() is None, self.log.read_text()
                try:
                    async with http.get(f"{self.url}/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"replica on {self.port} not ready:\n{self.log.read_text()}")

    def signal(self, sig: signal.Signals, timeout: float = 30) -> int:
        """Send ``sig`` and wait for the process to exit; its exit code."""
        assert self.process is not None
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def kill_quietly(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Cluster:
    fake: FakeSlack
    replicas: list[Replica]
    pg_url: str
    started: float = field(default_factory=time.time)

    def holding(self) -> Counter[int]:
        """Deadlines claimed and not yet done, by the index of the replica holding them."""
        db = normalize_database_url(self.pg_url)
        engine = create_engine(db.sync_url)
        try:
            with engine.connect() as conn:
                owners: list[str] = list(
                    conn.execute(
                        text(
                            f'SELECT claimed_by FROM "{db.schema}".deadlines'  # noqa: S608 - the test's own schema
                            " WHERE claimed_by IS NOT NULL AND fired_at IS NULL AND cancelled_at IS NULL"
                        )
                    )
                    .scalars()
                    .all()
                )
                pids = [int(owner.split(":")[1]) for owner in owners]
        finally:
            engine.dispose()
        by_pid = {r.process.pid: i for i, r in enumerate(self.replicas) if r.process is not None}
        return Counter(by_pid[pid] for pid in pids if pid in by_pid)

    def sender(self, index: int) -> SlackSender:
        return SlackSender(f"{self.replicas[index].url}/slack/events", SIGNING_SECRET, fake=self.fake)

    def replica_of(self, call: RecordedCall) -> int:
        return next(i for i, r in enumerate(self.replicas) if r.token == call.token)

    def dm_user(self, dm: str) -> str:
        """Who the bot opened direct conversation ``dm`` with."""
        opened = self.fake.calls_to("conversations.open")
        return next(str(c.args["users"]) for c in opened if c.response.get("channel", {}).get("id") == dm)

    def pages(self) -> list[tuple[str, int, RecordedCall]]:
        """(incident ref, level, call) for every page DM the fake received, in order."""
        dm_users = {
            c.response["channel"]["id"]: c.args["users"]
            for c in self.fake.calls_to("conversations.open")
            if c.response and c.response.get("channel")
        }
        found = []
        for call in self.fake.calls_to("chat.postMessage"):
            text = str(call.args.get("text"))
            if call.ok and call.args["channel"].startswith("D") and is_page(text):
                ref = REF.search(text)
                assert ref is not None, text
                found.append((ref.group(0), LEVELS[dm_users[call.args["channel"]]], call))
        return found

    async def wait_for_pages(
        self, count: int, timeout: float, *, level: int | None = None, linger: float = 1.0
    ) -> list[tuple[str, int, RecordedCall]]:
        """Wait for ``count`` pages (of ``level``, or any), then ``linger`` so a duplicate would show."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len([p for p in self.pages() if level in (None, p[1])]) >= count:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(linger)
        return self.pages()

    async def acknowledge(self, index: int, page: RecordedCall) -> None:
        """The paged person clicks the page DM's button, through replica ``index``."""
        dm = str(page.args["channel"])
        message = next(m for m in self.fake.messages(dm) if m.ts == page.response["ts"])
        assert message.blocks is not None
        value = next(
            e["value"] for b in message.blocks for e in b.get("elements", []) if e.get("action_id") == "page_ack"
        )
        click = self.sender(index).block_actions(
            "page_ack", value, user_id=self.dm_user(dm), channel_id=dm, message_ts=message.ts
        )
        assert (await self.sender(index).interactivity(click)).status == 200

    def logs(self) -> str:
        return "\n".join(r.log.read_text(errors="replace") for r in self.replicas if r.log.exists())


@pytest.fixture
def pg_schema() -> Iterator[str]:
    _require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        _drop_schema(schema)


async def start_cluster(pg_url: str, tmp_path: Path, count: int, extra_env: dict[str, str] | None = None) -> Cluster:
    fake = FakeSlack()
    await fake.start()
    everyone = [p[0] for p in PEOPLE]
    for user_id, name, real_name, tz, locale in PEOPLE:
        fake.add_user(user_id, name, real_name=real_name, tz=tz, locale=locale)
    fake.add_channel("general", members=everyone)
    fake.add_channel("incidents", members=everyone, channel_id=ANNOUNCE_CHANNEL)
    config = tmp_path / "team.yaml"
    config.write_text(yaml.safe_dump(TEAM))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIKESHI_", "DATABASE_"))},
        **(extra_env or {}),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": pg_url,
        "HIKESHI_CONFIG": str(config),
    }
    replicas = [
        Replica(_free_port(), tmp_path / f"replica{i}.log", {**env, "SLACK_BOT_TOKEN": f"{BOT_TOKEN}-r{i}"})
        for i in range(count)
    ]
    for replica in replicas:  # all at once: the migration runs once, under the advisory lock
        replica.start()
    cluster = Cluster(fake, replicas, pg_url)
    try:
        await asyncio.gather(*(r.ready() for r in replicas))
    except BaseException:
        await stop_cluster(cluster)
        raise
    return cluster


async def stop_cluster(cluster: Cluster) -> None:
    for replica in cluster.replicas:
        replica.kill_quietly()
    await cluster.fake.stop()


@pytest.fixture
async def cluster(pg_schema: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    c = await start_cluster(pg_schema, tmp_path, 3)
    try:
        yield c
    finally:
        await stop_cluster(c)

"""``hikeshi demo``: a whole incident against the local Slack stand-in, as a transcript.

The bot runs its real HTTP server on loopback, the stand-in plays Slack's Web API, and every
step of the script is a signed request shaped exactly as Slack would send it.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from bot.config import TeamConfig
from bot.local_stack import ANNOUNCE_CHANNEL, LocalStack, start_local_stack
from bot.transcript import Transcript

Step = Callable[[LocalStack, "DemoState"], Awaitable[None]]


class DemoState:
    def __init__(self, out_dir: Path, lang: str) -> None:
        self.out_dir = out_dir
        self.lang = lang
        self.channel: str | None = None
        self.seen_calls = 0
        self.seen_responses = 0


def _names(stack: LocalStack) -> Transcript:
    def user(uid: str) -> str:
        u = stack.fake.workspace.users.get(uid)
        return u.name if u else uid

    def channel(cid: str) -> str:
        try:
            return stack.fake.channel(cid).name
        except KeyError:
            return cid

    return Transcript(user, channel)


def _flush(stack: LocalStack, state: DemoState) -> None:
    transcript = _names(stack)
    for call in stack.fake.calls[state.seen_calls :]:
        line = transcript.describe(call.method, call.args)
        if line:
            print(line)
    state.seen_calls = len(stack.fake.calls)
    for posted in stack.fake.responses[state.seen_responses :]:
        print(transcript.response(posted.body))
    state.seen_responses = len(stack.fake.responses)


def _say(title: str) -> None:
    print(f"\n── {title} " + "─" * max(0, 70 - len(title)))


async def _declare(stack: LocalStack, state: DemoState) -> None:
    _say("alice: /incident declare Checkout API returns 500s --sev critical")
    before = {c["id"] for c in stack.fake.channels()}
    await stack.command(f"declare Checkout API returns 500s --sev critical --lang {state.lang}")
    await stack.settle()
    created = [c["id"] for c in stack.fake.channels() if c["id"] not in before]
    state.channel = created[0] if created else None


async def _resolve(stack: LocalStack, state: DemoState) -> None:
    _say("alice, 40 minutes later: /incident resolve rolled back release 2026.11.22-3")
    stack.clock.advance(timedelta(minutes=40))
    assert state.channel is not None
    await stack.command("resolve rolled back release 2026.11.22-3", channel_id=state.channel, channel_name="incident")
    await stack.settle()


SCRIPT: list[Step] = [_declare, _resolve]


async def run_demo(*, out_dir: str = "demo-output", lang: str = "en") -> int:
    logging.getLogger().setLevel(logging.WARNING)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hikeshi-demo-") as tmp:
        database = f"sqlite:///{Path(tmp) / 'demo.db'}"
        team = TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, locale=lang)
        stack = await start_local_stack(database, team=team)
        state = DemoState(out, lang)
        print(f"Hikeshi demo — bot on {stack.bot.url}, Slack stand-in on {stack.fake.base_url}")
        print(f"database: {database} (temporary)")
        try:
            for step in SCRIPT:
                await step(stack, state)
                _flush(stack, state)
        finally:
            await stack.close()
    print("\nThe incident ran end to end.")
    return 0

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
from bot.kb_cli import STARTER as STARTER_KB
from bot.local_stack import ANNOUNCE_CHANNEL, PEOPLE, LocalStack, start_local_stack
from bot.transcript import Transcript
from knowledge.ingest import read_sources

DEMO_ROSTER = {
    "levels": {
        "level1": {"members": ["U0BOB"]},
        "level2": {
            "rotation": {
                "every": "weekly",
                "handoff": "mon 10:00",
                "members": ["U0DAVE", "U0ERIN"],
                "start": "2026-11-16",
            }
        },
        "level3": {"members": ["U0FRANK"]},
    }
}

Step = Callable[[LocalStack, "DemoState"], Awaitable[None]]

# What the responders write, in the language the demo plays.
SCRIPT_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "declare": "Checkout API returns 500s --sev critical",
        "note": "note LB logs show 502s from pool b only",
        "hypothesis": "hypothesis DB connection pool exhausted after the 14:20 config push",
        "graph": "pool at 200/200 connections since 14:21 (see graph)",
        "rootcause": "rootcause config push halved the pool size",
        "update": "update Config rolled back; error rate falling",
        "mitigated": "mitigated rolled back config push 2026.11.22-3",
        "action": "action add short Alert on DB pool saturation <@U0DAVE|dave>",
        "resolve": "resolve error rate back to normal for 15 minutes",
    },
    "ja": {
        "declare": "決済APIで500エラーが多発 --sev 重大",
        "note": "メモ LBのログではプールbからのみ502が出ている",
        "hypothesis": "仮説 14:20の設定反映後にDBコネクションプールが枯渇した",
        "graph": "14:21からプールが200/200接続で張り付いています（グラフ参照）",
        "rootcause": "根本原因 設定反映でプールサイズが半分になっていた",
        "update": "更新 設定をロールバックしました。エラー率は低下中です",
        "mitigated": "緩和 設定反映 2026.11.22-3 をロールバック",
        "action": "action add short DBプール飽和のアラートを追加 <@U0DAVE|dave>",
        "resolve": "解決 エラー率が15分間平常に戻った",
    },
}


class DemoState:
    def __init__(self, out_dir: Path, lang: str) -> None:
        self.out_dir = out_dir
        self.lang = lang
        self.channel: str | None = None
        self.seen_calls = 0
        self.seen_responses = 0
        self.files: list[Path] = []
        self.asker: str | None = None  # who ran the last command: its reply is in their language
        self.text = SCRIPT_TEXT[lang]


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
        print(transcript.response(posted.body, to=state.asker))
    state.seen_responses = len(stack.fake.responses)


def _say(title: str) -> None:
    print(f"\n── {title} " + "─" * max(0, 70 - len(title)))


async def _cmd(stack: LocalStack, state: DemoState, who: str, text: str, *, minutes: float = 0) -> None:
    if minutes:
        stack.clock.advance(timedelta(minutes=minutes))
    _say(f"{who}: /incident {text}")
    user = next(p[0] for p in PEOPLE if p[1] == who)
    state.asker = user
    await stack.command(f"{text}", channel_id=state.channel or "C0GENERAL", channel_name="incident", user_id=user)
    await stack.settle()
    _flush(stack, state)


async def _declare(stack: LocalStack, state: DemoState) -> None:
    _say(f"alice: /incident declare {state.text['declare']}")
    before = {c["id"] for c in stack.fake.channels()}
    state.asker = "U0ALICE"
    await stack.command(f"declare {state.text['declare']} --lang {state.lang}")
    await stack.settle()
    created = [c["id"] for c in stack.fake.channels() if c["id"] not in before and c["id"].startswith("C")]
    state.channel = created[0] if created else None


async def _nobody_answers(stack: LocalStack, state: DemoState) -> None:
    _say("15 minutes pass and level1 has not acknowledged: the policy pages level2")
    await stack.advance(timedelta(minutes=15))


async def _acknowledge(stack: LocalStack, state: DemoState) -> None:
    _say("dave presses Acknowledge in the page DM")
    dm = next(
        c.args["channel"]
        for c in reversed(stack.fake.calls_to("chat.postMessage"))
        if str(c.args.get("channel", "")).startswith("D") and "page_ack" in str(c.args.get("blocks"))
    )
    page = next(m for m in reversed(stack.fake.messages(dm)) if "page_ack" in str(m.blocks))
    click = stack.sender.block_actions(
        "page_ack",
        str((await stack.services.store.list_open())[0].id),
        user_id="U0DAVE",
        channel_id=dm,
        message_ts=page.ts,
    )
    await stack.sender.interactivity(click)
    await stack.settle()


async def _work_the_incident(stack: LocalStack, state: DemoState) -> None:
    await _cmd(stack, state, "carol", state.text["note"], minutes=2)
    await _cmd(stack, state, "dave", state.text["hypothesis"], minutes=3)
    assert state.channel is not None
    _say("bob posts a graph; carol reacts with :pushpin: to put it on the timeline")
    ts = stack.fake.add_message(
        state.channel,
        "U0BOB",
        state.text["graph"],
        files=[{"id": "F0GRAPH", "name": "db-pool.png", "permalink": "https://files.example/db-pool.png"}],
    )
    await stack.sender.event(stack.sender.reaction_added("U0CAROL", "pushpin", state.channel, ts, "U0BOB"))
    await stack.settle()
    _flush(stack, state)
    await _cmd(stack, state, "dave", state.text["rootcause"], minutes=5)
    await _cmd(
        stack, state, "alice", "impact users=10000 tps=50 revenue_per_txn=10 services=checkout,payments", minutes=1
    )
    await _cmd(stack, state, "alice", state.text["update"], minutes=4)
    await _cmd(stack, state, "dave", state.text["mitigated"], minutes=5)
    await _cmd(stack, state, "alice", state.text["action"], minutes=2)


async def _resolve(stack: LocalStack, state: DemoState) -> None:
    await _cmd(stack, state, "alice", state.text["resolve"], minutes=15)
    for upload in stack.fake.uploads:
        path = state.out_dir / upload.filename
        path.write_bytes(upload.content or b"")
        state.files.append(path)


SCRIPT: list[Step] = [_declare, _nobody_answers, _acknowledge, _work_the_incident, _resolve]


async def demo_stack(database: str, lang: str) -> tuple[LocalStack, int]:
    """The demo's team and the starter knowledge base, on ``database``; the number of entries."""
    team = TeamConfig(announcement_channel=ANNOUNCE_CHANNEL, locale=lang, roster=DEMO_ROSTER)
    stack = await start_local_stack(database, team=team)
    report = await stack.services.knowledge.import_sources(read_sources(STARTER_KB))
    return stack, len(report.added)


async def play(stack: LocalStack, state: DemoState) -> None:
    for step in SCRIPT:
        await step(stack, state)
        _flush(stack, state)


async def run_demo(*, out_dir: str = "demo-output", lang: str = "en") -> int:
    logging.getLogger().setLevel(logging.WARNING)
    out = (Path(out_dir) / lang).resolve()  # the two languages never overwrite each other's files
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hikeshi-demo-") as tmp:
        database = f"sqlite:///{Path(tmp) / 'demo.db'}"
        stack, entries = await demo_stack(database, lang)
        state = DemoState(out, lang)
        print(f"Hikeshi demo — bot on {stack.bot.url}, Slack stand-in on {stack.fake.base_url}")
        print(f"database: {database} (temporary); starter knowledge base: {entries} entries")
        try:
            await play(stack, state)
        finally:
            await stack.close()
    print("\nThe incident ran end to end. Postmortem files written:")
    for path in state.files:
        print(f"  {path}")
    return 0

"""The demo's incident channel holds what a person would write down, and no bookkeeping."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo import DemoState, demo_stack, play
from incident.model import BOOKKEEPING_KINDS

# What a person keeping the channel would write, by the message's opening words.
_KINDS = {
    "summary": ("INC-",),
    "live timeline": ("Timeline of",),
    "cards": ("Knowledge base suggestions",),
    "page": (":pager:", "<!here>"),
    "ack": (":white_check_mark: <@U0DAVE>",),
    "status update": (":mega:",),
    "resolution": (":white_check_mark: <@U0ALICE>",),
    "postmortem": (":memo:",),
    "save prompt": (":books:",),
}


def _kind(text: str, files: object) -> str:
    if not text and files:
        return "postmortem"  # the draft's files, shared after its message
    if text.startswith("INC-") and "のタイムライン:" in text:
        return "live timeline"
    if text.startswith("INC-") and "へのナレッジ提案:" in text:
        return "cards"
    return next((kind for kind, starts in _KINDS.items() if text.startswith(starts)), f"unexpected: {text[:80]!r}")


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_demo_channel_holds_what_a_person_would_write(tmp_path: Path, lang: str) -> None:
    stack, _ = await demo_stack(f"sqlite:///{tmp_path / 'demo.db'}", lang)
    state = DemoState(tmp_path, lang)
    try:
        await play(stack, state)
        assert state.channel is not None
        posted = [m for m in stack.fake.messages(state.channel) if m.user == "U0BOT"]
        kinds = [_kind(m.text, getattr(m, "files", None)) for m in posted]
        incident = await stack.services.store.by_channel(state.channel)
        assert incident is not None
        postmortem = await stack.services.postmortem.build(incident)
    finally:
        await stack.close()
    assert [k for k in kinds if k.startswith("unexpected")] == []
    assert kinds.count("summary") == 1 and kinds.count("live timeline") == 1
    assert kinds.count("cards") <= 2
    assert kinds.count("status update") == 1 and kinds.count("ack") == 1
    assert kinds.count("page") == 3  # level1, @here for a critical incident, level2 after 15 minutes
    # On resolution: who resolved it, then the postmortem, then the invitation to save what was learnt.
    ending = [k for k in kinds if k in ("resolution", "postmortem", "save prompt")]
    assert ending[0] == "resolution" and ending[-1] == "save prompt" and set(ending[1:-1]) == {"postmortem"}
    assert [e.kind for e in postmortem.timeline if e.kind in BOOKKEEPING_KINDS] == []

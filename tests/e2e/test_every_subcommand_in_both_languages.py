"""Every /incident subcommand answers in the language asked for, through the signed harness."""

from __future__ import annotations

import re

import pytest

from bot.local_stack import LocalStack
from tests.e2e.test_declare_and_resolve import declare

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# (subcommand text, run inside the incident channel?)
SEQUENCE = [
    ("help", False),
    ("list", False),
    ("show INC-2026-0001", False),
    ("show", True),
    ("status identified", True),
    ("sev critical", True),
    ("commander <@U0BOB>", True),
    ("role comms <@U0CAROL>", True),
    ("role scribe <@U0DAVE>", True),
    ("impact users=10000 tps=50 revenue_per_txn=10 services=checkout", True),
    ("update rolled back the config", True),
    ("ack", True),
    ("note checked the load balancer", True),
    ("event -5m alert error rate above 2%", True),
    ("hypothesis pool exhausted", True),
    ("rootcause config push halved the pool", True),
    ("mitigated rolled back", True),
    ("timeline", True),
    ("timeline edit 3 corrected", True),
    ("kb gateway timeout", True),
    ("action add short Alert on pool saturation", True),
    ("action done 1", True),
    ("resolve error rate normal", True),
    ("postmortem", True),
    ("reopen came back", True),
    ("resolve fixed again", True),
    ("close", True),
    ("report 2026-11", False),
    ("timeline delete 99", True),
    ("explode", False),
]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_each_subcommand_answers_in_the_requested_language(stack: LocalStack, lang: str) -> None:
    channel = await declare(stack, f"Checkout down --lang {lang}", user_id="U0BOB")  # bob commands
    for text, in_channel in SEQUENCE:
        before = len(stack.fake.responses)
        response = await stack.command(
            f"{text} --lang {lang}", channel_id=channel if in_channel else "C0GENERAL", user_id="U0BOB"
        )
        assert response.status == 200, text
        await stack.settle()
        answers = [r.text for r in stack.fake.responses[before:]]
        if response.json and response.json.get("text"):
            answers.append(response.json["text"])
        assert answers, f"no answer to {text!r}"
        answer = answers[-1]
        if lang == "ja":
            assert JAPANESE.search(answer), f"{text!r} answered in English: {answer!r}"
        else:
            assert not JAPANESE.search(answer.replace("Checkout down", "")), (
                f"{text!r} answered in Japanese: {answer!r}"
            )

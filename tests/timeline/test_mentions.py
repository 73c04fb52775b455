"""Slack references become readable names in exports, with one look-up per id."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from incident.clock import FakeClock
from timeline.mentions import CachingNameDirectory, readable, readable_all


class CountingDirectory:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.users = {"U123": "Alice", "U0BOB": "ボブ"}
        self.channels = {"C123": "inc-2026-0007"}

    async def user_name(self, user_id: str) -> str | None:
        self.calls.append(("user", user_id))
        await asyncio.sleep(0)
        return self.users.get(user_id)

    async def channel_name(self, channel_id: str) -> str | None:
        self.calls.append(("channel", channel_id))
        await asyncio.sleep(0)
        return self.channels.get(channel_id)


@pytest.mark.parametrize(
    ("typed", "readable_text"),
    [
        ("<@U123> checked the LB", "@Alice checked the LB"),
        ("<@U123|alice> checked", "@Alice checked"),
        ("<@U0GONE|old-name> left", "@old-name left"),
        ("<@U0GONE> left", "@U0GONE left"),
        ("see <#C123>", "see #inc-2026-0007"),
        ("see <#C999|ops>", "see #ops"),
        ("<!here> rollback now", "@here rollback now"),
        ("<!channel> and <!everyone>", "@channel and @everyone"),
        ("<!subteam^S0DB|@db-oncall> please look", "@db-oncall please look"),
        ("runbook <https://x.example/rb|DB failover>", "runbook DB failover (https://x.example/rb)"),
        ("bare <https://x.example/a?b=1&amp;c=2>", "bare https://x.example/a?b=1&c=2"),
        ("mail <mailto:ops@example.com|ops@example.com>", "mail ops@example.com"),
        ("5xx &gt; 2% &amp; rising", "5xx > 2% & rising"),
        ("<@U0BOB> が再起動 🔥", "@ボブ が再起動 🔥"),
        ("no references at all", "no references at all"),
    ],
)
async def test_references_become_plain_words(typed: str, readable_text: str) -> None:
    assert await readable(typed, CountingDirectory()) == readable_text


async def test_a_thousand_entries_mentioning_one_person_cost_one_lookup() -> None:
    inner = CountingDirectory()
    names = CachingNameDirectory(inner, ttl=timedelta(hours=1), clock=FakeClock())
    texts = [f"<@U123> step {i} in <#C123>" for i in range(1000)]
    out = await readable_all(texts, names)
    assert out[999] == "@Alice step 999 in #inc-2026-0007"
    assert sorted(inner.calls) == [("channel", "C123"), ("user", "U123")]


async def test_concurrent_lookups_of_one_id_share_a_single_call() -> None:
    inner = CountingDirectory()
    names = CachingNameDirectory(inner, ttl=timedelta(hours=1), clock=FakeClock())
    results = await asyncio.gather(*(readable("<@U123>", names) for _ in range(200)))
    assert set(results) == {"@Alice"} and inner.calls == [("user", "U123")]


async def test_unknown_ids_are_cached_too() -> None:
    inner = CountingDirectory()
    names = CachingNameDirectory(inner, ttl=timedelta(hours=1), clock=FakeClock())
    for _ in range(10):
        assert await names.user_name("U0GONE") is None
    assert inner.calls == [("user", "U0GONE")]


async def test_a_name_is_asked_again_once_the_ttl_has_passed() -> None:
    clock = FakeClock()
    inner = CountingDirectory()
    names = CachingNameDirectory(inner, ttl=timedelta(minutes=10), clock=clock)
    await names.user_name("U123")
    clock.advance(timedelta(minutes=9))
    await names.user_name("U123")
    assert len(inner.calls) == 1
    inner.users["U123"] = "Alice Renamed"
    clock.advance(timedelta(minutes=2))
    assert await names.user_name("U123") == "Alice Renamed"
    assert len(inner.calls) == 2


async def test_a_failed_lookup_is_not_cached() -> None:
    class Flaky(CountingDirectory):
        async def user_name(self, user_id: str) -> str | None:
            self.calls.append(("user", user_id))
            if len(self.calls) == 1:
                raise RuntimeError("ratelimited")
            return "Alice"

    inner = Flaky()
    names = CachingNameDirectory(inner, ttl=timedelta(hours=1), clock=FakeClock())
    with pytest.raises(RuntimeError):
        await names.user_name("U123")
    assert await names.user_name("U123") == "Alice"
    assert len(inner.calls) == 2

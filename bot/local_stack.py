"""The bot wired to the local Slack stand-in: what ``hikeshi demo`` and the e2e tests run.

Requests reach the bot over real HTTP on loopback, signed as Slack signs them, and the bot's
Web API calls go to the stand-in over real HTTP too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.config import Settings, TeamConfig
from bot.runtime import RunningBot, start_bot
from fakeslack.sender import SentRequest, SlackSender
from fakeslack.server import FakeSlack
from incident.clock import FakeClock

SIGNING_SECRET = "local-stand-in-signing-secret"  # noqa: S105 - the stand-in's own, not a real secret
BOT_TOKEN = "xoxb-local-stand-in"  # noqa: S105
ANNOUNCE_CHANNEL = "C0INCIDENTS"

# (id, name, real name, time zone, Slack language): alice and dave use Slack in English,
# the others in Japanese.
PEOPLE: tuple[tuple[str, str, str, str, str], ...] = (
    ("U0ALICE", "alice", "Alice Tanaka", "Asia/Tokyo", "en-US"),
    ("U0BOB", "bob", "Bob Suzuki", "Asia/Tokyo", "ja-JP"),
    ("U0CAROL", "carol", "Carol Sato", "Asia/Tokyo", "ja-JP"),
    ("U0DAVE", "dave", "Dave Ito", "Europe/London", "en-GB"),
    ("U0ERIN", "erin", "Erin Kato", "Asia/Tokyo", "ja-JP"),
    ("U0FRANK", "frank", "Frank Mori", "Asia/Tokyo", "ja-JP"),
)


@dataclass
class LocalStack:
    fake: FakeSlack
    bot: RunningBot
    sender: SlackSender
    clock: FakeClock

    @property
    def services(self) -> Any:
        return self.bot.services

    async def command(self, text: str, **kwargs: Any) -> SentRequest:
        return await self.sender.command(text, **kwargs)

    async def advance(self, delta: timedelta) -> int:
        """Move the fake clock, fire what became due, and wait for the work it started."""
        self.clock.advance(delta)
        fired = await self.bot.services.timers.run_due()
        await self.settle()
        return fired

    async def settle(self, timeout: float = 15.0) -> None:
        """Wait until the work started by earlier requests has finished."""
        await self.bot.services.settle(timeout)

    async def close(self) -> None:
        await self.bot.stop()
        await self.fake.stop()


async def start_local_stack(
    database_url: str,
    *,
    team: TeamConfig | None = None,
    clock: FakeClock | None = None,
    fake: FakeSlack | None = None,
) -> LocalStack:
    clock = clock or FakeClock()
    # The stand-in stamps messages from the same injected clock as the bot.
    fake = fake or FakeSlack(clock=lambda: clock.now().timestamp())
    await fake.start()
    for user_id, name, real_name, tz, locale in PEOPLE:
        fake.add_user(user_id, name, real_name=real_name, tz=tz, locale=locale)
    everyone = [p[0] for p in PEOPLE]
    if fake.channel_by_name("general") is None:
        fake.add_channel("general", members=everyone)
    if fake.channel_by_name("incidents") is None:
        fake.add_channel("incidents", members=everyone, channel_id=ANNOUNCE_CHANNEL)
    settings = Settings.model_validate(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
        }
    )
    bot = await start_bot(settings, team or TeamConfig(), clock, host="127.0.0.1", port=0, drive_wall_clock=False)
    sender = SlackSender(bot.events_url, SIGNING_SECRET, fake=fake)
    return LocalStack(fake=fake, bot=bot, sender=sender, clock=clock)

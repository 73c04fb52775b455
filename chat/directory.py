"""Cached look-ups of people, channels and user groups, so renders never call Slack per entry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from chat.errors import ChatError
from chat.gateway import SlackGateway
from incident.clock import Clock

TTL = timedelta(hours=1)


class _Cache:
    def __init__(self, clock: Clock, ttl: timedelta) -> None:
        self._clock = clock
        self._ttl = ttl
        self._values: dict[str, tuple[datetime, Any]] = {}
        self._loading: dict[str, asyncio.Future[Any]] = {}

    def peek(self, key: str) -> tuple[bool, Any]:
        hit = self._values.get(key)
        if hit is None or self._clock.now() - hit[0] > self._ttl:
            return False, None
        return True, hit[1]

    async def get(self, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        found, value = self.peek(key)
        if found:
            return value
        # Two listeners asking at once (the warm-up and the command itself) make one Slack call.
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited future logs nothing
            raise
        else:
            self._values[key] = (self._clock.now(), value)
            future.set_result(value)
            return value
        finally:
            del self._loading[key]


class SlackDirectory:
    def __init__(self, gateway: SlackGateway, clock: Clock, ttl: timedelta = TTL) -> None:
        self._gateway = gateway
        self._users = _Cache(clock, ttl)
        self._channels = _Cache(clock, ttl)
        self._groups = _Cache(clock, ttl)

    async def _user(self, user_id: str) -> dict[str, Any] | None:
        user: dict[str, Any] | None = await self._users.get(user_id, lambda: self._gateway.user_info(user_id))
        return user

    async def user_name(self, user_id: str) -> str | None:
        user = await self._user(user_id)
        if not user:
            return None
        profile = user.get("profile") or {}
        return str(profile.get("display_name") or user.get("real_name") or user.get("name") or user_id)

    async def channel_name(self, channel_id: str) -> str | None:
        channel = await self._channels.get(channel_id, lambda: self._gateway.channel_info(channel_id))
        return str(channel["name"]) if channel else None

    def cached_locale(self, user_id: str) -> str | None:
        """The user's Slack language if already known; never calls Slack (used before an ack)."""
        found, user = self._users.peek(user_id)
        return _locale(user) if found else None

    async def locale_of(self, user_id: str) -> str | None:
        return _locale(await self._user(user_id))

    async def groups_of(self, user_id: str, groups: Iterable[str]) -> frozenset[str]:
        member_of = set()
        for group in groups:
            members = await self._groups.get(group, partial(self._members, group))
            if user_id in members:
                member_of.add(group)
        return frozenset(member_of)

    async def _members(self, group: str) -> frozenset[str]:
        try:
            return frozenset(await self._gateway.usergroup_members(group))
        except ChatError:
            return frozenset()


def _locale(user: dict[str, Any] | None) -> str | None:
    if not user:
        return None
    locale = str(user.get("locale") or "")
    if locale.startswith("ja"):
        return "ja"
    if locale.startswith("en"):
        return "en"
    return None

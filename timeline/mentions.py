"""Slack mrkdwn references made readable for exports.

Entries are stored as typed (``<@U123>``, ``<#C123|ops>``, ``<https://x|runbook>``) so the
live view keeps its links; a postmortem or spreadsheet needs names instead. Names come from
a :class:`NameDirectory`; :class:`CachingNameDirectory` makes sure a thousand entries that
mention the same person cost one look-up, not a thousand.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Protocol

from incident.clock import Clock

# <@U123>, <@W123|name>, <#C123>, <#C123|name>, <!here>, <!subteam^S1|@team>, <url|label>
_REFERENCE = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


class NameDirectory(Protocol):
    """Where names for Slack ids come from (``users.info`` / ``conversations.info``)."""

    async def user_name(self, user_id: str) -> str | None:
        """The person's display name, or None when unknown."""
        ...

    async def channel_name(self, channel_id: str) -> str | None:
        """The channel's name without ``#``, or None when unknown."""
        ...


class CachingNameDirectory:
    """Wraps a directory so each id is asked for at most once per ``ttl``.

    Unknown ids (None) are cached too, and concurrent look-ups of one id share a single
    call to the inner directory. A failing look-up is not cached.
    """

    def __init__(self, inner: NameDirectory, ttl: timedelta, clock: Clock) -> None:
        self._inner = inner
        self._ttl = ttl
        self._clock = clock
        self._known: dict[tuple[str, str], tuple[datetime, str | None]] = {}
        self._asking: dict[tuple[str, str], asyncio.Future[str | None]] = {}

    async def user_name(self, user_id: str) -> str | None:
        """The cached (or freshly looked-up) name of ``user_id``."""
        return await self._lookup(("user", user_id), lambda: self._inner.user_name(user_id))

    async def channel_name(self, channel_id: str) -> str | None:
        """The cached (or freshly looked-up) name of ``channel_id``."""
        return await self._lookup(("channel", channel_id), lambda: self._inner.channel_name(channel_id))

    async def _lookup(self, key: tuple[str, str], ask: Callable[[], Awaitable[str | None]]) -> str | None:
        hit = self._known.get(key)
        if hit is not None and self._clock.now() < hit[0]:
            return hit[1]
        pending = self._asking.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        self._asking[key] = future
        try:
            name = await ask()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # marks it retrieved when nobody else was waiting
            raise
        else:
            self._known[key] = (self._clock.now() + self._ttl, name)
            future.set_result(name)
            return name
        finally:
            self._asking.pop(key, None)


async def readable(text: str, names: NameDirectory) -> str:
    """``text`` with every mrkdwn reference replaced by plain words, and entities unescaped."""
    parts: list[str] = []
    last = 0
    for match in _REFERENCE.finditer(text):
        parts.append(_unescape(text[last : match.start()]))
        parts.append(await _reference(match.group(1), match.group(2), match.group(3), names))
        last = match.end()
    parts.append(_unescape(text[last:]))
    return "".join(parts)


async def readable_all(texts: Iterable[str], names: NameDirectory) -> list[str]:
    """:func:`readable` over many texts (an export); the directory's cache does the sharing.
    Text without a reference is kept as it is, and the event loop runs between slices."""
    out: list[str] = []
    for i, text in enumerate(texts, 1):
        out.append(await readable(text, names) if "<" in text or "&" in text else text)
        if i % 2_000 == 0:
            await asyncio.sleep(0)
    return out


async def _reference(sigil: str, target: str, label: str | None, names: NameDirectory) -> str:
    if sigil == "@":
        name = await names.user_name(target)
        return "@" + (name or label or target)
    if sigil == "#":
        name = await names.channel_name(target)
        return "#" + (name or label or target)
    if sigil == "!":
        return _special(target, label)
    if label:
        url = _unescape(target)
        shown = _unescape(label)
        return shown if shown == url or url.startswith("mailto:") else f"{shown} ({url})"
    return _unescape(target.removeprefix("mailto:"))


def _special(target: str, label: str | None) -> str:
    if target in _SPECIAL:
        return _SPECIAL[target]
    if label:
        return _unescape(label)  # <!subteam^S1|@oncall>, <!date^…|fallback>
    return "@" + target.split("^", 1)[-1]


def _unescape(text: str) -> str:
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text

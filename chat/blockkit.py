"""Block Kit's size limits, in one place, and the blocks that respect them.

Slack refuses a message whose header is over 150 characters, a section over 3,000, a field
over 2,000, more than 10 fields or 50 blocks, a modal title over 24 and an option over 75
(``invalid_blocks``). Every text is cut with :func:`clip`, which never cuts inside a
``<@U…>``, ``<#C…>`` or link token (a half token shows as garbage, or is refused).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Block = dict[str, Any]

HEADER_TEXT_MAX = 150
SECTION_TEXT_MAX = 3_000
FIELD_TEXT_MAX = 2_000
MAX_FIELDS = 10
MAX_BLOCKS = 50
MODAL_TITLE_MAX = 24
OPTION_TEXT_MAX = 75
TOPIC_MAX = 250
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters with an ellipsis, never inside a ``<…>`` token."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ELLIPSIS))]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    return cut.rstrip() + ELLIPSIS


def plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)}}


def fields(pairs: Iterable[tuple[str, str]]) -> Block:
    """A section of up to ten ``*label*\\nvalue`` fields."""
    shown = list(pairs)[:MAX_FIELDS]
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": clip(f"*{label}*\n{value}", FIELD_TEXT_MAX)} for label, value in shown],
    }


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)}]}


def modal_title(text: str) -> Block:
    return {"type": "plain_text", "text": clip(text, MODAL_TITLE_MAX)}


def option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": clip(text, OPTION_TEXT_MAX)}, "value": value}


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters escaped; anything else in user text shows as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

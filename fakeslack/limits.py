"""Slack's validation rules that the fake enforces: channel names and Block Kit limits.

Each check raises :class:`SlackError` with the error name Slack answers with, so code under
test meets the same refusals it would meet in production.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from fakeslack.objects import SlackError

CHANNEL_NAME_MAX = 80
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BLOCK_ID_MAX = 255
MESSAGE_TEXT_MAX = 40_000
VIEW_BYTES_MAX = 250_000
TOPIC_MAX = 250
INVITE_USERS_MAX = 100

_ASCII_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def check_channel_name(name: str, *, accept_non_latin: bool) -> None:
    """Refuse a name ``conversations.create`` would refuse, with Slack's error name."""
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > CHANNEL_NAME_MAX:
        raise SlackError("invalid_name_maxlength")
    for char in name:
        if char in _ASCII_ALLOWED:
            continue
        if accept_non_latin and _is_non_latin_letter(char):
            continue
        raise SlackError("invalid_name_specials")
    if all(char in "-_" for char in name):
        raise SlackError("invalid_name_punctuation")


def _is_non_latin_letter(char: str) -> bool:
    # Japanese workspaces name channels in kana and kanji; Slack keeps those but still
    # refuses Latin letters outside a-z (accents, uppercase, full-width forms).
    if char.isascii() or not char.isalpha():
        return False
    if char != char.lower():
        return False
    return "LATIN" not in unicodedata.name(char, "")


def check_message_text(text: str | None, blocks: Any, attachments: Any) -> None:
    """A message needs text, blocks or attachments (``no_text``), and text has a length cap."""
    if not text and not blocks and not attachments:
        raise SlackError("no_text")
    if text and len(text) > MESSAGE_TEXT_MAX:
        raise SlackError("msg_too_long")


def check_message_blocks(blocks: Any) -> None:
    """Enforce the Block Kit limits Slack answers with ``invalid_blocks``."""
    if blocks is None:
        return
    problems = block_problems(blocks, max_blocks=MESSAGE_BLOCKS_MAX)
    if problems:
        raise SlackError(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )


def check_view(view: Any) -> None:
    """Enforce the size and block-count limits of ``views.open``/``push``/``update``."""
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments")
    if len(json.dumps(view, ensure_ascii=False).encode()) > VIEW_BYTES_MAX:
        raise SlackError("view_too_large")
    problems = block_problems(view.get("blocks", []), max_blocks=VIEW_BLOCKS_MAX)
    if problems:
        raise SlackError(
            "invalid_arguments",
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )


def block_problems(blocks: Any, *, max_blocks: int) -> list[str]:
    """Every Block Kit limit the blocks break, described like Slack's error messages."""
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"no more than {max_blocks} items allowed [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        problems.extend(_one_block_problems(index, block))
    return problems


def _one_block_problems(index: int, block: Any) -> list[str]:
    where = f"[json-pointer:/blocks/{index}"
    if not isinstance(block, dict) or "type" not in block:
        return [f"missing required field: type {where}]"]
    problems: list[str] = []
    block_id = block.get("block_id")
    if isinstance(block_id, str) and len(block_id) > BLOCK_ID_MAX:
        problems.append(f"must be less than {BLOCK_ID_MAX + 1} characters {where}/block_id]")
    kind = block["type"]
    if kind == "section":
        text = _text_of(block.get("text"))
        if len(text) > SECTION_TEXT_MAX:
            problems.append(f"must be less than {SECTION_TEXT_MAX + 1} characters {where}/text]")
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS_MAX:
            problems.append(f"no more than {SECTION_FIELDS_MAX} items allowed {where}/fields]")
        for n, item in enumerate(fields):
            if len(_text_of(item)) > SECTION_FIELD_TEXT_MAX:
                problems.append(f"must be less than {SECTION_FIELD_TEXT_MAX + 1} characters {where}/fields/{n}/text]")
        if not text and not fields:
            problems.append(f"must provide either text or fields {where}]")
    elif kind == "header":
        text = _text_of(block.get("text"))
        if not text:
            problems.append(f"missing required field: text {where}]")
        if len(text) > HEADER_TEXT_MAX:
            problems.append(f"must be less than {HEADER_TEXT_MAX + 1} characters {where}/text]")
    elif kind == "context":
        if len(block.get("elements") or []) > CONTEXT_ELEMENTS_MAX:
            problems.append(f"no more than {CONTEXT_ELEMENTS_MAX} items allowed {where}/elements]")
    elif kind == "actions" and len(block.get("elements") or []) > ACTIONS_ELEMENTS_MAX:
        problems.append(f"no more than {ACTIONS_ELEMENTS_MAX} items allowed {where}/elements]")
    return problems


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        value = obj.get("text", "")
        return value if isinstance(value, str) else ""
    return ""

"""A readable transcript of what Slack users would have seen, from the stand-in's records."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_MENTION = re.compile(r"<@(U[A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|[^>]*)?>")
_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


class Transcript:
    def __init__(self, user_name: Callable[[str], str], channel_name: Callable[[str], str]) -> None:
        self._user = user_name
        self._channel = channel_name

    def plain(self, text: str) -> str:
        text = _MENTION.sub(lambda m: "@" + self._user(m.group(1)), text)
        text = _CHANNEL.sub(lambda m: "#" + self._channel(m.group(1)), text)
        text = _DATE.sub(lambda m: m.group(1), text)
        text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
        return text.replace("<!here>", "@here").replace("<!channel>", "@channel")

    def _where(self, channel: str) -> str:
        if channel.startswith("D") or channel.startswith("U"):
            return "DM"
        return "#" + self._channel(channel)

    def _blocks_text(self, blocks: Any) -> str:
        lines: list[str] = []
        for block in blocks or []:
            kind = block.get("type")
            if kind == "header":
                lines.append(f"▌{block['text']['text']}")
            elif kind == "section":
                if block.get("text"):
                    lines.append(block["text"]["text"])
                for f in block.get("fields", []):
                    lines.append("  " + f["text"].replace("\n", ": ", 1))
            elif kind == "context":
                lines.append("  " + " ".join(e.get("text", "") for e in block.get("elements", [])))
            elif kind == "actions":
                labels = [e.get("text", {}).get("text", "") for e in block.get("elements", [])]
                lines.append("  [" + "] [".join(labels) + "]")
        return "\n".join(lines)

    def describe(self, method: str, args: dict[str, Any]) -> str | None:
        if method == "conversations.create":
            return f"📣 channel #{args.get('name')} created"
        if method == "conversations.invite":
            users = ", ".join("@" + self._user(u) for u in str(args.get("users", "")).split(",") if u)
            return f"➕ {users} invited to #{self._channel(str(args.get('channel')))}"
        if method == "conversations.setTopic":
            return f"📝 #{self._channel(str(args.get('channel')))} topic: {self.plain(str(args.get('topic')))}"
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            body = self._blocks_text(args.get("blocks")) or str(args.get("text", ""))
            where = self._where(str(args.get("channel")))
            verb = {"chat.postMessage": "", "chat.update": " (edited)", "chat.postEphemeral": " (only you)"}[method]
            return f"💬 {where}{verb}\n" + _indent(self.plain(body))
        if method == "pins.add":
            return f"📌 pinned in #{self._channel(str(args.get('channel')))}"
        if method == "views.open":
            title = args.get("view", {}).get("title", {}).get("text", "")
            return f"🪟 form opened: {title}"
        if method == "files.completeUploadExternal":
            files = args.get("files") or []
            names = ", ".join(str(f.get("title")) for f in files if isinstance(f, dict))
            return f"📎 uploaded to #{self._channel(str(args.get('channel_id')))}: {names}"
        return None

    def response(self, body: dict[str, Any], to: str | None = None) -> str:
        """A reply to a command; ``to`` is the user id of who asked, to say whose language it is in."""
        text = self._blocks_text(body.get("blocks")) or str(body.get("text", ""))
        visibility = "in channel" if body.get("response_type") == "in_channel" else "only you"
        lang = "日本語" if _JAPANESE.search(text) else "English"
        whom = f" to @{self._user(to)}" if to else ""
        return f"💬 reply{whom} ({visibility}, in {lang})\n" + _indent(self.plain(text))


_JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u9fff]")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def render(lines: Iterable[str | None]) -> str:
    return "\n".join(line for line in lines if line)

"""Reading a Web API call's arguments the way Slack does, from every place slack_sdk puts them.

slack_sdk sends most write methods as POST with a query string and an empty body, ``chat.*``
and ``views.*`` as JSON, some reads as GET, and callers may post forms. All of them merge into
one dict; JSON-encoded values (``blocks`` as a form field, ``files`` in a query string) are
decoded so recorded arguments compare equal however they were sent.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from fakeslack.objects import SlackError

# Arguments Slack accepts as JSON text inside a form or query string.
JSON_ARGUMENTS = frozenset({"blocks", "attachments", "files", "view", "metadata"})


async def read_arguments(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (JSON, urlencoded or multipart) into one dict."""
    args: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise SlackError("invalid_json") from exc
            if not isinstance(body, dict):
                raise SlackError("json_not_object")
            args.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                args[key] = value.file.read() if isinstance(value, web.FileField) else value
    return decode_json_arguments(args)


def decode_json_arguments(args: dict[str, Any]) -> dict[str, Any]:
    """Turn JSON-encoded string values of known structured arguments into Python objects."""
    decoded = dict(args)
    for key in JSON_ARGUMENTS & decoded.keys():
        value = decoded[key]
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                decoded[key] = json.loads(value)
            except ValueError as exc:
                raise SlackError("invalid_arguments") from exc
    return decoded


class Args:
    """Typed access to one call's arguments, raising Slack's errors for bad ones."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, name: str) -> Any:
        """The raw value, or None when absent or sent as an empty string."""
        value = self.values.get(name)
        return None if value == "" else value

    def text(self, name: str, default: str = "") -> str:
        """The value as text (numbers sent as JSON become strings)."""
        value = self.get(name)
        return default if value is None else str(value)

    def required(self, name: str, error: str = "invalid_arguments") -> str:
        """The value as text, or ``error`` when missing."""
        value = self.text(name)
        if not value:
            raise SlackError(error)
        return value

    def flag(self, name: str) -> bool:
        """A boolean argument, sent as JSON ``true``, ``"true"`` or ``"1"``."""
        value = self.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1") if value is not None else False

    def integer(self, name: str, default: int | None = None) -> int | None:
        """An integer argument, or ``invalid_arguments`` when it is not one."""
        value = self.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments") from exc

    def id_list(self, name: str) -> list[str]:
        """A comma-separated list of ids (also accepted as a JSON array)."""
        value = self.get(name)
        if value is None:
            return []
        items = value if isinstance(value, list) else str(value).split(",")
        return [str(item).strip() for item in items if str(item).strip()]

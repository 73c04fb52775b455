"""The Web API methods the fake serves, by Slack method name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakeslack.arguments import Args
from fakeslack.methods import chat, conversations, directory, files, views
from fakeslack.workspace import Workspace

Handler = Callable[[Workspace, Args], dict[str, Any]]

HANDLERS: dict[str, Handler] = {
    **conversations.HANDLERS,
    **chat.HANDLERS,
    **directory.HANDLERS,
    **views.HANDLERS,
    **files.HANDLERS,
}

__all__ = ["HANDLERS", "Handler"]

"""Which coroutine runs each parsed ``/incident`` subcommand.

Concern modules register themselves with ``@route(CommandType)``; the command listener
looks the parsed command's type up here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from handlers.context import CommandContext
from handlers.ports import Services

Handler = Callable[[Services, Any, CommandContext], Awaitable[None]]
_ROUTES: dict[type, Handler] = {}
H = TypeVar("H", bound=Handler)


def route(*command_types: type) -> Callable[[H], H]:
    def register(handler: H) -> H:
        for command_type in command_types:
            if command_type in _ROUTES:
                raise RuntimeError(f"{command_type.__name__} routed twice")
            _ROUTES[command_type] = handler
        return handler

    return register


def handler_for(command: object) -> Handler | None:
    return _ROUTES.get(type(command))

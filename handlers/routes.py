"""Which coroutine runs each parsed ``/incident`` subcommand.

Concern modules register themselves with ``@route(CommandType)``; the command listener
looks the parsed command's type up here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from handlers.context import CommandContext
from handlers.ports import Services

Handler = Callable[[Services, Any, CommandContext], Awaitable[None]]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True, slots=True)
class Route:
    handler: Handler
    in_incident: bool  # runs in an incident channel: the listener resolves the incident first


_ROUTES: dict[type, Route] = {}


def route(*command_types: type, in_incident: bool = True) -> Callable[[H], H]:
    """Route parsed commands to ``handler``; by default they act on the channel's incident."""

    def register(handler: H) -> H:
        for command_type in command_types:
            if command_type in _ROUTES:
                raise RuntimeError(f"{command_type.__name__} routed twice")
            _ROUTES[command_type] = Route(handler, in_incident)
        return handler

    return register


def route_for(command: object) -> Route | None:
    return _ROUTES.get(type(command))

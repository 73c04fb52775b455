"""Where the CPU-heavy, pure parts of an export run: the caller decides (a worker process in
the bot, so a 100,000-row spreadsheet never holds the event loop's interpreter lock).

Everything handed to an ``Offload`` is a module-level function and plain data (dataclasses,
datetimes, zones), and what comes back is text or bytes, so it can cross a process boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

from postmortem.markdown import render_markdown
from postmortem.model import PostmortemInput
from postmortem.workbook import build_workbook

P = ParamSpec("P")
R = TypeVar("R")


class Offload(Protocol):
    """Runs ``fn(*args, **kwargs)`` away from the event loop and returns its result."""

    async def __call__(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R: ...


def render_files(pm: PostmortemInput) -> tuple[str, bytes]:
    """Both files of one version in one trip: the Markdown draft and the spreadsheet."""
    return render_markdown(pm), build_workbook(pm)

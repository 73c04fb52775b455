"""Where the CPU-heavy, pure parts of an export run: the caller decides (a worker process in
the bot, so a 100,000-row spreadsheet never holds the event loop's interpreter lock).

Everything handed to an ``Offload`` is a module-level function and plain data (dataclasses,
datetimes, zones), and what comes back is text or bytes, so it can cross a process boundary.
"""

from __future__ import annotations

import asyncio
import pickle  # our own entries, pickled here and read back in our own worker
from collections.abc import Callable
from dataclasses import fields, replace
from typing import ParamSpec, Protocol, TypeVar

from incident.model import EntrySource, TimelineEntry
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


_FIELDS = [f.name for f in fields(TimelineEntry)]
_SOURCE = _FIELDS.index("source")
_SLICE = 10_000  # entries pickled between two turns of the event loop (~20 ms)


async def pack(pm: PostmortemInput) -> tuple[PostmortemInput, list[bytes]]:
    """``pm`` without its entries, and the entries as pickled slices of plain tuples.

    Handing 100,000 entry objects to a worker process means pickling them in one call that
    holds the interpreter lock for about a second; plain tuples pickle six times faster, and
    in slices the event loop runs in between."""
    blobs: list[bytes] = []
    for start in range(0, len(pm.entries), _SLICE):
        rows = [_plain(e) for e in pm.entries[start : start + _SLICE]]
        blobs.append(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        await asyncio.sleep(0)
    return replace(pm, entries=[]), blobs


def _plain(e: TimelineEntry) -> tuple[object, ...]:
    """The entry's fields in order, its source as its value (an enum pickles slowly)."""
    values = [getattr(e, name) for name in _FIELDS]
    values[_SOURCE] = e.source.value
    return tuple(values)


def render_packed(pm: PostmortemInput, blobs: list[bytes]) -> tuple[str, bytes]:
    """:func:`render_files` of a :func:`pack`-ed input, in the worker."""
    entries: list[TimelineEntry] = []
    for blob in blobs:
        for row in pickle.loads(blob):  # noqa: S301 - written by pack() in the bot's own process
            values = list(row)
            values[_SOURCE] = EntrySource(values[_SOURCE])
            entries.append(TimelineEntry(*values))
    return render_files(replace(pm, entries=entries))

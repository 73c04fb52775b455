"""The worker process that exports run in (``postmortem.offload.Offload``).

A thread is not enough: openpyxl and the Markdown renderer are pure Python, so a thread
building a 100,000-row workbook holds the interpreter lock and every ack waits behind it
(the 2026-12-01 bench saw every request time out during such an export). One worker process,
started on first use from a forkserver that has the export code imported already (so it
starts in milliseconds, not the second a fresh interpreter takes), gets plain data in and
bytes out. The app owns it and shuts it down on stop.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Imported once in the forkserver, so every worker forked from it starts with them loaded.
PRELOAD = ("postmortem.offload", "postmortem.report")


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessOffload:
    """Runs pure functions in one worker process, started when first needed."""

    def __init__(self, workers: int = 1) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._workers, mp_context=_context())
        return self._pool

    async def __call__(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        loop = asyncio.get_running_loop()
        call = partial(fn, *args, **kwargs)
        try:
            return await loop.run_in_executor(self._executor(), call)
        except BrokenProcessPool:
            # The worker died (killed, out of memory): a fresh one, and this export tried once more.
            log.warning("export worker died; starting a new one")
            self._pool = None
            return await loop.run_in_executor(self._executor(), call)

    async def close(self) -> None:
        """Stop the worker (after the export it is running, if any)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)

"""The export worker: work runs in another process, and a dead worker is replaced."""

from __future__ import annotations

import os
import signal

from bot.offload import ProcessOffload


async def test_work_runs_in_another_process_and_stops_with_the_app() -> None:
    offload = ProcessOffload()
    try:
        worker = await offload(os.getpid)
        assert worker != os.getpid()
        assert await offload(divmod, 17, 5) == (3, 2)
    finally:
        await offload.close()
    # A call after close starts a fresh worker (the CLI closes after each export).
    try:
        assert await offload(os.getpid) not in (worker, os.getpid())
    finally:
        await offload.close()


async def test_a_killed_worker_is_replaced() -> None:
    offload = ProcessOffload()
    try:
        worker = await offload(os.getpid)
        os.kill(worker, signal.SIGKILL)
        again = await offload(os.getpid)
        assert again not in (worker, os.getpid())
    finally:
        await offload.close()

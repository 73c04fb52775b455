"""Three replicas on one PostgreSQL: killing one mid-escalation loses no page and doubles none."""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.replicas.conftest import ACK_WITHIN, Cluster, start_cluster, stop_cluster

INCIDENTS = 12


def _on_time(pages: list[Any], refs: set[str], levels: tuple[int, ...] = (2, 3)) -> None:
    """Each level comes ACK_WITHIN after the previous one's page, less than 5 s late.

    A level's deadline is armed when the previous level is decided, just before its DM is
    sent, so measuring from the DM overstates the lateness a little (never understates it)."""
    at = {(ref, level): call.at.timestamp() for ref, level, call in pages}
    for ref in refs:
        for level in levels:
            late = at[(ref, level)] - at[(ref, level - 1)] - ACK_WITHIN
            assert -2 < late < 5, (ref, level, late)


async def test_a_killed_replicas_pages_still_go_out_once_and_on_time(cluster: Cluster) -> None:
    for n in range(INCIDENTS):
        response = await cluster.sender(n % 3).command(f"declare Checkout down {n} --sev critical")
        assert response.status == 200 and response.elapsed < 3.0
    level1 = await cluster.wait_for_pages(INCIDENTS, timeout=20, level=1, linger=0)
    assert Counter(level for _, level, _ in level1)[1] == INCIDENTS
    # The level2 deadlines are (nearly all) pending now; the replica that declared a third of them dies.
    cluster.replicas[0].signal(signal.SIGKILL)

    pages = await cluster.wait_for_pages(3 * INCIDENTS, timeout=2 * ACK_WITHIN + 15)
    counts = Counter((ref, level) for ref, level, _ in pages)
    refs = {ref for ref, _ in counts}
    assert len(refs) == INCIDENTS
    assert all(n == 1 for n in counts.values()), counts  # nobody paged twice
    assert len(counts) == 3 * INCIDENTS  # level1, 2 and 3 for every incident
    _on_time(pages, refs)
    channels = [c for c in cluster.fake.calls_to("conversations.create") if c.ok]
    assert len(channels) == INCIDENTS
    assert "Traceback" not in cluster.logs()


async def test_a_replica_killed_right_after_level1_still_escalates_after_restart(
    pg_schema: str, tmp_path: Path
) -> None:
    one = await start_cluster(pg_schema, tmp_path, 1)
    try:
        await one.sender(0).command("declare Payments down --sev critical")
        await one.wait_for_pages(1, timeout=15, level=1, linger=0)
        one.replicas[0].signal(signal.SIGKILL)
        one.replicas[0].start()
        await one.replicas[0].ready()
        back = time.time()
        pages = await one.wait_for_pages(3, timeout=2 * ACK_WITHIN + 15)
        assert sorted(level for _, level, _ in pages) == [1, 2, 3]
        at = {level: call.at.timestamp() for _, level, call in pages}
        # level2 fell due while the replica was down, or comes due after: at once, or on time.
        assert at[2] - max(at[1] + ACK_WITHIN, back) < 5
        _on_time(pages, {pages[0][0]}, levels=(3,))
    finally:
        await stop_cluster(one)
